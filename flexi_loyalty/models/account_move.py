from odoo import _, models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        for move in invoices:
            move._flexi_loyalty_earn_paid()
        # sudo: the ledger follows the payment, whoever records it.
        invoices.sudo().invoice_line_ids.sale_line_ids.order_id._flexi_loyalty_referral_paid()
        return res

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        refunds = posted.filtered(lambda m: m.move_type == "out_refund")
        refunds._flexi_loyalty_reverse_refund()
        if refunds:
            refunds.sudo()._flexi_loyalty_refunded_orders()._flexi_loyalty_referral_refunded()
        return posted

    def _flexi_loyalty_refunded_orders(self):
        """The sale orders these credit notes give money back on."""
        return (
            self.invoice_line_ids.sale_line_ids.order_id
            | self.reversed_entry_id.invoice_line_ids.sale_line_ids.order_id
        )

    # ------------------------------------------------------------ business

    def _flexi_loyalty_line_data(self, program):
        self.ensure_one()
        data = []
        for line in self.invoice_line_ids.filtered(
            lambda ln: ln.display_type == "product"
        ):
            if any(sl.is_downpayment or sl._is_delivery() for sl in line.sale_line_ids):
                continue
            # Rewards, vouchers and the tier discount lower the base, as on
            # the order: points are earned on what is paid.
            data.append(
                {
                    "line": line,
                    "product": line.product_id,
                    "quantity": line.quantity,
                    "amount": program._flexi_amount(
                        line.price_total, line.price_subtotal
                    ),
                    "deduction": any(
                        sl._flexi_loyalty_earns_nothing() for sl in line.sale_line_ids
                    ),
                }
            )
        return data

    def _flexi_loyalty_earn_paid(self):
        """Programs earning on payment: the invoice is the source document."""
        self.ensure_one()
        day = self.invoice_date or self.date
        Program = self.env["flexi.loyalty.program"].sudo()
        for program in Program._flexi_active_programs(self.company_id, day).filtered(
            lambda p: p.earn_trigger == "paid"
        ):
            sub = program._flexi_membership(self.partner_id, "order")
            if not sub or sub.state != "active":
                continue
            points, amount = program._flexi_points_for_lines(
                self._flexi_loyalty_line_data(program),
                day,
                extra_multiplier=sub._flexi_earn_multiplier(),
            )
            sub._flexi_earn(points, amount, self, _("Invoice %s", self.name))

    def _flexi_loyalty_refund_amounts(self, program):
        """{source document: refunded amount on the program's base}.

        Points were earned either by the orders (confirmation, delivery) or by
        the refunded invoice (payment); both are credited with what is refunded.
        """
        self.ensure_one()
        amounts = {}
        for line in self.invoice_line_ids.filtered(
            lambda ln: ln.display_type == "product"
        ):
            amount = program._flexi_amount(line.price_total, line.price_subtotal)
            for source in [*line.sale_line_ids.order_id, *self.reversed_entry_id]:
                amounts[source] = amounts.get(source, 0.0) + amount
        return amounts

    def _flexi_loyalty_refunded_rewards(self):
        """{redeem line: share of its reward this credit note refunds}.

        Points spent come back only with the reward they paid for: returned
        goods alone leave the reward on the invoice, and a voucher bought
        with points has no line here (it stays valid, its points spent).
        ``sudo``: whoever posts the credit note, the ledger follows it.
        """
        self.ensure_one()
        refunded = {}
        for line in self.invoice_line_ids.filtered(
            lambda ln: ln.display_type == "product"
        ):
            for spent in line.sale_line_ids.sudo().flexi_loyalty_ledger_line_id:
                refunded[spent] = refunded.get(spent, 0.0) + abs(line.price_total)
        shares = {}
        for spent, amount in refunded.items():
            unit = (
                self.env["sale.order.line"]
                .sudo()
                .search([("flexi_loyalty_ledger_line_id", "=", spent.id)])
            )
            value = abs(sum(unit.mapped("price_total")))
            shares[spent] = min(1.0, amount / value) if value else 1.0
        return shares

    def _flexi_loyalty_reverse_refund(self):
        """Credit notes take back points earned in proportion to what they
        refund, and give back points spent in proportion to the part of the
        reward they refund."""
        Line = self.env["flexi.loyalty.ledger.line"]
        for refund in self:
            cause = f"account.move,{refund.id}"
            reason = _("Credit note %s", refund.name)
            source = {"res_model": "account.move", "res_id": refund.id}
            programs = (
                self.env["flexi.loyalty.program"]
                .sudo()
                .search([("company_id", "=", refund.company_id.id)])
            )
            for program in programs:
                for document, amount in refund._flexi_loyalty_refund_amounts(
                    program
                ).items():
                    lines = Line._flexi_source_lines(
                        document, ["earn", "pending"]
                    ).filtered(lambda ln, p=program: ln.program_id == p)
                    lines._flexi_reverse(
                        cause, reason, refund_amount=amount, source=source
                    )
            for spent, share in refund._flexi_loyalty_refunded_rewards().items():
                spent._flexi_reverse(
                    cause,
                    reason,
                    refund_amount=None if share >= 1 else share * spent.base_amount,
                    source=source,
                )

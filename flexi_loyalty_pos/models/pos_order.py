from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

# Figures shown on the receipt, written by the server when the order is paid
# (the till loads every pos.order field, these included).
RECEIPT_FIELDS = [
    "flexi_loyalty_points_earned",
    "flexi_loyalty_points_used",
    "flexi_loyalty_balance",
    "flexi_loyalty_next_expiry_date",
    "flexi_loyalty_next_expiry_points",
    "flexi_loyalty_referral_code",
]


class PosOrder(models.Model):
    _name = "pos.order"
    _inherit = ["pos.order", "flexi.loyalty.guarded.mixin"]
    # What the receipt says about points is the server's to write.
    _flexi_guarded_fields = tuple(RECEIPT_FIELDS)

    flexi_loyalty_points_earned = fields.Integer(
        "Points Earned", readonly=True, copy=False
    )
    flexi_loyalty_points_used = fields.Integer("Points Used", readonly=True, copy=False)
    flexi_loyalty_balance = fields.Integer(
        "Points Balance",
        readonly=True,
        copy=False,
        help="The member's balance after this order.",
    )
    flexi_loyalty_next_expiry_date = fields.Date(
        "Next Points Expiry", readonly=True, copy=False
    )
    flexi_loyalty_next_expiry_points = fields.Integer(
        "Points Expiring", readonly=True, copy=False
    )
    flexi_loyalty_referral_code = fields.Char(
        "Member's Referral Code",
        readonly=True,
        copy=False,
        help="Printed on the receipt: the code the member shares with friends.",
    )

    # ------------------------------------------------------------ sync

    @api.model
    def _process_order(self, order, existing_order):
        for name in RECEIPT_FIELDS:
            # Only the server writes them.
            order.pop(name, None)
        self._flexi_loyalty_check_reward_lines(order)
        order_id = super()._process_order(order, existing_order)
        pos_order = self.browse(order_id)
        # Checked on the saved lines, whatever commands the till sent; an
        # error rolls the whole sync back and the order stays in the queue.
        pos_order._flexi_loyalty_check_tier_discount()
        if pos_order.state in ("paid", "done", "invoiced"):
            pos_order._flexi_loyalty_process_paid()
        return order_id

    @api.model
    def _flexi_loyalty_reward_products(self):
        # sudo: reward products are configuration, any till may check them.
        return self.env["flexi.loyalty.reward"].sudo().search([]).reward_product_id

    @api.model
    def _flexi_loyalty_check_reward_lines(self, order):
        """Refuse an order whose reward lines have no accepted redemption."""
        reward_products = self._flexi_loyalty_reward_products()
        seen = set()
        Redemption = self.env["flexi.loyalty.pos.redemption"]
        for command in order.get("lines") or []:
            if command[0] not in (0, 1) or not isinstance(command[2], dict):
                continue
            vals = command[2]
            if vals.get("refunded_orderline_id"):
                # Refunds give points back from the refunded order's history.
                vals.pop("flexi_loyalty_token", None)
                continue
            token = vals.get("flexi_loyalty_token")
            if not token and vals.get("product_id") not in reward_products.ids:
                continue
            if token in seen:
                raise UserError(_("The same reward appears twice on the order."))
            seen.add(token)
            Redemption._flexi_from_token(token)._flexi_check_line(order, vals)

    def _flexi_loyalty_tier_discounts(self):
        """The tier discounts (%) the customer has at this till on the order's
        day: one per active membership of the till's programs."""
        self.ensure_one()
        if not self.partner_id:
            return set()
        day = fields.Date.context_today(self, self.date_order)
        discounts = set()
        for program in self.config_id._flexi_loyalty_programs(day):
            sub = self._flexi_loyalty_member(program)
            if sub.state == "active" and sub.tier_id.discount_percent:
                discounts.add(sub.tier_id.discount_percent)
        return discounts

    def _flexi_loyalty_check_tier_discount(self):
        """The server decides the tier discount, the browser only shows it.

        Rule: a line marked as carrying the tier discount must have exactly
        the discount of the customer's tier; an order whose customer has no
        discount tier may have no such line. Refunds keep the discount of the
        refunded line. Unmarked discounts are manual ones: Odoo's own rights
        on discounts apply to them.
        """
        self.ensure_one()
        lines = self.lines.filtered(
            lambda ln: ln.flexi_loyalty_tier_discount and not ln.refunded_orderline_id
        )
        if not lines:
            return
        allowed = self._flexi_loyalty_tier_discounts()
        allowed_text = " / ".join(f"{percent:g}" for percent in sorted(allowed))
        for line in lines:
            product = line.product_id.display_name
            if not allowed:
                raise UserError(
                    _(
                        "The customer of this order has no loyalty tier discount: "
                        "remove the tier discount from %s.",
                        product,
                    )
                )
            if not any(
                float_compare(line.discount, percent, precision_digits=2) == 0
                for percent in allowed
            ):
                discount = f"{line.discount:g}"
                raise UserError(
                    _(
                        "The loyalty tier discount on %(product)s must be the "
                        "customer's tier discount (%(allowed)s %%), "
                        "not %(discount)s %%.",
                        product=product,
                        allowed=allowed_text,
                        discount=discount,
                    )
                )

    # ------------------------------------------------------------ paid order

    def _flexi_loyalty_process_paid(self):
        """Spend, reverse and earn once the order is paid; safe to repeat."""
        self.ensure_one()
        self._flexi_loyalty_consume_redemptions()
        self._flexi_loyalty_reverse_refunded()
        self._flexi_loyalty_earn()
        self._flexi_loyalty_referral()
        self._flexi_loyalty_write_summary()

    def _flexi_loyalty_consume_redemptions(self):
        Redemption = self.env["flexi.loyalty.pos.redemption"]
        for line in self.lines.filtered("flexi_loyalty_token"):
            Redemption._flexi_from_token(line.flexi_loyalty_token)._flexi_consume(self)

    def _flexi_loyalty_ledger_lines(self, move_types):
        """The order's points movements: its own, and the points of the
        rewards it took over (held by their redemption)."""
        Line = self.env["flexi.loyalty.ledger.line"]
        lines = Line._flexi_source_lines(self, move_types)
        if "redeem" in move_types:
            # sudo: redemptions and their debits are written by the server.
            lines |= (
                self.env["flexi.loyalty.pos.redemption"]
                .sudo()
                .search([("pos_order_id", "in", self.ids), ("state", "=", "used")])
                .ledger_line_id
            )
        return lines

    def _flexi_loyalty_member(self, program, enroll=False):
        """The customer's membership of ``program`` (auto-enrolment if set).

        sudo: the server credits points for a paid order; the cashier's
        rights on memberships are irrelevant.
        """
        self.ensure_one()
        return program._flexi_membership(self.partner_id, enroll and "pos")

    def _flexi_loyalty_earning_lines(self):
        """Lines the points are computed on: all but refund lines (returns and
        rewards on the ticket lower what it earns)."""
        return self.lines.filtered(lambda line: not line.refunded_orderline_id)

    def _flexi_loyalty_line_data(self, program, lines):
        self.ensure_one()
        return self.config_id._flexi_loyalty_earning_data(
            program,
            [
                (
                    line.product_id,
                    line.qty,
                    line._flexi_loyalty_amounts(),
                    bool(line.flexi_loyalty_token),
                )
                for line in lines
            ],
        )

    def _flexi_loyalty_earn(self):
        self.ensure_one()
        lines = self._flexi_loyalty_earning_lines()
        if not lines or not self.partner_id:
            return
        day = fields.Date.context_today(self, self.date_order)
        for program in self.config_id._flexi_loyalty_programs(day):
            sub = self._flexi_loyalty_member(program, enroll=True)
            if not sub or sub.state != "active":
                continue
            points, amount = program._flexi_points_for_lines(
                self._flexi_loyalty_line_data(program, lines),
                day,
                extra_multiplier=sub._flexi_earn_multiplier(),
            )
            sub._flexi_earn(points, amount, self, _("POS order %s", self.name))

    def _flexi_loyalty_reverse_refunded(self):
        """Refund lines take back what the refunded lines earned, in proportion
        to the money refunded. Points spent come back only with the reward
        they paid for: goods returned alone leave the reward on the ticket."""
        self.ensure_one()
        refund_lines = self.lines.filtered("refunded_orderline_id")
        if not refund_lines:
            return
        reward_products = self._flexi_loyalty_reward_products()
        reward_lines = refund_lines.filtered(
            lambda ln: ln.refunded_orderline_id.flexi_loyalty_token
        )
        goods_lines = refund_lines.filtered(
            lambda ln: (
                ln.product_id not in reward_products
                and not ln.refunded_orderline_id.flexi_loyalty_token
            )
        )
        reason = _("POS refund %s", self.name)
        cause = f"pos.order,{self.id}"
        source = {"res_model": self._name, "res_id": self.id}
        for origin in refund_lines.refunded_orderline_id.order_id:
            mine = goods_lines.filtered(
                lambda ln, o=origin: ln.refunded_orderline_id.order_id == o
            )
            earned = origin._flexi_loyalty_ledger_lines(["earn", "pending"])
            for program in earned.program_id:
                base = abs(
                    sum(
                        ln._flexi_loyalty_amounts()[
                            1 if program.amount_base == "tax_included" else 0
                        ]
                        for ln in mine
                    )
                )
                earned.filtered(
                    lambda ln, p=program: ln.program_id == p
                )._flexi_reverse(cause, reason, refund_amount=base, source=source)
        Redemption = self.env["flexi.loyalty.pos.redemption"]
        for line in reward_lines:
            sold = line.refunded_orderline_id
            spent = (
                Redemption._flexi_from_token(sold.flexi_loyalty_token)
                .filtered(
                    lambda r, o=sold.order_id: r.state == "used" and r.pos_order_id == o
                )
                .ledger_line_id
            )
            share = min(1.0, abs(line.qty / sold.qty)) if sold.qty else 1.0
            spent._flexi_reverse(
                cause,
                reason,
                refund_amount=None if share >= 1 else spent.base_amount * share,
                source=source,
            )

    def _flexi_loyalty_referral(self):
        """A referred friend's paid order converts their referral; refunding
        all of the order that converted it takes the member's points back."""
        self.ensure_one()
        Referral = self.env["flexi.loyalty.referral"]
        origins = self.lines.refunded_orderline_id.order_id
        if origins:
            refunded = origins.filtered(lambda o: o._flexi_loyalty_fully_refunded())
            Referral._flexi_reverse_for(refunded, _("POS refund %s", self.name))
        elif self.partner_id:
            Referral._flexi_convert_for(self)

    def _flexi_loyalty_fully_refunded(self):
        """Every unit sold on this order was refunded."""
        self.ensure_one()
        # The refund just written changes what was refunded.
        self.lines.invalidate_recordset(["refund_orderline_ids", "refunded_qty"])
        sold = self.lines.filtered(lambda line: line.qty > 0)
        return bool(sold) and all(
            float_compare(
                line.refunded_qty,
                line.qty,
                precision_rounding=line.product_uom_id.rounding,
            )
            >= 0
            for line in sold
        )

    def _flexi_loyalty_write_summary(self):
        """Store what the receipt prints: earned, used, balance, next expiry."""
        self.ensure_one()
        lines = self._flexi_loyalty_ledger_lines(
            ["earn", "pending", "redeem", "reversal"]
        )
        earned = sum(
            ln.points
            for ln in lines
            if ln.move_type in ("earn", "pending")
            or (ln.move_type == "reversal" and ln.points < 0)
        )
        used = -sum(
            ln.points
            for ln in lines
            if ln.move_type == "redeem"
            or (ln.move_type == "reversal" and ln.points > 0)
        )
        members = lines.subscription_id
        if not members:
            for program in self.config_id._flexi_loyalty_programs():
                members |= self._flexi_loyalty_member(program)
        member = members[:1]
        member.invalidate_recordset()
        with self._flexi_trusted():
            self.write(
                {
                    "flexi_loyalty_points_earned": earned,
                    "flexi_loyalty_points_used": used,
                    "flexi_loyalty_balance": member.points_balance,
                    "flexi_loyalty_next_expiry_date": member.next_expiry_date,
                    "flexi_loyalty_next_expiry_points": member.next_expiry_points,
                    "flexi_loyalty_referral_code": member._flexi_referral_code()
                    if member.state == "active" and member.program_id.referral_enabled
                    else False,
                }
            )

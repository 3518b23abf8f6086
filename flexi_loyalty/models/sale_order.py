from odoo import _, api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    flexi_loyalty_points_preview = fields.Integer(
        "Points to Earn",
        compute="_compute_flexi_loyalty_points",
        help="Points this order earns for the customer's memberships.",
    )
    flexi_loyalty_points_earned = fields.Integer(
        "Points Earned", compute="_compute_flexi_loyalty_points"
    )
    flexi_loyalty_points_used = fields.Integer(
        "Points Used", compute="_compute_flexi_loyalty_points"
    )
    flexi_loyalty_subscription_ids = fields.Many2many(
        "flexi.loyalty.subscription",
        compute="_compute_flexi_loyalty_subscription_ids",
        string="Memberships",
    )

    @api.depends("partner_id")
    def _compute_flexi_loyalty_subscription_ids(self):
        subs = self.env["flexi.loyalty.subscription"].search(
            [("partner_id", "in", self.partner_id.ids), ("state", "=", "active")]
        )
        for order in self:
            order.flexi_loyalty_subscription_ids = subs.filtered(
                lambda s, o=order: (
                    s.partner_id == o.partner_id and s.company_id == o.company_id
                )
            )

    @api.depends("order_line.price_total", "partner_id", "state", "date_order")
    def _compute_flexi_loyalty_points(self):
        Line = self.env["flexi.loyalty.ledger.line"].sudo()
        saved = self.filtered("id")
        totals = {}
        if saved:
            for res_id, move_type, points in Line._read_group(
                [("res_model", "=", "sale.order"), ("res_id", "in", saved.ids)],
                ["res_id", "move_type"],
                ["points:sum"],
            ):
                totals.setdefault(res_id, {})[move_type] = points
        for order in self:
            mine = totals.get(order.id, {})
            order.flexi_loyalty_points_earned = mine.get("earn", 0) + mine.get(
                "pending", 0
            )
            order.flexi_loyalty_points_used = -mine.get("redeem", 0)
            preview = 0
            if order.state in ("draft", "sent"):
                for program in order._flexi_loyalty_programs():
                    preview += order._flexi_loyalty_points_for(program)[0]
            order.flexi_loyalty_points_preview = preview

    # ------------------------------------------------------------ flow hooks

    def _action_confirm(self):
        res = super()._action_confirm()
        self._flexi_loyalty_earn_on("confirm")
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self._flexi_loyalty_reverse_all(_("Order cancelled"))
        return res

    # ------------------------------------------------------------ business

    def _flexi_loyalty_programs(self, trigger=None):
        """Running programs of the order's company (optionally one trigger)."""
        self.ensure_one()
        day = fields.Date.to_date(self.date_order) or fields.Date.context_today(self)
        programs = (
            self.env["flexi.loyalty.program"]
            .sudo()
            ._flexi_active_programs(self.company_id, day)
        )
        if trigger:
            programs = programs.filtered(lambda p: p.earn_trigger == trigger)
        return programs

    def _flexi_loyalty_line_data(self, program):
        """The lines that may earn: product, quantity, amount on the program's base."""
        self.ensure_one()
        data = []
        for line in self.order_line:
            if (
                line.display_type
                or line.is_downpayment
                or line._is_delivery()
                or line.flexi_loyalty_reward_id
            ):
                continue
            amount = (
                line.price_total
                if program.amount_base == "tax_included"
                else line.price_subtotal
            )
            data.append(
                {
                    "product": line.product_id,
                    "quantity": line.product_uom_qty,
                    "amount": amount,
                }
            )
        return data

    def _flexi_loyalty_subscription(self, program, enroll=False):
        """The partner's membership of ``program`` (created on auto-enrolment)."""
        self.ensure_one()
        Sub = self.env["flexi.loyalty.subscription"].sudo()
        sub = Sub.search(
            [("partner_id", "=", self.partner_id.id), ("program_id", "=", program.id)],
            limit=1,
        )
        partner = self.partner_id
        if (
            not sub
            and enroll
            and program.auto_enroll
            and (partner.email or partner.mobile or partner.phone)
        ):
            sub = Sub._flexi_enroll(partner, program, channel="order")
        return sub

    def _flexi_loyalty_points_for(self, program, sub=None):
        """(points, base amount) this order earns in ``program``."""
        self.ensure_one()
        sub = sub if sub is not None else self._flexi_loyalty_subscription(program)
        day = fields.Date.to_date(self.date_order) or fields.Date.context_today(self)
        return program._flexi_points_for_lines(
            self._flexi_loyalty_line_data(program),
            day,
            extra_multiplier=sub._flexi_earn_multiplier() if sub else 1,
        )

    def _flexi_loyalty_earn_on(self, trigger):
        for order in self:
            for program in order._flexi_loyalty_programs(trigger):
                order._flexi_loyalty_earn(program)

    def _flexi_loyalty_earn(self, program, source=None):
        """Post what this order earns in ``program``; once per document."""
        self.ensure_one()
        source = source or self
        sub = self._flexi_loyalty_subscription(program, enroll=True)
        if not sub or sub.state != "active":
            return self.env["flexi.loyalty.ledger.line"]
        points, amount = self._flexi_loyalty_points_for(program, sub)
        return sub._flexi_earn(points, amount, source, _("Order %s", self.name))

    def _flexi_loyalty_reverse_all(self, reason):
        """Cancel: take back what the orders earned, give back what they spent."""
        Line = self.env["flexi.loyalty.ledger.line"]
        for order in self:
            lines = Line._flexi_source_lines(order, ["earn", "pending", "redeem"])
            cycle = len(Line._flexi_source_lines(order, ["reversal"]))
            lines._flexi_reverse(f"cancel:sale.order,{order.id}:{cycle}", reason)
            # The points are back: the reward lines must not survive a re-confirm.
            order.order_line.filtered("flexi_loyalty_reward_id").unlink()

    def _flexi_loyalty_check_delivered(self):
        """Earn for programs that wait for delivery, once every line is delivered."""
        for order in self.filtered(lambda o: o.state == "sale"):
            lines = order.order_line.filtered(
                lambda ln: (
                    not ln.display_type
                    and ln.product_id.type != "service"
                    and not ln.flexi_loyalty_reward_id
                )
            )
            if lines and all(ln.qty_delivered >= ln.product_uom_qty for ln in lines):
                order._flexi_loyalty_earn_on("delivery")

    @api.model
    def _cron_flexi_loyalty_earn_delivered(self):
        """Catch-all for deliveries validated in stock (no stock dependency here)."""
        programs = self.env["flexi.loyalty.program"].search(
            [("earn_trigger", "=", "delivery")]
        )
        if not programs:
            return
        orders = self.search(
            [
                ("state", "=", "sale"),
                ("company_id", "in", programs.company_id.ids),
                ("partner_id.flexi_loyalty_subscription_ids", "!=", False),
                (
                    "date_order",
                    ">=",
                    fields.Datetime.subtract(fields.Datetime.now(), days=90),
                ),
            ]
        )
        orders._flexi_loyalty_check_delivered()

from odoo import Command, _, api, fields, models


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
        # Lines edited outside the order form (imports, RPC) are caught here.
        self._flexi_loyalty_sync_tier_discount(confirming=True)
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
                or line.flexi_loyalty_is_tier_discount
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

    # ------------------------------------------------------------ tier discount

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        if not self.env.context.get("flexi_loyalty_tier_sync"):
            orders.filtered("order_line")._flexi_loyalty_sync_tier_discount()
        return orders

    def write(self, vals):
        res = super().write(vals)
        if not self.env.context.get("flexi_loyalty_tier_sync") and (
            {"order_line", "partner_id"} & set(vals)
        ):
            self._flexi_loyalty_sync_tier_discount()
        return res

    def _flexi_loyalty_discount_tier(self):
        """The customer's tier with the biggest permanent discount, if any."""
        self.ensure_one()
        best = self.env["flexi.loyalty.tier"]
        for program in self._flexi_loyalty_programs():
            sub = self._flexi_loyalty_subscription(program)
            if sub.state == "active" and (
                sub.tier_id.discount_percent > best.discount_percent
            ):
                best = sub.tier_id
        return best

    def _flexi_loyalty_tier_discount_base_lines(self):
        """The lines the tier discount applies to: goods sold, not rewards."""
        self.ensure_one()
        return self.order_line.filtered(
            lambda line: (
                not line.display_type
                and not line.is_downpayment
                and not line._is_delivery()
                and not line.flexi_loyalty_reward_id
                and not line.flexi_loyalty_is_tier_discount
                and not line.product_id.flexi_loyalty_no_earn
                and line.price_subtotal > 0
            )
        )

    def _flexi_loyalty_tier_discount_amounts(self, tier):
        """{tax ids: discount} — one discount line per set of taxes."""
        self.ensure_one()
        bases = {}
        for line in self._flexi_loyalty_tier_discount_base_lines():
            key = tuple(sorted(line.tax_id.ids))
            # A tax-included price carries its tax: discount what was charged.
            included = any(line.tax_id.mapped("price_include"))
            base = line.price_total if included else line.price_subtotal
            bases[key] = bases.get(key, 0.0) + base
        amounts = {
            key: self.currency_id.round(base * tier.discount_percent / 100)
            for key, base in bases.items()
        }
        return {key: amount for key, amount in amounts.items() if amount > 0}

    def _flexi_loyalty_tier_discount_vals(self, tier, tax_ids, amount):
        self.ensure_one()
        return {
            "product_id": self.env.ref(
                "flexi_loyalty.product_flexi_loyalty_tier_discount"
            ).id,
            "name": _(
                "%(tier)s discount (-%(percent)s%%)",
                tier=tier.name,
                percent=f"{tier.discount_percent:g}",
            ),
            "product_uom_qty": 1.0,
            "price_unit": -amount,
            "discount": 0.0,
            "tax_id": [Command.set(list(tax_ids))],
            "flexi_loyalty_is_tier_discount": True,
            "sequence": max(self.order_line.mapped("sequence"), default=10) + 1,
        }

    def _flexi_loyalty_sync_tier_discount(self, confirming=False):
        """Add, refresh or remove the member's tier discount lines.

        Only quotations (and orders being confirmed): a confirmed order keeps
        the discount it was sold with.
        """
        for order in self:
            if not (
                order.state in ("draft", "sent") or (confirming and not order.locked)
            ):
                continue
            tier = order._flexi_loyalty_discount_tier()
            wanted = order._flexi_loyalty_tier_discount_amounts(tier) if tier else {}
            commands = []
            for line in order.order_line.filtered("flexi_loyalty_is_tier_discount"):
                key = tuple(sorted(line.tax_id.ids))
                if key not in wanted:
                    commands.append(Command.unlink(line.id))
                    continue
                amount = wanted.pop(key)
                name = order._flexi_loyalty_tier_discount_vals(tier, key, amount)[
                    "name"
                ]
                if (
                    order.currency_id.compare_amounts(line.price_unit, -amount)
                    or line.product_uom_qty != 1
                    or line.discount
                    or line.name != name
                ):
                    commands.append(
                        Command.update(
                            line.id,
                            {
                                "price_unit": -amount,
                                "product_uom_qty": 1.0,
                                "discount": 0.0,
                                "name": name,
                            },
                        )
                    )
            for key, amount in wanted.items():
                commands.append(
                    Command.create(
                        order._flexi_loyalty_tier_discount_vals(tier, key, amount)
                    )
                )
            if commands:
                order.with_context(flexi_loyalty_tier_sync=True).write(
                    {"order_line": commands}
                )

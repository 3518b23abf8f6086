from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from ..tools.codes import normalize_code


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
    flexi_loyalty_referral_code = fields.Char(
        "Referral Code",
        copy=False,
        help="The code a member gave this new customer: the customer gets the "
        "welcome voucher, the member earns points once the first order is paid.",
    )
    flexi_loyalty_referral_id = fields.Many2one(
        "flexi.loyalty.referral",
        "Referral",
        compute="_compute_flexi_loyalty_referral_id",
    )

    @api.depends("flexi_loyalty_referral_code", "partner_id")
    def _compute_flexi_loyalty_referral_id(self):
        """The referral the order's customer came with, by the code it carries."""
        with_code = self.filtered("flexi_loyalty_referral_code")
        referrals = self.env["flexi.loyalty.referral"]
        if with_code:
            referrals = referrals.sudo().search(
                [
                    ("partner_id", "in", with_code.partner_id.ids),
                    (
                        "subscription_id.referral_code",
                        "in",
                        with_code.mapped("flexi_loyalty_referral_code"),
                    ),
                ]
            )
        for order in self:
            order.flexi_loyalty_referral_id = referrals.filtered(
                lambda r, o=order: (
                    r.partner_id == o.partner_id
                    and r.subscription_id.referral_code == o.flexi_loyalty_referral_code
                )
            )[:1].sudo(False)

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
                    if order._flexi_loyalty_will_earn(program):
                        preview += order._flexi_loyalty_points_for(program)[0]
            order.flexi_loyalty_points_preview = preview

    def _flexi_loyalty_will_earn(self, program):
        """Whether confirming would credit ``program``: a member, or a customer
        the program enrols at the first order."""
        self.ensure_one()
        sub = self._flexi_loyalty_subscription(program)
        if sub:
            return sub.state == "active"
        partner = self.partner_id
        return bool(
            program.auto_enroll and (partner.email or partner.mobile or partner.phone)
        )

    # ------------------------------------------------------------ flow hooks

    def _action_confirm(self):
        # Lines edited outside the order form (imports, RPC, the website) are
        # caught here: rewards follow the order, and none makes it negative.
        self._flexi_loyalty_sync_tier_discount(confirming=True)
        # Checks each order's total too: none goes below zero.
        self._flexi_loyalty_sync_rewards(confirming=True)
        res = super()._action_confirm()
        self._flexi_loyalty_earn_on("confirm")
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self._flexi_loyalty_reverse_all(_("Order cancelled"))
        self.env["flexi.loyalty.referral"]._flexi_reverse_for(
            self, _("Order cancelled")
        )
        return res

    def action_flexi_loyalty_redeem(self):
        """Open the "Use points" wizard on a quotation."""
        self.ensure_one()
        self._flexi_loyalty_check_quotation()
        if not self.flexi_loyalty_subscription_ids:
            raise UserError(_("This customer has no active loyalty membership."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Use Points"),
            "res_model": "flexi.loyalty.redeem.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_flexi_loyalty_apply_voucher(self):
        """Open the wizard where staff type a voucher code."""
        self.ensure_one()
        self._flexi_loyalty_check_quotation()
        return {
            "type": "ir.actions.act_window",
            "name": _("Apply a Voucher"),
            "res_model": "flexi.loyalty.voucher.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

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
        """Every line the customer pays for: goods (returns negative) and, as
        deductions, rewards, vouchers and the tier discount. ``line`` is the
        order line, for addons that say more of it."""
        self.ensure_one()
        return [
            {
                "line": line,
                "product": line.product_id,
                "quantity": line.product_uom_qty,
                "amount": program._flexi_amount(line.price_total, line.price_subtotal),
                "deduction": line._flexi_loyalty_earns_nothing(),
            }
            for line in self.order_line
            if line._flexi_loyalty_counts(delivery=False)
        ]

    def _flexi_loyalty_subscription(self, program, enroll=False):
        """The partner's membership of ``program`` (created on auto-enrolment)."""
        self.ensure_one()
        return program._flexi_membership(self.partner_id, enroll and "order")

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
        # The order's reference says it all, in every language.
        return sub._flexi_earn(points, amount, source, self.name)

    def _flexi_loyalty_reverse_all(self, reason):
        """Cancel: take back what the orders earned, give back what they spent,
        except the points of vouchers already used on another order."""
        Line = self.env["flexi.loyalty.ledger.line"]
        for order in self:
            lines = Line._flexi_source_lines(order, ["earn", "pending", "redeem"])
            vouchers = (
                self.env["flexi.loyalty.voucher"]
                .sudo()
                .search([("ledger_line_id", "in", lines.ids)])
            )
            # A voucher spent elsewhere is a reward given: its points stay spent.
            kept = vouchers.filtered(
                lambda v, o=order: v.state == "used" and v.order_id != o
            )
            cycle = len(Line._flexi_source_lines(order, ["reversal"]))
            (lines - kept.ledger_line_id)._flexi_reverse(
                f"cancel:sale.order,{order.id}:{cycle}", reason
            )
            # The points are back: the reward lines must not survive a re-confirm;
            # removing voucher lines makes their vouchers valid again.
            order.order_line.filtered(
                lambda ln: ln.flexi_loyalty_reward_id or ln.flexi_loyalty_voucher_id
            ).unlink()
            # Vouchers whose points came back go, those used here included.
            (vouchers - kept).filtered(lambda v: v.state == "valid")._flexi_cancel(
                order
            )

    def _flexi_loyalty_check_delivered(self):
        """Earn for programs that wait for delivery, once every line is delivered."""
        for order in self.filtered(lambda o: o.state == "sale"):
            lines = order.order_line.filtered(
                lambda ln: (
                    ln._flexi_loyalty_counts()
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
        for vals in vals_list:
            self._flexi_loyalty_normalize_referral_code(vals)
        orders = super().create(vals_list)
        if not self.env.context.get("flexi_loyalty_tier_sync"):
            orders.filtered("order_line")._flexi_loyalty_sync_tier_discount()
        orders.filtered("flexi_loyalty_referral_code")._flexi_loyalty_apply_referral()
        return orders

    def write(self, vals):
        referral = "flexi_loyalty_referral_code" in vals
        if referral:
            self._flexi_loyalty_normalize_referral_code(vals)
            self._flexi_loyalty_check_referral_change(vals)
        # The lines' own hooks wait for the whole edit (see sale.order.line).
        with self.env["sale.order.line"]._flexi_loyalty_order_editing():
            res = super().write(vals)
        if not self.env.context.get("flexi_loyalty_tier_sync") and (
            {"order_line", "partner_id"} & set(vals)
        ):
            self._flexi_loyalty_sync_tier_discount()
        if "order_line" in vals:
            self._flexi_loyalty_sync_rewards()
        if referral:
            self.filtered("flexi_loyalty_referral_code")._flexi_loyalty_apply_referral()
        return res

    # ------------------------------------------------------------ referrals

    @api.model
    def _flexi_loyalty_normalize_referral_code(self, vals):
        if vals.get("flexi_loyalty_referral_code"):
            vals["flexi_loyalty_referral_code"] = normalize_code(
                vals["flexi_loyalty_referral_code"]
            )

    def _flexi_loyalty_check_referral_change(self, vals):
        """A referral given on an order stays: its voucher is out."""
        new = vals.get("flexi_loyalty_referral_code") or False
        for order in self:
            referral = order.flexi_loyalty_referral_id.sudo()
            if referral and referral.subscription_id.referral_code != new:
                raise UserError(
                    _(
                        "%(order)s already carries a referral (%(friend)s was "
                        "referred): a friend is referred once.",
                        order=order.name,
                        friend=referral.partner_id.name,
                    )
                )

    def _flexi_loyalty_apply_referral(self):
        """The customer of these quotations came with a member's referral
        code: record the referral (clear refusal otherwise) and take the
        welcome voucher off the quotation when it fits."""
        Referral = self.env["flexi.loyalty.referral"]
        for order in self:
            if order.flexi_loyalty_referral_id:
                continue
            if order.state not in ("draft", "sent"):
                raise UserError(
                    _("Referral codes apply to quotations only, not to %s.", order.name)
                )
            referral = Referral._flexi_refer(
                order.flexi_loyalty_referral_code,
                order.partner_id,
                order._flexi_loyalty_referral_channel(),
                company=order.company_id,
                order=order,
            )
            order.invalidate_recordset(["flexi_loyalty_referral_id"])
            order.sudo()._message_log(
                body=_(
                    "Referred by a member (code %(code)s): welcome voucher "
                    "%(voucher)s.",
                    code=order.flexi_loyalty_referral_code,
                    voucher=referral.sudo().voucher_id.code or "-",
                )
            )
            order._flexi_loyalty_use_welcome_voucher(referral)

    def _flexi_loyalty_referral_channel(self):
        return "order"

    def _flexi_loyalty_use_welcome_voucher(self, referral):
        """Put the friend's welcome voucher on this quotation, unless it is
        worth more than the quotation (it then waits for another order)."""
        self.ensure_one()
        voucher = referral.sudo().voucher_id
        if voucher.state != "valid" or not self.order_line:
            return
        try:
            with self.env.cr.savepoint():
                self._flexi_loyalty_apply_voucher(voucher.code)
        except UserError:
            return

    def _flexi_loyalty_referral_paid(self):
        """These orders are paid: the referrals of their customers convert."""
        orders = self.filtered(lambda o: o.state == "sale")
        if orders:
            self.env["flexi.loyalty.referral"]._flexi_convert_for(orders)

    def _flexi_loyalty_referral_refunded(self):
        """Orders whose invoiced amount was refunded in full take their
        referral points back."""
        refunded = self.filtered(lambda o: o._flexi_loyalty_fully_refunded())
        if refunded:
            self.env["flexi.loyalty.referral"]._flexi_reverse_for(
                refunded, _("Order refunded")
            )

    def _flexi_loyalty_fully_refunded(self):
        self.ensure_one()
        moves = self.sudo().invoice_ids.filtered(lambda m: m.state == "posted")
        invoiced = sum(
            moves.filtered(lambda m: m.move_type == "out_invoice").mapped(
                "amount_total"
            )
        )
        refunded = sum(
            moves.filtered(lambda m: m.move_type == "out_refund").mapped("amount_total")
        )
        return (
            invoiced > 0 and self.currency_id.compare_amounts(refunded, invoiced) >= 0
        )

    def _get_copiable_order_lines(self):
        # A copy has spent no points: its tier discount comes back by itself.
        return (
            super()
            ._get_copiable_order_lines()
            .filtered(lambda line: not line._flexi_loyalty_earns_nothing())
        )

    def _get_update_prices_lines(self):
        # Their amounts are ours: repriced from the goods right after.
        return (
            super()
            ._get_update_prices_lines()
            .filtered(lambda line: not line._flexi_loyalty_earns_nothing())
        )

    def _recompute_prices(self):
        res = super()._recompute_prices()
        self._flexi_loyalty_sync_tier_discount()
        self._flexi_loyalty_sync_rewards()
        return res

    def _recompute_taxes(self):
        # Odoo gives every line its product's taxes (fiscal position change,
        # website checkout): a reward keeps the taxes of the goods it was
        # taken off, then follows the goods' new taxes, same amount.
        kept = {
            line: line.tax_id
            for line in self.order_line
            if not line.display_type and line._flexi_loyalty_earns_nothing()
        }
        with self.env["sale.order.line"]._flexi_trusted():
            res = super()._recompute_taxes()
            for line, taxes in kept.items():
                if line.tax_id != taxes:
                    line.tax_id = taxes
        self._flexi_loyalty_sync_tier_discount()
        self._flexi_loyalty_sync_rewards(retax=True)
        return res

    def _flexi_loyalty_discount_tier(self):
        """The customer's tier with the biggest permanent discount, if any."""
        self.ensure_one()
        best = self.env["flexi.loyalty.tier"]
        # The customer's memberships first (read once per transaction): most
        # customers have no discount tier, and then no program is looked up.
        subs = self.partner_id.sudo().flexi_loyalty_subscription_ids.filtered(
            lambda s: s.state == "active" and s.tier_id.discount_percent > 0
        )
        if not subs:
            return best
        programs = self._flexi_loyalty_programs()
        for sub in subs:
            if sub.program_id in programs and (
                sub.tier_id.discount_percent > best.discount_percent
            ):
                best = sub.tier_id
        return best

    def _flexi_loyalty_tier_discount_base_lines(self):
        """The lines the tier discount applies to: goods sold, not rewards."""
        self.ensure_one()
        return self.order_line.filtered(
            lambda line: (
                line._flexi_loyalty_counts(delivery=False)
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

    def _flexi_loyalty_tier_discount_name(self, tier):
        # Formatted first: message extraction cannot read code inside _().
        percent = f"{tier.discount_percent:g}"
        return _("%(tier)s discount (-%(percent)s%%)", tier=tier.name, percent=percent)

    def _flexi_loyalty_tier_discount_vals(self, tier, tax_ids, amount):
        self.ensure_one()
        return {
            "product_id": self.env.ref(
                "flexi_loyalty.product_flexi_loyalty_tier_discount"
            ).id,
            "name": self._flexi_loyalty_tier_discount_name(tier),
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
                with self.env["sale.order.line"]._flexi_trusted():
                    order.with_context(flexi_loyalty_tier_sync=True).write(
                        {"order_line": commands}
                    )

    # ------------------------------------------------------------ rewards

    def _flexi_loyalty_check_quotation(self):
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            raise UserError(
                _(
                    "Rewards and vouchers apply to quotations only, not to %s.",
                    self.name,
                )
            )

    def _flexi_loyalty_redemptions(self, subscription, reward):
        """(all, not given back) redeem lines of ``reward`` for ``subscription``
        on this order."""
        self.ensure_one()
        lines = (
            self.env["flexi.loyalty.ledger.line"]
            ._flexi_source_lines(self, ["redeem"])
            .filtered(
                lambda ln: ln.subscription_id == subscription and ln.reward_id == reward
            )
        )
        done = lines._flexi_done_totals()
        active = lines.filtered(lambda ln: done.get(ln.id, (0, 0))[0] < -ln.points)
        return lines, active

    def _flexi_loyalty_points_to_spend(self, subscription, reward, points=None):
        """The points redeeming ``reward`` spends on this order: its cost, or
        the number chosen for a credit per point (checked against the
        member's points and what is left to pay)."""
        self.ensure_one()
        return reward._flexi_points_choice(points, subscription, self.amount_total)

    def _flexi_loyalty_max_points(self, subscription, reward):
        """The most points ``subscription`` may choose for the credit per
        point ``reward`` on this order (0: none), as offered to choose from."""
        self.ensure_one()
        return reward._flexi_max_points(
            subscription.points_available, self.amount_total
        )

    def _flexi_loyalty_check_redeem(self, subscription, reward, points=None):
        """Refuse, before any code is spent, a redemption that cannot happen:
        not a quotation, another customer's membership, a reward out of reach,
        already applied, worth more than the order, or a number of points a
        credit per point does not allow."""
        self.ensure_one()
        self._flexi_loyalty_check_quotation()
        if subscription.partner_id != self.partner_id:
            raise UserError(_("This membership belongs to another customer."))
        if reward.program_id != subscription.program_id:
            raise UserError(_("This reward belongs to another loyalty program."))
        reason = reward._flexi_unavailable_reason(subscription)
        if reason:
            raise UserError(reason)
        if self._flexi_loyalty_redemptions(subscription, reward)[1]:
            raise UserError(
                _(
                    "%(reward)s is already applied on %(order)s.",
                    reward=reward.name,
                    order=self.name,
                )
            )
        points = self._flexi_loyalty_points_to_spend(subscription, reward, points)
        # Refuses a credit larger than the order.
        line_vals = self._flexi_loyalty_reward_line_vals(reward, points)
        self._flexi_loyalty_check_left_to_pay(line_vals, reward.name)
        return line_vals

    def _flexi_loyalty_check_left_to_pay(self, vals_list, description):
        """Refuse new reward or voucher lines worth more than what is left to
        pay (a percentage of the goods after a fixed reward, for instance)."""
        self.ensure_one()
        currency = self.currency_id
        amount = 0.0
        for vals in vals_list:
            taxes = self.env["account.tax"].browse(
                vals.get("tax_id", [Command.set([])])[0][2]
            )
            price = vals["price_unit"] * vals.get("product_uom_qty", 1.0)
            amount -= (
                taxes.compute_all(price, currency=currency)["total_included"]
                if taxes
                else price
            )
        if currency.compare_amounts(amount, self.amount_total) > 0:
            raise UserError(
                _(
                    "%(reward)s is worth %(amount)s, more than the %(total)s left to "
                    "pay on this order: add products or choose another reward.",
                    reward=description,
                    amount=currency.format(amount),
                    total=currency.format(self.amount_total),
                )
            )

    def _flexi_loyalty_redeem(self, subscription, reward, otp=None, points=None):
        """Spend points on ``reward`` for this quotation, in one transaction.

        ``points``: how many, for a credit per point (the customer's choice);
        other rewards spend their cost. ``otp`` is the code that authorised
        it (verified by the caller, or a manager's override); a program that
        needs a code refuses without it. A code authorises exactly the member,
        reward, number of points and order it was sent for. Applying the same
        redemption again (double click, retry, replay) adds nothing and says it
        is already applied. Locks the membership,
        debits the points and adds the reward lines, or issues a voucher for
        voucher rewards. Returns the redeem ledger line.
        """
        self.ensure_one()
        self._flexi_loyalty_check_redeem(subscription, reward, points)
        points = self._flexi_loyalty_points_to_spend(subscription, reward, points)
        if otp:
            otp._flexi_check_authorises(subscription, reward, self, points=points)
        elif subscription.program_id.otp_required:
            raise UserError(_("A code sent to the member is needed to spend points."))
        subscription._flexi_lock()
        # Again under the lock: a concurrent twin has committed by now.
        line_vals = self._flexi_loyalty_check_redeem(subscription, reward, points)
        if subscription._flexi_spendable() < 0:
            raise UserError(
                _("This member owes points (negative balance) and cannot redeem.")
            )
        earlier = self._flexi_loyalty_redemptions(subscription, reward)[0]
        ledger_line = subscription._flexi_debit(
            points,
            "redeem",
            _("%(reward)s on %(order)s", reward=reward.name, order=self.name),
            source={"res_model": self._name, "res_id": self.id},
            key=f"redeem:{self._name},{self.id}:{subscription.id}:{reward.id}:"
            f"{len(earlier)}",
            reward_id=reward.id,
            base_amount=self.amount_total,
            expiry_date=subscription._flexi_expiry_consumed_by(points),
        )
        if reward.reward_type == "voucher":
            self._flexi_loyalty_issue_voucher(subscription, reward, ledger_line)
        else:
            for vals in line_vals:
                vals.update(
                    order_id=self.id,
                    flexi_loyalty_reward_id=reward.id,
                    flexi_loyalty_ledger_line_id=ledger_line.id,
                )
            self._flexi_loyalty_add_lines(line_vals)
        return ledger_line

    def _flexi_loyalty_add_lines(self, vals_list):
        """Create reward or voucher lines (fields only the engine sets)."""
        Line = self.env["sale.order.line"]
        with Line._flexi_trusted():
            return Line.create(vals_list)

    def _flexi_loyalty_issue_voucher(self, subscription, reward, ledger_line):
        """Voucher rewards: a code for later, paid by ``ledger_line``."""
        return self.env["flexi.loyalty.voucher"]._flexi_issue(
            subscription.partner_id,
            "amount",
            reward.voucher_value,
            reward.voucher_validity_days,
            _("%(reward)s (%(order)s)", reward=reward.name, order=self.name),
            subscription=subscription,
            reward=reward,
            ledger_line_id=ledger_line.id,
        )

    def _flexi_loyalty_reward_line_vals(self, reward, points=None):
        """Order line values carrying ``reward`` (none for a voucher);
        ``points`` chosen for a credit per point."""
        self.ensure_one()
        if reward.reward_type == "credit":
            return self._flexi_loyalty_discount_line_vals(
                reward.credit_amount, reward.reward_product_id, reward.name
            )
        if reward.reward_type == "points_credit":
            return self._flexi_loyalty_discount_line_vals(
                reward._flexi_credit_for(points),
                reward.reward_product_id,
                reward._flexi_line_description(points),
            )
        if reward.reward_type == "discount":
            return self._flexi_loyalty_percent_line_vals(
                reward.discount_percent, reward.reward_product_id, reward.name
            )
        if reward.reward_type == "product":
            return [
                {
                    "product_id": reward.product_id.id,
                    "product_uom_qty": 1.0,
                    "price_unit": 0.0,
                    "discount": 0.0,
                    "name": _("Free product: %s", reward.product_id.display_name),
                    "sequence": 999,
                }
            ]
        return []

    def _flexi_loyalty_goods_lines(self):
        """What percentages apply to: every line but rewards and vouchers."""
        self.ensure_one()
        return self.order_line.filtered(
            lambda ln: ln._flexi_loyalty_counts() and not ln._flexi_loyalty_is_reward()
        )

    def _flexi_loyalty_percent_line_vals(self, percent, product, description):
        """Negative lines taking ``percent`` off the goods, per tax group."""
        self.ensure_one()
        goods = self._flexi_loyalty_goods_lines()
        total = sum(goods.mapped("price_total"))
        return self._flexi_loyalty_discount_line_vals(
            self.currency_id.round(total * percent / 100),
            product,
            description,
            lines=goods,
        )

    # ------------------------------------------------------------ rewards follow

    def _flexi_loyalty_reward_units(self):
        """The reward and voucher lines of the order, one recordset per
        redemption or voucher (a reward is split per tax rate)."""
        self.ensure_one()
        units = {}
        for line in self.order_line:
            if not line._flexi_loyalty_is_reward():
                continue
            key = (
                ("spent", line.flexi_loyalty_ledger_line_id.id)
                if line.flexi_loyalty_ledger_line_id
                else ("voucher", line.flexi_loyalty_voucher_id.id)
            )
            units[key] = units.get(key, line.browse()) | line
        return list(units.values())

    def _flexi_loyalty_unit_vals(self, unit, retax=False):
        """Fresh line values for a reward unit whose amount follows the goods
        (percentages), or None when its amount is fixed.

        With ``retax`` (the goods' taxes were recomputed), a fixed amount is
        spread again over the goods' taxes when they changed.
        """
        self.ensure_one()
        voucher = unit.flexi_loyalty_voucher_id[:1].sudo()
        reward = unit.flexi_loyalty_reward_id[:1].sudo()
        if voucher and voucher.value_type == "percent":
            vals_list = self._flexi_loyalty_voucher_line_vals(voucher)
        elif not voucher and reward.reward_type == "discount":
            vals_list = self._flexi_loyalty_reward_line_vals(reward)
        elif retax and (voucher or reward.reward_type in ("credit", "points_credit")):
            vals_list = self._flexi_loyalty_retaxed_vals(unit, voucher, reward)
            if vals_list is None:
                return None
        else:
            return None
        links = {
            "order_id": self.id,
            "flexi_loyalty_reward_id": unit.flexi_loyalty_reward_id[:1].id,
            "flexi_loyalty_ledger_line_id": unit.flexi_loyalty_ledger_line_id[:1].id,
            "flexi_loyalty_voucher_id": voucher.id,
        }
        return [dict(vals, **links) for vals in vals_list]

    def _flexi_loyalty_retaxed_vals(self, unit, voucher, reward):
        """A fixed reward unit spread again over the goods' taxes, same total
        (None while each of its lines still matches taxes of the goods)."""
        self.ensure_one()
        goods = self.order_line.filtered(lambda ln: not ln._flexi_loyalty_is_reward())
        currency = self.currency_id
        live = {
            taxes
            for taxes, (_b, total) in self._flexi_loyalty_tax_groups(goods).items()
            if not currency.is_zero(total)
        }
        if all(
            line.tax_id.filtered(lambda t: t.amount_type != "fixed") in live
            for line in unit
        ):
            return None
        amount = -sum(unit.mapped("price_total"))
        if voucher:
            description = _("Voucher %s", voucher.code)
        else:
            spent = -unit.flexi_loyalty_ledger_line_id[:1].sudo().points
            description = reward._flexi_line_description(spent)
        vals_list = self._flexi_loyalty_discount_line_vals(
            amount, unit.product_id[:1], description, lines=goods
        )
        for vals in vals_list:
            vals["flexi_loyalty_voucher_id"] = voucher.id
        return vals_list

    def _flexi_loyalty_sync_rewards(self, confirming=False, retax=False):
        """Keep the rewards of quotations in step with their goods.

        A percentage is taken again of the goods as they are now; a fixed
        reward worth more than what is left to pay is refused: the order is
        never confirmed below zero. Same points, same voucher: rebuilding the
        lines gives nothing back and spends nothing more.
        """
        Line = self.env["sale.order.line"]
        for order in self:
            if not (
                order.state in ("draft", "sent") or (confirming and not order.locked)
            ):
                if order.state == "sale":
                    # Sold rewards stay as sold: the goods cannot shrink below.
                    order._flexi_loyalty_check_total()
                continue
            for unit in order._flexi_loyalty_reward_units():
                vals_list = order._flexi_loyalty_unit_vals(unit, retax=retax)
                if vals_list is None:
                    continue
                current = sorted(
                    (line.price_unit, tuple(sorted(line.tax_id.ids))) for line in unit
                )
                fresh = sorted(
                    (vals["price_unit"], tuple(sorted(vals["tax_id"][0][2])))
                    for vals in vals_list
                )
                if current == fresh:
                    continue
                with Line._flexi_loyalty_rebuilding():
                    unit.unlink()
                    Line.create(vals_list)
            order._flexi_loyalty_check_total()

    def _flexi_loyalty_check_total(self):
        """No order goes below zero because of rewards and vouchers."""
        for order in self:
            if order.order_line.filtered(lambda ln: ln._flexi_loyalty_is_reward()) and (
                order.currency_id.compare_amounts(order.amount_total, 0.0) < 0
            ):
                raise UserError(
                    _(
                        "The rewards and vouchers on %(order)s are worth more than "
                        "its products (total %(total)s): remove a reward or a "
                        "voucher first.",
                        order=order.name,
                        total=order.currency_id.format(order.amount_total),
                    )
                )

    def _flexi_loyalty_tax_groups(self, lines=None):
        """{taxes: (base in unit-price terms, total tax included)} of ``lines``
        (default: all the order's lines).

        Existing discounts count, so a reward applies to what is left to pay.
        Fixed taxes are left out of the grouping (as Odoo's sale_loyalty does).
        """
        self.ensure_one()
        groups = {}
        for line in self.order_line if lines is None else lines:
            if not line._flexi_loyalty_counts():
                continue
            taxes = line.tax_id.filtered(lambda t: t.amount_type != "fixed")
            base, total = groups.get(taxes, (0.0, 0.0))
            groups[taxes] = (
                base
                + line.price_unit * line.product_uom_qty * (1 - line.discount / 100),
                total + line.price_total,
            )
        return groups

    def _flexi_loyalty_discount_line_vals(
        self, amount, product, description, lines=None
    ):
        """Negative lines worth ``amount`` (tax included), one per tax group
        of ``lines`` (default: all the order's lines).

        Each group gets its share in proportion to its total and keeps its
        taxes, so the order's tax amounts drop in proportion too. An amount
        above what is left to pay is refused.
        """
        self.ensure_one()
        groups = self._flexi_loyalty_tax_groups(lines)
        total = sum(t for _b, t in groups.values())
        currency = self.currency_id
        if currency.compare_amounts(total, 0.0) <= 0:
            raise UserError(_("There is nothing left to pay on this order."))
        if currency.compare_amounts(amount, total) > 0:
            raise UserError(
                _(
                    "%(reward)s is worth %(amount)s, more than the %(total)s left to "
                    "pay on this order: add products or choose another reward.",
                    reward=description,
                    amount=currency.format(amount),
                    total=currency.format(total),
                )
            )
        factor = amount / total
        # Untaxed groups last: their lines hit any amount exactly, so the last
        # group takes the cents the taxed lines' rounding left over.
        ordered = sorted(
            (taxes for taxes, (_b, t) in groups.items() if not currency.is_zero(t)),
            key=lambda taxes: bool(not taxes),
        )
        vals_list = []
        done = 0.0
        for index, taxes in enumerate(ordered):
            base, group_total = groups[taxes]
            if index == len(ordered) - 1:
                share = currency.round(amount - done)
            else:
                share = currency.round(group_total * factor)
            price, line_total = self._flexi_loyalty_price_for_total(
                taxes, -share, base / group_total
            )
            done -= line_total
            name = description
            if len(ordered) > 1 and taxes:
                name = _(
                    "%(reward)s - on products with %(taxes)s",
                    reward=description,
                    taxes=", ".join(taxes.mapped("name")),
                )
            vals_list.append(
                {
                    "product_id": product.id,
                    "name": name,
                    "product_uom_qty": 1.0,
                    "price_unit": price,
                    "discount": 0.0,
                    "tax_id": [Command.set(taxes.ids)],
                    "sequence": 999,
                }
            )
        return vals_list

    def _flexi_loyalty_price_for_total(self, taxes, total, base_ratio):
        """(unit price, its line total) with a total closest to ``total``.

        The first guess keeps the group's base/total ratio; one cent either
        way absorbs the rounding of the price and of its taxes.
        """
        digits = self.env["decimal.precision"].precision_get("Product Price")
        step = 10**-digits
        guess = float_round(total * base_ratio, precision_digits=digits)
        best = None
        for candidate in (guess, guess - step, guess + step):
            computed = (
                taxes.compute_all(candidate, currency=self.currency_id)[
                    "total_included"
                ]
                if taxes
                else candidate
            )
            gap = abs(computed - total)
            if best is None or gap < best[2] - step / 10:
                best = (candidate, computed, gap)
        return best[0], best[1]

    # ------------------------------------------------------------ vouchers

    def _flexi_loyalty_apply_voucher(self, code):
        """Use the voucher ``code`` on this quotation; returns the voucher."""
        self.ensure_one()
        self._flexi_loyalty_check_quotation()
        voucher = self.env["flexi.loyalty.voucher"]._flexi_find_usable(
            code, self.partner_id, self.company_id
        )
        vals_list = self._flexi_loyalty_voucher_line_vals(voucher)
        self._flexi_loyalty_check_left_to_pay(vals_list, _("Voucher %s", voucher.code))
        voucher._flexi_use(self)
        self._flexi_loyalty_add_lines([dict(v, order_id=self.id) for v in vals_list])
        return voucher

    def _flexi_loyalty_voucher_line_vals(self, voucher):
        """Negative lines for ``voucher``, tied to it."""
        self.ensure_one()
        voucher = voucher.sudo()
        product = voucher.reward_id.reward_product_id or self.env.ref(
            "flexi_loyalty.product_product_voucher"
        )
        description = _("Voucher %s", voucher.code)
        if voucher.value_type == "percent":
            vals_list = self._flexi_loyalty_percent_line_vals(
                voucher.value, product, description
            )
        else:
            vals_list = self._flexi_loyalty_discount_line_vals(
                voucher.value, product, description
            )
        for vals in vals_list:
            vals.update(
                flexi_loyalty_voucher_id=voucher.id,
                flexi_loyalty_reward_id=voucher.reward_id.id,
            )
        return vals_list

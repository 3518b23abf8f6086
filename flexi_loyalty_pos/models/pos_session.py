from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

SEARCH_LIMIT = 8


class PosSession(models.Model):
    _inherit = "pos.session"

    @api.model
    def _load_pos_data_models(self, config_id):
        # Programs and rewards only: members are fetched one search at a time.
        return [
            *super()._load_pos_data_models(config_id),
            "flexi.loyalty.program",
            "flexi.loyalty.reward",
        ]

    def _validate_session(self, *args, **kwargs):
        result = super()._validate_session(*args, **kwargs)
        if self.state == "closed":
            # Rewards accepted but never paid for give their points back.
            self.env["flexi.loyalty.pos.redemption"].sudo().search(
                [("session_id", "=", self.id), ("state", "=", "verified")]
            )._flexi_release()
        return result

    # ------------------------------------------------------------ helpers

    def _flexi_loyalty_check_open(self):
        """The till calls these methods on its own open session only."""
        self.ensure_one()
        self.check_access("read")
        if self.state not in ("opening_control", "opened"):
            raise UserError(_("This session is closed: loyalty is not available."))
        if not self.config_id.flexi_loyalty_program_ids:
            raise UserError(_("No loyalty program is set on this point of sale."))

    def _flexi_loyalty_member(self, subscription_id):
        """A member of one of this till's programs; sudo after checking it.

        sudo: cashiers work on members through the till, which limits them to
        its running programs; the membership rights of the back office do
        not apply here.
        """
        self._flexi_loyalty_check_open()
        member = self.env["flexi.loyalty.subscription"].sudo().browse(subscription_id)
        if (
            not member.exists()
            or member.program_id not in self.config_id._flexi_loyalty_programs()
        ):
            raise UserError(_("This member is not part of this shop's programs."))
        return member

    def _flexi_loyalty_member_data(self, members):
        """What the till shows for each member: display data only."""
        today = fields.Date.context_today(self)
        soon = fields.Date.add(today, days=30)
        result = []
        for member in members:
            rewards = member.program_id.reward_ids._flexi_pos_supported()
            spendable = member.points_available
            result.append(
                {
                    "id": member.id,
                    "partner_id": member.partner_id.id,
                    "name": member.partner_id.name,
                    "phone": member.phone or "",
                    "email": member.email or "",
                    "member_code": member.member_code,
                    "program_id": member.program_id.id,
                    "program_name": member.program_id.name,
                    "state": member.state,
                    "balance": member.points_balance,
                    "pending": member.points_pending,
                    "available": spendable,
                    "tier_name": member.tier_id.name or "",
                    "tier_discount": member.tier_id.discount_percent or 0.0,
                    "expiry_date": fields.Date.to_string(member.next_expiry_date)
                    if member.next_expiry_date
                    else False,
                    "expiry_points": member.next_expiry_points,
                    "expiring_soon": bool(
                        member.next_expiry_date and member.next_expiry_date <= soon
                    ),
                    "rewards": [
                        {
                            "id": reward.id,
                            "name": reward.name,
                            "points_cost": reward.points_cost,
                            "chooses_points": reward._flexi_chooses_points(),
                            "points_rule": reward._flexi_chooses_points()
                            and reward._flexi_points_rule(),
                            "affordable": spendable >= reward.points_cost,
                            "unavailable_reason": reward._flexi_unavailable_reason(
                                member
                            )
                            or "",
                        }
                        for reward in rewards
                    ],
                }
            )
        return result

    # ------------------------------------------------------------ RPC (till)

    def flexi_loyalty_search_members(self, term):
        """Members of this till's programs matching a phone, email or code."""
        self._flexi_loyalty_check_open()
        programs = self.config_id._flexi_loyalty_programs()
        # sudo: see _flexi_loyalty_member; the search is limited to the
        # till's programs and returns display data only.
        members = (
            self.env["flexi.loyalty.subscription"]
            .sudo()
            .with_company(self.company_id)
            ._flexi_search_members(term, limit=SEARCH_LIMIT, program_ids=programs.ids)
        )
        return self._flexi_loyalty_member_data(members)

    def flexi_loyalty_member_info(self, subscription_id):
        """Fresh figures of one member (after a redemption, a payment)."""
        return self._flexi_loyalty_member_data(
            self._flexi_loyalty_member(subscription_id)
        )[0]

    def flexi_loyalty_enroll(self, vals):
        """Enrol a customer at the till in this till's programs.

        ``vals``: name, phone, email (optional), consent (must be true).
        Returns the new members' display data.
        """
        self._flexi_loyalty_check_open()
        name = (vals.get("name") or "").strip()
        phone = (vals.get("phone") or "").strip()
        email = (vals.get("email") or "").strip()
        if not vals.get("consent"):
            raise UserError(_("The customer must accept the program's terms."))
        if not name or not (phone or email):
            raise UserError(_("A name and a mobile number or an email are needed."))
        if email and not email_normalize(email):
            raise UserError(_("%s is not a valid email address.", email))
        # sudo: see _flexi_loyalty_member (enrolment limited to this till).
        Sub = (
            self.env["flexi.loyalty.subscription"].sudo().with_company(self.company_id)
        )
        phone = Sub._flexi_normalize_phone(phone) if phone else False
        programs = self.config_id._flexi_loyalty_programs()
        if not programs:
            raise UserError(_("No loyalty program is running today."))
        code = (vals.get("referral_code") or "").strip()
        if code:
            # A mistyped code is refused before anyone is created.
            self.env["flexi.loyalty.referral"]._flexi_referrer(code, self.company_id)
        partner = self._flexi_loyalty_enroll_partner(name, phone, email)
        # Refused (the member themselves, an existing customer...): the whole
        # enrolment is undone and the cashier reads why.
        voucher = self._flexi_loyalty_refer(code, partner, phone, email)
        members = Sub.browse()
        for program in programs:
            members |= Sub._flexi_enroll(
                partner, program, channel="pos", phone=phone, email=email or False
            )
        result = self._flexi_loyalty_member_data(members)
        for data in result:
            data["welcome_voucher"] = voucher.code or ""
        return result

    def _flexi_loyalty_refer(self, code, partner, phone, email):
        """The new customer came with a member's referral code: referred, and
        their welcome voucher (sent by SMS/email) returned."""
        Voucher = self.env["flexi.loyalty.voucher"]
        if not (code or "").strip():
            return Voucher
        # sudo: see _flexi_loyalty_member; the referral checks the code and
        # the customer itself.
        referral = (
            self.env["flexi.loyalty.referral"]
            .sudo()
            ._flexi_refer(
                code,
                partner,
                "pos",
                company=self.company_id,
                phone=phone,
                email=email or None,
            )
        )
        return referral.voucher_id

    def _flexi_loyalty_enroll_partner(self, name, phone, email):
        """The customer with this mobile number or email, else a new one."""
        Partner = self.env["res.partner"]
        partner = Partner.browse()
        if phone:
            partner = Partner.search(
                ["|", ("mobile", "=", phone), ("phone", "=", phone)], limit=1
            )
        if not partner and email:
            # Exactly this address, whatever its case: "%" and "_" are
            # characters of the address, never wildcards.
            partner = Partner.search(
                [("email_normalized", "=", email_normalize(email))], limit=1
            )
        # sudo: cashiers may lack the contact creation right; the till only
        # creates a customer from a checked name, mobile and email.
        return partner or Partner.sudo().create(
            {
                "name": name,
                "mobile": phone,
                "email": email or False,
                "country_id": self.company_id.country_id.id,
            }
        )

    def flexi_loyalty_preview(self, subscription_id, lines):
        """Points the order will earn, computed here from its lines.

        ``lines``: dicts with product_id, qty, price_unit, discount, tax_ids,
        flexi_loyalty_token. Counted as when the paid order is processed.
        """
        member = self._flexi_loyalty_member(subscription_id)
        program = member.program_id
        items = []
        for vals in lines:
            product = self.env["product.product"].browse(vals.get("product_id"))
            if not product.exists():
                continue
            items.append(
                (
                    product,
                    vals.get("qty") or 0.0,
                    self._flexi_loyalty_amounts(vals, product),
                    bool(vals.get("flexi_loyalty_token")),
                )
            )
        points, base = program._flexi_points_for_lines(
            self.config_id._flexi_loyalty_earning_data(program, items),
            fields.Date.context_today(self),
            extra_multiplier=member._flexi_earn_multiplier(),
        )
        return {"points": points if member.state == "active" else 0, "base": base}

    def _flexi_loyalty_amounts(self, vals, product):
        taxes = self.env["account.tax"].browse(vals.get("tax_ids") or []).exists()
        price = (vals.get("price_unit") or 0.0) * (
            1 - (vals.get("discount") or 0.0) / 100
        )
        result = taxes.compute_all(
            price, self.currency_id, vals.get("qty") or 0.0, product=product
        )
        return result["total_excluded"], result["total_included"]

    def _flexi_loyalty_till_reward(self, subscription_id, reward_id):
        """(member, reward) the till may give now, or a clear refusal."""
        member = self._flexi_loyalty_member(subscription_id)
        reward = self.env["flexi.loyalty.reward"].sudo().browse(reward_id).exists()
        if not reward or reward not in member.program_id.reward_ids:
            raise UserError(_("This reward is not part of %s.", member.program_id.name))
        if not reward._flexi_pos_supported():
            raise UserError(
                _("%s cannot be given at the till: see the back office.", reward.name)
            )
        reason = reward._flexi_unavailable_reason(member)
        if reason:
            raise UserError(reason)
        return member, reward

    def flexi_loyalty_points_choice(self, subscription_id, reward_id, lines):
        """What the cashier may choose for a credit per point on the order
        being rung up: ``{"min", "max", "step", "rule"}`` (max 0: none)."""
        member, reward = self._flexi_loyalty_till_reward(subscription_id, reward_id)
        if not reward._flexi_chooses_points():
            raise UserError(_("%s costs a fixed number of points.", reward.name))
        return {
            "min": reward.points_cost,
            "max": reward._flexi_max_points(
                member.points_available, self._flexi_loyalty_left_to_pay(lines)
            ),
            "step": reward.points_step,
            "rule": reward._flexi_points_rule(),
        }

    def flexi_loyalty_request_reward(
        self, subscription_id, reward_id, lines, points=None
    ):
        """Start spending points on a reward for the order being rung up.

        ``points``: how many, for a credit per point (the cashier's choice,
        checked here against the member's points and the order). Sends a
        one-time code bound to a new redemption for exactly these points and
        answers ``{"redemption_id", "channel", "to"}``; when no code is needed
        the redemption is accepted at once and the answer carries ``line``.
        """
        member, reward = self._flexi_loyalty_till_reward(subscription_id, reward_id)
        points = reward._flexi_points_choice(
            points, member, self._flexi_loyalty_left_to_pay(lines)
        )
        member._flexi_check_affordable(points)
        goods = self._flexi_loyalty_goods_amount(lines)
        amount = self._flexi_loyalty_reward_amount(reward, goods, points)
        # sudo: redemptions are written by the server only (no create right
        # for cashiers), after the checks above.
        redemption = (
            self.env["flexi.loyalty.pos.redemption"]
            .sudo()
            .create(
                {
                    "session_id": self.id,
                    "subscription_id": member.id,
                    "reward_id": reward.id,
                    "points": points,
                    "amount": amount,
                    "base_amount": goods,
                    "product_id": reward.reward_product_id.id,
                }
            )
        )
        if not self.config_id._flexi_loyalty_otp_needed(member.program_id):
            return {"redemption_id": redemption.id, "line": redemption._flexi_accept()}
        otp = self.env["flexi.loyalty.otp"]._flexi_request(
            member, reward, redemption, points=points
        )
        redemption.otp_id = otp
        return {
            "redemption_id": redemption.id,
            "channel": otp.channel,
            "to": self._flexi_loyalty_mask(
                member.phone if otp.channel == "sms" else member.email
            ),
        }

    @api.model
    def _flexi_loyalty_mask(self, destination):
        """Enough of the number or address for the customer to recognise it."""
        destination = destination or ""
        if "@" in destination:
            user, domain = destination.split("@", 1)
            return f"{user[:2]}***@{domain}"
        return f"***{destination[-4:]}"

    def _flexi_loyalty_goods_amount(self, lines):
        """Tax-included value of the order's ``lines`` without its rewards."""
        goods = 0.0
        for vals in lines:
            product = self.env["product.product"].browse(vals.get("product_id"))
            if vals.get("flexi_loyalty_token") or not product.exists():
                continue
            goods += self._flexi_loyalty_amounts(vals, product)[1]
        return self.currency_id.round(goods)

    def _flexi_loyalty_left_to_pay(self, lines):
        """Tax-included value of the order's ``lines``, rewards already on it
        included: what a credit per point may take off at most."""
        total = 0.0
        for vals in lines:
            product = self.env["product.product"].browse(vals.get("product_id"))
            if product.exists():
                total += self._flexi_loyalty_amounts(vals, product)[1]
        return self.currency_id.round(total)

    def _flexi_loyalty_reward_amount(self, reward, goods, points=None):
        """Tax-included value of ``reward`` (``points`` chosen for a credit
        per point) on an order of ``goods``."""
        if reward.reward_type == "discount":
            amount = self.currency_id.round(goods * reward.discount_percent / 100)
        elif reward._flexi_chooses_points():
            amount = reward._flexi_credit_for(points)
        else:
            amount = reward.credit_amount
        if goods <= 0:
            raise UserError(_("Add the products to the order before the reward."))
        if self.currency_id.compare_amounts(amount, goods) > 0:
            raise UserError(
                _(
                    "The reward (%(reward)s) is worth more than the order (%(order)s).",
                    reward=amount,
                    order=goods,
                )
            )
        return amount

    def flexi_loyalty_verify_code(self, redemption_id, code):
        """Check the code the customer read out; answers the reward line, or
        ``{"error": message}`` when the code is wrong, expired or locked."""
        self._flexi_loyalty_check_open()
        redemption = (
            self.env["flexi.loyalty.pos.redemption"].sudo().browse(redemption_id)
        )
        if (
            not redemption.exists()
            or redemption.session_id != self
            or redemption.state != "draft"
            or not redemption.otp_id
        ):
            raise UserError(_("This redemption is no longer waiting for a code."))
        # A wrong code is a normal answer at the till, not an error: the
        # attempt is counted (and the code locked after too many) all the same.
        result = redemption.otp_id._flexi_check_code(
            code, redemption.reward_id, redemption, points=redemption.points
        )
        if result == "locked":
            return {
                "error": _("Too many wrong codes: this code is locked, send a new one.")
            }
        if result != "ok":
            return {"error": _("This code is wrong or no longer valid.")}
        return redemption._flexi_accept()

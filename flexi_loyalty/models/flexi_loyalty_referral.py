import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize, mute_logger

from ..tools.codes import REFERRAL_CODE_LENGTH, is_referral_code, normalize_code
from ..tools.referral import contact_keys, refusal


class FlexiLoyaltyReferral(models.Model):
    """A friend a member brought: welcome voucher for the friend, points for
    the member once the friend's first order is paid.

    One per friend and program (a database constraint, whatever races).
    Written by the server only: nobody types a state, a friend or the points.
    """

    _name = "flexi.loyalty.referral"
    _description = "Loyalty Referral"
    _inherit = ["mail.thread", "flexi.loyalty.guarded.mixin"]
    _order = "id desc"
    _rec_name = "partner_id"
    _flexi_guarded_fields = (
        "subscription_id",
        "program_id",
        "company_id",
        "partner_id",
        "channel",
        "state",
        "email_key",
        "phone",
        "voucher_id",
        "order_id",
        "conversion_model",
        "conversion_id",
        "converted_date",
        "points_given",
    )

    subscription_id = fields.Many2one(
        "flexi.loyalty.subscription",
        "Referred By",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
        copy=False,
    )
    program_id = fields.Many2one(
        "flexi.loyalty.program",
        required=True,
        readonly=True,
        ondelete="restrict",
        copy=False,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, copy=False
    )
    referrer_partner_id = fields.Many2one(
        related="subscription_id.partner_id", string="Member", store=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Friend",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
        copy=False,
    )
    channel = fields.Selection(
        [
            ("order", "Sale Order"),
            ("signup", "Website Sign-up"),
            ("website", "Website Order"),
            ("portal", "Customer Portal"),
            ("pos", "Point of Sale"),
        ],
        required=True,
        readonly=True,
        copy=False,
    )
    state = fields.Selection(
        [
            ("pending", "Waiting for a Paid Order"),
            ("converted", "Converted"),
            ("reversed", "Reversed"),
        ],
        default="pending",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    # The friend's mailbox and mobile when referred: someone with the same
    # ones, under another name, is the same friend.
    email_key = fields.Char(readonly=True, index="btree_not_null", copy=False)
    phone = fields.Char("Mobile", readonly=True, index="btree_not_null", copy=False)
    voucher_id = fields.Many2one(
        "flexi.loyalty.voucher", "Welcome Voucher", readonly=True, copy=False
    )
    order_id = fields.Many2one(
        "sale.order",
        "Referred On",
        readonly=True,
        index="btree_not_null",
        help="The quotation the code was given on.",
        copy=False,
    )
    conversion_model = fields.Char(readonly=True, copy=False)
    conversion_id = fields.Many2oneReference(
        "Converting Order ID", model_field="conversion_model", readonly=True, copy=False
    )
    conversion_ref = fields.Reference(
        selection="_selection_conversion_ref",
        compute="_compute_conversion_ref",
        string="First Paid Order",
    )
    converted_date = fields.Datetime("Converted On", readonly=True, copy=False)
    points_given = fields.Integer(
        readonly=True, help="Points the member holds for this friend now.", copy=False
    )

    _sql_constraints = [
        (
            "friend_program_unique",
            "UNIQUE(partner_id, program_id)",
            "This customer was already referred in this program.",
        ),
    ]

    @api.model
    def _selection_conversion_ref(self):
        return [(m.model, m.name) for m in self.env["ir.model"].sudo().search([])]

    @api.depends("conversion_model", "conversion_id")
    def _compute_conversion_ref(self):
        for referral in self:
            model, res_id = referral.conversion_model, referral.conversion_id
            referral.conversion_ref = (
                f"{model},{res_id}" if model and res_id and model in self.env else False
            )

    # ------------------------------------------------------------ the code

    @api.model
    def _flexi_referrer(self, code, company):
        """The active member whose referral ``code`` is valid in ``company``
        today, or a clear refusal.

        Unknown codes, codes of closed members and of programs without
        referrals all read the same: a code says nothing about its owner.
        ``sudo``: only the member behind a valid code is returned, to server
        code that records the referral.
        """
        normalized = normalize_code(code)
        if not is_referral_code(normalized):
            raise UserError(
                _(
                    "%(code)s is not a referral code: a referral code has "
                    "%(length)s letters and digits, for example ABCD2345.",
                    code=(code or "").strip()[:20] or '""',
                    length=REFERRAL_CODE_LENGTH,
                )
            )
        member = (
            self.env["flexi.loyalty.subscription"]
            .sudo()
            .search([("referral_code", "=", normalized)], limit=1)
        )
        program = member.program_id
        today = fields.Date.context_today(self)
        running = self.env["flexi.loyalty.program"]._flexi_active_programs(
            company, today
        )
        if (
            not member
            or member.state != "active"
            or program not in running
            or not program.referral_enabled
        ):
            raise UserError(_("%s is not a valid referral code.", normalized))
        return member

    # ------------------------------------------------------------ who may

    @api.model
    def _flexi_phone_keys(self, numbers, country=None):
        Partner = self.env["res.partner"]
        return {Partner._flexi_phone_e164(n, country) for n in numbers if n} - {False}

    @api.model
    def _flexi_referrer_facts(self, member):
        partner = member.partner_id
        emails, phones = contact_keys(
            [member.email, partner.email],
            {member.phone}
            | self._flexi_phone_keys(
                [partner.mobile, partner.phone], partner.country_id
            ),
        )
        return {
            "partner": partner.commercial_partner_id.id,
            "emails": emails,
            "phones": phones,
        }

    @api.model
    def _flexi_same_people(self, friend, emails, phones):
        """``friend`` and every customer with one of their addresses or
        mobile numbers (in the customers' file or as a member)."""
        Partner = self.env["res.partner"].sudo()
        people = friend | friend.commercial_partner_id
        normalized = [e for e in map(email_normalize, emails) if e]
        domains = []
        if normalized:
            domains.append([("email_normalized", "in", normalized)])
        if phones:
            domains.append([("phone_sanitized", "in", list(phones))])
        for domain in domains:
            people |= Partner.search(domain)
        members = self.env["flexi.loyalty.subscription"].sudo()
        if normalized or phones:
            people |= members.search(
                ["|", ("email", "in", normalized), ("phone", "in", list(phones))]
            ).partner_id
        return people

    @api.model
    def _flexi_friend_facts(self, program, friend, email=None, phone=None):
        # sudo: facts about the customer being referred, whoever types the
        # code; only yes/no answers and their own contacts are used.
        friend = friend.sudo()
        country = friend.country_id
        raw_emails = [email, friend.email]
        phones = self._flexi_phone_keys([phone, friend.mobile, friend.phone], country)
        keys, phones = contact_keys(raw_emails, phones)
        people = self._flexi_same_people(friend, [e for e in raw_emails if e], phones)
        referred_domain = [("partner_id", "in", people.ids)]
        if keys:
            referred_domain = ["|", ("email_key", "in", list(keys)), *referred_domain]
        if phones:
            referred_domain = ["|", ("phone", "in", list(phones)), *referred_domain]
        referred = self.sudo().search_count(
            [("program_id", "=", program.id), *referred_domain], limit=1
        )
        return {
            "partner": friend.commercial_partner_id.id,
            "emails": keys,
            "phones": phones,
            "customer": people._flexi_loyalty_is_customer(),
            "referred": bool(referred),
        }

    @api.model
    def _flexi_refusal_message(self, reason, friend):
        messages = {
            "same_customer": _(
                "A member cannot use their own referral code: referral codes "
                "are for friends."
            ),
            "same_email": _(
                "%s has the same email address as the member who shared this "
                "code: members cannot refer themselves.",
                friend.name,
            ),
            "same_phone": _(
                "%s has the same mobile number as the member who shared this "
                "code: members cannot refer themselves.",
                friend.name,
            ),
            "existing_customer": _(
                "%s is already a customer: referral codes are for new customers.",
                friend.name,
            ),
            "already_referred": _(
                "%s was already referred by a member: a friend is referred once.",
                friend.name,
            ),
        }
        return messages[reason]

    @api.model
    def _flexi_check_friend(self, member, friend, email=None, phone=None):
        """Refuse, with the reason, a friend ``member`` may not refer."""
        reason = refusal(
            self._flexi_referrer_facts(member),
            self._flexi_friend_facts(member.program_id, friend, email, phone),
        )
        if reason:
            raise UserError(self._flexi_refusal_message(reason, friend))

    # ------------------------------------------------------------ referring

    @api.model
    def _flexi_refer(
        self, code, friend, channel, company=None, order=None, email=None, phone=None
    ):
        """Record that ``friend`` came with the referral ``code`` and give
        them the welcome voucher; returns the referral.

        Refuses, with a clear reason, an invalid code, the member themselves
        (same customer, email or mobile) and existing customers. The same
        friend with the same code again gets the referral they have, nothing
        more. ``email``/``phone``: the friend's contacts typed with the code.
        """
        if not friend:
            raise UserError(_("Choose the customer who was referred first."))
        company = company or self.env.company
        member = self._flexi_referrer(code, company)
        existing = self.sudo().search(
            [("program_id", "=", member.program_id.id), ("partner_id", "=", friend.id)]
        )
        if existing.subscription_id == member:
            return existing
        self._flexi_check_friend(member, friend, email, phone)
        referral = self._flexi_create(member, friend, channel, order, email, phone)
        referral._flexi_give_welcome_voucher()
        return referral

    @api.model
    def _flexi_create(self, member, friend, channel, order, email, phone):
        """The new referral, or "already referred" when another transaction
        referred the same friend first (the constraint decides)."""
        keys, phones = contact_keys(
            [email or friend.email],
            self._flexi_phone_keys(
                [phone or friend.mobile or friend.phone], friend.country_id
            ),
        )
        try:
            with (
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
                self._flexi_trusted(),
            ):
                referral = self.sudo().create(
                    {
                        "subscription_id": member.id,
                        "program_id": member.program_id.id,
                        "company_id": member.company_id.id,
                        "partner_id": friend.id,
                        "channel": channel,
                        "email_key": next(iter(keys), False),
                        "phone": next(iter(phones), False),
                        "order_id": order.id if order else False,
                    }
                )
                referral.flush_recordset()
        except psycopg2.errors.UniqueViolation as error:
            raise UserError(
                self._flexi_refusal_message("already_referred", friend)
            ) from error
        return referral

    def _flexi_give_welcome_voucher(self):
        """The friend's welcome voucher, sent to them by email and SMS."""
        self.ensure_one()
        program = self.program_id
        if program.referral_voucher_value <= 0:
            return self.env["flexi.loyalty.voucher"]
        voucher = (
            self.env["flexi.loyalty.voucher"]
            .with_company(self.company_id)
            ._flexi_issue(
                self.partner_id,
                "amount",
                program.referral_voucher_value,
                program.referral_voucher_validity_days,
                _("Welcome voucher: referred by a member of %s", program.name),
                notify=True,
            )
        )
        with self._flexi_trusted():
            self.sudo().write({"voucher_id": voucher.id})
        return voucher

    # ------------------------------------------------------------ converting

    @api.model
    def _flexi_pending_for(self, documents):
        """{document: referrals its customer was referred by and that wait for
        a paid order} (converted ones are left out)."""
        friends = documents.partner_id.commercial_partner_id
        if not friends:
            return {}
        referrals = self.sudo().search(
            [
                ("partner_id.commercial_partner_id", "in", friends.ids),
                ("state", "in", ("pending", "reversed")),
            ]
        )
        return {
            document: referrals.filtered(
                lambda r, d=document: (
                    r.partner_id.commercial_partner_id
                    == d.partner_id.commercial_partner_id
                    and r.company_id == d.company_id
                )
            )
            for document in documents
        }

    @api.model
    def _flexi_convert_for(self, documents):
        """``documents`` (orders of any kind) were paid: the referrals of their
        customers convert, on the first of them that is worth something."""
        for document, referrals in self._flexi_pending_for(documents).items():
            if (
                referrals
                and document.currency_id.compare_amounts(document.amount_total, 0.0) > 0
            ):
                referrals._flexi_convert(document)

    def _flexi_lock(self):
        """Row lock: concurrent conversions of one referral queue, then the
        second sees the first (Odoo retries it on a serialization failure)."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR UPDATE",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset()

    def _flexi_bonus_lines(self, move_types=("bonus",)):
        return self.env["flexi.loyalty.ledger.line"]._flexi_source_lines(
            self, list(move_types)
        )

    def _flexi_convert(self, document):
        """The friend's first paid order: the member earns the program's
        points, once (a retry, a twin transaction or a second paid order
        adds nothing)."""
        Line = self.env["flexi.loyalty.ledger.line"]
        for referral in self.sudo():
            referral._flexi_lock()
            if referral.state == "converted":
                continue
            given = referral.points_given
            member = referral.subscription_id
            points = referral.program_id.referral_points
            line = Line
            if points > 0 and member.state == "active":
                earlier = referral._flexi_bonus_lines()
                line = Line._flexi_post(
                    [
                        {
                            "subscription_id": member.id,
                            "move_type": "bonus",
                            "points": points,
                            "reason": _(
                                "Referral: %(friend)s's first order %(order)s",
                                friend=referral._flexi_friend_first_name(),
                                order=document.display_name,
                            ),
                            "expiry_date": member.program_id._flexi_expiry_date(
                                fields.Date.context_today(self)
                            ),
                            "idempotency_key": f"referral:{referral.id}:{len(earlier)}",
                            **Line._flexi_source_vals(referral),
                        }
                    ]
                )
            with self._flexi_trusted():
                referral.write(
                    {
                        "state": "converted",
                        "conversion_model": document._name,
                        "conversion_id": document.id,
                        "converted_date": fields.Datetime.now(),
                        "points_given": given + sum(line.mapped("points")),
                    }
                )
            referral._message_log(
                body=_(
                    "First paid order %(order)s: %(points)s points for %(member)s.",
                    order=document.display_name,
                    points=sum(line.mapped("points")),
                    member=member.partner_id.name,
                )
            )

    @api.model
    def _flexi_reverse_for(self, documents, reason):
        """``documents`` were cancelled or refunded: the referrals they
        converted take their points back and wait for another paid order."""
        for document in documents:
            self.sudo().search(
                [
                    ("conversion_model", "=", document._name),
                    ("conversion_id", "=", document.id),
                    ("state", "=", "converted"),
                ]
            )._flexi_reverse_conversion(reason)

    def _flexi_reverse_conversion(self, reason):
        for referral in self.sudo():
            referral._flexi_lock()
            if referral.state != "converted":
                continue
            undone = referral._flexi_bonus_lines()._flexi_reverse(
                f"{referral._name},{referral.id}", reason
            )
            with self._flexi_trusted():
                referral.write(
                    {
                        "state": "reversed",
                        "points_given": referral.points_given
                        + sum(undone.mapped("points")),
                    }
                )
            referral._message_log(
                body=_(
                    "%(reason)s: %(points)s referral points taken back.",
                    reason=reason,
                    points=-sum(undone.mapped("points")),
                )
            )

    # ------------------------------------------------------------ display

    def _flexi_portal_name(self):
        """How the member's portal names this referral (points history)."""
        self.ensure_one()
        return _("Friend referred: %s", self._flexi_friend_first_name())

    def _flexi_friend_first_name(self):
        """What the member sees of a friend: the first word of the name."""
        self.ensure_one()
        name = (self.sudo().partner_id.name or "").strip()
        return name.split()[0] if name else _("A friend")

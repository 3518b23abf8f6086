import logging

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import otp as otp_rules

_logger = logging.getLogger(__name__)
OTP_SECRET_PARAM = "flexi_loyalty.otp_secret"


class FlexiLoyaltyOtp(models.Model):
    """A one-time code protecting one points redemption.

    Server-side API shared by every front end (back office wizard, POS,
    website):

    * ``Otp._flexi_request(subscription, reward, document, channel="sms")``
      sends a code and returns the OTP record;
    * ``otp._flexi_verify(code, reward, document)`` raises a clear UserError
      unless the typed code is right, fresh and bound to exactly this
      redemption; ``otp._flexi_check_code(...)`` is the same check answering
      'ok', 'invalid' or 'locked' instead of raising;
    * ``Otp._flexi_override(subscription, reward, document, reason)`` lets a
      manager redeem without a code, with a logged reason.

    The code itself is never stored: only an HMAC keyed by a per-code salt and
    bound to (member, reward, points, document).
    """

    _name = "flexi.loyalty.otp"
    _description = "Loyalty Redemption Code"
    _order = "id desc"
    _rec_name = "subscription_id"

    subscription_id = fields.Many2one(
        "flexi.loyalty.subscription",
        "Member",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    partner_id = fields.Many2one(related="subscription_id.partner_id")
    company_id = fields.Many2one(related="subscription_id.company_id", store=True)
    reward_id = fields.Many2one("flexi.loyalty.reward", readonly=True)
    points = fields.Integer(readonly=True)
    document = fields.Char(
        readonly=True, help="The document the points are spent on (model,id)."
    )
    channel = fields.Selection(
        [("sms", "SMS"), ("email", "Email"), ("override", "Manager Override")],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("pending", "Sent"),
            ("used", "Used"),
            ("locked", "Locked"),
            ("cancelled", "Replaced"),
            ("overridden", "Overridden"),
        ],
        default="pending",
        required=True,
        readonly=True,
    )
    # Secrets: only the salted hash, readable by administrators alone.
    salt = fields.Char(readonly=True, groups="base.group_system")
    code_hash = fields.Char(readonly=True, groups="base.group_system")
    sent_date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    expiry_date = fields.Datetime("Valid Until", readonly=True)
    attempts = fields.Integer("Wrong Attempts", default=0, readonly=True)
    last_attempt_date = fields.Datetime(readonly=True)
    used_date = fields.Datetime(readonly=True)
    user_id = fields.Many2one(
        "res.users", "Requested By", default=lambda self: self.env.user, readonly=True
    )
    override_reason = fields.Char(readonly=True)

    # ------------------------------------------------------------ binding

    @api.model
    def _flexi_document_ref(self, document):
        return f"{document._name},{document.id}" if document else ""

    @api.model
    def _flexi_secret(self):
        """The server's key mixed into every code's HMAC.

        Kept in the system parameters, not in the codes' table: a copy of
        that table alone reveals no code. ``sudo``: system parameters are
        administrators' data; only this method reads the key.
        """
        ICP = self.env["ir.config_parameter"].sudo()
        secret = ICP.get_param(OTP_SECRET_PARAM)
        if not secret:
            # A database from before the key was made at install.
            self._flexi_init_secret()
            secret = ICP.get_param(OTP_SECRET_PARAM)
        return secret

    @api.model
    def _flexi_init_secret(self):
        """Make the key, once: at install (data file), never on a customer's
        first code, when two requests at once would each make their own."""
        ICP = self.env["ir.config_parameter"].sudo()
        if not ICP.get_param(OTP_SECRET_PARAM):
            ICP.set_param(OTP_SECRET_PARAM, otp_rules.new_salt() + otp_rules.new_salt())

    @api.model
    def _flexi_binding(self, subscription, reward, points, document):
        return otp_rules.binding_key(
            subscription.id, reward.id, points, self._flexi_document_ref(document)
        )

    # ------------------------------------------------------------ request

    @api.model
    def _flexi_request(
        self, subscription, reward, document, channel="sms", points=None, send_now=False
    ):
        """Send a fresh code for this redemption; returns the OTP record.

        ``channel`` is 'sms' (falls back to email without a mobile number) or
        'email'. Refuses clearly when the reward is not available, the member
        cannot afford it, or 3 codes already went out in 15 minutes. Earlier
        pending codes of the member stop working. With ``send_now`` (someone
        waits for the code), the SMS leaves at once and a failure is said.
        """
        subscription.ensure_one()
        reward.ensure_one()
        points = reward.points_cost if points is None else points
        reason = reward._flexi_unavailable_reason(subscription)
        if reason:
            raise UserError(reason)
        subscription._flexi_check_affordable(points)
        channel = self._flexi_pick_channel(subscription, channel)
        now = fields.Datetime.now()
        # sudo: staff may not read other codes' send dates; only dates are read.
        Otp = self.sudo()
        previous = Otp.search(
            [
                ("subscription_id", "=", subscription.id),
                ("channel", "!=", "override"),
                ("sent_date", ">", fields.Datetime.subtract(now, hours=1)),
            ]
        )
        if not otp_rules.can_resend(previous.mapped("sent_date"), now):
            raise UserError(
                _(
                    "%(count)s codes were already sent in the last %(minutes)s "
                    "minutes: wait a little before asking for another one.",
                    count=otp_rules.RESEND_LIMIT,
                    minutes=otp_rules.RESEND_WINDOW_SECONDS // 60,
                )
            )
        previous.filtered(lambda o: o.state == "pending")._flexi_cancel()
        code = otp_rules.generate_code()
        salt = otp_rules.new_salt()
        otp = Otp.create(
            {
                "subscription_id": subscription.id,
                "reward_id": reward.id,
                "points": points,
                "document": self._flexi_document_ref(document),
                "channel": channel,
                "salt": salt,
                "code_hash": otp_rules.hash_code(
                    code,
                    salt,
                    self._flexi_binding(subscription, reward, points, document),
                    self._flexi_secret(),
                ),
                "sent_date": now,
                "expiry_date": otp_rules.expiry_for(now),
                "user_id": self.env.uid,
            }
        )
        otp._flexi_send_code(code, send_now=send_now)
        otp._flexi_log(
            _(
                "Code to spend %(points)s points on %(reward)s sent by %(channel)s.",
                points=points,
                reward=reward.name,
                channel=dict(otp._fields["channel"]._description_selection(self.env))[
                    channel
                ],
            )
        )
        return otp.sudo(False)

    @api.model
    def _flexi_pick_channel(self, subscription, channel):
        """The channel the code really goes by: SMS needs a mobile number."""
        if channel == "sms" and subscription.phone:
            return "sms"
        if subscription.email:
            return "email"
        if subscription.phone:
            return "sms"
        raise UserError(
            _("This member has no mobile number nor email to receive a code.")
        )

    def _flexi_online(self):
        """Whether the member asked for the code on the website (a portal
        user), not at the counter: the message says where to type it."""
        self.ensure_one()
        return bool(self.sudo().user_id.share)

    def _flexi_send_code(self, code, send_now=False):
        """Queue the code to the member; the plain code lives only in the message.

        ``sudo``: the SMS queue and templates are administrators' models; the
        message goes to the member's own number or address.
        """
        self.ensure_one()
        if self.channel == "sms":
            self._flexi_send_sms(code, send_now=send_now)
        elif self.channel == "email":
            template = self.env.ref("flexi_loyalty.mail_template_otp")
            template.sudo().with_context(
                flexi_otp_code=code, flexi_otp_online=self._flexi_online()
            ).send_mail(
                self.id,
                email_values={
                    "email_to": self.subscription_id.email,
                    "recipient_ids": [],
                },
            )

    def _flexi_send_sms(self, code, send_now=False):
        """Queue an sms.sms (sent by the SMS cron, woken up now), or send it
        at once with ``send_now`` and refuse when it could not go."""
        self.ensure_one()
        template = self.env.ref(
            "flexi_loyalty.sms_template_otp_online"
            if self._flexi_online()
            else "flexi_loyalty.sms_template_otp"
        )
        body = (
            template.sudo()
            .with_context(flexi_otp_code=code)
            ._render_field("body", self.ids, compute_lang=True)[self.id]
        )
        # No chatter message: it would keep the code in clear in the database.
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                {
                    "number": self.subscription_id.phone,
                    "partner_id": self.partner_id.id,
                    "body": body,
                    "state": "outgoing",
                }
            )
        )
        if send_now:
            sms.send(unlink_failed=False, unlink_sent=True, raise_exception=False)
            if sms.state == "error":
                reason = dict(
                    sms._fields["failure_type"]._description_selection(self.env)
                ).get(sms.failure_type) or _("unknown error")
                raise UserError(
                    _(
                        "The code could not be sent by SMS to %(number)s (%(reason)s). "
                        "Check the number, or try again later.",
                        number=self._flexi_masked_destination(),
                        reason=reason,
                    )
                )
            return
        cron = self.env.ref(
            "sms.ir_cron_sms_scheduler_action", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()

    def _flexi_masked_destination(self):
        """The number or address the code went to, masked: enough for the
        member to recognise it, not enough to learn it."""
        self.ensure_one()
        member = self.subscription_id.sudo()
        if self.channel == "email":
            user, __, domain = (member.email or "").partition("@")
            return f"{user[:2]}***@{domain}"
        digits = "".join(c for c in member.phone or "" if c.isdigit())
        return f"***{digits[-4:]}"

    def _flexi_sent_message(self):
        """What the person who asked for the code is told."""
        self.ensure_one()
        if self.channel == "email":
            return _(
                "Code sent by email to %(to)s. It is valid for 5 minutes.",
                to=self._flexi_masked_destination(),
            )
        return _(
            "Code sent by SMS to %(to)s. It is valid for 5 minutes.",
            to=self._flexi_masked_destination(),
        )

    # ------------------------------------------------------------ verify

    def _flexi_check_code(self, code, reward, document, points=None):
        """'ok', 'invalid' or 'locked' for ``code`` typed for this redemption.

        The redemption about to happen (reward, points, document) is part of
        the hash: a code sent for another one never matches. A success marks
        the code used (once: a concurrent second success finds it used); a
        failure is counted in the database itself, durably, whatever happens
        to the caller's transaction. Every attempt is logged on the member.
        """
        self.ensure_one()
        otp = self.sudo()
        points = reward.points_cost if points is None else points
        now = fields.Datetime.now()
        if otp.state == "locked":
            result = "locked"
        else:
            result = otp_rules.check_code(
                code,
                salt=otp.salt,
                binding=self._flexi_binding(
                    otp.subscription_id, reward, points, document
                ),
                code_hash=otp.code_hash,
                expires_at=otp.expiry_date,
                now=now,
                attempts=otp.attempts,
                used=otp.state != "pending",
                secret=self._flexi_secret(),
            )
        if result == "ok" and not otp._flexi_mark_used(now):
            result = "invalid"
        if result == "ok":
            otp._flexi_log(_("Code accepted: %(points)s points spent.", points=points))
        else:
            otp._flexi_record_failure(now)
        return result

    def _flexi_verify(self, code, reward, document, points=None):
        """Raise a UserError unless ``code`` unlocks this redemption.

        A wrong code and an expired one get the same message.
        """
        result = self._flexi_check_code(code, reward, document, points=points)
        if result == "locked":
            raise UserError(
                _("Too many wrong codes: this code is locked, send a new one.")
            )
        if result != "ok":
            raise UserError(_("This code is wrong or no longer valid."))
        return True

    def _flexi_check_points(self, points):
        """Refuse clearly, before the code is checked (and no attempt is
        counted), a number of points other than the one the code was sent
        for: the code would not match anyway."""
        self.ensure_one()
        sent = self.sudo().points
        if sent != points:
            raise UserError(
                _(
                    "This code was sent to spend %(sent)s points, not %(points)s: "
                    "send a new code for %(points)s points.",
                    sent=sent,
                    points=points,
                )
            )
        return True

    def _flexi_check_authorises(self, subscription, reward, document, points=None):
        """Refuse unless this code, accepted or overridden, was issued for
        exactly this member, reward, number of points and document: a code
        sent to one member never spends another member's points, a code sent
        for 50 points never spends 500."""
        self.ensure_one()
        otp = self.sudo()
        points = reward.points_cost if points is None else points
        if (
            otp.state not in ("used", "overridden")
            or otp.subscription_id != subscription
            or otp.reward_id != reward
            or otp.points != points
            or otp.document != self._flexi_document_ref(document)
        ):
            raise UserError(_("This code does not authorise this redemption."))
        return True

    def _flexi_mark_used(self, now):
        """Pending → used, in one statement: False when another request used,
        locked or replaced the code first (the row lock then makes a
        concurrent twin fail instead of passing on a stale read)."""
        self.ensure_one()
        self.env.cr.execute(
            """
            UPDATE flexi_loyalty_otp
               SET state = 'used', used_date = %(now)s, last_attempt_date = %(now)s
             WHERE id = %(id)s AND state = 'pending' AND COALESCE(attempts, 0) < %(max)s
            RETURNING id
            """,
            {"id": self.id, "now": now, "max": otp_rules.MAX_ATTEMPTS},
        )
        done = bool(self.env.cr.fetchone())
        self.invalidate_recordset(["state", "used_date", "last_attempt_date"])
        return done

    def _flexi_cancel(self):
        """Pending codes stop working (a newer code, a new contact)."""
        self.env.cr.execute(
            "UPDATE flexi_loyalty_otp SET state = 'cancelled' "
            "WHERE id IN %s AND state = 'pending'",
            [tuple(self.ids) or (0,)],
        )
        self.invalidate_recordset(["state"])

    # Counts one failure on the current row, whatever the others did: only a
    # pending code can become locked, a used or replaced one stays so.
    _FAILURE_SQL = """
        UPDATE flexi_loyalty_otp
           SET attempts = COALESCE(attempts, 0) + 1,
               last_attempt_date = %(now)s,
               state = CASE WHEN state = 'pending'
                             AND COALESCE(attempts, 0) + 1 >= %(max)s
                            THEN 'locked' ELSE state END
         WHERE id = %(id)s
     RETURNING attempts, state
    """

    def _flexi_record_failure(self, now):
        """Count a failed attempt, durably and atomically.

        In a transaction of its own, so the UserError that follows cannot
        roll the counter back; tried again when another attempt counted at
        the same moment, so parallel guesses each count. A code this very
        transaction created or holds is counted here instead.
        """
        self.ensure_one()
        params = {"id": self.id, "now": now, "max": otp_rules.MAX_ATTEMPTS}
        row = None
        with self.env.registry.cursor() as cr:
            for _try in range(20):
                try:
                    # Never wait long on a row our own transaction may hold.
                    cr.execute("SET LOCAL lock_timeout = '5s'")
                    cr.execute(self._FAILURE_SQL, params, log_exceptions=False)
                    row = cr.fetchone()
                    if row:
                        self.with_env(self.env(cr=cr))._flexi_log_failure(*row)
                    cr.commit()
                    break
                except psycopg2.errors.SerializationFailure:
                    cr.rollback()
                except psycopg2.errors.LockNotAvailable:
                    _logger.info(
                        "OTP %s busy, attempt counted in this transaction", self.id
                    )
                    cr.rollback()
                    row = None
                    break
        if not row:
            self.env.cr.execute(self._FAILURE_SQL, params)
            row = self.env.cr.fetchone()
            self._flexi_log_failure(*row)
        self.invalidate_recordset(["attempts", "state", "last_attempt_date"])

    def _flexi_log_failure(self, attempts, state):
        if state == "locked" and attempts > otp_rules.MAX_ATTEMPTS:
            message = _("Code typed while locked: refused.")
        else:
            message = _(
                "Wrong or expired code (attempt %(attempt)s of %(max)s).",
                attempt=attempts,
                max=otp_rules.MAX_ATTEMPTS,
            )
            if state == "locked":
                message += " " + _("The code is now locked.")
        self._flexi_log(message)

    # ------------------------------------------------------------ override

    @api.model
    def _flexi_override(self, subscription, reward, document, reason, points=None):
        """Manager redeems without a code; returns the (logged) OTP record."""
        if not self.env.user.has_group("flexi_loyalty.flexi_loyalty_group_manager"):
            raise UserError(_("Only loyalty managers can redeem without a code."))
        if not (reason or "").strip():
            raise UserError(_("Say why the code is skipped."))
        points = reward.points_cost if points is None else points
        now = fields.Datetime.now()
        otp = self.sudo().create(
            {
                "subscription_id": subscription.id,
                "reward_id": reward.id,
                "points": points,
                "document": self._flexi_document_ref(document),
                "channel": "override",
                "state": "overridden",
                "sent_date": now,
                "used_date": now,
                "override_reason": reason.strip(),
                "user_id": self.env.uid,
            }
        )
        otp._flexi_log(
            _(
                "%(user)s redeemed %(points)s points without a code: %(reason)s",
                user=self.env.user.name,
                points=points,
                reason=reason.strip(),
            )
        )
        return otp.sudo(False)

    def _flexi_log(self, message):
        """Note on the member's chatter (never containing the code).

        ``sudo``: staff may not write on memberships; this only adds a note.
        The author is not made a follower: two tabs asking for a code at the
        same moment would both subscribe the customer and one would fail.
        """
        for otp in self:
            otp.subscription_id.sudo().with_context(
                mail_create_nosubscribe=True
            ).message_post(
                body=message,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )

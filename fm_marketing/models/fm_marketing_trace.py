from uuid import uuid4

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, plaintext2html
from odoo.tools import hmac as odoo_hmac
from odoo.tools.sql import create_index

from ..tools.schedule import frequency_cap_start, next_allowed_moment
from ..tools.template import render

TOKEN_SCOPE = "fm_marketing-unsubscribe"
# Traces that count against the frequency cap: messages sent or on their way.
CAPPED_STATES = ("scheduled", "queued", "sent")
# Traces of customers the campaign reached, compared with the held-out ones.
MESSAGED_STATES = ("queued", "sent")
# Traces an order can be credited to: the message received, or its absence
# for the held-out customers (the same window from their run).
ATTRIBUTED_STATES = (*MESSAGED_STATES, "held_out")
# Trace fields that decide which orders are credited to it.
CREDIT_FIELDS = ("state", "partner_id", "send_date", "run_date")


class FmMarketingTrace(models.Model):
    """One recipient of one campaign run: what was sent, or why not."""

    _name = "fm.marketing.trace"
    _description = "Marketing Message"
    _order = "id desc"
    _rec_name = "partner_id"

    campaign_id = fields.Many2one(
        "fm.marketing.campaign", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="campaign_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    channel = fields.Selection(
        [("sms", "SMS"), ("email", "Email")], required=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade"
    )
    run_key = fields.Char(
        required=True,
        readonly=True,
        help="Which run of the campaign this message belongs to: a customer "
        "gets at most one message per campaign and key.",
    )
    state = fields.Selection(
        [
            ("scheduled", "Scheduled"),
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("skipped", "Skipped"),
            ("held_out", "Held Out"),
            ("deferred", "Deferred"),
        ],
        required=True,
        default="queued",
        index=True,
        help="Held out: drawn for the hold-out group of the run, the customer "
        "gets nothing; their orders show what customers do without a message. "
        "Deferred: the customer had a marketing message on this channel too "
        "recently (any campaign); the next run handles them again.",
    )
    skip_reason = fields.Selection(
        [
            ("no_number", "No Mobile Number"),
            ("invalid_number", "Invalid Number"),
            ("no_email", "No Valid Email"),
            ("blacklisted", "Opted Out (Blacklist)"),
            ("no_consent", "Consent Withdrawn"),
            ("archived", "Customer Archived"),
            ("other_company", "Customer of Another Company"),
            ("frequency", "Frequency Cap"),
        ]
    )
    failure_reason = fields.Char(readonly=True)
    recipient = fields.Char("Number / Email", readonly=True)
    body = fields.Text(readonly=True)
    run_date = fields.Datetime(
        readonly=True, help="When the campaign run handled this customer."
    )
    send_date = fields.Datetime(
        "Send After",
        index=True,
        help="When the message leaves (after quiet hours); for a held-out "
        "customer, when it would have left. Orders are credited to a message "
        "from this moment.",
    )
    sent_date = fields.Datetime(readonly=True)
    sms_uuid = fields.Char(readonly=True, index="btree_not_null", copy=False)
    mail_mail_id_int = fields.Integer(index="btree_not_null", copy=False)
    voucher_id = fields.Many2one(
        "flexi.loyalty.voucher", readonly=True, index="btree_not_null"
    )
    voucher_code = fields.Char(related="voucher_id.code")
    order_id = fields.Many2one(
        "sale.order", compute="_compute_conversion", store=True, string="Order"
    )
    conversions = fields.Integer(
        "Converted", compute="_compute_conversion", store=True, aggregator="sum"
    )
    revenue = fields.Monetary(
        compute="_compute_conversion",
        store=True,
        aggregator="sum",
        help="Untaxed amount of the confirmed order that used this message's code.",
    )

    _sql_constraints = [
        (
            "run_partner_unique",
            "UNIQUE(campaign_id, run_key, partner_id)",
            "A customer gets one message per campaign run.",
        ),
    ]

    def init(self):
        super().init()
        # Crediting an order: the customer's last message before it
        # (see fm.marketing.campaign._fm_conversions).
        create_index(
            self.env.cr,
            "fm_marketing_trace_fm_attribution_idx",
            self._table,
            ["partner_id", "COALESCE(send_date, run_date, create_date)"],
            where="state IN ('queued', 'sent', 'held_out')",  # ATTRIBUTED_STATES
        )

    @api.depends(
        "voucher_id.state",
        "voucher_id.order_id.state",
        "voucher_id.order_id.amount_untaxed",
    )
    def _compute_conversion(self):
        for trace in self:
            order = trace.voucher_id.order_id
            converted = trace.voucher_id.state == "used" and order.state == "sale"
            trace.order_id = order if converted else False
            trace.conversions = 1 if converted else 0
            trace.revenue = order.amount_untaxed if converted else 0.0

    # ------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        traces = super().create(vals_list)
        traces._fm_credit_orders({})
        return traces

    def write(self, vals):
        # The hold-out group is drawn by the run, never chosen by hand: moving
        # a customer in or out of it would bend the campaign's uplift.
        if "state" in vals and (
            vals["state"] == "held_out" or "held_out" in self.mapped("state")
        ):
            raise UserError(
                _("The hold-out group of a campaign run cannot be changed.")
            )
        before = {}
        if not vals.keys().isdisjoint(CREDIT_FIELDS):
            before = {trace.id: trace._fm_credit_key() for trace in self}
        res = super().write(vals)
        if before:
            self._fm_credit_orders(before)
        return res

    # ------------------------------------------------------------ crediting

    def _fm_moment(self):
        """From when orders are credited to this message."""
        self.ensure_one()
        return self.send_date or self.run_date or self.create_date

    def _fm_credit_key(self):
        """What crediting reads of this trace: (customer, moment) when orders
        may be credited to it, else None."""
        self.ensure_one()
        if self.state not in ATTRIBUTED_STATES:
            return None
        return (self.partner_id.id, self._fm_moment())

    def _fm_credit_orders(self, before):
        """Credit again the orders that these traces' changes may move;
        ``before``: {trace id: credit key before the change}."""
        partners, since, moved = set(), None, []
        for trace in self:
            old, new = before.get(trace.id), trace._fm_credit_key()
            if old == new:
                continue
            moved.append(trace.id)
            keys = {old, new} - {None}
            for partner_id, moment in keys:
                partners.add(partner_id)
                since = min(since, moment) if since else moment
        if not moved:
            return
        for model in self.env["fm.marketing.campaign"]._fm_attribution_models():
            self.env[model].sudo()._fm_attribute_customers(partners, since, moved)

    # ------------------------------------------------------------ creation

    @api.model
    def _fm_create_batch(self, campaign, rows, now):
        """Traces for ``rows`` [(partner id, run key)] of ``campaign``.

        Customers that cannot or may not be reached get a skipped trace with
        the reason; the others get a voucher (when the campaign offers one),
        their personal message and a queued SMS/email, or wait for the end of
        the quiet hours. Everything is created in batches.
        """
        partners = self.env["res.partner"].browse([row[0] for row in rows])
        keys = dict(rows)
        addresses, skipped = self._fm_refusals(campaign, partners)
        capped = self._fm_capped_partners(campaign, partners, now)
        send_date = now
        if campaign.channel == "sms":
            send_date = self._fm_release_moment(campaign, now)
        vals_list = []
        to_send = self.env["res.partner"]
        for partner in partners:
            reason = skipped.get(partner.id) or (
                "frequency" if partner.id in capped else False
            )
            vals = {
                "campaign_id": campaign.id,
                "channel": campaign.channel,
                "partner_id": partner.id,
                "run_key": keys[partner.id],
                "recipient": addresses.get(partner.id),
                "run_date": now,
            }
            if reason == "frequency":
                vals.update(state="deferred", skip_reason=reason)
            elif reason:
                vals.update(state="skipped", skip_reason=reason)
            elif campaign._fm_is_held_out(partner.id, keys[partner.id]):
                # When the message would have left: the same window for
                # crediting orders as the messaged customers get.
                vals.update(state="held_out", send_date=send_date)
            else:
                to_send |= partner
                vals.update(
                    state="scheduled" if send_date > now else "queued",
                    send_date=send_date,
                    sms_uuid=uuid4().hex if campaign.channel == "sms" else False,
                )
            vals_list.append(vals)
        vouchers = self._fm_issue_vouchers(campaign, to_send)
        for vals in vals_list:
            if vals["state"] in ("skipped", "held_out", "deferred"):
                continue
            partner = partners.browse(vals["partner_id"])
            voucher = vouchers.get(partner.id)
            vals.update(
                body=render(
                    campaign.body, campaign._fm_render_values(partner, voucher)
                ),
                voucher_id=voucher.id if voucher else False,
            )
        # sudo: deferred traces are the run's own bookkeeping, replaced here
        # whoever runs the campaign.
        self._fm_deferred(campaign, rows).sudo().unlink()
        traces = self.create(vals_list)
        traces.filtered(lambda t: t.state == "queued")._fm_queue_messages()
        return traces

    @api.model
    def _fm_deferred(self, campaign, rows):
        """The deferred traces of ``campaign`` for ``rows`` [(partner id, run
        key)]: a run handling these customers again replaces them."""
        if not rows:
            return self.browse()
        deferred = self.search_fetch(
            [
                ("campaign_id", "=", campaign.id),
                ("state", "=", "deferred"),
                ("partner_id", "in", [row[0] for row in rows]),
            ],
            ["partner_id", "run_key"],
        )
        wanted = set(rows)
        return deferred.filtered(lambda t: (t.partner_id.id, t.run_key) in wanted)

    @api.model
    def _fm_refusals(self, campaign, partners):
        """({partner id: number or email}, {partner id: reason not to send}).

        The one rule deciding whether ``partners`` may get ``campaign``'s
        message now: checked when the message is written and again when
        quiet hours release it, since a customer may have opted out between.
        """
        partners.fetch(
            [
                *("name", "mobile", "phone", "email", "email_normalized"),
                *("country_id", "active", "company_id"),
                campaign._fm_consent_column(),
            ]
        )
        addresses, refused = self._fm_addresses(campaign, partners)
        for partner in partners:
            reason = self._fm_partner_refusal(campaign, partner)
            if reason:
                refused[partner.id] = reason
        return addresses, refused

    @api.model
    def _fm_partner_refusal(self, campaign, partner):
        """Why ``partner`` may not get ``campaign``'s messages, or False."""
        if not partner.active:
            return "archived"
        if partner.company_id and (
            partner.company_id not in campaign.company_id.parent_ids
        ):
            return "other_company"
        if not partner[campaign._fm_consent_column()]:
            return "no_consent"
        return False

    @api.model
    def _fm_addresses(self, campaign, partners):
        """({partner id: number or email}, {partner id: skip reason})."""
        addresses, skipped = {}, {}
        if campaign.channel == "sms":
            Partner = self.env["res.partner"]
            for partner in partners:
                raw = partner.mobile or partner.phone
                number = Partner._flexi_phone_e164(
                    raw, partner.country_id or campaign.company_id.country_id
                )
                if not raw:
                    skipped[partner.id] = "no_number"
                elif not number:
                    skipped[partner.id] = "invalid_number"
                    addresses[partner.id] = raw
                else:
                    addresses[partner.id] = number
        else:
            for partner in partners:
                if partner.email_normalized:
                    addresses[partner.id] = partner.email_normalized
                else:
                    skipped[partner.id] = "no_email"
        for partner_id in self._fm_blacklisted(campaign.channel, addresses):
            skipped.setdefault(partner_id, "blacklisted")
        return addresses, skipped

    @api.model
    def _fm_blacklisted(self, channel, addresses):
        """Keys of ``addresses`` {key: number or email} on Odoo's active
        blacklist of ``channel`` (one query)."""
        if not addresses:
            return set()
        model, field = {
            "sms": ("phone.blacklist", "number"),
            "email": ("mail.blacklist", "email"),
        }[channel]
        # sudo: whether an address is blacklisted, whoever sends.
        listed = set(
            self.env[model]
            .sudo()
            .search_fetch([(field, "in", list(set(addresses.values())))], [field])
            .mapped(field)
        )
        return {pid for pid, address in addresses.items() if address in listed}

    @api.model
    def _fm_capped_partners(self, campaign, partners, now):
        """Partners who already had a marketing message on this channel within
        the cap, whatever campaign sent it. Service messages (codes, pickup
        notices, loyalty news) are not traces and do not count."""
        days = campaign._fm_param(f"fm_marketing.{campaign.channel}_cap_days")
        start = frequency_cap_start(now, days)
        if start is None or not partners:
            return set()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT partner_id FROM fm_marketing_trace
                 WHERE partner_id = ANY(%s) AND channel = %s AND state IN %s
                   AND send_date > %s
                """,
                partners.ids,
                campaign.channel,
                CAPPED_STATES,
                start,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _fm_release_moment(self, campaign, now):
        """``now``, or the end of the quiet hours in the company's time zone."""
        local = campaign._fm_local(now)
        release = next_allowed_moment(
            local,
            campaign._fm_param("fm_marketing.quiet_start"),
            campaign._fm_param("fm_marketing.quiet_end"),
        )
        return campaign._fm_utc(release) if release != local else now

    @api.model
    def _fm_issue_vouchers(self, campaign, partners):
        """{partner id: voucher}: a unique single-use code per recipient."""
        if not campaign.offer or not partners:
            return {}
        Voucher = self.env["flexi.loyalty.voucher"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        )
        vouchers = Voucher._flexi_issue_batch(
            partners,
            "percent",
            campaign.offer_discount,
            campaign.offer_validity_days,
            _("Campaign: %s", campaign.name),
            company_id=campaign.company_id.id,
        )
        return dict(zip(partners.ids, vouchers, strict=True))

    # ------------------------------------------------------------ sending

    def _fm_unsubscribe_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/fm/u/{self.id}/{self._fm_token()}"

    def _fm_token(self):
        self.ensure_one()
        # Truncated HMAC keeps SMS short; 80 bits cannot be guessed online.
        return odoo_hmac(self.env(su=True), TOKEN_SCOPE, self.id)[:20]

    def _fm_sms_body(self):
        self.ensure_one()
        return self._fm_sms_text(self.body, self._fm_unsubscribe_url())

    @api.model
    def _fm_sms_text(self, body, unsubscribe_url):
        """The SMS as sent: the rendered ``body`` and its opt-out line."""
        return _("%(body)s\nSTOP: %(url)s", body=body, url=unsubscribe_url)

    def _fm_queue_messages(self, now=None):
        """Queue the SMS / emails of these traces, in batch; ``now``: the
        moment they leave, from which orders are credited to them."""
        sms_traces = self.filtered(lambda t: t.channel == "sms")
        mail_traces = self - sms_traces
        now = now or fields.Datetime.now()
        if sms_traces:
            # ``sudo``: the SMS queue is technical; these messages go to
            # customers who consented, selected above.
            self.env["sms.sms"].sudo().create(
                [
                    {
                        "uuid": trace.sms_uuid,
                        "number": trace.recipient,
                        "partner_id": trace.partner_id.id,
                        "body": trace._fm_sms_body(),
                    }
                    for trace in sms_traces
                ]
            )
            self.env["sms.tracker"].sudo().create(
                [
                    {"sms_uuid": trace.sms_uuid, "fm_marketing_trace_id": trace.id}
                    for trace in sms_traces
                ]
            )
        if mail_traces:
            mails = (
                self.env["mail.mail"]
                .sudo()
                .create([trace._fm_mail_values() for trace in mail_traces])
            )
            for trace, mail in zip(mail_traces, mails, strict=True):
                trace.mail_mail_id_int = mail.id
        self.filtered(lambda t: t.state == "scheduled").write(
            {"state": "queued", "send_date": now}
        )

    def _fm_mail_values(self):
        self.ensure_one()
        campaign = self.campaign_id
        url = self._fm_unsubscribe_url()
        footer = Markup('<p style="font-size:small"><a href="%s">%s</a></p>') % (
            url,
            _("Unsubscribe"),
        )
        return {
            "subject": campaign.email_subject,
            "body_html": plaintext2html(self.body or "") + footer,
            "email_to": self.recipient,
            "email_from": campaign.company_id.email_formatted or False,
            "author_id": campaign.company_id.partner_id.id,
            "auto_delete": True,
            "headers": {
                "List-Unsubscribe": f"<{escape(url)}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        }

    @api.model
    def _fm_release_scheduled(self, now=None):
        """Queue the messages held by quiet hours whose time has come."""
        now = now or fields.Datetime.now()
        traces = self.search(
            [("state", "=", "scheduled"), ("send_date", "<=", now)], order="id"
        )
        for batch in self.env["fm.marketing.campaign"]._fm_split(traces):
            with self.env.cr.savepoint():
                batch._fm_recheck_held()._fm_queue_messages(now)
            self.env["fm.marketing.campaign"]._fm_commit()
        return traces

    def _fm_recheck_held(self):
        """The held traces whose customer may still get them, now.

        The others (opted out, consent withdrawn, archived, moved to another
        company, number gone since the hold) are skipped with the reason.
        Customers who changed their number get the message on the new one.
        """
        allowed, refused = self.browse(), {}
        for campaign, traces in self.grouped("campaign_id").items():
            addresses, reasons = self._fm_refusals(campaign, traces.partner_id)
            held = {t.id: t.recipient for t in traces if t.recipient}
            held_listed = self._fm_blacklisted(campaign.channel, held)
            for trace in traces:
                partner_id = trace.partner_id.id
                reason = reasons.get(partner_id) or (
                    "blacklisted" if trace.id in held_listed else False
                )
                if reason:
                    refused[reason] = refused.get(reason, self.browse()) | trace
                    continue
                if trace.recipient != addresses[partner_id]:
                    trace.recipient = addresses[partner_id]
                allowed |= trace
        for reason, traces in refused.items():
            traces._fm_skip(reason)
        return allowed

    def _fm_skip(self, reason):
        """Not sent, for ``reason``: the code it carried is withdrawn too."""
        self.write({"state": "skipped", "skip_reason": reason})
        # ``sudo``: vouchers are loyalty records; these were issued for these
        # unsent messages only, never shown to their owner.
        self.voucher_id.sudo().filtered(lambda v: v.state == "valid").write(
            {"state": "cancelled"}
        )

    # ------------------------------------------------------------ feedback

    def _fm_set_sent(self):
        self.filtered(lambda t: t.state in ("queued", "scheduled")).write(
            {
                "state": "sent",
                "sent_date": fields.Datetime.now(),
                "failure_reason": False,
            }
        )

    def _fm_set_failed(self, reason):
        self.filtered(
            lambda t: t.state not in ("skipped", "held_out", "deferred")
        ).write({"state": "failed", "failure_reason": reason})

    # ------------------------------------------------------------ opt-out

    def _fm_unsubscribe(self):
        """Blacklist this trace's number or email and withdraw the consent."""
        self.ensure_one()
        partner = self.partner_id
        message = _("Opted out from campaign %s", self.campaign_id.name)
        if self.channel == "sms":
            self.env["phone.blacklist"]._add([self.recipient], message=message)
            partner.fm_marketing_sms_consent = False
        else:
            self.env["mail.blacklist"]._add(self.recipient, message=message)
            partner.fm_marketing_email_consent = False

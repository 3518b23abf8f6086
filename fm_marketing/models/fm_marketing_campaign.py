import ast
import logging
import threading
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, split_every

from ..tools.schedule import (
    birthday_keys,
    dormancy_cutoff,
    exact_dormancy_factor,
    mmdd,
)
from ..tools.template import (
    OFFER_PLACEHOLDERS,
    TemplateError,
    first_name,
    format_percent,
    placeholders,
)
from ..tools.uplift import compare, implied_revenue, is_held_out
from .fm_marketing_trace import ATTRIBUTED_STATES
from .res_config_settings import PARAM_DEFAULTS

_logger = logging.getLogger(__name__)

SEGMENTS = [
    ("dormant", "Dormant Customers"),
    ("birthday", "Birthday"),
    ("never_purchased", "Never Purchased"),
    ("all", "All Consenting Customers"),
    ("domain", "Custom Filter"),
    ("tier", "Loyalty Tiers"),
    ("at_risk", "At-Risk Members"),
]
# Segments whose customers are told apart by their own key (dormancy, year…),
# not by the run of the campaign: see _fm_segment_*.
KEYED_SEGMENTS = ("dormant", "birthday", "never_purchased", "at_risk")
MAX_HOLDOUT_PERCENT = 50


class FmMarketingCampaign(models.Model):
    _name = "fm.marketing.campaign"
    _description = "Marketing Campaign"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    # Recipients handled per transaction: one commit each in cron context.
    _fm_batch_size = 500

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    channel = fields.Selection(
        [("sms", "SMS"), ("email", "Email")],
        required=True,
        default="sms",
        tracking=True,
    )
    segment = fields.Selection(SEGMENTS, required=True, default="all", tracking=True)
    segment_days = fields.Integer(
        "Days",
        default=30,
        help="Dormant: days since the last confirmed order. Never purchased: "
        "days since the customer registered.",
    )
    dormancy_rule = fields.Selection(
        [
            ("fixed", "Same Number of Days for All"),
            ("personal", "Each Customer's Own Rhythm"),
        ],
        "Dormant After",
        required=True,
        default="fixed",
        tracking=True,
        help="Each customer's own rhythm: a customer who orders every week "
        "becomes dormant sooner than one who orders every two months.",
    )
    dormancy_factor = fields.Float(
        "Times the Usual Gap",
        default=2.0,
        digits=(16, 2),
        help="Dormant when the days since the last order reach this many times "
        "the customer's median gap between two days with an order, rounded up "
        "to a whole day.",
    )
    dormancy_floor_days = fields.Integer(
        "Not Before (days)",
        default=30,
        help="Never dormant sooner, however often the customer orders. "
        "Customers with orders on fewer than 3 different days have no rhythm "
        "yet: they are dormant after this many days.",
    )
    dormancy_ceiling_days = fields.Integer(
        "Always After (days)",
        default=120,
        help="Always dormant after this many days without an order, however "
        "rarely the customer orders.",
    )
    partner_domain = fields.Char(
        "Filter",
        default="[]",
        help="Customers to reach, as an Odoo domain on contacts, e.g. "
        "[('city', '=', 'Alger')].",
    )
    tier_ids = fields.Many2many("flexi.loyalty.tier", string="Loyalty Tiers")
    body = fields.Text(
        "Message",
        help="Placeholders: {first_name}, {code}, {discount}, {expiry_date}, "
        '{shop_link}, {next_reward} (e.g. "8 more points for a 500 DA '
        'voucher"; empty for non-members). Write {{ and }} for literal braces.',
    )
    email_subject = fields.Char("Subject")
    offer = fields.Boolean(
        "Offer a Voucher",
        help="Each recipient gets a unique single-use percentage voucher.",
    )
    offer_discount = fields.Float("Discount (%)", default=10.0, digits=(16, 2))
    offer_validity_days = fields.Integer("Valid (days)", default=15)
    schedule_type = fields.Selection(
        [("once", "Once"), ("daily", "Every Day"), ("hourly", "Every Hour")],
        "Schedule",
        required=True,
        default="once",
        tracking=True,
    )
    scheduled_at = fields.Datetime("Send At", tracking=True)
    last_run_at = fields.Datetime("Last Run", readonly=True, copy=False)
    trace_ids = fields.One2many("fm.marketing.trace", "campaign_id", "Recipients")
    trace_count = fields.Integer(compute="_compute_statistics")
    sent_count = fields.Integer("Sent", compute="_compute_statistics")
    skipped_count = fields.Integer("Skipped", compute="_compute_statistics")
    deferred_count = fields.Integer(
        "Deferred",
        compute="_compute_statistics",
        help="Customers who had a marketing message on this channel too "
        "recently (from any campaign): the next run handles them again.",
    )
    failed_count = fields.Integer("Failed", compute="_compute_statistics")
    converted_count = fields.Integer("Orders", compute="_compute_statistics")
    conversion_rate = fields.Float(
        "Conversion (%)", compute="_compute_statistics", digits=(16, 1)
    )
    revenue = fields.Monetary(compute="_compute_statistics")
    holdout_percent = fields.Integer(
        "Hold-out (%)",
        default=10,
        tracking=True,
        help="Share of the customers of each run who get nothing, drawn at "
        "random (the same ones when a run is retried). Comparing their orders "
        "with those of the messaged customers shows what the campaign really "
        "brings. 0 sends to everybody.",
    )
    messaged_count = fields.Integer("Messaged", compute="_compute_uplift")
    messaged_converted_count = fields.Integer(
        "Messaged Who Ordered", compute="_compute_uplift"
    )
    messaged_rate = fields.Float(
        "Messaged Conversion (%)", compute="_compute_uplift", digits=(16, 1)
    )
    messaged_revenue = fields.Monetary("Messaged Revenue", compute="_compute_uplift")
    held_out_count = fields.Integer("Held Out", compute="_compute_uplift")
    held_out_converted_count = fields.Integer(
        "Held Out Who Ordered", compute="_compute_uplift"
    )
    held_out_rate = fields.Float(
        "Held Out Conversion (%)", compute="_compute_uplift", digits=(16, 1)
    )
    held_out_revenue = fields.Monetary("Held Out Revenue", compute="_compute_uplift")
    uplift_enough = fields.Boolean(compute="_compute_uplift")
    uplift = fields.Float(
        "Uplift (points)",
        compute="_compute_uplift",
        digits=(16, 1),
        help="Conversion of the messaged customers minus that of the held-out "
        "ones, in percentage points: the customers who ordered because of the "
        "message. A customer converted when an order was credited to their "
        "message: the order used its code, or came within the channel's "
        "attribution window (Settings) after it and after any other marketing "
        "message. Held-out customers get the same window from their run.",
    )
    uplift_low = fields.Float(
        "Uplift From",
        compute="_compute_uplift",
        digits=(16, 1),
        help="95 % confidence interval of the uplift (Newcombe's method): the "
        "true uplift lies between these bounds 19 times out of 20.",
    )
    uplift_high = fields.Float("Uplift To", compute="_compute_uplift", digits=(16, 1))
    uplift_revenue = fields.Monetary(
        "Revenue from the Message",
        compute="_compute_uplift",
        help="Uplift x messaged customers x average untaxed revenue of a "
        "messaged customer who ordered: what the customers who ordered because "
        "of the message spent.",
    )
    audience_count = fields.Integer(
        "Next Run Audience",
        compute="_compute_audience_count",
        help="Customers the next run would reach if it ran now: in the segment, "
        "consent given, not reached yet for this occasion.",
    )

    # ------------------------------------------------------------ computes

    def _compute_statistics(self):
        groups = self.env["fm.marketing.trace"]._read_group(
            [("campaign_id", "in", self.ids)],
            ["campaign_id", "state"],
            ["__count", "conversions:sum", "revenue:sum"],
        )
        stats = {}
        for campaign, state, count, conversions, revenue in groups:
            row = stats.setdefault(campaign.id, {"states": {}, "conv": 0, "rev": 0.0})
            row["states"][state] = count
            row["conv"] += conversions
            row["rev"] += revenue
        for campaign in self:
            row = stats.get(campaign.id, {"states": {}, "conv": 0, "rev": 0.0})
            states = row["states"]
            campaign.trace_count = sum(states.values())
            campaign.sent_count = states.get("sent", 0)
            campaign.skipped_count = states.get("skipped", 0)
            campaign.deferred_count = states.get("deferred", 0)
            campaign.failed_count = states.get("failed", 0)
            campaign.converted_count = row["conv"]
            reached = states.get("sent", 0) + states.get("queued", 0)
            campaign.conversion_rate = (
                round(100.0 * row["conv"] / reached, 1) if reached else 0.0
            )
            campaign.revenue = campaign.currency_id.round(row["rev"])

    def _compute_uplift(self):
        for campaign in self:
            groups = campaign._origin._fm_uplift_groups() if campaign._origin else {}
            messaged = groups.get((None, False), [0, 0, 0.0])
            held_out = groups.get((None, True), [0, 0, 0.0])
            result = compare(messaged[0], messaged[1], held_out[0], held_out[1])
            round_money = campaign.currency_id.round
            campaign.update(
                {
                    "messaged_count": messaged[0],
                    "messaged_converted_count": messaged[1],
                    "messaged_rate": round(100 * result.messaged_rate, 1),
                    "messaged_revenue": round_money(messaged[2]),
                    "held_out_count": held_out[0],
                    "held_out_converted_count": held_out[1],
                    "held_out_rate": round(100 * result.held_out_rate, 1),
                    "held_out_revenue": round_money(held_out[2]),
                    "uplift_enough": result.enough,
                    "uplift": round(100 * result.uplift, 1),
                    "uplift_low": round(100 * result.low, 1),
                    "uplift_high": round(100 * result.high, 1),
                    "uplift_revenue": round_money(implied_revenue(result, messaged[2])),
                }
            )

    def _compute_audience_count(self):
        now = fields.Datetime.now()
        for campaign in self:
            campaign.audience_count = len(campaign._fm_next_audience(now))

    # ------------------------------------------------------------ constraints

    @api.constrains(
        "name",
        "body",
        "channel",
        "email_subject",
        "offer",
        "offer_discount",
        "offer_validity_days",
    )
    def _check_message(self):
        for campaign in self:
            if not (campaign.body or "").strip():
                raise ValidationError(_("Campaign %s needs a message.", campaign.name))
            try:
                used = placeholders(campaign.body)
            except TemplateError as e:
                raise ValidationError(
                    _(
                        "The message of campaign %(name)s is not valid: %(error)s. "
                        "Placeholders are {first_name}, {code}, {discount}, "
                        "{expiry_date}, {shop_link} and {next_reward}.",
                        name=campaign.name,
                        error=e,
                    )
                ) from e
            if not campaign.offer and set(used) & set(OFFER_PLACEHOLDERS):
                raise ValidationError(
                    _(
                        "Campaign %s uses {code}, {discount} or {expiry_date} but "
                        "offers no voucher.",
                        campaign.name,
                    )
                )
            if campaign.channel == "email" and not campaign.email_subject:
                raise ValidationError(
                    _("Email campaign %s needs a subject.", campaign.name)
                )
            if campaign.offer and not (0 < campaign.offer_discount <= 100):
                raise ValidationError(_("The discount is between 0 and 100 %."))
            if campaign.offer and campaign.offer_validity_days < 1:
                raise ValidationError(_("The voucher is valid at least one day."))

    @api.constrains("segment", "partner_domain", "tier_ids", "segment_days")
    def _check_segment(self):
        for campaign in self:
            if campaign.segment == "domain":
                campaign._fm_partner_domain()
            if campaign.segment == "tier" and not campaign.tier_ids:
                raise ValidationError(
                    _("Campaign %s needs at least one loyalty tier.", campaign.name)
                )
            if campaign.segment in ("dormant", "never_purchased") and (
                campaign.segment_days < 1
            ):
                raise ValidationError(_("The number of days is at least 1."))

    @api.constrains(
        "segment",
        "dormancy_rule",
        "dormancy_factor",
        "dormancy_floor_days",
        "dormancy_ceiling_days",
    )
    def _check_dormancy_rule(self):
        for campaign in self.filtered(lambda c: c._fm_personal_dormancy()):
            if campaign.dormancy_factor <= 0:
                raise ValidationError(
                    _(
                        'In campaign %s, "Times the Usual Gap" must be above 0.',
                        campaign.name,
                    )
                )
            floor = campaign.dormancy_floor_days
            if not 1 <= floor <= campaign.dormancy_ceiling_days:
                raise ValidationError(
                    _(
                        'In campaign %s, "Not Before" must be at least 1 day and '
                        'no more than "Always After".',
                        campaign.name,
                    )
                )

    @api.constrains("holdout_percent")
    def _check_holdout_percent(self):
        for campaign in self:
            if not 0 <= campaign.holdout_percent <= MAX_HOLDOUT_PERCENT:
                raise ValidationError(
                    _(
                        "The hold-out share of campaign %(name)s is between 0 and "
                        "%(max)s %%.",
                        name=campaign.name,
                        max=MAX_HOLDOUT_PERCENT,
                    )
                )

    @api.constrains("schedule_type", "scheduled_at")
    def _check_schedule(self):
        # A minute of slack for the time the form took to save.
        limit = fields.Datetime.now() - timedelta(minutes=1)
        for campaign in self:
            if campaign.schedule_type != "once" or campaign.last_run_at:
                continue
            if campaign.scheduled_at and campaign.scheduled_at < limit:
                raise ValidationError(
                    _("Campaign %s cannot be scheduled in the past.", campaign.name)
                )

    # ------------------------------------------------------------ actions

    def action_send_now(self):
        """Run a one-off campaign right away (quiet hours still apply to SMS)."""
        self.ensure_one()
        if self.schedule_type != "once":
            raise UserError(_("Only one-off campaigns are sent by hand."))
        if self.last_run_at:
            raise UserError(_("Campaign %s was already sent.", self.name))
        self.scheduled_at = fields.Datetime.now()
        self._fm_run()
        return True

    def _fm_check_manager(self):
        """Only marketing managers switch campaigns on or off, whatever the
        caller's access rows say (``/web/dataset/call_kw`` reaches any public
        method of a model the user can read)."""
        if not self.env.user.has_group("fm_marketing.fm_marketing_group_manager"):
            raise AccessError(
                _("Only marketing managers can activate or pause a campaign.")
            )
        self.check_access("write")

    def action_activate(self):
        """Switch the campaigns on: the hourly job runs them from now on."""
        self._fm_check_manager()
        for campaign in self:
            campaign._fm_check_runnable()
        self.filtered(lambda c: not c.active).active = True
        return True

    def action_deactivate(self):
        """Pause the campaigns: no run until they are activated again."""
        self._fm_check_manager()
        self.filtered("active").active = False
        return True

    def action_view_audience(self):
        """The customers the next run would reach, if it ran now."""
        self.ensure_one()
        partner_ids = self._fm_next_audience(fields.Datetime.now())
        return {
            "type": "ir.actions.act_window",
            "name": _("Next Run Audience: %s", self.name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", partner_ids)],
            "context": {"create": False},
            "help": _(
                "<p class='o_view_nocontent_smiling_face'>Nobody to reach right "
                "now</p><p>Customers show here when they enter the campaign's "
                "segment and have given their consent for its channel.</p>"
            ),
        }

    def action_view_traces(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fm_marketing.fm_marketing_trace_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_view_credited_orders(self):
        """The sales credited to this campaign's messages."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action.update(
            name=_("Sales Credited to %s", self.name),
            domain=[("fm_marketing_campaign_id", "=", self.id)],
            context={"create": False},
        )
        return action

    def action_view_uplift_report(self):
        """Conversion of messaged and held-out customers, run by run."""
        self.ensure_one()
        rows = self.env["fm.marketing.uplift.report"]._fm_build(self)
        return {
            "type": "ir.actions.act_window",
            "name": _("Conversion by Run: %s", self.name),
            "res_model": "fm.marketing.uplift.report",
            "view_mode": "graph,pivot",
            "views": [(False, "graph"), (False, "pivot")],
            "domain": [("id", "in", rows.ids)],
            "context": {"create": False},
        }

    @api.model
    def get_sms_samples(self):
        """What the SMS length counter of the form puts in place of each
        placeholder, and the opt-out line every SMS ends with."""
        self.check_access("read")
        # sudo: only the highest trace id is read, to size the sample link.
        trace_id = self.env["fm.marketing.trace"].sudo().search([], limit=1).id or 0
        # Sample of the length real links get: the next traces' ids, a token.
        url = f"{self.get_base_url()}/fm/u/{trace_id + 1000}/{'x' * 20}"
        return {
            "first_name": "Abdelkader",
            "code": self.env["flexi.loyalty.voucher"]._flexi_new_code(),
            "expiry_date": fields.Date.today().strftime("%d/%m/%Y"),
            "shop_link": self._fm_shop_link(),
            "next_reward": self._fm_next_reward_sample(),
            "stop": self.env["fm.marketing.trace"]._fm_sms_text("", url),
        }

    def _fm_next_reward_sample(self):
        """{next_reward} for the SMS counter: the longest reward name of the
        company, 88 points away, so that the count errs on the long side."""
        # sudo: reward names only, for a user who may lack loyalty rights.
        rewards = (
            self.env["flexi.loyalty.reward"]
            .sudo()
            .search(
                [
                    ("company_id", "in", self.env.company.ids),
                    ("program_id.active", "=", True),
                ]
            )
        )
        name = max(rewards.mapped("name") or [_("a reward")], key=len)
        return _("%(points)s more points for %(reward)s", points=88, reward=name)

    # ------------------------------------------------------------ settings

    @api.model
    def _fm_param(self, key):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return int(value) if value not in (False, None, "") else PARAM_DEFAULTS[key]
        except ValueError:
            return PARAM_DEFAULTS[key]

    def _fm_tz(self):
        self.ensure_one()
        return pytz.timezone(self.company_id.partner_id.tz or self.env.user.tz or "UTC")

    def _fm_local(self, moment):
        """The UTC naive ``moment`` in the company's time zone (aware)."""
        return pytz.utc.localize(moment).astimezone(self._fm_tz())

    def _fm_utc(self, local_moment):
        """An aware or naive-local moment back to naive UTC."""
        if local_moment.tzinfo is None:
            local_moment = self._fm_tz().localize(local_moment)
        return local_moment.astimezone(pytz.utc).replace(tzinfo=None)

    def _fm_shop_link(self):
        params = self.env["ir.config_parameter"].sudo()
        return params.get_param("fm_marketing.shop_url") or self.get_base_url()

    # ------------------------------------------------------------ segments

    def _fm_partner_domain(self):
        """The filter as a domain; raises a ValidationError when it is not one."""
        self.ensure_one()
        error = _("The filter of campaign %s is not a valid domain.", self.name)
        try:
            domain = ast.literal_eval((self.partner_domain or "[]").strip())
        except (ValueError, SyntaxError) as e:
            raise ValidationError(error) from e
        if not isinstance(domain, list | tuple):
            raise ValidationError(error)
        try:
            self.env["res.partner"].search_count(list(domain), limit=1)
        except Exception as e:
            raise ValidationError(error) from e
        return list(domain)

    def _fm_consent_column(self):
        self.ensure_one()
        return {
            "sms": "fm_marketing_sms_consent",
            "email": "fm_marketing_email_consent",
        }[self.channel]

    def _fm_period_key(self, now):
        """Key of a run for segments without their own: the moment it belongs to."""
        self.ensure_one()
        local = self._fm_local(now)
        if self.schedule_type == "daily":
            return "day:" + local.strftime("%Y-%m-%d")
        if self.schedule_type == "hourly":
            return "hour:" + local.strftime("%Y-%m-%dT%H")
        return "once"

    def _fm_select_recipients(self, now):
        """[(partner id, run key)] still to handle in this run, consent given.

        Customers already holding a trace with that key are left out: that is
        what makes a run idempotent. Customers the frequency cap deferred
        are handled again.
        """
        self.ensure_one()
        return getattr(self, f"_fm_segment_{self.segment}")(now)

    def _fm_next_audience(self, now):
        """Ids of the customers a run at ``now`` would handle (none for a
        one-off campaign already sent, or one not saved or not valid yet)."""
        self.ensure_one()
        if not self.id or (self.schedule_type == "once" and self.last_run_at):
            return []
        try:
            rows = self._fm_select_recipients(now)
        except ValidationError:
            return []
        return sorted({partner_id for partner_id, _key in rows})

    def _fm_new_only(self, rows):
        """Drop the (partner, key) pairs that already have a trace (but a
        deferred one: the frequency cap only postponed them)."""
        if not rows:
            return rows
        # sudo: only the keys already sent are read, whoever runs the campaign.
        traces = (
            self.env["fm.marketing.trace"]
            .sudo()
            .search_fetch(
                [
                    ("campaign_id", "=", self.id),
                    ("partner_id", "in", list({row[0] for row in rows})),
                    ("state", "!=", "deferred"),
                ],
                ["partner_id", "run_key"],
            )
        )
        done = {(trace.partner_id.id, trace.run_key) for trace in traces}
        return [row for row in rows if row not in done]

    def _fm_personal_dormancy(self):
        """True when the dormant segment follows each customer's rhythm."""
        self.ensure_one()
        return self.segment == "dormant" and self.dormancy_rule == "personal"

    def _fm_dormancy_bounds(self):
        """(k, floor, ceiling) of ``personal_dormancy_days`` for this campaign.

        A fixed number of days is the rule with floor = ceiling: the rhythm
        never matters then, and the SQL skips computing it.
        """
        self.ensure_one()
        if self._fm_personal_dormancy():
            return (
                self.dormancy_factor,
                self.dormancy_floor_days,
                self.dormancy_ceiling_days,
            )
        return 1.0, self.segment_days, self.segment_days

    def _fm_local_day_sql(self, alias, column):
        """SQL: the local date of the UTC timestamp ``alias.column``."""
        return SQL(
            "((%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date",
            SQL.identifier(alias, column),
            self._fm_tz().zone,
        )

    def _fm_segment_dormant(self, now):
        """Customers dormant on the local day of ``now``, once per dormancy: the
        key is the date of their last confirmed order, so a customer comes back
        into the segment only after ordering again.

        Dormant: the days since the last order reach ``segment_days`` or, with
        personal dormancy, the customer's own threshold, computed in SQL exactly
        as ``tools.schedule.personal_dormancy_days`` does: distinct local order
        days, their gaps, the median (``percentile_cont``), k x median rounded
        up, kept between floor and ceiling.
        """
        today = self._fm_local(now).date()
        k, floor, ceiling = self._fm_dormancy_bounds()
        # Orders placed before the day after the cutoff, local midnight, in UTC:
        # a later last order is never dormant (the index answers this part).
        before = self._fm_utc(
            datetime.combine(dormancy_cutoff(today, floor) + timedelta(days=1), time())
        )
        last_day = self._fm_local_day_sql("last", "last_order")
        self.env["sale.order"].flush_model(
            ["partner_id", "date_order", "state", "company_id"]
        )
        self.env["res.partner"].flush_model()
        self.env["fm.marketing.trace"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            WITH last AS (
                SELECT partner_id, MAX(date_order) AS last_order
                  FROM sale_order
                 WHERE state = 'sale' AND company_id = %(company)s
                 GROUP BY partner_id
                HAVING MAX(date_order) < %(before)s
            ), gaps AS (
                -- Only customers past the floor and not yet past the ceiling
                -- need their rhythm; the others get the floor, which gives
                -- the same answer. None at all when floor = ceiling.
                SELECT so.partner_id,
                       %(order_day)s - LAG(%(order_day)s) OVER (
                           PARTITION BY so.partner_id ORDER BY %(order_day)s
                       ) AS gap
                  FROM sale_order so
                  JOIN last ON last.partner_id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company)s
                   AND %(floor)s < %(ceiling)s
                   AND %(last_day)s > %(today)s::date - %(ceiling)s
            ), rhythm AS (
                -- A gap of 0 is a second order on the same day: one visit.
                SELECT partner_id,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap::float8)
                           AS median_gap
                  FROM gaps
                 WHERE gap > 0
                 GROUP BY partner_id
                HAVING COUNT(*) >= 2
            ), keyed AS (
                SELECT last.partner_id,
                       'dormant:' || to_char(
                           (last.last_order AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s,
                           'YYYY-MM-DD') AS run_key
                  FROM last
                  JOIN res_partner p ON p.id = last.partner_id
                  LEFT JOIN rhythm r ON r.partner_id = last.partner_id
                 WHERE p.active AND %(consent)s
                   AND %(today)s::date - %(last_day)s >= CASE
                       WHEN r.partner_id IS NULL THEN %(floor)s
                       ELSE LEAST(GREATEST(
                           CEIL(%(k)s * r.median_gap::numeric)::int,
                           %(floor)s), %(ceiling)s)
                   END
            )
            SELECT k.partner_id, k.run_key
              FROM keyed k
             WHERE NOT EXISTS (
                   SELECT 1 FROM fm_marketing_trace t
                    WHERE t.campaign_id = %(campaign)s
                      AND t.partner_id = k.partner_id AND t.run_key = k.run_key
                      AND t.state != 'deferred')
             ORDER BY k.partner_id
            """,
                company=self.company_id.id,
                before=before,
                order_day=self._fm_local_day_sql("so", "date_order"),
                last_day=last_day,
                today=today,
                k=exact_dormancy_factor(k),
                floor=floor,
                ceiling=ceiling,
                tz=self._fm_tz().zone,
                consent=SQL.identifier("p", self._fm_consent_column()),
                campaign=self.id,
            )
        )
        return self.env.cr.fetchall()

    def _fm_segment_birthday(self, now):
        """Customers born on this day (29 February: on the 28th in common years),
        once a year."""
        today = self._fm_local(now).date()
        keys = [mmdd(month, day) for month, day in birthday_keys(today)]
        run_key = f"birthday:{today.year}"
        self.env["res.partner"].flush_model()
        self.env["fm.marketing.trace"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT p.id, %(key)s
              FROM res_partner p
             WHERE p.fm_marketing_birth_mmdd = ANY(%(days)s)
               AND p.active AND %(consent)s
               AND NOT EXISTS (
                   SELECT 1 FROM fm_marketing_trace t
                    WHERE t.campaign_id = %(campaign)s
                      AND t.partner_id = p.id AND t.run_key = %(key)s
                      AND t.state != 'deferred')
             ORDER BY p.id
            """,
                key=run_key,
                days=keys,
                consent=SQL.identifier("p", self._fm_consent_column()),
                campaign=self.id,
            )
        )
        return self.env.cr.fetchall()

    def _fm_segment_never_purchased(self, now):
        """Registered customers (portal account or loyalty member) without any
        confirmed order, registered ``segment_days`` days ago or more; once."""
        registered_before = now - timedelta(days=self.segment_days)
        for model in (
            "res.partner",
            "res.users",
            "sale.order",
            "fm.marketing.trace",
            "flexi.loyalty.subscription",
        ):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT p.id, 'first'
              FROM res_partner p
             WHERE p.active AND %(consent)s
               AND p.create_date < %(before)s
               AND (EXISTS (SELECT 1 FROM res_users u
                             WHERE u.partner_id = p.id AND u.share AND u.active)
                    OR EXISTS (SELECT 1 FROM flexi_loyalty_subscription s
                                WHERE s.partner_id = p.id AND s.state = 'active'))
               AND NOT EXISTS (SELECT 1 FROM sale_order so
                                WHERE so.partner_id = p.id AND so.state = 'sale')
               AND NOT EXISTS (SELECT 1 FROM fm_marketing_trace t
                                WHERE t.campaign_id = %(campaign)s
                                  AND t.partner_id = p.id AND t.run_key = 'first'
                                  AND t.state != 'deferred')
             ORDER BY p.id
            """,
                before=registered_before,
                consent=SQL.identifier("p", self._fm_consent_column()),
                campaign=self.id,
            )
        )
        return self.env.cr.fetchall()

    def _fm_segment_at_risk(self, now):
        """Loyalty members the nightly churn score flags at risk, once per
        at-risk episode: the key is the date of the last order the score was
        computed from, so a member comes back into the segment only after
        ordering again (a daily campaign does not write every day). Members
        who ordered since the score was computed are left out."""
        for model in (
            "res.partner",
            "sale.order",
            "fm.marketing.trace",
            "flexi.loyalty.subscription",
        ):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT DISTINCT s.partner_id,
                   'at_risk:' || to_char(s.fm_churn_last_order_date, 'YYYY-MM-DD')
              FROM flexi_loyalty_subscription s
              JOIN res_partner p ON p.id = s.partner_id
             WHERE s.fm_churn_at_risk AND s.state = 'active'
               AND s.company_id = %(company)s
               AND p.active AND %(consent)s
               AND NOT EXISTS (
                   SELECT 1 FROM sale_order so
                    WHERE so.partner_id = s.partner_id AND so.state = 'sale'
                      AND so.company_id = %(company)s
                      AND ((so.date_order AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::date
                          > s.fm_churn_last_order_date)
               AND NOT EXISTS (
                   SELECT 1 FROM fm_marketing_trace t
                    WHERE t.campaign_id = %(campaign)s
                      AND t.partner_id = s.partner_id
                      AND t.run_key = 'at_risk:'
                          || to_char(s.fm_churn_last_order_date, 'YYYY-MM-DD')
                      AND t.state != 'deferred')
             ORDER BY 1
            """,
                company=self.company_id.id,
                tz=self._fm_tz().zone,
                consent=SQL.identifier("p", self._fm_consent_column()),
                campaign=self.id,
            )
        )
        return self.env.cr.fetchall()

    def _fm_orm_segment(self, domain, now):
        partners = self.env["res.partner"].search(
            [(self._fm_consent_column(), "=", True), *domain], order="id"
        )
        key = self._fm_period_key(now)
        return self._fm_new_only([(pid, key) for pid in partners.ids])

    def _fm_segment_all(self, now):
        return self._fm_orm_segment([], now)

    def _fm_segment_domain(self, now):
        return self._fm_orm_segment(self._fm_partner_domain(), now)

    def _fm_segment_tier(self, now):
        return self._fm_orm_segment(
            [
                (
                    "flexi_loyalty_subscription_ids",
                    "any",
                    [("state", "=", "active"), ("tier_id", "in", self.tier_ids.ids)],
                )
            ],
            now,
        )

    # ------------------------------------------------------------ hold-out

    def _fm_is_held_out(self, partner_id, run_key):
        """True when ``partner_id`` is drawn for the hold-out group of the run
        ``run_key``: the same answer for a retried run."""
        self.ensure_one()
        return is_held_out(self.id, run_key, partner_id, self.holdout_percent)

    def _fm_attribution_days(self):
        """{channel: days after a message in which an order is credited to it}."""
        return {
            channel: self._fm_param(f"fm_marketing.{channel}_attribution_days")
            for channel in ("sms", "email")
        }

    @api.model
    def _fm_attribution_models(self):
        """Models of the orders a message can be credited with (each using
        ``fm.marketing.attribution.mixin``); bridges add theirs."""
        return ["sale.order"]

    def _fm_conversions(self):
        """{trace id: revenue} of this campaign's traces credited with at
        least one order: the one rule comparing both groups.

        Each order holds the message it is credited to (see
        ``fm.marketing.attribution.mixin``): the one whose code it used, else
        the customer's last message of any campaign received within the
        channel's window, a held-out customer's run counting as a message
        sent at the same moment. So an order counts once, across campaigns,
        and this is a sum over the campaign's orders.
        """
        self.ensure_one()
        self.env.cr.execute(self._fm_conversions_query())
        return dict(self.env.cr.fetchall())

    def _fm_conversions_query(self):
        """SQL query of (trace id, revenue) behind ``_fm_conversions``."""
        self.ensure_one()
        queries = []
        for model in self._fm_attribution_models():
            Orders = self.env[model]
            Orders.flush_model()
            queries.append(Orders._fm_credited(self))
        return SQL(
            "SELECT c.trace_id, SUM(c.amount) AS revenue FROM (%s) c"
            " GROUP BY c.trace_id",
            SQL(" UNION ALL ").join(queries),
        )

    def _fm_uplift_groups(self, by_run=False):
        """{(run day or None, held out?): [customers, converted, revenue]} over
        the messaged and held-out traces, counted in SQL; ``by_run``: per day
        of run in the company's time zone."""
        self.ensure_one()
        day = SQL("NULL::date")
        if by_run:
            day = SQL(
                "((r.moment AT TIME ZONE 'UTC') AT TIME ZONE %s)::date",
                self._fm_tz().zone,
            )
        self.env["fm.marketing.trace"].flush_model(["campaign_id", "state", "run_date"])
        # Counted per run moment first (a few hundred), then per day: the
        # time zone is applied to the runs, not to every trace.
        self.env.cr.execute(
            SQL(
                """
            SELECT %(day)s, r.held_out, SUM(r.customers), SUM(r.converted),
                   COALESCE(SUM(r.revenue), 0)
              FROM (
                  SELECT COALESCE(t.run_date, t.create_date) AS moment,
                         t.state = 'held_out' AS held_out, COUNT(*) AS customers,
                         COUNT(c.trace_id) AS converted, SUM(c.revenue) AS revenue
                    FROM fm_marketing_trace t
                    LEFT JOIN (%(conversions)s) c ON c.trace_id = t.id
                   WHERE t.campaign_id = %(campaign)s AND t.state IN %(states)s
                   GROUP BY 1, 2
              ) r
             GROUP BY 1, 2
            """,
                day=day,
                conversions=self._fm_conversions_query(),
                campaign=self.id,
                states=ATTRIBUTED_STATES,
            )
        )
        groups = defaultdict(lambda: [0, 0, 0.0])
        for run_day, held_out, count, converted, revenue in self.env.cr.fetchall():
            groups[run_day, held_out] = [int(count), int(converted), revenue]
        return groups

    # ------------------------------------------------------------ running

    def _fm_check_runnable(self):
        self.ensure_one()
        if not (self.body or "").strip():
            raise UserError(_("Campaign %s needs a message.", self.name))
        if self.segment == "domain":
            self._fm_partner_domain()

    def _fm_is_due(self, now):
        """True when the cron should run this campaign ``now``."""
        self.ensure_one()
        if self.schedule_type == "once":
            return bool(
                self.scheduled_at and self.scheduled_at <= now and not self.last_run_at
            )
        if not self.last_run_at:
            return True
        last, current = self._fm_local(self.last_run_at), self._fm_local(now)
        if self.schedule_type == "daily":
            return last.date() < current.date()
        return last.replace(minute=0, second=0, microsecond=0) < current.replace(
            minute=0, second=0, microsecond=0
        )

    def _fm_run(self, now=None):
        """Select, filter and queue this run's messages; returns the new traces.

        Idempotent: a customer already traced for the run key is never handled
        again (and a UNIQUE constraint backs it), so a second run, or a re-run
        after a crash, only handles who is left. Each batch is one savepoint,
        committed in cron context.
        """
        now = now or fields.Datetime.now()
        Trace = self.env["fm.marketing.trace"]
        traces = Trace
        for campaign in self:
            campaign._fm_check_runnable()
            recipients = campaign._fm_select_recipients(now)
            for batch in split_every(self._fm_batch_size, recipients):
                with self.env.cr.savepoint():
                    traces |= Trace._fm_create_batch(campaign, list(batch), now)
                self._fm_commit()
            campaign.last_run_at = now
            self._fm_commit()
        return traces

    def _fm_split(self, records):
        """``records`` in batches of ``_fm_batch_size``."""
        for ids in split_every(self._fm_batch_size, records.ids):
            yield records.browse(ids)

    def _fm_commit(self):
        """Commit a finished batch when running as a cron (never in tests)."""
        if self.env.context.get("fm_marketing_commit") and not getattr(
            threading.current_thread(), "testing", False
        ):
            self.env.cr.commit()

    @api.model
    def _cron_fm_run_campaigns(self):
        """Hourly: release SMS held by quiet hours, then run due campaigns."""
        now = fields.Datetime.now()
        campaigns = self.with_context(fm_marketing_commit=True)
        campaigns.env["fm.marketing.trace"]._fm_release_scheduled(now)
        for campaign in campaigns.search([]):
            if campaign._fm_is_due(now):
                campaign._fm_run(now)

    # ------------------------------------------------------------ messages

    def _fm_render_values(self, partner, voucher):
        """Placeholder values for ``partner`` (and their voucher)."""
        values = {
            "first_name": first_name(partner.name),
            "shop_link": self._fm_shop_link(),
        }
        # Reads the member's points: only for messages that show them.
        if "next_reward" in placeholders(self.body):
            values["next_reward"] = partner._fm_next_reward_text(self.company_id)
        if voucher:
            values.update(
                {
                    "code": voucher.code,
                    "discount": format_percent(voucher.value),
                    "expiry_date": voucher.date_expiry.strftime("%d/%m/%Y")
                    if voucher.date_expiry
                    else "",
                }
            )
        return values

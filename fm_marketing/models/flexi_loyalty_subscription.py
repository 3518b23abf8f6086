import json
import logging

import pytz

from odoo import api, fields, models
from odoo.tools import SQL, format_amount, formatLang, split_every

from ..tools.churn import (
    DEFAULT_RHYTHM_DAYS,
    RHYTHM_ORDER_DAYS,
    churn_risk,
    median_gap,
    next_reward,
    spend_reference,
    year_start,
)

_logger = logging.getLogger(__name__)

# The figures the nightly job writes: nobody else sets them.
CHURN_FIELDS = (
    "fm_churn_score",
    "fm_churn_at_risk",
    "fm_churn_date",
    "fm_churn_last_order_date",
    "fm_churn_rhythm",
    "fm_churn_orders_year",
    "fm_churn_spend_year",
    "fm_churn_reason_codes",
)


class FlexiLoyaltySubscription(models.Model):
    _inherit = "flexi.loyalty.subscription"

    # Members updated per statement by the nightly job.
    _fm_churn_batch_size = 5000
    # Written by the nightly job only, whoever calls and with whatever context.
    _flexi_guarded_fields = CHURN_FIELDS

    fm_churn_score = fields.Integer(
        "Churn Risk",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="0 to 100, recomputed every night from the customer's confirmed "
        "orders: how late they are against their own rhythm, how often they "
        "ordered and how much they spent in the last 365 days.",
    )
    fm_churn_at_risk = fields.Boolean("At Risk", readonly=True, copy=False, index=True)
    fm_churn_date = fields.Date("Churn Risk On", readonly=True, copy=False)
    fm_churn_last_order_date = fields.Date("Last Order", readonly=True, copy=False)
    fm_churn_rhythm = fields.Float(
        "Usual Gap (days)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="Median number of days between the customer's orders; 0 until "
        "they ordered on three different days.",
    )
    fm_churn_orders_year = fields.Integer(
        "Orders (365 days)", readonly=True, copy=False
    )
    fm_churn_spend_year = fields.Monetary("Spend (365 days)", readonly=True, copy=False)
    fm_churn_reason_codes = fields.Char("Churn Reason Codes", readonly=True, copy=False)
    fm_churn_reason = fields.Char("Why", compute="_compute_fm_churn_reason")

    # ------------------------------------------------------------ computes

    @api.depends(*CHURN_FIELDS)
    @api.depends_context("lang")
    def _compute_fm_churn_reason(self):
        for member in self:
            member.fm_churn_reason = member._fm_churn_reason_text()

    def _fm_churn_reason_text(self):
        """The score's reasons in words, in the reader's language (computed
        from the stored figures, so each reader gets their own)."""
        self.ensure_one()
        if not self.fm_churn_date:
            return ""
        if not self.fm_churn_last_order_date:
            return self.env._("No confirmed order yet")
        # The recency first (the fact), then the other parts as they weigh.
        phrases = [self._fm_churn_recency_phrase()]
        for code in (self.fm_churn_reason_codes or "").split(","):
            if code in ("one_order", "few_orders", "frequent"):
                phrases.append(self._fm_churn_orders_phrase())
            elif code in ("low_spend", "high_spend"):
                phrases.append(self._fm_churn_spend_phrase(code))
        return "; ".join(phrases)

    def _fm_churn_recency_phrase(self):
        self.ensure_one()
        days = (self.fm_churn_date - self.fm_churn_last_order_date).days
        rhythm = self.fm_churn_rhythm or DEFAULT_RHYTHM_DAYS
        values = {
            "when": self._fm_churn_when(days),
            "ratio": self._fm_format_number(days / rhythm),
            "rhythm": self._fm_format_number(rhythm),
        }
        own = bool(self.fm_churn_rhythm)
        if days < rhythm and own:
            return self.env._(
                "Last order %(when)s, within their usual %(rhythm)s days", **values
            )
        if days < rhythm:
            return self.env._(
                "Last order %(when)s, within the %(rhythm)s days assumed until "
                "they order more",
                **values,
            )
        if own:
            return self.env._(
                "Last order %(when)s, %(ratio)s times their usual %(rhythm)s days",
                **values,
            )
        return self.env._(
            "Last order %(when)s, %(ratio)s times the %(rhythm)s days assumed "
            "until they order more",
            **values,
        )

    def _fm_churn_when(self, days):
        if days == 0:
            return self.env._("today")
        if days == 1:
            return self.env._("yesterday")
        return self.env._("%s days ago", days)

    def _fm_churn_orders_phrase(self):
        self.ensure_one()
        count = self.fm_churn_orders_year
        if count == 0:
            return self.env._("no order in the last 365 days")
        if count == 1:
            return self.env._("1 order in the last 365 days")
        return self.env._("%s orders in the last 365 days", count)

    def _fm_churn_spend_phrase(self, code):
        self.ensure_one()
        amount = format_amount(self.env, self.fm_churn_spend_year, self.currency_id)
        if code == "low_spend":
            return self.env._("low spend (%s)", amount)
        return self.env._("high spend (%s)", amount)

    def _fm_format_number(self, value):
        """2.5 → "2.5" ("2,5" in French), 2.0 → "2": rounded to a tenth."""
        value = round(value, 1)
        if value == int(value):
            return str(int(value))
        return formatLang(self.env, value, digits=1)

    # ------------------------------------------------------------ churn risk

    @api.model
    def _cron_fm_churn(self):
        """Nightly: every member's churn risk from their confirmed orders."""
        self._fm_churn_compute(fields.Datetime.now())

    @api.model
    def _fm_churn_compute(self, now):
        """Score every member at ``now`` (UTC): one query reads the orders of
        all members, the rules of ``tools/churn.py`` score each, and a few
        UPDATEs write the rows that changed (a retried run writes nothing)."""
        companies = self.env["res.company"].sudo().search([])
        todays = {c.id: self._fm_local_today(c, now) for c in companies}
        rows = self._fm_churn_rows(companies, todays, now)
        references = self._fm_churn_references(rows)
        values = [
            self._fm_churn_values(row, todays[row["company_id"]], references)
            for row in rows
        ]
        changed = 0
        for batch in split_every(self._fm_churn_batch_size, values):
            changed += self._fm_churn_write(list(batch))
        _logger.info("Churn risk: %s members scored, %s changed", len(rows), changed)
        return changed

    @api.model
    def _fm_local_today(self, company, now):
        tz = pytz.timezone(company.partner_id.tz or "UTC")
        return pytz.utc.localize(now).astimezone(tz).date()

    @api.model
    def _fm_churn_rows(self, companies, todays, now):
        """One row per member: its company, partner, latest order days (local,
        newest first), orders and untaxed spend of the last 365 days."""
        self.env["sale.order"].flush_model(
            ["partner_id", "company_id", "state", "date_order", "amount_untaxed"]
        )
        self.flush_model(["partner_id", "company_id"])
        self.env.cr.execute(
            SQL(
                """
            WITH co AS (
                SELECT * FROM unnest(%(ids)s::int[], %(tzs)s::text[],
                                     %(starts)s::date[]) AS co(id, tz, year_start)
            ), orders AS (
                SELECT s.id AS member_id, so.amount_untaxed, co.year_start,
                       ((so.date_order AT TIME ZONE 'UTC') AT TIME ZONE co.tz)::date
                           AS day
                  FROM flexi_loyalty_subscription s
                  JOIN co ON co.id = s.company_id
                  JOIN sale_order so
                    ON so.partner_id = s.partner_id AND so.company_id = s.company_id
                   AND so.state = 'sale' AND so.date_order <= %(now)s
            )
            SELECT s.id, s.company_id, s.partner_id,
                   (array_agg(DISTINCT o.day ORDER BY o.day DESC)
                        FILTER (WHERE o.day IS NOT NULL))[1:%(keep)s],
                   COUNT(o.day) FILTER (WHERE o.day >= o.year_start),
                   COALESCE(SUM(o.amount_untaxed)
                            FILTER (WHERE o.day >= o.year_start), 0)
              FROM flexi_loyalty_subscription s
              LEFT JOIN orders o ON o.member_id = s.id
             WHERE s.company_id = ANY(%(ids)s)
             GROUP BY s.id
             ORDER BY s.id
            """,
                ids=companies.ids,
                tzs=[c.partner_id.tz or "UTC" for c in companies],
                starts=[year_start(todays[c.id]) for c in companies],
                now=now,
                keep=RHYTHM_ORDER_DAYS,
            )
        )
        keys = ("id", "company_id", "partner_id", "days", "orders", "spend")
        return [dict(zip(keys, row, strict=True)) for row in self.env.cr.fetchall()]

    @api.model
    def _fm_churn_references(self, rows):
        """{company id: median yearly spend}, each customer counted once."""
        spends = {}
        for row in rows:
            spends.setdefault(row["company_id"], {})[row["partner_id"]] = row["spend"]
        return {
            company: spend_reference(list(by_partner.values()))
            for company, by_partner in spends.items()
        }

    @api.model
    def _fm_churn_values(self, row, today, references):
        """The stored figures of one member (a dict keyed like CHURN_FIELDS)."""
        days = row["days"] or []
        last = days[0] if days else None
        rhythm = median_gap(days)
        spend = float(row["spend"])
        churn = churn_risk(
            (today - last).days if last else None,
            rhythm,
            row["orders"],
            spend,
            references.get(row["company_id"]),
        )
        return {
            "id": row["id"],
            "fm_churn_score": churn.score,
            "fm_churn_at_risk": churn.at_risk,
            "fm_churn_date": today.isoformat(),
            "fm_churn_last_order_date": last.isoformat() if last else None,
            "fm_churn_rhythm": float(rhythm or 0.0),
            "fm_churn_orders_year": row["orders"],
            "fm_churn_spend_year": round(spend, 2),
            "fm_churn_reason_codes": ",".join(code for code, _p in churn.reasons)
            or None,
        }

    @api.model
    def _fm_churn_write(self, values):
        """Write ``values`` in one UPDATE, only on rows that differ; returns
        how many changed. SQL rather than ``write``: one statement for
        thousands of different rows, and nothing but these columns depends on
        them (the ORM is told below)."""
        columns = SQL(", ").join(
            SQL("%s = v.%s", *[SQL.identifier(name)] * 2) for name in CHURN_FIELDS
        )
        differs = SQL(" OR ").join(
            SQL("s.%s IS DISTINCT FROM v.%s", *[SQL.identifier(name)] * 2)
            for name in CHURN_FIELDS
        )
        self.env.cr.execute(
            SQL(
                """
            UPDATE flexi_loyalty_subscription s SET %(columns)s
              FROM jsonb_to_recordset(%(rows)s::jsonb) AS v(
                   id int, fm_churn_score int, fm_churn_at_risk bool,
                   fm_churn_date date, fm_churn_last_order_date date,
                   fm_churn_rhythm numeric, fm_churn_orders_year int,
                   fm_churn_spend_year numeric, fm_churn_reason_codes varchar)
             WHERE s.id = v.id AND (%(differs)s)
            """,
                columns=columns,
                rows=json.dumps(values),
                differs=differs,
            )
        )
        changed = self.env.cr.rowcount
        self.invalidate_model(list(CHURN_FIELDS))
        return changed

    # ------------------------------------------------------------ next reward

    def _fm_next_reward(self):
        """(member, reward, points missing) of the reward these members are
        closest to among those their program and tier allow, or None."""
        members = self.filtered(lambda m: m.state == "active")
        if not members:
            return None
        states = members._flexi_points_state()
        offers, by_reward = [], {}
        for member in members:
            for reward in member.program_id.reward_ids:
                if reward._flexi_is_available_for(member):
                    by_reward[reward.id] = (member, reward)
                    offers.append(
                        (reward.id, reward.points_cost, states[member.id]["spendable"])
                    )
        choice = next_reward(offers)
        if not choice:
            return None
        member, reward = by_reward[choice[0]]
        return member, reward, choice[1]

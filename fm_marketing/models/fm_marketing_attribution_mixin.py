from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .fm_marketing_trace import ATTRIBUTED_STATES


class FmMarketingAttributionMixin(models.AbstractModel):
    """An order credited to the marketing message that brought it.

    The credit is stored on the order when it is confirmed, and moved when
    what it depends on changes (the order, its code, the customer's messages,
    the attribution windows), so a campaign's figures are one sum over its
    orders. Models using it have ``partner_id`` and ``date_order`` (UTC);
    they say which orders count (``_fm_attribution_counts``), what an order
    brings (``_fm_attribution_amount``) and which code it used
    (``_fm_attribution_code``).
    """

    _name = "fm.marketing.attribution.mixin"
    _description = "Order Credited to a Marketing Message"

    fm_marketing_trace_id = fields.Many2one(
        "fm.marketing.trace",
        "Marketing Message",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="fm_marketing.fm_marketing_group_user",
        help="The message this order is credited to: the one whose code it "
        "used, else the customer's last marketing message received within the "
        "channel's attribution window.",
    )
    fm_marketing_campaign_id = fields.Many2one(
        "fm.marketing.campaign",
        "Marketing Campaign",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="fm_marketing.fm_marketing_group_user",
    )

    # Fields whose change may move an order's credit.
    _fm_attribution_depends = ("state", "partner_id", "date_order")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._fm_check_credit_untouched(vals)
        records = super().create(vals_list)
        records._fm_attribution_may_count()._fm_attribute()
        return records

    def write(self, vals):
        self._fm_check_credit_untouched(vals)
        moved = not vals.keys().isdisjoint(self._fm_attribution_depends)
        # Quotations and open till orders are never credited: editing them
        # costs no query.
        before = self._fm_attribution_may_count() if moved else self.browse()
        res = super().write(vals)
        if moved:
            (before | self._fm_attribution_may_count())._fm_attribute()
        return res

    @api.model
    def _fm_check_credit_untouched(self, vals):
        # Only the rules below credit an order: a hand-set campaign would
        # inflate its revenue and uplift.
        if "fm_marketing_trace_id" in vals or "fm_marketing_campaign_id" in vals:
            raise UserError(
                _(
                    "The campaign an order is credited to follows the "
                    "attribution rules; it cannot be set by hand."
                )
            )

    # ------------------------------------------------------------ rules

    def _fm_attribution_may_count(self):
        """These orders that may be credited, read from the cache: the state
        of those ``_fm_attribution_counts`` lets in."""
        raise NotImplementedError

    @api.model
    def _fm_attribution_counts(self):
        """SQL condition on the order ``o``: it may be credited."""
        raise NotImplementedError

    @api.model
    def _fm_attribution_amount(self):
        """SQL expression: what the order ``o`` brought (untaxed, company
        currency), read when the figures are read."""
        raise NotImplementedError

    @api.model
    def _fm_attribution_code(self):
        """SQL expression: the trace whose code the order ``o`` used, or NULL."""
        return SQL("NULL::int")

    @api.model
    def _fm_attribution_flush(self):
        """Write what the rules read before they run in SQL."""
        self.flush_model(["partner_id", "date_order", "state"])
        self.env["fm.marketing.trace"].flush_model(
            [
                *("campaign_id", "partner_id", "state", "channel"),
                *("run_date", "send_date", "create_date"),
            ]
        )

    # ------------------------------------------------------------ crediting

    def _fm_attribute(self):
        """Credit these orders again."""
        if self.ids:
            self._fm_attribute_orders(SQL("SELECT unnest(%s::int[]) AS id", self.ids))

    @api.model
    def _fm_attribute_orders(self, targets):
        """Credit again the orders whose ids the SQL query ``targets`` gives;
        set based. Returns the ids of the orders whose credit changed."""
        self._fm_attribution_flush()
        days = self.env["fm.marketing.campaign"]._fm_attribution_days()
        moment = SQL("COALESCE(t.send_date, t.run_date, t.create_date)")
        self.env.cr.execute(
            SQL(
                """
            WITH credited AS (
                SELECT o.id,
                       CASE WHEN %(counts)s
                            THEN COALESCE(code.trace_id, last.id) END AS trace_id
                  FROM %(table)s o
                  JOIN (%(targets)s) target ON target.id = o.id
                  LEFT JOIN LATERAL (SELECT %(code)s AS trace_id) code ON TRUE
                  LEFT JOIN LATERAL (
                      SELECT t.id
                        FROM fm_marketing_trace t
                       WHERE code.trace_id IS NULL
                         AND t.partner_id = o.partner_id
                         AND t.state IN %(states)s
                         AND %(moment)s <= o.date_order
                         AND %(moment)s > o.date_order - CASE t.channel
                             WHEN 'sms' THEN %(sms)s ELSE %(email)s
                             END * INTERVAL '1 day'
                       ORDER BY %(moment)s DESC, t.id DESC
                       LIMIT 1
                  ) last ON TRUE
            )
            UPDATE %(table)s dst
               SET fm_marketing_trace_id = c.trace_id,
                   fm_marketing_campaign_id = t.campaign_id
              FROM credited c
              LEFT JOIN fm_marketing_trace t ON t.id = c.trace_id
             WHERE dst.id = c.id
               AND dst.fm_marketing_trace_id IS DISTINCT FROM c.trace_id
            RETURNING dst.id
            """,
                table=SQL.identifier(self._table),
                targets=targets,
                code=self._fm_attribution_code(),
                states=ATTRIBUTED_STATES,
                moment=moment,
                sms=days["sms"],
                email=days["email"],
                counts=self._fm_attribution_counts(),
            )
        )
        changed = [row[0] for row in self.env.cr.fetchall()]
        if changed:
            records = self.browse(changed)
            fnames = ["fm_marketing_trace_id", "fm_marketing_campaign_id"]
            records.invalidate_recordset(fnames)
            records.modified(fnames)
        return changed

    @api.model
    def _fm_attribute_customers(self, partner_ids, since, trace_ids):
        """Credit again what messages of ``partner_ids`` from ``since`` on,
        or changes to the traces ``trace_ids``, may move."""
        table = SQL.identifier(self._table)
        return self._fm_attribute_orders(
            SQL(
                """
                SELECT id FROM %(table)s
                 WHERE partner_id = ANY(%(partners)s) AND date_order >= %(since)s
                 UNION
                SELECT id FROM %(table)s WHERE fm_marketing_trace_id = ANY(%(traces)s)
                """,
                table=table,
                partners=list(partner_ids),
                since=since,
                traces=list(trace_ids),
            )
        )

    @api.model
    def _fm_attribute_all(self):
        """Credit again every order of a customer ever traced (the windows
        changed)."""
        table = SQL.identifier(self._table)
        return self._fm_attribute_orders(
            SQL(
                """
                SELECT o.id FROM %(table)s o
                 WHERE EXISTS (SELECT 1 FROM fm_marketing_trace t
                                WHERE t.partner_id = o.partner_id
                                  AND t.state IN %(states)s)
                 UNION
                SELECT id FROM %(table)s WHERE fm_marketing_trace_id IS NOT NULL
                """,
                table=table,
                states=ATTRIBUTED_STATES,
            )
        )

    @api.model
    def _fm_credited(self, campaign):
        """SQL query of (trace id, amount) of the orders credited to
        ``campaign`` that brought something."""
        return SQL(
            """
            SELECT o.fm_marketing_trace_id AS trace_id, %(amount)s AS amount
              FROM %(table)s o
             WHERE o.fm_marketing_campaign_id = %(campaign)s
            """,
            amount=self._fm_attribution_amount(),
            table=SQL.identifier(self._table),
            campaign=campaign.id,
        )

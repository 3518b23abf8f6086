import json
from collections import defaultdict

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

MOVE_TYPES = [
    ("earn", "Earned"),
    ("pending", "Earned (pending)"),
    ("redeem", "Redeemed"),
    ("expire", "Expired"),
    ("reversal", "Reversal"),
    ("adjustment", "Adjustment"),
    ("bonus", "Bonus"),
]
# Lines that add a dated "lot" of points; debits consume lots first-expiring-first.
LOT_TYPES = {"earn", "pending", "bonus"}


# Posting an earning runs at every order confirmation. As a PL/pgSQL function
# its statements are planned once per connection instead of at every call,
# and the check, the insert and the balance take one round trip.
EARNING_FUNCTION = """
CREATE OR REPLACE FUNCTION flexi_loyalty_post_earning(new_line jsonb, key_prefix text)
RETURNS TABLE (line_id integer, subscription_id integer, balance integer)
LANGUAGE plpgsql AS $$
DECLARE
    rec flexi_loyalty_ledger_line;
    earlier integer;
    active integer;
BEGIN
    rec := jsonb_populate_record(NULL::flexi_loyalty_ledger_line, new_line);
    -- Earlier earnings of the document for this member, and those not undone.
    SELECT COUNT(*),
           COUNT(*) FILTER (WHERE l.points > COALESCE(
               (SELECT -SUM(r.points) FROM flexi_loyalty_ledger_line r
                 WHERE r.lot_line_id = l.id), 0))
      INTO earlier, active
      FROM flexi_loyalty_ledger_line l
     WHERE l.res_id = rec.res_id AND l.res_model = rec.res_model
       AND l.subscription_id = rec.subscription_id
       AND l.move_type IN ('earn', 'pending');
    IF active > 0 THEN
        RETURN;
    END IF;
    rec.id := nextval('flexi_loyalty_ledger_line_id_seq');
    rec.idempotency_key := key_prefix || earlier;
    INSERT INTO flexi_loyalty_ledger_line SELECT rec.*
        ON CONFLICT (idempotency_key) DO NOTHING;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    RETURN QUERY
        UPDATE flexi_loyalty_subscription s
           SET points_balance = COALESCE(s.points_balance, 0) + rec.points
         WHERE s.id = rec.subscription_id
        RETURNING rec.id, s.id, s.points_balance;
END
$$;
"""


class FlexiLoyaltyLedgerLine(models.Model):
    """One movement of points. Append-only: corrections are new lines."""

    _name = "flexi.loyalty.ledger.line"
    _description = "Loyalty Points Movement"
    _order = "date desc, id desc"
    _rec_name = "move_type"

    subscription_id = fields.Many2one(
        "flexi.loyalty.subscription",
        "Member",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    # Copied from the member when posted (a line never moves): stored plainly
    # so that posting is one INSERT, with nothing to recompute afterwards.
    program_id = fields.Many2one(
        "flexi.loyalty.program", readonly=True, index=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(
        "res.partner", "Customer", readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_type = fields.Selection(MOVE_TYPES, "Type", required=True, readonly=True)
    points = fields.Integer(required=True, readonly=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    expiry_date = fields.Date(
        "Valid Until", readonly=True, help="Points can be spent until this day."
    )
    available_date = fields.Datetime(
        "Spendable From", readonly=True, help="Pending points are spendable from then."
    )
    is_lot = fields.Boolean(readonly=True)
    lot_line_id = fields.Many2one(
        "flexi.loyalty.ledger.line",
        "Reverses",
        readonly=True,
        index="btree_not_null",
        help="The earning this line reverses.",
    )
    # Indexed together (see init): one index is cheaper at every posting.
    res_model = fields.Char("Source Model", readonly=True)
    res_id = fields.Many2oneReference(
        "Source ID", model_field="res_model", readonly=True
    )
    source_ref = fields.Reference(
        selection="_selection_source_ref",
        compute="_compute_source_ref",
        string="Source Document",
    )
    base_amount = fields.Monetary(
        "Amount", readonly=True, help="The money that earned, or was refunded."
    )
    reward_id = fields.Many2one(
        "flexi.loyalty.reward", readonly=True, index="btree_not_null"
    )
    reason = fields.Char(readonly=True)
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )
    idempotency_key = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        ("points_not_zero", "CHECK(points <> 0)", "A movement moves points."),
        (
            "idempotency_key_unique",
            "UNIQUE(idempotency_key)",
            "This movement was already posted.",
        ),
    ]

    def init(self):
        # A document's movements are looked up at every posting and reversal.
        tools.create_index(
            self.env.cr,
            "flexi_loyalty_ledger_line_source_index",
            self._table,
            ["res_id", "res_model"],
        )
        # Replaced at every update: the function copies the table's row type.
        self.env.cr.execute(EARNING_FUNCTION)

    @api.model
    def _selection_source_ref(self):
        return [(m.model, m.name) for m in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_source_ref(self):
        for line in self:
            if line.res_model and line.res_id and line.res_model in self.env:
                line.source_ref = f"{line.res_model},{line.res_id}"
            else:
                line.source_ref = False

    # ------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        raise UserError(_("Points move only through orders, rewards and adjustments."))

    def write(self, vals):
        self.check_access("write")
        raise UserError(
            _("Points movements cannot be changed; post a correction instead.")
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _("Points movements cannot be deleted; post a correction instead.")
        )

    # ------------------------------------------------------------ business

    @api.model
    def _flexi_post(self, vals_list, checked=False):
        """The one way lines are written, and the balances with them.

        One INSERT for the batch (a movement whose idempotency key is already
        posted is skipped by the database itself, retries and races alike),
        then one UPDATE of the members' balances, in the same transaction.
        This runs at every order confirmation, so it bypasses the ORM's
        per-record create; the ORM's ``create`` stays closed to everyone.
        Callers are business methods that checked rights and amounts.
        ``checked`` is kept for callers' readability: the database always
        checks the key.
        """
        if not vals_list:
            return self.browse()
        rows = self._flexi_rows(vals_list)
        columns = list(rows[0])
        self.env.cr.execute(
            SQL(
                "INSERT INTO flexi_loyalty_ledger_line (%s) VALUES %s "
                "ON CONFLICT (idempotency_key) DO NOTHING "
                "RETURNING id, subscription_id, points",
                SQL(", ").join(SQL.identifier(col) for col in columns),
                SQL(", ").join(
                    SQL("(%s)", SQL(", ").join(SQL("%s", row[col]) for col in columns))
                    for row in rows
                ),
            )
        )
        inserted = self.env.cr.fetchall()
        if not inserted:
            return self.browse()
        self._flexi_sync_balances(inserted)
        return self.browse([row[0] for row in inserted])

    @api.model
    def _flexi_rows(self, vals_list):
        """Column values of new lines: the member's program, partner, company
        and currency copied in; reversals of a lot keep that lot's date."""
        subs = (
            self.env["flexi.loyalty.subscription"]
            .sudo()
            .browse([v["subscription_id"] for v in vals_list])
        )
        lots = self.sudo().browse(
            [v["lot_line_id"] for v in vals_list if v.get("lot_line_id")]
        )
        lot_expiry = {lot.id: lot.expiry_date for lot in lots}
        now, uid = fields.Datetime.now(), self.env.uid
        rows = []
        for vals in vals_list:
            sub = subs.browse(vals["subscription_id"])
            if vals.get("lot_line_id"):
                is_lot, expiry = True, lot_expiry[vals["lot_line_id"]]
            else:
                is_lot = vals["move_type"] in LOT_TYPES or vals["points"] > 0
                expiry = vals.get("expiry_date")
            row = {
                "subscription_id": sub.id,
                "program_id": sub.program_id.id,
                "partner_id": sub.partner_id.id,
                "company_id": sub.company_id.id,
                "currency_id": sub.company_id.currency_id.id,
                "move_type": vals["move_type"],
                "points": int(vals["points"]),
                "date": vals.get("date") or now,
                "expiry_date": expiry or None,
                "available_date": vals.get("available_date") or None,
                "is_lot": is_lot,
                "lot_line_id": vals.get("lot_line_id") or None,
                "res_model": vals.get("res_model") or None,
                "res_id": vals.get("res_id") or None,
                "base_amount": vals.get("base_amount") or 0.0,
                "reward_id": vals.get("reward_id") or None,
                "reason": vals.get("reason") or None,
                "user_id": vals.get("user_id") or uid,
                "idempotency_key": vals.get("idempotency_key") or None,
                "create_uid": uid,
                "create_date": now,
                "write_uid": uid,
                "write_date": now,
            }
            unknown = set(vals) - set(row)
            if unknown:
                raise ValueError(f"not ledger columns: {sorted(unknown)}")
            rows.append(row)
        return rows

    def _flexi_sync_balances(self, inserted):
        """Add the new lines to their members' balances; tell the ORM."""
        delta = defaultdict(int)
        for _line_id, sub_id, points in inserted:
            delta[sub_id] += points
        self.env.cr.execute(
            SQL(
                "UPDATE flexi_loyalty_subscription s "
                "SET points_balance = COALESCE(s.points_balance, 0) + d.points "
                "FROM (VALUES %s) AS d(id, points) WHERE s.id = d.id "
                "RETURNING s.id, s.points_balance",
                SQL(", ").join(SQL("(%s, %s)", k, v) for k, v in delta.items()),
            )
        )
        self._flexi_tell_orm(dict(self.env.cr.fetchall()))

    @api.model
    def _flexi_tell_orm(self, balances):
        """What the ORM would have done for lines written in SQL: new lines in
        ``line_ids``, new balances ({member id: balance}) in the cache, and the
        fields computed from them invalidated."""
        Sub = self.env["flexi.loyalty.subscription"]
        field = Sub._fields["points_balance"]
        subs = Sub.browse(list(balances))
        subs.invalidate_recordset(["line_ids"])
        for sub_id, balance in balances.items():
            self.env.cache.set(Sub.browse(sub_id), field, balance)
        subs.modified(["line_ids", "points_balance"])

    @api.model
    def _flexi_post_earning(self, vals, key_prefix):
        """Post an earning unless its source document already has one for this
        member that is not fully undone — check, insert and balance in one
        round trip (this runs at every order confirmation).

        The idempotency key is ``key_prefix`` plus the number of earlier
        earnings of the document: a cancelled then re-confirmed order earns
        again, a retried or concurrent confirmation never does.
        """
        row = self._flexi_rows([dict(vals, idempotency_key="-")])[0]
        del row["idempotency_key"]
        self.env.cr.execute(
            "SELECT * FROM flexi_loyalty_post_earning(%s::jsonb, %s)",
            (json.dumps(row, default=str), key_prefix),
        )
        result = self.env.cr.fetchone()
        if not result:
            return self.browse()
        line_id, sub_id, balance = result
        self._flexi_tell_orm({sub_id: balance})
        return self.browse(line_id)

    @api.model
    def _flexi_expire_due(self, today, subscription_ids=None):
        """Post, set-based, what remains of earnings valid until before ``today``.

        Idempotent: a second run finds nothing due (and the per-day key guards
        against two runs racing). Returns the number of expire lines posted.
        """
        self.flush_model()
        self.env["flexi.loyalty.subscription"].flush_model(["points_balance"])
        where = ""
        params = {"today": today, "uid": self.env.uid, "reason": _("Points expired")}
        if subscription_ids is not None:
            if not subscription_ids:
                return 0
            where = "WHERE subscription_id IN %(subs)s"
            params["subs"] = tuple(subscription_ids)
        self.env.cr.execute(
            f"""
            WITH sums AS (
                SELECT subscription_id,
                       COALESCE(SUM(points) FILTER (
                           WHERE is_lot AND expiry_date < %(today)s), 0) AS due_lots,
                       COALESCE(-SUM(points) FILTER (WHERE NOT is_lot), 0) AS debited
                  FROM flexi_loyalty_ledger_line
                  {where}
              GROUP BY subscription_id
            ), due AS (
                SELECT subscription_id, due_lots - debited AS points
                  FROM sums WHERE due_lots - debited > 0
            ), ins AS (
                INSERT INTO flexi_loyalty_ledger_line (
                    subscription_id, program_id, partner_id, company_id, currency_id,
                    move_type, points, date, is_lot, idempotency_key, reason, user_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT d.subscription_id, s.program_id, s.partner_id, s.company_id,
                       c.currency_id,
                       'expire', -d.points, NOW() AT TIME ZONE 'UTC', FALSE,
                       'expire:' || d.subscription_id || ':' || %(today)s,
                       %(reason)s, %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM due d JOIN flexi_loyalty_subscription s
                    ON s.id = d.subscription_id
                  JOIN res_company c ON c.id = s.company_id
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING subscription_id, points
            )
            UPDATE flexi_loyalty_subscription s
               SET points_balance = COALESCE(s.points_balance, 0) + ins.points
              FROM ins WHERE s.id = ins.subscription_id
            RETURNING s.id
            """,
            params,
        )
        expired = [row[0] for row in self.env.cr.fetchall()]
        if expired:
            self.invalidate_model()
            self.env["flexi.loyalty.subscription"].invalidate_model(["points_balance"])
        return len(expired)

    @api.model
    def _cron_flexi_loyalty_expire(self):
        """Daily: post the expirations due (idempotent, see _flexi_expire_due)."""
        return self._flexi_expire_due(fields.Date.context_today(self))

    @api.model
    def _flexi_source_vals(self, record):
        return {"res_model": record._name, "res_id": record.id}

    @api.model
    def _flexi_source_lines(self, records, move_types):
        return self.sudo().search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("move_type", "in", move_types),
            ]
        )

    def _flexi_done_totals(self):
        """{line id: (points, amount)} already reversed or given back for it."""
        if not self:
            return {}
        groups = self.sudo()._read_group(
            [("lot_line_id", "in", self.ids)],
            ["lot_line_id"],
            ["points:sum", "base_amount:sum"],
        )
        return {line.id: (abs(points), amount) for line, points, amount in groups}

    def _flexi_reverse(self, cause_key, reason, refund_amount=None, source=None):
        """Undo these lines, wholly or in proportion to ``refund_amount``.

        On earn lines it takes the points back; on redeem lines it gives the
        points back with the validity they had. Each reversal line points to
        the line it undoes, so the same lot is never undone twice, and
        ``cause_key`` (a cancellation, one credit note) makes retries no-ops.
        """
        from ..tools.points import reversal_points

        done = self._flexi_done_totals()
        vals_list = []
        for line in self:
            moved = abs(line.points)
            done_points, done_amount = done.get(line.id, (0, 0.0))
            if refund_amount is None:
                points, amount = moved - done_points, line.base_amount - done_amount
            else:
                amount = max(0.0, min(refund_amount, line.base_amount - done_amount))
                points = reversal_points(
                    moved, line.base_amount, done_amount, amount, done_points
                )
            if points <= 0:
                continue
            sign = -1 if line.points > 0 else 1
            vals_list.append(
                {
                    "subscription_id": line.subscription_id.id,
                    "move_type": "reversal",
                    "points": sign * points,
                    "lot_line_id": line.id,
                    "base_amount": amount,
                    "reward_id": line.reward_id.id,
                    "reason": reason,
                    "idempotency_key": f"reverse:{cause_key}:{line.id}",
                    **(source or {"res_model": line.res_model, "res_id": line.res_id}),
                }
            )
        if vals_list:
            self.subscription_id._flexi_lock()
        return self._flexi_post(vals_list)

import hashlib
import json
import threading
from functools import lru_cache
from itertools import chain
from operator import itemgetter

from psycopg2.extensions import TransactionRollbackError

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger, split_every

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
# Columns every line copies from its member when posted (``s``: the member,
# ``c``: its company).
MEMBER_COLUMNS = {
    "program_id": SQL("s.program_id"),
    "partner_id": SQL("s.partner_id"),
    "company_id": SQL("s.company_id"),
    "currency_id": SQL("c.currency_id"),
}

# Columns the writer always fills, from the values given or from the member.
BASE_COLUMNS = frozenset(
    {
        "subscription_id",
        "move_type",
        "points",
        "date",
        "expiry_date",
        "available_date",
        "is_lot",
        "lot_line_id",
        "res_model",
        "res_id",
        "base_amount",
        "reward_id",
        "reason",
        "user_id",
        "idempotency_key",
        "create_uid",
        "create_date",
        "write_uid",
        "write_date",
        *MEMBER_COLUMNS,
    }
)


def _shared_values(rows, columns):
    """({column: value} equal in every row, [the other columns]).

    Compared with hashing, in C: a column whose values cannot be hashed (a
    jsonb value) or that some row lacks is taken as varying.
    """
    if len(rows) < 2:
        return {}, columns
    shared, varying = {}, []
    for col in columns:
        if col != "subscription_id":
            try:
                values = set(map(itemgetter(col), rows))
            except (KeyError, TypeError):
                values = ()
            if len(values) == 1:
                shared[col] = values.pop()
                continue
        varying.append(col)
    return shared, varying


def _json_value(value):
    """JSON for the values json.dumps does not know: dates as PostgreSQL
    reads them, and psycopg2's Json wrapper of jsonb columns."""
    if hasattr(value, "adapted"):
        return value.adapted
    return str(value)


def _planned_size(size):
    """The batch size the writer's statement tells the planner, or None.

    The planner guesses 100 rows from a JSON document, and joins them to their
    members by index only when told fewer. Rounded up to a power of two (a
    LIMIT above the batch size takes every row): a connection prepares a
    handful of statements, not one per batch size.
    """
    if size >= 100:
        return None
    return min(1 << (size - 1).bit_length(), 99)


def _post_sql(table, columns, shared, size, rows, shared_row):
    """The writer's statement for a shape of batch (the table, its
    ``columns``, those ``shared`` by the whole batch, the size planned) on the
    varying values ``rows`` and the shared ones ``shared_row``: JSON, or the
    parameters of a prepared statement."""
    copied = [col for col in MEMBER_COLUMNS if col not in columns]
    return SQL(
        """
        WITH ins AS (
            INSERT INTO %(table)s (%(columns)s)
            SELECT %(values)s
              FROM (SELECT * FROM jsonb_populate_recordset(
                        NULL::%(table)s, %(rows)s) %(limit)s) r
             CROSS JOIN jsonb_populate_record(NULL::%(table)s, %(shared)s) k
              JOIN flexi_loyalty_subscription s ON s.id = r.subscription_id
         LEFT JOIN res_company c ON c.id = s.company_id
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id, subscription_id, points
        ), upd AS (
            UPDATE flexi_loyalty_subscription s
               SET points_balance = COALESCE(s.points_balance, 0) + d.points
              FROM (SELECT subscription_id, SUM(points) AS points
                      FROM ins GROUP BY subscription_id) d
             WHERE s.id = d.subscription_id
            RETURNING s.id, s.points_balance
        )
        SELECT ins.id, ins.subscription_id, upd.points_balance
          FROM ins JOIN upd ON upd.id = ins.subscription_id
        """,
        table=SQL.identifier(table),
        columns=SQL(", ").join(SQL.identifier(col) for col in [*columns, *copied]),
        values=SQL(", ").join(
            [SQL.identifier("k" if col in shared else "r", col) for col in columns]
            + [MEMBER_COLUMNS[col] for col in copied]
        ),
        rows=rows,
        shared=shared_row,
        limit=SQL("LIMIT %s", size) if size else SQL(),
    )


@lru_cache(maxsize=256)
def _prepared_post(table, columns, shared, size):
    """(name, SQL) of the writer's statement to prepare for a shape of batch,
    its JSON taken as ``$1`` and ``$2``. Named after a hash of its text:
    another shape (an addon's column, another size), another statement."""
    body = _post_sql(table, columns, shared, size, SQL("$1"), SQL("$2"))
    text = repr((body.code, body.params)).encode()
    digest = hashlib.sha1(text, usedforsecurity=False).hexdigest()
    return f"flexi_loyalty_post_{digest[:20]}", body


class FlexiLoyaltyLedgerLine(models.Model):
    """One movement of points. Append-only: corrections are new lines."""

    _name = "flexi.loyalty.ledger.line"
    _description = "Loyalty Points Movement"
    _order = "date desc, id desc"
    _rec_name = "move_type"
    # Expiry cron: members per run (the scheduler runs it again for the
    # rest), in chunks that fail alone when a member's points move meanwhile.
    _flexi_expire_per_run = 2000
    _flexi_expire_chunk = 100

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
        # Databases made by earlier versions held a posting function.
        self.env.cr.execute(
            "DROP FUNCTION IF EXISTS flexi_loyalty_post_earning(jsonb, text)"
        )

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
    def _flexi_post(self, vals_list, checked=False, balances=None):
        """The one way lines are written, and the balances with them.

        ``vals_list`` holds the values of the new lines, as for ``create``;
        ``_flexi_rows`` turns them into table rows (the hook for addons that
        add columns). One statement inserts the batch and adds it to the
        members' balances: a movement whose idempotency key is already posted
        is skipped by the database itself, retries and races alike. The
        member's program, partner, company and currency are copied from the
        member in that same statement, so a line never disagrees with its
        member. This runs at every order confirmation and for every member
        the expiry cron reaches, so it bypasses the ORM's per-record create:
        the rows travel as one JSON document, which PostgreSQL reads far
        faster than thousands of literals, into a statement prepared once per
        connection (``_flexi_execute_post``). The ORM's ``create`` stays
        closed to everyone, and the ORM is told what changed
        (``_flexi_tell_orm``). Callers are business methods that checked
        rights and amounts. ``checked`` is kept for callers' readability: the
        database always checks the key. Returns the lines inserted; a dict
        given as ``balances`` receives ``{member id: new balance}`` of the
        members they moved, as the statement left them (the hooks after an
        earning need it, and reading the field again would cost a query).
        """
        if not vals_list:
            return self.browse()
        rows = self._flexi_rows(vals_list)
        columns = list(dict.fromkeys(chain.from_iterable(rows)))
        shared, varying = _shared_values(rows, columns)
        # What the statement copies from the member must be in the database.
        self.env["flexi.loyalty.subscription"].flush_model(
            ["program_id", "partner_id", "company_id"]
        )
        inserted = self._flexi_execute_post(
            tuple(columns),
            tuple(shared),
            len(rows),
            # Values shared by the whole batch (timestamps, author, type,
            # reason of an expiry run) travel once, not once per row.
            json.dumps(
                [{col: row.get(col) for col in varying} for row in rows],
                default=_json_value,
            ),
            json.dumps(shared, default=_json_value),
        )
        if not inserted:
            return self.browse()
        if balances is not None:
            balances.update((sub_id, balance) for _id, sub_id, balance in inserted)
        self._flexi_tell_orm({sub_id for _line_id, sub_id, _balance in inserted})
        return self.browse(sorted(line_id for line_id, _sub_id, _bal in inserted))

    @api.model
    def _flexi_execute_post(self, columns, shared, size, rows, shared_row):
        """Run the writer's statement for this shape of batch (its columns,
        those shared, its size) on the JSON ``rows`` and ``shared_row``;
        returns ``[(line id, member id, member's new balance)]`` of the lines
        inserted.

        A shape's first run on a cursor is a plain statement: a request that
        posts once pays nothing more. The second prepares it on the
        connection, in the same round trip; later runs only execute it, and
        PostgreSQL no longer parses it nor, after five runs, plans it: most of
        what a posting costs the database in a batch of confirmations. A
        prepared statement outlives rollbacks and savepoints and dies with the
        session, which the pool resets when it lends the connection again:
        the cursor's cache (one borrowing of the connection, shared by the
        test cursors over it) knows what the session holds.
        """
        shape = (self._table, columns, shared, _planned_size(size))
        name, body = _prepared_post(*shape)
        cr = self.env.cr
        states = cr.cache.setdefault("flexi_loyalty_post_statements", {})
        state = states.get(name)
        if state == "preparing":
            # The run that prepared it failed, maybe after PREPARE: ask.
            cr.execute(
                SQL("SELECT 1 FROM pg_prepared_statements WHERE name = %s", name)
            )
            state = "prepared" if cr.fetchall() else "run"
        execute = SQL("EXECUTE %s(%s, %s)", SQL.identifier(name), rows, shared_row)
        if state is None:
            query = _post_sql(*shape, rows, shared_row)
        elif state == "run":
            query = SQL(
                "PREPARE %s (jsonb, jsonb) AS %s; %s",
                SQL.identifier(name),
                body,
                execute,
            )
            states[name] = "preparing"
        else:
            query = execute
        cr.execute(query)
        states[name] = "run" if state is None else "prepared"
        return cr.fetchall()

    @api.model
    def _flexi_rows(self, vals_list):
        """Table rows of new lines, from their values: the hook to override
        for an addon that adds columns to the ledger.

        Reversals of a lot keep that lot's date. Values of other stored fields
        (added by other addons) pass through, and those fields get their
        defaults when not given. A key that is no column is refused. The
        member's program, partner, company and currency are left to the
        writer, which copies them from the member.
        """
        lots = self.sudo().browse(
            [v["lot_line_id"] for v in vals_list if v.get("lot_line_id")]
        )
        lot_expiry = {lot.id: lot.expiry_date for lot in lots}
        # Timestamps as PostgreSQL reads them, written once for the batch.
        now, uid = fields.Datetime.to_string(fields.Datetime.now()), self.env.uid
        rows = []
        for vals in vals_list:
            if vals.get("lot_line_id"):
                is_lot, expiry = True, lot_expiry[vals["lot_line_id"]]
            else:
                is_lot = vals["move_type"] in LOT_TYPES or vals["points"] > 0
                expiry = vals.get("expiry_date")
            row = {
                "subscription_id": vals["subscription_id"],
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
            for name in vals.keys() - BASE_COLUMNS:
                field = self._fields.get(name)
                if not (field and field.store and field.column_type):
                    raise ValueError(f"not a ledger column: {name!r}")
                row[name] = field.convert_to_column(vals[name], self)
            rows.append(row)
        if rows:
            self._flexi_row_defaults(rows, BASE_COLUMNS)
        return rows

    def _flexi_row_defaults(self, rows, base_columns):
        """Defaults of the stored fields other addons added, where not given."""
        extra = [
            name
            for name, field in self._fields.items()
            if field.store
            and field.column_type
            and name != "id"
            and name not in base_columns
        ]
        if not extra:
            return
        for name, value in self.default_get(extra).items():
            value = self._fields[name].convert_to_column(value, self)
            for row in rows:
                row.setdefault(name, value)

    @api.model
    def _flexi_tell_orm(self, subscription_ids):
        """What the ORM would have done for lines written in SQL: the members'
        ``line_ids`` and ``points_balance`` are reread from the database, and
        the fields computed from them are marked to recompute."""
        subs = self.env["flexi.loyalty.subscription"].browse(subscription_ids)
        subs.invalidate_recordset(["line_ids", "points_balance"])
        subs.modified(["line_ids", "points_balance"])

    @api.model
    def _flexi_post_earning(self, vals, key_prefix, balances=None):
        """Post an earning unless its source document already has one for this
        member that is not fully undone (``balances`` as for ``_flexi_post``).

        The idempotency key is ``key_prefix`` plus the number of earlier
        earnings of the document: a cancelled then re-confirmed order earns
        again, a retried or concurrent confirmation never does.
        """
        # Most documents earn once: their first key is free. Keys are never
        # deleted, so a document that earned before holds that key too, and
        # only then are its earlier earnings counted.
        line = self._flexi_post(
            [dict(vals, idempotency_key=f"{key_prefix}0")], balances=balances
        )
        if line:
            return line
        self.flush_model(["res_id", "res_model", "subscription_id", "points"])
        self.env.cr.execute(
            SQL(
                """
                SELECT COUNT(*),
                       COUNT(*) FILTER (WHERE l.points > COALESCE(
                           (SELECT -SUM(r.points) FROM flexi_loyalty_ledger_line r
                             WHERE r.lot_line_id = l.id), 0))
                  FROM flexi_loyalty_ledger_line l
                 WHERE l.res_id = %(res_id)s AND l.res_model = %(res_model)s
                   AND l.subscription_id = %(sub)s
                   AND l.move_type IN ('earn', 'pending')
                """,
                res_id=vals["res_id"],
                res_model=vals["res_model"],
                sub=vals["subscription_id"],
            )
        )
        earlier, active = self.env.cr.fetchone()
        if active or not earlier:
            return self.browse()
        return self._flexi_post(
            [dict(vals, idempotency_key=f"{key_prefix}{earlier}")], balances=balances
        )

    @api.model
    def _flexi_expiry_due(self, today, subscription_ids=None):
        """``[(member id, points)]`` of earnings valid until before ``today``
        and not spent, set-based, by member."""
        if subscription_ids is not None and not subscription_ids:
            return []
        self.flush_model()
        self.env["flexi.loyalty.subscription"].flush_model(["points_balance"])
        self.env.cr.execute(
            SQL(
                """
                SELECT subscription_id, due_lots - debited
                  FROM (SELECT subscription_id,
                               COALESCE(SUM(points) FILTER (
                                   WHERE is_lot AND expiry_date < %(today)s), 0)
                                   AS due_lots,
                               COALESCE(-SUM(points) FILTER (WHERE NOT is_lot), 0)
                                   AS debited
                          FROM flexi_loyalty_ledger_line
                         WHERE %(where)s
                      GROUP BY subscription_id) sums
                 WHERE due_lots - debited > 0
              ORDER BY subscription_id
                """,
                today=today,
                where=SQL("subscription_id IN %s", tuple(subscription_ids))
                if subscription_ids is not None
                else SQL("TRUE"),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _flexi_post_expirations(self, due, today):
        """Post the ``(member id, points)`` of ``due`` as expirations of
        ``today`` (one key per member and day: a second run posts nothing)."""
        reason = _("Points expired")
        return self._flexi_post(
            [
                {
                    "subscription_id": sub_id,
                    "move_type": "expire",
                    "points": -points,
                    "reason": reason,
                    "idempotency_key": f"expire:{sub_id}:{today}",
                }
                for sub_id, points in due
            ]
        )

    @api.model
    def _flexi_expire_due(self, today, subscription_ids=None):
        """Post what remains of earnings valid until before ``today``, for
        every member or those given. Idempotent; returns the number of
        expire lines posted."""
        posted = 0
        for batch in split_every(5000, self._flexi_expiry_due(today, subscription_ids)):
            posted += len(self._flexi_post_expirations(batch, today))
        return posted

    @api.model
    def _cron_flexi_loyalty_expire(self):
        """Daily: post the expirations due, a slice of members per run.

        Each chunk of members is posted in a transaction of its own
        (committed before the next when the scheduler runs the job), its
        amounts read afresh: tills and web redemptions never wait on one
        transaction over every member, and a redemption committed meanwhile
        only changes what the next chunk reads. A chunk that still collides
        with one is rolled back alone and tried once more at the end, then
        left to the next run, which the scheduler starts at once while
        members are left. Returns the number of expire lines posted.
        """
        today = fields.Date.context_today(self)
        due = [sub_id for sub_id, _points in self._flexi_expiry_due(today)]
        per_run = self._flexi_expire_per_run
        chunks = [list(c) for c in split_every(self._flexi_expire_chunk, due[:per_run])]
        done = posted = 0
        for _attempt in range(2):
            failed = []
            for chunk in chunks:
                try:
                    with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                        posted += self._flexi_expire_due(today, chunk)
                except TransactionRollbackError:
                    failed.append(chunk)
                    continue
                done += len(chunk)
                self._flexi_cron_commit()
            chunks = failed
            if not chunks:
                break
            self._flexi_cron_commit()  # the retry reads a newer snapshot
        left = len(due) - per_run if len(due) > per_run else 0
        left += sum(len(chunk) for chunk in chunks)
        self.env["ir.cron"]._notify_progress(done=done, remaining=left)
        return posted

    def _flexi_cron_commit(self):
        """Commit what the job posted so far when the scheduler runs it;
        never in tests, whose transaction is rolled back at the end."""
        if self.env.context.get("ir_cron_progress_id") and not getattr(
            threading.current_thread(), "testing", False
        ):
            self.env.cr.commit()

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

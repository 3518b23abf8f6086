"""flexi_loyalty benchmarks (issue: loyalty core).

- loyalty_confirm_overhead: time our program adds to a confirmation, against
  the time Odoo's sale_loyalty adds, same run, same database.
- loyalty_member_lookup: find a member by phone among 100,000.
- loyalty_expiry_pass: expire over 1,000,000 ledger lines (100,000 members).
"""

import gc
import random
from contextlib import contextmanager

from _common import Timer, bench_env, info, median_ms, peak_rss_mb, report

from odoo import Command, fields

ORDERS = 200
MEMBERS = 100_000
LINES_PER_MEMBER = 10


WARMUP = 20


@contextmanager
def only_loyalty(setup):
    """Confirm with the loyalty code of ``setup`` alone.

    Both addons sit in the bench database, so each one's confirmation hook is
    made to pass straight to ``super()`` while the other is measured ("none":
    both pass). A shop runs one loyalty or the other, never both: this is
    the time each one adds to a confirmation, idle overhead included.
    """
    from odoo.addons.flexi_loyalty.models.sale_order import SaleOrder as Flexi
    from odoo.addons.sale_loyalty.models.sale_order import SaleOrder as Odoo

    hooks = [(Flexi, "_action_confirm", "flexi"), (Odoo, "action_confirm", "odoo")]
    saved = [(cls, name, cls.__dict__[name]) for cls, name, _owner in hooks]
    for cls, name, owner in hooks:
        if owner != setup:
            setattr(
                cls,
                name,
                lambda self, cls=cls, name=name: getattr(super(cls, self), name)(),
            )
    try:
        yield
    finally:
        for cls, name, method in saved:
            setattr(cls, name, method)


def make_members(env, flexi, odoo, count, offset):
    """``count`` customers, each already a member of both programs."""
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Member {offset + i}",
                "email": f"m{offset + i}@example.com",
            }
            for i in range(count)
        ]
    )
    env["flexi.loyalty.subscription"].create(
        [{"partner_id": p.id, "program_id": flexi.id} for p in partners]
    )
    env["loyalty.card"].create(
        [{"partner_id": p.id, "program_id": odoo.id, "points": 0} for p in partners]
    )
    return partners


def bench_confirm_overhead(env, name="loyalty_confirm_overhead"):
    """Three setups confirmed in turn, so drift hits all alike.

    Every order is a different member's, as over a day at the counter (one
    customer's orders in one long transaction would pile row versions on
    their card or membership, which no shop sees).
    """
    env["loyalty.program"].search([]).action_archive()
    env["flexi.loyalty.program"].search([]).action_archive()
    product = env["product.product"].create(
        {"name": "Bench Couscous", "list_price": 1200.0, "type": "consu"}
    )
    # The first customer's configuration: 100 DA = 1 point, 50 points = 500 DA.
    flexi = env["flexi.loyalty.program"].create(
        {
            "name": "Bench Flexi",
            "amount_per_point": 100,
            "earn_trigger": "confirm",
            "validity_months": 18,
            "reward_ids": [
                Command.create(
                    {
                        "name": "500 DA",
                        "reward_type": "credit",
                        "points_cost": 50,
                        "credit_amount": 500,
                    }
                )
            ],
        }
    )
    odoo = env["loyalty.program"].create(
        {
            "name": "Bench Odoo Loyalty",
            "program_type": "loyalty",
            "trigger": "auto",
            "applies_on": "both",
            "rule_ids": [
                Command.create(
                    {"reward_point_mode": "money", "reward_point_amount": 0.01}
                )
            ],
            "reward_ids": [
                Command.create(
                    {
                        "reward_type": "discount",
                        "discount": 500,
                        "discount_mode": "per_order",
                        "required_points": 50,
                    }
                )
            ],
        }
    )
    setups = ("none", "flexi", "odoo")
    # Confirm as the shop's staff do: a salesperson (access rights and record
    # rules apply), Odoo's default context, chatter tracking on (sale_loyalty
    # tracks card points; our ledger needs no message).
    salesperson = env["res.users"].create(
        {
            "name": "Bench Salesperson",
            "login": "bench.salesperson",
            "groups_id": [
                Command.set(
                    [
                        env.ref("sales_team.group_sale_salesman_all_leads").id,
                        env.ref("flexi_loyalty.flexi_loyalty_group_user").id,
                    ]
                )
            ],
        }
    )
    user_env = env(user=salesperson, context={})
    orders = {}
    for index, setup in enumerate(setups):
        partners = make_members(env, flexi, odoo, WARMUP + ORDERS, index * 10_000)
        orders[setup] = (
            env["sale.order"]
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "order_line": [
                            Command.create(
                                {"product_id": product.id, "product_uom_qty": 3}
                            )
                        ],
                    }
                    for partner in partners
                ]
            )
            .with_env(user_env)
        )
    env.flush_all()
    # Both programs stay active: a setup is only whose hook runs. The setups
    # take turns order by order (who goes first rotates), so drift, caches and
    # the database's state weigh on the three alike; no garbage collection
    # pause lands inside a timing (as with timeit).
    timings = {setup: [] for setup in setups}
    gc.collect()
    gc.disable()
    try:
        for i in range(WARMUP + ORDERS):
            for k in range(len(setups)):
                setup = setups[(i + k) % len(setups)]
                with only_loyalty(setup), Timer() as timer:
                    orders[setup][i].action_confirm()
                    env.flush_all()
                if i >= WARMUP:
                    timings[setup].append(timer.elapsed)
    finally:
        gc.enable()
    base, ours, theirs = (median_ms(timings[n]) for n in ("none", "flexi", "odoo"))
    flexi_points = sum(flexi.subscription_ids.mapped("points_balance"))
    odoo_points = sum(
        env["loyalty.card"].search([("program_id", "=", odoo.id)]).mapped("points")
    )
    info(
        f"confirm median over {ORDERS} orders each: none {base:.2f} ms, "
        f"flexi_loyalty {ours:.2f} ms, sale_loyalty {theirs:.2f} ms "
        f"(points earned: flexi {flexi_points}, odoo {odoo_points:g})"
    )
    added_ours, added_theirs = max(ours - base, 0.0), theirs - base
    info(
        f"added per order: flexi_loyalty {added_ours:.2f} ms, "
        f"sale_loyalty {added_theirs:.2f} ms"
    )
    report(name, added_ours / added_theirs, "ratio", "<=", 0.25)
    # The issue measured sale_loyalty adding 14-27 ms; a quarter of its lower
    # bound is the absolute budget that ratio stands for.
    report(f"{name}_added", added_ours, "ms", "<=", 3.5)
    (flexi | env["flexi.loyalty.program"]).action_archive()
    odoo.action_archive()


def seed_members(env, program):
    """100,000 members with E.164 mobiles, inserted set-based."""
    cr = env.cr
    cr.execute(
        """
        INSERT INTO res_partner (name, active, autopost_bills, type, email, mobile,
                                 create_date, write_date)
        SELECT 'Bench member ' || i, TRUE, 'ask', 'contact',
               'member' || i || '@example.com',
               '+2135' || lpad((50000000 + i)::text, 8, '0'), NOW(), NOW()
          FROM generate_series(1, %s) i
        """,
        [MEMBERS],
    )
    cr.execute(
        """
        INSERT INTO flexi_loyalty_subscription (partner_id, program_id, company_id,
            phone, email, member_code, state, consent_channel, consent_date,
            notify_channel, points_balance, create_date, write_date)
        SELECT rp.id, %s, %s, rp.mobile, rp.email, 'BM' || lpad(rp.id::text, 8, '0'),
               'active', 'counter', NOW(), 'sms', 0, NOW(), NOW()
          FROM res_partner rp WHERE rp.name LIKE 'Bench member %%'
        RETURNING phone
        """,
        [program.id, program.company_id.id],
    )
    phones = [row[0] for row in cr.fetchall()]
    # Fresh statistics, or the planner believes these tables are tiny and the
    # foreign-key checks of the ledger seed scan them for every row.
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE flexi_loyalty_subscription")
    return phones


def bench_member_lookup(env, program, phones):
    Sub = env["flexi.loyalty.subscription"]
    rng = random.Random(7)
    typed = []
    for phone in rng.sample(phones, 200):
        national = "0" + phone[4:]  # how staff type it: 0550 00 12 34
        typed.append(f"{national[:4]} {national[4:6]} {national[6:8]} {national[8:]}")
    for term in typed[:20]:
        Sub._flexi_search_members(term)
    timings = []
    found = 0
    for term in typed:
        env.invalidate_all()
        with Timer() as timer:
            members = Sub._flexi_search_members(term)
            members.read(["partner_id", "points_balance", "tier_id"])
        timings.append(timer.elapsed)
        found += len(members) == 1
    info(f"member lookup: {found}/{len(typed)} typed numbers found exactly one member")
    report("loyalty_member_lookup", median_ms(timings), "ms", "<=", 10)


def seed_ledger(env, program):
    """10 lines a member: 8 earnings over 3 years (some expired), 2 redemptions."""
    today = fields.Date.context_today(program)
    env.cr.execute(
        """
        INSERT INTO flexi_loyalty_ledger_line (subscription_id, program_id, partner_id,
            company_id, move_type, points, date, expiry_date, is_lot, reason,
            create_date, write_date)
        SELECT s.id, s.program_id, s.partner_id, s.company_id,
               CASE WHEN k <= 8 THEN 'earn' ELSE 'redeem' END,
               CASE WHEN k <= 8 THEN 10 ELSE -5 END,
               NOW(),
               CASE WHEN k <= 8
                    THEN %(today)s::date + ((k * 90 - 400) || ' days')::interval END,
               k <= 8, 'bench', NOW(), NOW()
          FROM flexi_loyalty_subscription s CROSS JOIN generate_series(1, %(n)s) k
         WHERE s.program_id = %(program)s
        """,
        {"today": today, "n": LINES_PER_MEMBER, "program": program.id},
    )
    env.cr.execute(
        """
        UPDATE flexi_loyalty_subscription s SET points_balance = t.total
          FROM (SELECT subscription_id, SUM(points) total FROM flexi_loyalty_ledger_line
                 GROUP BY subscription_id) t
         WHERE t.subscription_id = s.id
        """
    )
    env.cr.execute("ANALYZE flexi_loyalty_ledger_line")
    env.cr.execute("SELECT COUNT(*) FROM flexi_loyalty_ledger_line")
    return env.cr.fetchone()[0], today


def bench_expiry_pass(env, program):
    count, today = seed_ledger(env, program)
    Line = env["flexi.loyalty.ledger.line"]
    with Timer() as timer:
        expired = Line._flexi_expire_due(today)
        env.flush_all()
    with Timer() as again:
        second = Line._flexi_expire_due(today)
    env.cr.execute(
        """SELECT COUNT(*) FROM flexi_loyalty_subscription s
            WHERE points_balance <> (SELECT COALESCE(SUM(points), 0)
                  FROM flexi_loyalty_ledger_line WHERE subscription_id = s.id)"""
    )
    mismatched = env.cr.fetchone()[0]
    info(
        f"expiry pass over {count} lines: {expired} members expired, second run "
        f"{second} in {again.elapsed:.2f} s, balances off ledger: {mismatched}"
    )
    report("loyalty_expiry_pass", timer.elapsed, "s", "<=", 60)
    report("loyalty_expiry_pass_peak_rss", peak_rss_mb(), "MB", "<=", 1024)


def main():
    with bench_env() as env:
        # The shop is in Algeria: numbers are typed the national way (0550 …).
        env.company.country_id = env.ref("base.dz")
        bench_confirm_overhead(env)
        program = env["flexi.loyalty.program"].create(
            {"name": "Bench 100k", "amount_per_point": 100, "validity_months": 18}
        )
        phones = seed_members(env, program)
        bench_member_lookup(env, program, phones)
        bench_expiry_pass(env, program)


if __name__ == "__main__":
    main()

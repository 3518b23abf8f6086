"""fm_click_collect benchmarks.

- click_collect_slots: the server-side function behind the slot endpoint
  (``fm.click_collect.point._fm_available_slots``, called by
  /fm_click_collect/slots and the checkout page) with 50 pickup points x 30
  days of slots (08:00-20:00, 30 minutes: 36,000 slots) and 10,000 existing
  orders booked on them.
"""

import random

from _common import Timer, bench_env, info, median_ms, report

from odoo import Command

POINTS = 50
DAYS = 30
ORDERS = 10_000
CALLS = 200


def seed(env):
    calendar = env["resource.calendar"].create(
        {
            "name": "Bench 8h-20h",
            "tz": "Africa/Algiers",
            "attendance_ids": [
                Command.create(
                    {
                        "name": f"D{d}",
                        "dayofweek": str(d),
                        "hour_from": 8.0,
                        "hour_to": 20.0,
                        "day_period": "morning",
                    }
                )
                for d in range(7)
            ],
        }
    )
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    partner = env["res.partner"].create({"name": "Bench point address"})
    points = env["fm.click_collect.point"].create(
        [
            {
                "name": f"Bench point {i}",
                "warehouse_id": warehouse.id,
                "partner_id": partner.id,
                "opening_hours_id": calendar.id,
                "booking_days": 1,
                "capacity": 5,
                "lead_time": 60,
            }
            for i in range(POINTS)
        ]
    )
    points.write({"booking_days": DAYS})
    env.cr.execute(
        "DELETE FROM fm_click_collect_slot WHERE point_id = ANY(%s)", [points.ids]
    )
    # 24 half-hour slots a day from 07:00 UTC (08:00 Algiers), 30 days, per point.
    env.cr.execute(
        """
        INSERT INTO fm_click_collect_slot
               (point_id, company_id, start, "end", capacity, booked_count,
                capacity_type, capacity_minutes, booked_minutes)
        SELECT p.id, p.company_id, s.start, s.start + interval '30 minutes', 5, 0,
               'orders', 0, 0
          FROM fm_click_collect_point p,
               LATERAL (
                   SELECT date_trunc('day', now() AT TIME ZONE 'UTC')
                          + d * interval '1 day'
                          + interval '7 hours' + h * interval '30 minutes' AS start
                     FROM generate_series(0, %s - 1) d, generate_series(0, 23) h
               ) s
         WHERE p.id = ANY(%s)
        """,
        [DAYS, points.ids],
    )
    customer = env["res.partner"].create({"name": "Bench customer"})
    env.cr.execute(
        """
        WITH slots AS (
            SELECT id, point_id, row_number() OVER (ORDER BY random()) AS rn
              FROM fm_click_collect_slot WHERE point_id = ANY(%s)
        )
        INSERT INTO sale_order
               (name, company_id, partner_id, partner_invoice_id, partner_shipping_id,
                date_order, picking_policy, state, fm_cc_point_id, fm_cc_slot_id,
                fm_cc_slot_booked, fm_cc_state, fm_cc_slot_start)
        SELECT 'BENCH-' || g, %s, %s, %s, %s, now(), 'direct', 'sale', s.point_id, s.id,
               true, 'to_prepare', sl.start
          FROM generate_series(1, %s) g
          JOIN slots s ON s.rn = ((g - 1) %% (SELECT count(*) FROM slots)) + 1
          JOIN fm_click_collect_slot sl ON sl.id = s.id
        """,
        [points.ids, env.company.id, customer.id, customer.id, customer.id, ORDERS],
    )
    env.cr.execute(
        """
        UPDATE fm_click_collect_slot sl SET booked_count = LEAST(o.n, sl.capacity)
          FROM (SELECT fm_cc_slot_id, count(*) n FROM sale_order
                 WHERE name LIKE 'BENCH-%%' GROUP BY fm_cc_slot_id) o
         WHERE o.fm_cc_slot_id = sl.id
        """
    )
    env.cr.execute("ANALYZE fm_click_collect_slot")
    env.cr.execute("ANALYZE sale_order")
    env.invalidate_all()
    return points


def bench_slots(env):
    points = seed(env)
    env.cr.execute(
        "SELECT count(*) FROM fm_click_collect_slot WHERE point_id = ANY(%s)",
        [points.ids],
    )
    info(f"{POINTS} points, {env.cr.fetchone()[0]} slots, {ORDERS} orders")
    rng = random.Random(7)
    timings = []
    count = 0
    for _i in range(CALLS):
        point = points[rng.randrange(POINTS)]
        env.invalidate_all()
        with Timer() as timer:
            count = len(point._fm_available_slots())
        timings.append(timer.elapsed)
    info(f"last call returned {count} bookable slots")
    report("click_collect_slots", median_ms(timings), "ms", "<=", 50)


def main():
    with bench_env() as env:
        bench_slots(env)


if __name__ == "__main__":
    main()

"""fm_marketing benchmarks (issue: marketing campaigns).

- marketing_segment_select: dormant + birthday selection over 100,000
  partners and 1,000,000 confirmed orders, set-based SQL (target 2 s), and
  the peak memory of the process.
- marketing_segment_select_personal: the same with personal dormancy on
  (each customer's median gap between orders; target 2 s).
- marketing_queue_10k: queue 10,000 personalised SMS with a unique voucher
  each (target 30 s).
- marketing_holdout_report: a daily campaign's 100 runs of 10,000 traces
  each (10 % held out) over those customers and orders: its conversion by
  run (the graph) and its messaged / held-out figures (the form), each
  summing the orders credited to the campaign's messages (target 1 s each).
"""

from datetime import datetime, timedelta

from _common import Timer, bench_env, info, peak_rss_mb, report

PARTNERS = 100_000
ORDERS = 1_000_000
QUEUED = 10_000
RUNS = 100
PER_RUN = 10_000
NOW = datetime(2025, 6, 15, 10, 0)  # 11:00 in Algiers, outside quiet hours


def seed(env):
    """100k consenting customers (1 in 365 born today), 10 orders each; who
    is dormant depends on the partner id: the last order 0 to 59 days ago, a
    rhythm of 5 to 101 days between orders, a little irregular."""
    cr = env.cr
    cr.execute(
        """
        INSERT INTO res_partner (name, active, autopost_bills, type, mobile,
            fm_marketing_sms_consent, fm_marketing_birthdate, fm_marketing_birth_mmdd,
            create_date, write_date)
        SELECT 'Client ' || i, TRUE, 'ask', 'contact',
               '+2135' || lpad((50000000 + i)::text, 8, '0'), TRUE,
               d, EXTRACT(MONTH FROM d)::int * 100 + EXTRACT(DAY FROM d)::int,
               NOW(), NOW()
          FROM generate_series(1, %s) i,
               LATERAL (SELECT DATE '1980-01-01' + (i %% 365) AS d) b
        RETURNING id
        """,
        [PARTNERS],
    )
    ids = [row[0] for row in cr.fetchall()]
    # Columns other installed apps make mandatory (sale_stock, with the suite).
    extra_cols, extra_vals, extra = "", "", {}
    if "warehouse_id" in env["sale.order"]._fields:
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        extra_cols = ", warehouse_id, picking_policy"
        extra_vals = ", %(warehouse)s, 'direct'"
        extra = {"warehouse": warehouse.id}
    cr.execute(
        f"""
        INSERT INTO sale_order (name, state, partner_id, partner_invoice_id,
            partner_shipping_id, company_id, date_order, create_date,
            write_date{extra_cols})
        SELECT 'BENCH' || p.id || '-' || k, 'sale', p.id, p.id, p.id, %(company)s,
               %(now)s::timestamp - ((p.id %% 60) + k * (5 + (p.id %% 13) * 8)
                                     + (k %% 3) * (p.id %% 5)) * INTERVAL '1 day',
               NOW(), NOW(){extra_vals}
          FROM unnest(%(ids)s::int[]) AS p(id), generate_series(0, %(per)s - 1) k
        """,
        {
            "company": env.company.id,
            "now": NOW,
            "ids": ids,
            "per": ORDERS // PARTNERS,
            **extra,
        },
    )
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE sale_order")
    cr.execute("SELECT COUNT(*) FROM sale_order WHERE state = 'sale'")
    info(f"seeded {len(ids)} partners and {cr.fetchone()[0]} confirmed orders")
    return ids


def bench_segment_select(env, name, **dormancy):
    Campaign = env["fm.marketing.campaign"]
    dormant = Campaign.create(
        {
            "name": "Bench dormant",
            "segment": "dormant",
            "segment_days": 30,
            "schedule_type": "daily",
            "body": "Tu nous manques {first_name} !",
            **dormancy,
        }
    )
    birthday = Campaign.create(
        {
            "name": "Bench birthday",
            "segment": "birthday",
            "schedule_type": "daily",
            "body": "Joyeux anniversaire {first_name} !",
        }
    )
    env.flush_all()
    dormant._fm_select_recipients(NOW)  # warm caches
    with Timer() as timer:
        dormant_rows = dormant._fm_select_recipients(NOW)
        birthday_rows = birthday._fm_select_recipients(NOW)
    rule = "personal" if dormancy else "30 days"
    info(
        f"selection: {len(dormant_rows)} dormant ({rule}), "
        f"{len(birthday_rows)} birthdays in {timer.elapsed:.2f} s"
    )
    report(name, timer.elapsed, "s", "<=", 2)


def bench_queue(env, ids):
    env["ir.config_parameter"].set_param("fm_marketing.sms_cap_days", "0")
    campaign = env["fm.marketing.campaign"].create(
        {
            "name": "Bench flash",
            "segment": "domain",
            "partner_domain": (
                f"[('id', '<=', {ids[QUEUED - 1]}), ('id', '>=', {ids[0]})]"
            ),
            "schedule_type": "once",
            "offer": True,
            "offer_discount": 10,
            "offer_validity_days": 15,
            "body": (
                "{first_name} : {discount} avec le code {code} jusqu'au {expiry_date}"
            ),
        }
    )
    env.flush_all()
    with Timer() as timer:
        traces = campaign._fm_run(NOW + timedelta(minutes=1))
        env.flush_all()
    env.cr.execute(
        "SELECT COUNT(*), COUNT(DISTINCT body) FROM sms_sms WHERE partner_id = ANY(%s)",
        [ids[:QUEUED]],
    )
    sms, distinct = env.cr.fetchone()
    codes = traces.voucher_id.mapped("code")
    info(
        f"queued {sms} SMS ({distinct} distinct bodies), "
        f"{len(set(codes))} unique codes "
        f"for {len(traces)} traces in {timer.elapsed:.2f} s"
    )
    report("marketing_queue_10k", timer.elapsed, "s", "<=", 30)


def seed_traces(env, ids):
    """RUNS daily runs of PER_RUN customers each, every customer reached
    every 10 days, one in ten held out; the runs end the day before NOW."""
    campaign = env["fm.marketing.campaign"].create(
        {
            "name": "Bench hold-out",
            "segment": "domain",
            "schedule_type": "daily",
            "body": "Plat du jour, {first_name} !",
        }
    )
    env.cr.execute(
        """
        INSERT INTO fm_marketing_trace (campaign_id, company_id, channel,
            partner_id, run_key, state, run_date, send_date, create_date,
            write_date)
        SELECT %(campaign)s, %(company)s, 'sms', p.id,
               'day:' || to_char(run.day, 'YYYY-MM-DD'),
               CASE WHEN (p.id + r) %% 10 = 0 THEN 'held_out' ELSE 'sent' END,
               run.day, run.day, run.day, run.day
          FROM generate_series(1, %(runs)s) r,
               LATERAL (SELECT %(now)s::timestamp - r * INTERVAL '1 day' AS day) run,
               unnest(%(ids)s::int[]) WITH ORDINALITY AS p(id, n)
         WHERE (p.n - 1) / %(per_run)s
               = r %% (cardinality(%(ids)s::int[]) / %(per_run)s)
        """,
        {
            "campaign": campaign.id,
            "company": env.company.id,
            "runs": RUNS,
            "now": NOW,
            "ids": ids,
            "per_run": PER_RUN,
        },
    )
    env.cr.execute("ANALYZE fm_marketing_trace")
    env.cr.execute(
        "SELECT COUNT(*), COUNT(DISTINCT run_key) FROM fm_marketing_trace"
        " WHERE campaign_id = %s",
        [campaign.id],
    )
    traces, runs = env.cr.fetchone()
    info(f"seeded {traces} traces over {runs} runs")
    return campaign


def bench_holdout_report(env, ids):
    campaign = seed_traces(env, ids)
    # The traces were written in SQL, after the orders: credit the orders as
    # the settings do when the windows change (each order is credited when
    # confirmed, in production).
    with Timer() as timer:
        credited = env["sale.order"]._fm_attribute_all()
    info(f"credited {len(credited)} orders anew in {timer.elapsed:.1f} s")
    env.cr.execute("ANALYZE sale_order")
    Report = env["fm.marketing.uplift.report"]
    Report._fm_build(campaign)  # warm caches
    with Timer() as timer:
        rows = Report._fm_build(campaign)
    converted = sum(rows.mapped("converted_count"))
    info(
        f"conversion by run: {len(rows)} rows, {converted} customers credited "
        f"with an order, in {timer.elapsed:.2f} s"
    )
    report("marketing_holdout_report", timer.elapsed, "s", "<=", 1)
    campaign.invalidate_recordset()
    with Timer() as timer:
        figures = (
            campaign.messaged_count,
            campaign.messaged_converted_count,
            campaign.held_out_count,
            campaign.held_out_converted_count,
            campaign.uplift,
        )
    info(
        "messaged {} ({} ordered), held out {} ({} ordered), uplift {} points".format(
            *figures
        )
    )
    report("marketing_holdout_figures", timer.elapsed, "s", "<=", 1)


def main():
    with bench_env() as env:
        env.company.country_id = env.ref("base.dz")
        env.company.partner_id.tz = "Africa/Algiers"
        env["fm.marketing.campaign"].search([]).active = False
        ids = seed(env)
        bench_segment_select(env, "marketing_segment_select")
        report("marketing_segment_select_peak_rss", peak_rss_mb(), "MB", "<=", 1024)
        bench_segment_select(
            env, "marketing_segment_select_personal", dormancy_rule="personal"
        )
        bench_queue(env, ids)
        bench_holdout_report(env, ids)


if __name__ == "__main__":
    main()

"""fm_antiwaste benchmarks (issue: anti-waste markdowns).

- antiwaste_recompute: compute the markdowns of 10,000 near-expiry lots over
  2,000 products (create markdowns and their pricelist items) -> <= 10 s.
- antiwaste_recompute_peak_rss: peak memory of the process meanwhile.
"""

from _common import Timer, bench_env, info, peak_rss_mb, report

from odoo import fields

PRODUCTS = 2_000
LOTS = 10_000


def seed(env):
    cr = env.cr
    company = env.company
    company.partner_id.tz = "Africa/Algiers"
    categ = env.ref("product.product_category_all")
    uom = env.ref("uom.product_uom_unit")
    stock = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    location = stock.lot_stock_id
    cr.execute(
        """
        INSERT INTO product_template (name, type, categ_id, uom_id, uom_po_id,
               tracking, sale_ok, purchase_ok, active, is_storable,
               use_expiration_date, list_price, sale_line_warn,
               invoice_policy, service_type, expense_policy, service_tracking,
               base_unit_count, create_date, write_date)
        SELECT jsonb_build_object('en_US', 'Bench fresh ' || g), 'consu', %s, %s, %s,
               'lot', TRUE, TRUE, TRUE, TRUE, TRUE, 100 + g %% 50, 'no-message',
               'order', 'manual', 'no', 'no', 0, now(), now()
          FROM generate_series(1, %s) g
        RETURNING id
        """,
        (categ.id, uom.id, uom.id, PRODUCTS),
    )
    tmpl_ids = [r[0] for r in cr.fetchall()]
    cr.execute(
        """
        INSERT INTO product_product (product_tmpl_id, active, base_unit_count,
                                     create_date, write_date)
        SELECT unnest(%s::int[]), TRUE, 0, now(), now() RETURNING id
        """,
        (tmpl_ids,),
    )
    product_ids = [r[0] for r in cr.fetchall()]
    # five lots a product, expiring from now to three days later
    cr.execute(
        """
        WITH p AS (SELECT unnest(%s::int[]) AS id),
        l AS (
            INSERT INTO stock_lot (name, product_id, company_id, expiration_date,
                                   removal_date, create_date, write_date)
            SELECT 'BENCH-' || p.id || '-' || g, p.id, %s,
                   now() at time zone 'UTC' + (g * 14 || ' hours')::interval,
                   now() at time zone 'UTC' + (g * 14 || ' hours')::interval,
                   now(), now()
              FROM p, generate_series(1, %s) g
            RETURNING id, product_id
        )
        INSERT INTO stock_quant (product_id, location_id, lot_id, company_id,
                                 quantity, reserved_quantity, in_date,
                                 create_date, write_date)
        SELECT l.product_id, %s, l.id, %s, 5, 0, now(), now(), now() FROM l
        """,
        (product_ids, company.id, LOTS // PRODUCTS, location.id, company.id),
    )
    env.invalidate_all()
    return company


def bench_recompute(env):
    company = seed(env)
    env["fm.antiwaste.markdown"].search([]).unlink()
    env["product.pricelist"].create(
        {"name": "Bench Boutique", "currency_id": company.currency_id.id}
    )
    pricelists = env["fm.antiwaste.markdown"]._fm_pricelists(company)
    env.flush_all()
    with Timer() as timer:
        created = env["fm.antiwaste.markdown"]._fm_recompute(
            company, fields.Datetime.now()
        )
        env.flush_all()
    info(
        f"{len(created)} markdowns, {len(created.pricelist_item_ids)} pricelist items "
        f"on {len(pricelists)} pricelist(s) from {LOTS} lots / {PRODUCTS} products"
    )
    with Timer() as again:
        env["fm.antiwaste.markdown"]._fm_recompute(company, fields.Datetime.now())
        env.flush_all()
    info(f"second (idempotent) recompute: {again.elapsed:.2f} s")
    report("antiwaste_recompute", timer.elapsed, "s", "<=", 10)
    report("antiwaste_recompute_peak_rss", peak_rss_mb(), "MB", "<=", 1024)


if __name__ == "__main__":
    with bench_env() as env:
        bench_recompute(env)

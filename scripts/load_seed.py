#!/usr/bin/env python3
"""Seed a database for ``make load`` (scripts/load.py runs it with Odoo's Python).

    load_seed.py --phase common|addons --out FILE.json [Odoo options] -d DB

``common``: the shop every database of the load test shares (Odoo's apps only):
2,000 products with lots, 10,000 customers, portal accounts, a cashier and five
tills. ``addons``: run after the addons were installed in a copy of it: the
loyalty program, 10,000 members and 1,000,000 ledger lines, 50 pickup points
with slots, the campaign and the tills' loyalty. A few records are made with
the ORM, the bulk is copied from them with set-based SQL (one INSERT ...
SELECT generate_series per table), keeping every member's balance equal to
the sum of their ledger lines. What the Locust users need (logins, ids) is
written to ``--out`` as JSON.
"""

import argparse
import json
import logging
import sys
from datetime import timedelta

_logger = logging.getLogger("fm_load")

PRODUCTS = 2000
PARTNERS = 10_000
LEDGER_PER_MEMBER = 100
POINTS = 50
TILLS = 5
PASSWORD = "load-pass"
# Partners 1..PARTNERS are "Load member <g>"; these ranges of g have logins.
CHECKOUT = range(1, 201)
REDEEM = range(201, 301)
PORTAL = range(301, 351)
TILL_MEMBERS = range(1001, 2001)


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s AND column_name <> 'id' "
        "ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def clone(cr, table, template_id, source, overrides, params=None):
    """INSERT copies of row ``template_id`` of ``table``, one per row of
    ``source`` (a FROM item aliased ``s``), columns in ``overrides`` (SQL
    expressions over ``t``, the template, and ``s``) replaced. Returns ids.

    Foreign keys are not checked row by row (the values come from existing
    rows) when the database user may skip them: a million rows in seconds."""
    try:
        with cr.savepoint():
            cr.execute("SET LOCAL session_replication_role = replica")
    except Exception:
        _logger.info("load seed: foreign keys checked row by row")
    cols = columns(cr, table)
    unknown = set(overrides) - set(cols)
    if unknown:
        raise SystemExit(f"{table}: no columns {sorted(unknown)}")
    select = ", ".join(overrides.get(c, f't."{c}"') for c in cols)
    names = ", ".join(f'"{c}"' for c in cols)
    cr.execute(
        f'INSERT INTO "{table}" ({names}) SELECT {select} '
        f'FROM "{table}" t, {source} WHERE t.id = %(template)s RETURNING id',
        dict(params or {}, template=template_id),
    )
    ids = [row[0] for row in cr.fetchall()]
    cr.execute("SET LOCAL session_replication_role = DEFAULT")
    return ids


def phone(g):
    return f"+21355{g:07d}"


def no_pdf_attachments(env):
    """No PDF printer (wkhtmltopdf) on this machine: the order e-mails go
    without their PDF, in both databases alike, instead of failing the
    confirmation of every paid cart."""
    env["mail.template"].search([("report_template_ids", "!=", False)]).write(
        {"report_template_ids": [(5, 0, 0)]}
    )


def quiet_crons(env):
    """The nightly jobs ran before the shop opened: none is due during the
    run but those the run starts itself (marketing and expiry, mid-run)."""
    env.flush_all()
    env.cr.execute(
        "UPDATE ir_cron SET nextcall = (now() AT TIME ZONE 'UTC') + interval '1 day'"
    )


# ---------------------------------------------------------------- common


def seed_common(env):  # noqa: PLR0915 - one seed, step by step
    cr = env.cr
    company = env.company
    dz = env.ref("base.dz")
    company.write({"country_id": dz.id, "city": "Alger"})
    company.partner_id.write({"partner_latitude": 36.77, "partner_longitude": 3.05})
    env["res.config.settings"].create({"group_product_pricelist": True}).execute()
    website = env["website"].search([], limit=1)
    pricelist = env["product.pricelist"].search(
        [("company_id", "in", [company.id, False])], limit=1
    )
    if not pricelist:
        pricelist = env["product.pricelist"].create({"name": "Shop"})
    pricelist.website_id = website.id
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)])[:1]
    # SMS stay in Odoo's queue: nothing sends them during the run.
    env.ref("sms.ir_cron_sms_scheduler_action").active = False

    _logger.info("load seed: %s products", PRODUCTS)
    categ = env.ref("product.product_category_all")
    # The dish: made to order, no lot, no tax (carts and tills).
    dish = env["product.template"].create(
        {
            "name": "Load dish",
            "list_price": 1500,
            "type": "consu",
            "categ_id": categ.id,
            "is_published": True,
            "available_in_pos": True,
            "taxes_id": [(6, 0, [])],
            "invoice_policy": "order",
        }
    )
    templates = env["product.template"].create(
        [
            {
                "name": f"Load product {i:04d}",
                "list_price": 100 + (i % 50) * 10,
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "expiration_time": 3,
                "categ_id": categ.id,
                "is_published": True,
                "available_in_pos": True,
                "taxes_id": [(6, 0, [])],
            }
            for i in range(1, PRODUCTS + 1)
        ]
    )
    env.flush_all()
    products = templates.product_variant_ids
    # Two lots per product: one expiring tomorrow, one in ten days.
    first = products[0]
    lot = env["stock.lot"].create(
        {
            "name": "LOAD-T",
            "product_id": first.id,
            "company_id": company.id,
            "expiration_date": env.cr.now() + timedelta(days=1),
        }
    )
    env["stock.quant"]._update_available_quantity(
        first, warehouse.lot_stock_id, 20, lot_id=lot
    )
    env.flush_all()
    cr.execute("SELECT id FROM stock_quant WHERE lot_id = %s", [lot.id])
    quant_id = cr.fetchone()[0]
    lot_ids = clone(
        cr,
        "stock_lot",
        lot.id,
        "(SELECT p.id AS pid, d.days FROM product_product p, "
        "(VALUES (1), (10)) d(days) WHERE p.id = ANY(%(products)s) "
        "AND NOT (p.id = %(first)s AND d.days = 1)) s",
        {
            "product_id": "s.pid",
            "name": "'LOAD-' || s.pid || '-' || s.days",
            "expiration_date": "(now() AT TIME ZONE 'UTC') + s.days * interval '1 day'",
            "use_date": "(now() AT TIME ZONE 'UTC') + s.days * interval '1 day'",
            "removal_date": "(now() AT TIME ZONE 'UTC') + s.days * interval '1 day'",
            "alert_date": "(now() AT TIME ZONE 'UTC') + s.days * interval '1 day'",
        },
        {"products": products.ids, "first": first.id},
    )
    clone(
        cr,
        "stock_quant",
        quant_id,
        "(SELECT id AS lid, product_id AS pid FROM stock_lot "
        "WHERE id = ANY(%(lots)s)) s",
        {"product_id": "s.pid", "lot_id": "s.lid"},
        {"lots": lot_ids},
    )

    _logger.info("load seed: %s customers", PARTNERS)
    partner = env["res.partner"].create(
        {
            "name": "Load member 1",
            "email": "member1@load.example.com",
            "phone": phone(1),
            "mobile": phone(1),
            "street": "1 rue Didouche Mourad",
            "city": "Alger",
            "zip": "16000",
            "country_id": dz.id,
            # Located: no map service is asked during the run.
            "partner_latitude": 36.76,
            "partner_longitude": 3.05,
        }
    )
    env.flush_all()
    partner_ids = [
        partner.id,
        *clone(
            cr,
            "res_partner",
            partner.id,
            f"generate_series(2, {PARTNERS}) s(g)",
            {
                "name": "'Load member ' || s.g",
                "complete_name": "'Load member ' || s.g",
                "email": "'member' || s.g || '@load.example.com'",
                "email_normalized": "'member' || s.g || '@load.example.com'",
                "phone": "'+21355' || lpad(s.g::text, 7, '0')",
                "mobile": "'+21355' || lpad(s.g::text, 7, '0')",
                "phone_sanitized": "'+21355' || lpad(s.g::text, 7, '0')",
                "commercial_partner_id": "NULL",
            },
        ),
    ]
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
        [partner_ids],
    )
    env.invalidate_all()

    _logger.info("load seed: portal accounts and the cashier")
    portal = env.ref("base.group_portal")
    logins = {}
    Users = env["res.users"].with_context(no_reset_password=True)
    for g in (*CHECKOUT, *REDEEM, *PORTAL):
        logins[g] = f"load{g}"
    Users.create(
        [
            {
                "login": login,
                "partner_id": partner_ids[g - 1],
                "groups_id": [(6, 0, portal.ids)],
            }
            for g, login in logins.items()
        ]
    )
    cashier = Users.create(
        {
            "name": "Load cashier",
            "login": "load-cashier",
            "groups_id": [
                (
                    6,
                    0,
                    [
                        env.ref("base.group_user").id,
                        env.ref("point_of_sale.group_pos_user").id,
                    ],
                )
            ],
        }
    )
    # One hash for every account, made once, with Odoo's own rounds: a hash
    # of fewer rounds is replaced at the first login, and that clears every
    # server's caches (each customer's login would slow the whole shop down).
    from passlib.hash import pbkdf2_sha512

    env.flush_all()
    cr.execute(
        "UPDATE res_users SET password = %s WHERE login LIKE 'load%%' OR id = %s",
        [
            pbkdf2_sha512.using(rounds=600_000).hash(PASSWORD),
            env.ref("base.user_admin").id,
        ],
    )
    env.invalidate_all()

    _logger.info("load seed: %s tills", TILLS)
    PosConfig = env["pos.config"]
    tills = []
    for i in range(1, TILLS + 1):
        journal, methods = PosConfig._create_journal_and_payment_methods(
            cash_journal_vals={"name": f"Load till {i}", "code": f"LT{i}"}
        )
        config = PosConfig.create(
            {
                "name": f"Load till {i}",
                "journal_id": journal.id,
                "payment_method_ids": [(6, 0, methods)],
                "use_pricelist": True,
                "pricelist_id": pricelist.id,
                "available_pricelist_ids": [(6, 0, pricelist.ids)],
            }
        )
        config.with_user(cashier).open_ui()
        session = config.current_session_id
        cash = config.payment_method_ids.filtered("is_cash_count")[:1]
        tills.append(
            {
                "config_id": config.id,
                "session_id": session.id,
                "pricelist_id": pricelist.id,
                "cash_method_id": cash.id,
            }
        )

    # On-site payment and in-store pickup (website_sale_collect).
    carrier = env.ref("website_sale_collect.carrier_pick_up_in_store")
    carrier.write({"warehouse_ids": [(6, 0, warehouse.ids)], "is_published": True})
    on_site = env.ref("website_sale_collect.payment_provider_on_site")
    on_site.write({"state": "enabled", "is_published": True})
    no_pdf_attachments(env)
    quiet_crons(env)
    env.flush_all()
    slugs = [
        f"/shop/{env['ir.http']._slug(t)}"
        for t in templates[:: max(1, PRODUCTS // 200)]
    ]
    return {
        "password": PASSWORD,
        "partner_ids": partner_ids,
        "checkout_logins": [logins[g] for g in CHECKOUT],
        "redeem_logins": [logins[g] for g in REDEEM],
        "portal_logins": [logins[g] for g in PORTAL],
        "till_partner_ids": [partner_ids[g - 1] for g in TILL_MEMBERS],
        "cashier_login": cashier.login,
        "tills": tills,
        "dish_product_id": dish.product_variant_id.id,
        "product_ids": products.ids[:200],
        "product_pages": slugs,
        "carrier_id": carrier.id,
        "on_site_provider_id": on_site.id,
        "on_site_method_ids": on_site.payment_method_ids.ids,
    }


# ---------------------------------------------------------------- addons


def seed_addons(env, common):
    cr = env.cr
    partner_ids = common["partner_ids"]
    dz_today = env.cr.now().date()
    _logger.info("load seed: the program and its reward")
    program = env["flexi.loyalty.program"].create(
        {
            "name": "Load loyalty",
            "amount_per_point": 100,
            "amount_base": "tax_included",
            "earn_trigger": "confirm",
            "validity_months": 18,
            "otp_required": True,
        }
    )
    reward = env["flexi.loyalty.reward"].create(
        {
            "name": "500 off",
            "program_id": program.id,
            "reward_type": "credit",
            "points_cost": POINTS,
            "credit_amount": 500,
        }
    )
    env["res.partner"].browse(partner_ids).invalidate_recordset()
    cr.execute(
        "UPDATE res_partner SET fm_marketing_sms_consent = TRUE WHERE id = ANY(%s)",
        [partner_ids],
    )

    _logger.info("load seed: %s members", PARTNERS)
    partner = env["res.partner"].browse(partner_ids[0])
    member = env["flexi.loyalty.subscription"]._flexi_enroll(
        partner, program, phone=partner.mobile, email=partner.email
    )
    member._flexi_adjust(1, "seed", move_type="bonus")
    env.flush_all()
    cr.execute(
        "SELECT id FROM flexi_loyalty_ledger_line WHERE subscription_id = %s",
        [member.id],
    )
    line_id = cr.fetchone()[0]
    member_ids = [
        member.id,
        *clone(
            cr,
            "flexi_loyalty_subscription",
            member.id,
            "(SELECT p.id AS pid, p.mobile, p.email, p.id AS g FROM res_partner p "
            "WHERE p.id = ANY(%(partners)s) AND p.id <> %(first)s) s",
            {
                "partner_id": "s.pid",
                "phone": "s.mobile",
                "email": "s.email",
                "member_code": "'LOAD' || lpad(s.g::text, 8, '0')",
            },
            {"partners": partner_ids, "first": partner_ids[0]},
        ),
    ]
    _logger.info("load seed: %s ledger lines", PARTNERS * LEDGER_PER_MEMBER)
    redeem = [partner_ids[g - 1] for g in REDEEM]
    # Redemption members: 80 points earned, 20 adjusted away, 60 left, none
    # expiring. The others: 100 points of which 9 expired yesterday or
    # earlier (the expiry cron takes them mid-run).
    spender = "(s.partner_id = ANY(%(redeem)s) AND s.k > 80)"
    clone(
        cr,
        "flexi_loyalty_ledger_line",
        line_id,
        "(SELECT m.id AS mid, m.partner_id, k FROM flexi_loyalty_subscription m, "
        "generate_series(1, %(lines)s) k WHERE m.program_id = %(program)s) s",
        {
            "subscription_id": "s.mid",
            "partner_id": "s.partner_id",
            "move_type": f"CASE WHEN {spender} THEN 'adjustment' ELSE 'earn' END",
            "points": f"CASE WHEN {spender} THEN -1 ELSE 1 END",
            "is_lot": f"NOT {spender}",
            "expiry_date": f"CASE WHEN {spender} THEN NULL "
            "WHEN s.partner_id = ANY(%(redeem)s) THEN %(today)s::date + 400 "
            "ELSE %(today)s::date + (s.k - 10) * 3 END",
            "date": "(now() AT TIME ZONE 'UTC') - (101 - s.k) * interval '1 day'",
            "reason": "'seed'",
            "idempotency_key": "NULL",
        },
        {
            "lines": LEDGER_PER_MEMBER,
            "program": program.id,
            "redeem": redeem,
            "today": dz_today,
        },
    )
    # The template line goes: the seed is only what was just copied.
    cr.execute("DELETE FROM flexi_loyalty_ledger_line WHERE id = %s", [line_id])
    cr.execute(
        """
        UPDATE flexi_loyalty_subscription m SET points_balance = l.total
          FROM (SELECT subscription_id, SUM(points) AS total
                  FROM flexi_loyalty_ledger_line GROUP BY subscription_id) l
         WHERE l.subscription_id = m.id
        """
    )
    cr.execute("ANALYZE flexi_loyalty_ledger_line")
    cr.execute("ANALYZE flexi_loyalty_subscription")
    cr.execute("ANALYZE res_partner")
    env.invalidate_all()

    _logger.info("load seed: 50 pickup points and their slots")
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)])[:1]
    calendar = env["resource.calendar"].create(
        {
            "name": "Load 24/7",
            "tz": "Africa/Algiers",
            "attendance_ids": [
                (
                    0,
                    0,
                    {
                        "name": f"day {day}",
                        "dayofweek": str(day),
                        "hour_from": 0.0,
                        "hour_to": 23.99,
                        "day_period": "morning",
                    },
                )
                for day in range(7)
            ],
        }
    )
    Point = env["fm.click_collect.point"]
    common_vals = {
        "point_type": "store",
        "warehouse_id": warehouse.id,
        "partner_id": env.company.partner_id.id,
        "opening_hours_id": calendar.id,
        "slot_length": 60,
        "capacity": 5,
        "lead_time": 60,
        "booking_days": 2,
    }
    race = Point.create(dict(common_vals, name="Load race point", sequence=1))
    Point.create(
        [dict(common_vals, name=f"Load point {i}", sequence=10 + i) for i in range(49)]
    )
    Point.search([])._fm_generate_slots()
    slots = race._fm_available_slots()[:20]
    if len(slots) < 20:
        raise SystemExit(f"only {len(slots)} slots open at the race point")

    _logger.info("load seed: the campaign and the tills' loyalty")
    dish_campaign = env.ref("fm_marketing.fm_marketing_campaign_daily_dish")
    dish_campaign.write(
        {"scheduled_at": env.cr.now() + timedelta(days=30), "segment": "all"}
    )
    dish_campaign.action_activate()
    env["pos.config"].browse([t["config_id"] for t in common["tills"]]).write(
        {
            "flexi_loyalty_program_ids": [(6, 0, program.ids)],
            "flexi_loyalty_otp_required": True,
        }
    )
    _logger.info("load seed: anti-waste markdowns of the lots expiring")
    env["fm.antiwaste.markdown"]._cron_fm_antiwaste_recompute()
    no_pdf_attachments(env)
    quiet_crons(env)
    till_members = env["flexi.loyalty.subscription"].search(
        [("partner_id", "in", common["till_partner_ids"])]
    )
    return {
        "program_id": program.id,
        "reward_id": reward.id,
        "race_point_id": race.id,
        "race_slot_ids": [s["id"] for s in slots],
        "campaign_id": dish_campaign.id,
        "member_count": len(member_ids),
        "till_members": {m.partner_id.id: m.id for m in till_members},
    }


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase", choices=["common", "addons"], required=True)
    parser.add_argument("--out", required=True)
    args, odoo_args = parser.parse_known_args(argv)
    import odoo
    from odoo.tools import config

    config.parse_config(odoo_args, setup_logging=True)
    odoo.service.server.load_server_wide_modules()
    db = config["db_name"]
    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(
            cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "lang": "en_US"}
        )
        if args.phase == "common":
            data = seed_common(env)
        else:
            with open(args.out) as f:
                data = json.load(f)
            data.update(seed_addons(env, data))
        env.flush_all()
    with open(args.out, "w") as f:
        json.dump(data, f)
    _logger.info("load seed: %s phase done", args.phase)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

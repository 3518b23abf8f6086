#!/usr/bin/env python3
"""Build the demo shop: a caterer in Algiers, in French and in Algerian dinars.

    python3 scripts/demo_data.py [Odoo options] -d DATABASE

Odoo options are Odoo's own (``-c odoo.conf``, ``--db_host``,
``--addons-path``…); the repository must be on the addons path. The database
is created the way Odoo's database manager does (French, Algeria: dinars and
Africa/Algiers), the six addons are installed from the apps list, then the
shop is filled through the addons' own methods: sale orders are confirmed to
earn points, tiers come from the requalification, markdowns from the
anti-waste job, traces from the campaigns' run, slots from the pickup points.
SMS are only queued (nothing here sends them). A database where the demo is
already built is left as it is.

``make demo`` runs it in a throwaway cluster and then serves the database;
``docker compose up`` runs it in the odoo:18.0 image against the compose one.
"""

import json
import logging
import os
import sys
from datetime import datetime, time, timedelta

# The harness (same folder) owns the list of the suite's addons.
from harness import ADDONS

DEMO_DB = "fm_demo"
URL = os.environ.get("FM_DEMO_URL", "http://localhost:8069")
# (who, login, password, where to go). Printed by ``make demo``.
LOGINS = [
    ("Manager (admin)", "admin", "admin", "/odoo"),
    ("Cashier", "caissier", "caissier", "/odoo/point-of-sale"),
    ("Salesperson", "commercial", "commercial", "/odoo/sales"),
    ("Portal customer", "amina@example.com", "amina2026", "/my/loyalty"),
]
MARKER = "fm_demo.built"
TZ = "Africa/Algiers"

_logger = logging.getLogger("fm_demo")

# name, price (DA, tax excluded), category, shelf life in days (None: made to
# order, no lot), POS category
PRODUCTS = [
    ("Couscous Royal", 1500, "Plats", None),
    ("Chorba frik (pot 1 L)", 450, "Soupes", 3),
    ("Bourek à la viande (6 pièces)", 600, "Entrées", 2),
    ("Tajine zitoune (barquette)", 950, "Plats", 2),
    ("Makrout (boîte de 6)", 480, "Pâtisseries orientales", 5),
    ("Baklawa (boîte de 6)", 900, "Pâtisseries orientales", 7),
    ("Kalb el louz (part)", 150, "Pâtisseries orientales", 2),
    ("Mhadjeb (pièce)", 120, "Entrées", 1),
    ("Rechta (part)", 850, "Plats", None),
    ("Plateau traiteur 10 personnes", 12000, "Plats", None),
]

# name, mobile as typed, email, city, birthday (month, day) or None
CUSTOMERS = [
    ("Amina Benali", "0550 12 34 56", "amina@example.com", "Alger", "today"),
    ("Karim Haddad", "0661 23 45 67", "karim.haddad@example.com", "Hydra", None),
    ("Yasmine Cherif", "0770 34 56 78", "yasmine.cherif@example.com", "Kouba", None),
    ("Rachid Meziane", "0555 45 67 89", "", "Bab Ezzouar", None),
    ("Leïla Kaci", "0662 56 78 90", "leila.kaci@example.com", "Ben Aknoun", None),
    ("Hocine Amrani", "0771 67 89 01", "", "El Biar", None),
    ("Nour El Houda Saïdi", "0551 78 90 12", "nour.saidi@example.com", "Alger", None),
    ("Samira Ouali", "0663 89 01 23", "samira.ouali@example.com", "Chéraga", None),
]

# customer, days ago, [(product, qty)], salesperson login or None (admin)
ORDERS = [
    ("Karim Haddad", 120, [("Plateau traiteur 10 personnes", 1)], "commercial"),
    (
        "Karim Haddad",
        75,
        [("Plateau traiteur 10 personnes", 1), ("Rechta (part)", 4)],
        None,
    ),
    ("Karim Haddad", 20, [("Couscous Royal", 6), ("Rechta (part)", 2)], "commercial"),
    ("Karim Haddad", 6, [("Plateau traiteur 10 personnes", 1)], None),
    ("Amina Benali", 60, [("Couscous Royal", 2), ("Rechta (part)", 1)], None),
    ("Amina Benali", 25, [("Couscous Royal", 3)], "commercial"),
    ("Amina Benali", 4, [("Rechta (part)", 2), ("Couscous Royal", 1)], None),
    ("Yasmine Cherif", 45, [("Couscous Royal", 4)], None),
    ("Rachid Meziane", 38, [("Rechta (part)", 3), ("Couscous Royal", 1)], "commercial"),
    ("Leïla Kaci", 30, [("Couscous Royal", 4), ("Rechta (part)", 2)], None),
    ("Leïla Kaci", 10, [("Couscous Royal", 3)], "commercial"),
    ("Hocine Amrani", 50, [("Couscous Royal", 1)], None),
    ("Nour El Houda Saïdi", 2, [("Couscous Royal", 2)], None),
]
MEMBERS = [name for name, *_rest in CUSTOMERS if name != "Hocine Amrani"]


# ---------------------------------------------------------------- database


def create_database(odoo, db):
    """New database as Odoo's manager makes it: French, Algeria, no demo."""
    from odoo.service import db as db_service

    _logger.info("creating database %s (French, Algeria)", db)
    db_service.exp_create_database(db, False, "fr_FR", "admin", "admin", "dz")


def database_exists(odoo, db):
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
        return bool(cr.fetchone())


def install_addons(odoo, db):
    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "fr_FR"})
        if env.company.currency_id.name != "DZD":
            raise SystemExit(f"database {db} was not created for Algeria")
        modules = env["ir.module.module"].search([("name", "in", ADDONS)])
        missing = set(ADDONS) - set(modules.mapped("name"))
        if missing:
            raise SystemExit(
                "addons not found on the addons path: " + ", ".join(sorted(missing))
            )
        _logger.info("installing %s", ", ".join(ADDONS))
        # What the Apps screen does; Algeria's chart of accounts comes with it.
        modules.button_immediate_install()


def is_built(odoo, db):
    with odoo.sql_db.db_connect(db).cursor() as cr:
        cr.execute("SELECT to_regclass('ir_config_parameter') IS NOT NULL")
        if not cr.fetchone()[0]:
            return False
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [MARKER])
        return bool(cr.fetchone())


# ---------------------------------------------------------------- the shop


class Shop:
    """Fills a fresh database through the addons' own methods."""

    def __init__(self, env):
        from odoo import fields

        self.env = env
        self.now = fields.Datetime.now()
        self.products = {}
        self.partners = {}
        self.members = {}
        self.users = {}

    def build(self):
        for label, step in (
            ("the company: Traiteur El Bahdja, Alger, in DA", self.company),
            ("staff: a cashier and a salesperson", self.staff),
            ("the caterer's products", self.catalogue),
            ("lots expiring today, tomorrow and later", self.stock),
            ("customers and a portal account", self.customers),
            ("the loyalty program, tiers, rewards, members", self.loyalty),
            ("past orders earning points, tiers requalified, churn risk", self.history),
            ("points spent on an order", self.redemption),
            ("pickup points, slots and a pickup order", self.click_collect),
            ("anti-waste markdowns", self.antiwaste),
            ("campaigns run, messages queued", self.campaigns),
            ("the till", self.till),
        ):
            _logger.info("demo: %s", label)
            step()
            self.env.flush_all()
        self.env["ir.config_parameter"].set_param(MARKER, self.now.isoformat())

    # -------------------------------------------------------- company, users

    def company(self):
        env = self.env
        company = env.company
        algeria = env.ref("base.dz")
        company.write(
            {
                "name": "Traiteur El Bahdja",
                "street": "12 rue Didouche Mourad",
                "city": "Alger",
                "zip": "16000",
                "country_id": algeria.id,
                "phone": "021 63 45 78",
                "email": "contact@elbahdja.example.com",
                "website": URL,
            }
        )
        company.partner_id.write({"tz": TZ, "lang": "fr_FR"})
        # Algeria's chart applies "Exemption" to every customer without a tax
        # number: the shop's accountant makes the national regime (19 % VAT)
        # the one of Algerian customers, tax number or not.
        national = env.ref(
            f"account.{company.id}_fiscal_position_template_national",
            raise_if_not_found=False,
        )
        if national:
            national.vat_required = False
        env["ir.config_parameter"].set_param("web.base.url", URL)
        # Settings > Sales > Pricelists: anti-waste markdowns are pricelist
        # rules, and a new database has no pricelist until this is ticked.
        # The default pricelist is a back-office one: the shop's website must
        # use it too, or web customers would see no markdown.
        env["res.config.settings"].create({"group_product_pricelist": True}).execute()
        website = env["website"].search([("company_id", "=", company.id)], limit=1)
        env["product.pricelist"].search([("company_id", "=", company.id)]).write(
            {"website_id": website.id}
        )
        env["website"].search([]).write({"name": "Traiteur El Bahdja"})
        env.ref("base.user_admin").write({"name": "Karim Bouzid", "tz": TZ})

    def _user(self, name, login, password, groups, share=False, **extra):
        values = {
            **extra,
            "name": name,
            "login": login,
            "password": password,
            "email": login if "@" in login else f"{login}@elbahdja.example.com",
            "lang": "fr_FR",
            "tz": TZ,
        }
        if share:
            values["groups_id"] = [(6, 0, [self.env.ref("base.group_portal").id])]
        else:
            values["groups_id"] = [(6, 0, [self.env.ref(xmlid).id for xmlid in groups])]
        return self.env["res.users"].with_context(no_reset_password=True).create(values)

    def staff(self):
        self.users["caissier"] = self._user(
            "Yacine Mansouri",
            "caissier",
            "caissier",
            ["base.group_user", "point_of_sale.group_pos_user"],
        )
        self.users["commercial"] = self._user(
            "Sofia Djebbar",
            "commercial",
            "commercial",
            [
                "base.group_user",
                "sales_team.group_sale_salesman_all_leads",
                "stock.group_stock_user",
            ],
        )

    # -------------------------------------------------------- products, stock

    def catalogue(self):
        env = self.env
        categ_parent = env.ref("product.product_category_all")
        pos_categs = {}
        for name, price, categ_name, shelf_life in PRODUCTS:
            categ = env["product.category"].search([("name", "=", categ_name)], limit=1)
            if not categ:
                categ = env["product.category"].create(
                    {"name": categ_name, "parent_id": categ_parent.id}
                )
            if categ_name not in pos_categs:
                pos_categs[categ_name] = env["pos.category"].create(
                    {"name": categ_name}
                )
            values = {
                "name": name,
                "list_price": price,
                "categ_id": categ.id,
                "type": "consu",
                "sale_ok": True,
                "available_in_pos": True,
                "pos_categ_ids": [(6, 0, pos_categs[categ_name].ids)],
                "is_published": True,
                "invoice_policy": "order",
            }
            if shelf_life:
                values.update(
                    {
                        "is_storable": True,
                        "tracking": "lot",
                        "use_expiration_date": True,
                        "expiration_time": shelf_life,
                    }
                )
            template = env["product.template"].create(values)
            self.products[name] = template.product_variant_id

    def stock(self):
        """Lots of the shelf-life products: some expire today, some tomorrow,
        the rest later (counted in as an inventory adjustment)."""
        env = self.env
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        self.warehouse = warehouse
        today_end = self._local_to_utc(self._local_today(), time(23, 59))
        plans = {
            "Bourek à la viande (6 pièces)": [(0, 8), (1, 10), (2, 20)],
            "Tajine zitoune (barquette)": [(0, 5), (2, 12)],
            "Makrout (boîte de 6)": [(1, 12), (5, 30)],
            "Baklawa (boîte de 6)": [(0, 4), (7, 20)],
            "Kalb el louz (part)": [(1, 15), (2, 20)],
            "Mhadjeb (pièce)": [(0, 18), (1, 25)],
            "Chorba frik (pot 1 L)": [(1, 6), (3, 15)],
        }
        quants = env["stock.quant"]
        for name, lots in plans.items():
            product = self.products[name]
            for days, qty in lots:
                expiry = today_end + timedelta(days=days)
                lot = env["stock.lot"].create(
                    {
                        "name": f"{product.default_code or product.id}-"
                        f"{expiry.strftime('%y%m%d')}",
                        "product_id": product.id,
                        "company_id": env.company.id,
                        "expiration_date": expiry,
                    }
                )
                quants |= quants.with_context(inventory_mode=True).create(
                    {
                        "product_id": product.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "lot_id": lot.id,
                        "inventory_quantity": qty,
                    }
                )
        quants.action_apply_inventory()

    def _local_today(self):
        import pytz

        return pytz.utc.localize(self.now).astimezone(pytz.timezone(TZ)).date()

    def _local_to_utc(self, day, at):
        import pytz

        local = pytz.timezone(TZ).localize(datetime.combine(day, at))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    # -------------------------------------------------------- customers

    def customers(self):
        env = self.env
        algeria = env.ref("base.dz")
        today = self._local_today()
        for name, mobile, email, city, birthday in CUSTOMERS:
            values = {
                "name": name,
                "mobile": mobile,
                "email": email or False,
                "city": city,
                "country_id": algeria.id,
                "lang": "fr_FR",
                "tz": TZ,
                "fm_marketing_sms_consent": True,
                "fm_marketing_email_consent": bool(email),
                "fm_antiwaste_alert": name in ("Amina Benali", "Leïla Kaci"),
            }
            if birthday == "today":
                values["fm_marketing_birthdate"] = today.replace(year=1990)
            self.partners[name] = env["res.partner"].create(values)
        self.partners["Atlas Événements"] = env["res.partner"].create(
            {
                "name": "Atlas Événements",
                "is_company": True,
                "phone": "021 48 22 10",
                "city": "Alger",
                "country_id": algeria.id,
                "lang": "fr_FR",
            }
        )
        # Amina's portal account is her customer record, not a second contact.
        amina = self.partners["Amina Benali"]
        self.users["portal"] = self._user(
            amina.name,
            "amina@example.com",
            "amina2026",
            [],
            share=True,
            partner_id=amina.id,
        )

    # -------------------------------------------------------- loyalty

    def loyalty(self):
        env = self.env
        program = env["flexi.loyalty.program"].create(
            {
                "name": "Fidélité El Bahdja",
                "amount_per_point": 100,
                "amount_base": "tax_included",
                "earn_trigger": "confirm",
                "validity_months": 18,
                "otp_required": True,
                "description": "<p>100 DA d'achat = 1 point. 50 points = 500 DA "
                "de remise. Points valables 18 mois.</p>",
            }
        )
        self.program = program
        tiers = env["flexi.loyalty.tier"].create(
            [
                {
                    "name": "Argent",
                    "program_id": program.id,
                    "sequence": 10,
                    "basis": "amount",
                    "threshold": 10000,
                    "period": "rolling_12",
                    "earn_multiplier": 1.25,
                },
                {
                    "name": "Or",
                    "program_id": program.id,
                    "sequence": 20,
                    "basis": "amount",
                    "threshold": 30000,
                    "period": "rolling_12",
                    "discount_percent": 5,
                    "earn_multiplier": 1.5,
                },
            ]
        )
        self.gold = tiers[1]
        env["flexi.loyalty.reward"].create(
            [
                {
                    "name": "500 DA de remise",
                    "program_id": program.id,
                    "reward_type": "credit",
                    "points_cost": 50,
                    "credit_amount": 500,
                },
                {
                    "name": "Makrout offert (boîte de 6)",
                    "program_id": program.id,
                    "reward_type": "product",
                    "points_cost": 40,
                    "product_id": self.products["Makrout (boîte de 6)"].id,
                },
                {
                    "name": "10 % sur la commande",
                    "program_id": program.id,
                    "reward_type": "discount",
                    "points_cost": 120,
                    "discount_percent": 10,
                },
                {
                    "name": "Bon d'achat de 1 000 DA",
                    "program_id": program.id,
                    "reward_type": "voucher",
                    "points_cost": 100,
                    "voucher_value": 1000,
                    "min_tier_id": self.gold.id,
                },
            ]
        )
        Member = env["flexi.loyalty.subscription"]
        for name in MEMBERS:
            partner = self.partners[name]
            self.members[name] = Member._flexi_enroll(
                partner,
                program,
                channel="counter",
                phone=partner.mobile,
                email=partner.email or False,
            )
        self.members["Samira Ouali"]._flexi_adjust(
            20, "Bienvenue : points offerts à l'inscription", move_type="bonus"
        )

    def history(self):
        """Past orders, confirmed on their day: they earn the points."""
        from freezegun import freeze_time

        for customer, days_ago, lines, seller in ORDERS:
            moment = self.now - timedelta(days=days_ago, hours=2)
            with freeze_time(moment):
                order = self._order(customer, lines, seller)
                order.action_confirm()
                self.env.flush_all()
        # The nightly jobs bring the tiers up to date (rolling windows) and
        # score the members' churn risk.
        members = self.env["flexi.loyalty.subscription"]
        members._cron_flexi_loyalty_requalify()
        members._fm_churn_compute(self.now)

    def _order(self, customer, lines, seller=None, **values):
        user = self.users.get(seller) or self.env.user
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.partners[customer].id,
                    "user_id": user.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {"product_id": self.products[p].id, "product_uom_qty": q},
                        )
                        for p, q in lines
                    ],
                    **values,
                }
            )
        )

    def redemption(self):
        """Leïla spent 50 points by phone: the manager applied them without a
        code (logged override), as the redeem wizard allows managers."""
        member = self.members["Leïla Kaci"]
        order = self._order("Leïla Kaci", [("Couscous Royal", 2)], "commercial")
        order = order.with_user(self.env.user)
        reward = self.program.reward_ids.filtered(lambda r: r.points_cost == 50)
        wizard = (
            self.env["flexi.loyalty.redeem.wizard"]
            .with_context(default_order_id=order.id)
            .create(
                {
                    "order_id": order.id,
                    "reward_id": reward.id,
                    "override_reason": "Commande par téléphone, cliente connue",
                }
            )
        )
        if wizard.subscription_id != member:
            raise SystemExit("redeem wizard found another member")
        wizard.action_override()
        order.action_confirm()

    # -------------------------------------------------------- click & collect

    def click_collect(self):
        env = self.env
        algeria = env.ref("base.dz")
        Calendar = env["resource.calendar"]

        def calendar(name, days, start, end):
            return Calendar.create(
                {
                    "name": name,
                    "tz": TZ,
                    "attendance_ids": [
                        (
                            0,
                            0,
                            {
                                "name": f"{name} {day}",
                                "dayofweek": str(day),
                                "hour_from": start,
                                "hour_to": end,
                                "day_period": "morning",
                            },
                        )
                        for day in days
                    ],
                }
            )

        # Odoo counts Monday as 0: the boutique closes on Fridays, the post
        # office works Sunday to Thursday.
        shop_hours = calendar("Boutique 9h-21h", [0, 1, 2, 3, 5, 6], 9.0, 21.0)
        post_hours = calendar("Poste 8h-16h", [0, 1, 2, 3, 6], 8.0, 16.0)
        shop_address = env.company.partner_id
        post_address = env["res.partner"].create(
            {
                "name": "Bureau de poste Ben Aknoun",
                "street": "5 boulevard des Frères Bouadou",
                "city": "Ben Aknoun",
                "zip": "16306",
                "phone": "023 38 12 12",
                "country_id": algeria.id,
                "partner_latitude": 36.76,
                "partner_longitude": 3.01,
            }
        )
        shop_address.write({"partner_latitude": 36.77, "partner_longitude": 3.05})
        Point = env["fm.click_collect.point"]
        self.shop_point = Point.create(
            {
                "name": "Boutique Didouche Mourad",
                "point_type": "store",
                "warehouse_id": self.warehouse.id,
                "partner_id": shop_address.id,
                "opening_hours_id": shop_hours.id,
                "slot_length": 30,
                "capacity": 4,
                "lead_time": 60,
                "booking_days": 7,
                "instructions": "Comptoir « Click & Collect » à gauche de l'entrée.",
            }
        )
        self.post_point = Point.create(
            {
                "name": "Poste Ben Aknoun",
                "point_type": "partner",
                "warehouse_id": self.warehouse.id,
                "partner_id": post_address.id,
                "opening_hours_id": post_hours.id,
                "slot_length": 60,
                "capacity": 6,
                "lead_time": 180,
                "booking_days": 7,
                "instructions": "Guichet 3, présentez votre code de retrait.",
            }
        )
        carrier = env.ref("website_sale_collect.carrier_pick_up_in_store")
        carrier.write(
            {
                "name": "Retrait en boutique ou point relais",
                "warehouse_ids": [(6, 0, self.warehouse.ids)],
                "is_published": True,
            }
        )
        env.ref("website_sale_collect.payment_provider_on_site").write(
            {"state": "enabled", "is_published": True}
        )
        self._pickup_order(carrier)

    def _pickup_order(self, carrier):
        """One order to prepare: Nour's, for the first free slot of the shop."""
        order = self._order(
            "Nour El Houda Saïdi",
            [("Couscous Royal", 2), ("Rechta (part)", 1)],
            website_id=self.env["website"].search([], limit=1).id,
            carrier_id=carrier.id,
        )
        order._set_pickup_location(json.dumps({"fm_point_id": self.shop_point.id}))
        slots = self.shop_point._fm_available_slots()
        if not slots:
            _logger.info("demo: no pickup slot open now, no pickup order")
            order.unlink()
            return
        order._fm_cc_set_slot(self.env["fm.click_collect.slot"].browse(slots[0]["id"]))
        order._fm_cc_book_slot()
        order.action_confirm()

    # -------------------------------------------------------- anti-waste

    def antiwaste(self):
        """The anti-waste job marks down today's and tomorrow's lots."""
        self.env["fm.antiwaste.markdown"]._cron_fm_antiwaste_recompute()

    # -------------------------------------------------------- campaigns

    def campaigns(self):
        env = self.env
        for xmlid in (
            "fm_marketing.fm_marketing_campaign_dormant",
            "fm_marketing.fm_marketing_campaign_birthday",
            "fm_marketing.fm_marketing_campaign_never_purchased",
        ):
            env.ref(xmlid).action_activate()
        # The hourly job: due campaigns select their audience and queue messages.
        env["fm.marketing.campaign"]._cron_fm_run_campaigns()
        self._comeback_order()
        dish = env.ref("fm_marketing.fm_marketing_campaign_daily_dish")
        dish.action_activate()
        dish.action_send_now()

    def _comeback_order(self):
        """Yasmine read the "we miss you" SMS and orders by phone with its
        code: the campaign shows a conversion."""
        dormant = self.env.ref("fm_marketing.fm_marketing_campaign_dormant")
        trace = dormant.trace_ids.filtered(
            lambda t: t.partner_id == self.partners["Yasmine Cherif"]
        )
        if not trace.voucher_code:
            _logger.info("demo: no code sent to Yasmine, no comeback order")
            return
        order = self._order("Yasmine Cherif", [("Couscous Royal", 3)], "commercial")
        self.env["flexi.loyalty.voucher.wizard"].with_user(order.user_id).create(
            {"order_id": order.id, "code": trace.voucher_code}
        ).action_apply()
        order.action_confirm()

    # -------------------------------------------------------- till

    def till(self):
        env = self.env
        PosConfig = env["pos.config"]
        journal, payment_methods = PosConfig._create_journal_and_payment_methods(
            cash_journal_vals={"name": "Caisse boutique"}
        )
        # The till charges the shop's pricelist: markdowns apply at the counter.
        pricelist = env["product.pricelist"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        PosConfig.create(
            {
                "name": "Caisse Didouche Mourad",
                "journal_id": journal.id,
                "use_pricelist": True,
                "pricelist_id": pricelist.id,
                "available_pricelist_ids": [(6, 0, pricelist.ids)],
                "payment_method_ids": [(6, 0, payment_methods)],
                "flexi_loyalty_program_ids": [(6, 0, self.program.ids)],
                "flexi_loyalty_otp_required": True,
            }
        )


def build_shop(odoo, db):
    with odoo.modules.registry.Registry(db).cursor() as cr:
        admin = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).ref("base.user_admin")
        env = odoo.api.Environment(
            cr, admin.id, {"lang": "fr_FR", "tz": TZ, "tracking_disable": False}
        )
        Shop(env).build()


def main(argv):
    import odoo
    from odoo.tools import config

    config.parse_config(argv, setup_logging=True)
    db = config["db_name"] or DEMO_DB
    if "," in db:
        raise SystemExit("one database only (-d NAME)")
    odoo.service.server.load_server_wide_modules()
    if database_exists(odoo, db):
        if is_built(odoo, db):
            _logger.info("demo database %s is already built", db)
            return 0
        # Left half-built by an interrupted run: start again.
        _logger.info("dropping the unfinished demo database %s", db)
        odoo.service.db.exp_drop(db)
    create_database(odoo, db)
    install_addons(odoo, db)
    build_shop(odoo, db)
    _logger.info("demo database %s is ready", db)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

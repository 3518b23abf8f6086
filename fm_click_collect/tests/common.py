import json
from contextlib import contextmanager

import psycopg2.errors

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user
from odoo.tools import mute_logger

from odoo.addons.website_sale_collect.tests.common import ClickAndCollectCommon


class FmClickCollectCommon(ClickAndCollectCommon):
    """A caterer in Algiers: its shop and a post office as pickup points,
    open 08:00-20:00 every day, 30-minute slots of 2 orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        if "flexi.loyalty.program" in cls.env:
            # The whole suite installed: loyalty demo programs (tier
            # discounts in the cart) stay out of the pickup amounts.
            cls.env["flexi.loyalty.program"].search([]).action_archive()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Ouvert 8h-20h",
                "tz": "Africa/Algiers",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 8.0,
                            "hour_to": 20.0,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        algeria = cls.env.ref("base.dz")
        cls.partner.write({"mobile": "0550 12 34 56", "country_id": algeria.id})
        cls.shop_address = cls.env["res.partner"].create(
            {
                "name": "Traiteur Hydra",
                "street": "1 rue Didouche",
                "city": "Alger",
                "country_id": algeria.id,
                "partner_latitude": 36.75,
                "partner_longitude": 3.04,
            }
        )
        cls.post_address = cls.env["res.partner"].create(
            {
                "name": "Bureau de poste Ben Aknoun",
                "street": "5 rue des Frères",
                "city": "Alger",
                "phone": "+213 21 00 00 00",
                "country_id": algeria.id,
                "partner_latitude": 36.76,
                "partner_longitude": 3.01,
            }
        )
        Point = cls.env["fm.click_collect.point"]
        cls.shop_point = Point.create(
            {
                "name": "Traiteur Hydra",
                "point_type": "store",
                "warehouse_id": cls.warehouse.id,
                "partner_id": cls.shop_address.id,
                "opening_hours_id": cls.calendar.id,
                "slot_length": 30,
                "capacity": 2,
                "lead_time": 60,
                "booking_days": 3,
            }
        )
        cls.post_point = Point.create(
            {
                "name": "Poste Ben Aknoun",
                "point_type": "partner",
                "warehouse_id": cls.warehouse.id,
                "partner_id": cls.post_address.id,
                "opening_hours_id": cls.calendar.id,
                "slot_length": 30,
                "capacity": 2,
                "lead_time": 60,
                "booking_days": 3,
            }
        )
        cls.cash_journal = cls.env["account.journal"].search(
            [("type", "=", "cash"), ("company_id", "=", cls.env.company.id)], limit=1
        )

    def _cc_order(self, point=None, slot=None, **values):
        """A website cart for pickup at ``point`` with ``slot`` chosen."""
        point = point or self.post_point
        order = self._create_in_store_delivery_order(**values)
        order._set_pickup_location(json.dumps({"fm_point_id": point.id}))
        slot = slot or self._free_slot(point)
        order._fm_cc_set_slot(slot)
        return order

    def _free_slot(self, point):
        slots = point._fm_available_slots()
        slot_id = slots[0]["id"]
        return self.env["fm.click_collect.slot"].browse(slot_id)

    def _pay_on_site(self, order):
        """What the website does when the customer picks "pay on site"."""
        order._fm_cc_book_slot()
        tx = self._create_transaction(
            flow="redirect",
            sale_order_ids=[order.id],
            state="pending",
            amount=order.amount_total,
            reference=f"{order.name}-tx",
        )
        tx._post_process()
        return tx


class FmClickCollectPaymentCommon(FmClickCollectCommon):
    """Pay at pickup: dishes invoiced on delivery or on order, one tracked by
    lot, and a cashier who hands orders over."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.couscous = cls._create_product(
            name="Couscous Royal", list_price=1799.0, invoice_policy="delivery"
        )
        cls.bread = cls._create_product(
            name="Pain maison", list_price=7.35, invoice_policy="order"
        )
        cls.tajine = cls._create_product(
            name="Tajine zitoune",
            list_price=950.0,
            invoice_policy="delivery",
            tracking="lot",
        )
        stock = cls.warehouse.lot_stock_id
        for product in (cls.couscous, cls.bread):
            cls._add_product_qty_to_wh(product.id, 20, stock.id)
        cls.lot = cls.env["stock.lot"].create(
            {"name": "TAJ-0312", "product_id": cls.tajine.id}
        )
        cls.env["stock.quant"].with_context(inventory_mode=True).create(
            {
                "product_id": cls.tajine.id,
                "location_id": stock.id,
                "lot_id": cls.lot.id,
                "inventory_quantity": 5,
            }
        ).action_apply_inventory()
        cls.cashier = new_test_user(
            cls.env,
            login="fmcc_cashier",
            name="Nadia Caissière",
            groups="sales_team.group_sale_salesman_all_leads",
        )

    def _order_of(self, *product_qties):
        order = self._cc_order(
            order_line=[
                Command.create({"product_id": product.id, "product_uom_qty": qty})
                for product, qty in product_qties
            ]
        )
        return order

    def _hand_over(self, order, user=None, code=None):
        """The cashier opens "Hand Over", types the code, keeps the cash
        journal, clicks "Hand Over"; returns the amount the screen showed."""
        Wizard = self.env["fm.click_collect.collect.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        action = order.with_user(user or self.env.user).action_fm_cc_collect()
        form = Form(Wizard.with_context(action["context"]))
        form.code = code or order.fm_cc_pickup_code
        shown = form.amount_due
        wizard = form.save()
        wizard.action_collect()
        return shown, wizard

    def _assert_collected_and_paid_in_full(self, order, shown):
        self.assertEqual(order.fm_cc_state, "collected")
        self.assertEqual(order.picking_ids.mapped("state"), ["done"])
        self.assertTrue(order.fm_cc_paid)
        self.assertEqual(order.fm_cc_payment_status, "Paid")
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertAlmostEqual(shown, order.amount_total)
        self.assertAlmostEqual(invoice.amount_total, shown)
        payments = invoice._get_reconciled_payments()
        self.assertAlmostEqual(sum(payments.mapped("amount")), shown)
        self.assertEqual(
            order.transaction_ids.filtered(lambda tx: tx.state == "pending"),
            self.env["payment.transaction"],
            "The portal no longer asks the customer to pay.",
        )


class TwoTransactionsMixin:
    """Two real transactions racing, for a TransactionCase: the test's data
    is committed through ``_env(cr)`` (invisible to other cursors otherwise)
    and removed by the test at the end."""

    def _env(self, cr):
        # A row another transaction holds is never waited for forever.
        cr.execute("SET lock_timeout = '10s'")
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    @contextmanager
    def _two_transactions(self):
        cr1, cr2 = self.registry.cursor(), self.registry.cursor()
        try:
            yield self._env(cr1), self._env(cr2)
        finally:
            cr1.close()
            cr2.close()

    def _refusal(self, env, call):
        """Run ``call`` in ``env``'s transaction, then roll it back; the error
        that refused it (a failed row lock or a UserError), or None."""
        try:
            # The SQL layer logs a refused FOR UPDATE; expected here.
            with mute_logger("odoo.sql_db"):
                call()
        except (psycopg2.errors.SerializationFailure, UserError) as error:
            return error
        finally:
            env.cr.rollback()
        return None

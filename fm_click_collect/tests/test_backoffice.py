from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import FmClickCollectCommon


@tagged("post_install", "-at_install")
class TestPickupPointForm(FmClickCollectCommon):
    """A manager creates a pickup point from its form, as on screen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cc_manager = new_test_user(
            cls.env,
            login="fmcc_manager",
            name="Samir Responsable",
            groups="base.group_user,fm_click_collect.fm_click_collect_group_manager",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="fmcc_sales_manager",
            name="Leila Directrice",
            groups="sales_team.group_sale_manager",
        )

    def _warehouses_offered(self, form, user):
        """The warehouse dropdown: the field's domain, as the browser gets
        it, evaluated on the form's values."""
        Point = self.env["fm.click_collect.point"].with_user(user)
        domain = Point.fields_get(["warehouse_id"], ["domain"])["warehouse_id"].get(
            "domain"
        )
        if isinstance(domain, str):
            domain = safe_eval(domain, form._get_eval_context())
        return self.env["stock.warehouse"].with_user(user).search(domain or [])

    def _create_point_as(self, user, name):
        form = Form(self.env["fm.click_collect.point"].with_user(user))
        form.name = name
        form.partner_id = self.post_address
        offered = self._warehouses_offered(form, user)
        self.assertIn(self.warehouse, offered, "The warehouse dropdown is not empty.")
        form.warehouse_id = self.warehouse
        form.opening_hours_id = self.calendar
        self.assertFalse(form.has_cutoff)
        return form.save()

    def test_click_and_collect_manager_creates_a_point_from_the_form(self):
        point = self._create_point_as(self.cc_manager, "Poste Hydra")
        self.assertEqual(point.company_id, self.env.company)
        self.assertEqual(point.warehouse_id, self.warehouse)
        self.assertTrue(point.slot_ids, "The new point offers slots at once.")
        self.assertTrue(point._fm_available_slots())

    def test_sales_manager_creates_a_point_from_the_form(self):
        point = self._create_point_as(self.sales_manager, "Boutique El Biar")
        self.assertEqual(point.create_uid, self.sales_manager)
        self.assertEqual(point.company_id, self.env.company)

    def test_cut_off_is_set_and_removed_with_its_checkbox(self):
        form = Form(self.post_point.with_user(self.cc_manager))
        self.assertFalse(form.has_cutoff, "No cut-off: no 00:00 shown.")
        form.has_cutoff = True
        self.assertEqual(form.cutoff_hour, 11.0)
        form.cutoff_hour = 10.5
        form.save()
        self.assertEqual(self.post_point.cutoff_hour, 10.5)
        form.has_cutoff = False
        form.save()
        self.assertEqual(self.post_point.cutoff_hour, 0.0)
        self.assertFalse(self.post_point.has_cutoff)

    def _map_service(self, **kwargs):
        """Odoo's geolocation of an address (the only thing mocked: the map
        service is on the internet)."""
        return patch.object(
            type(self.env["res.partner"]), "geo_localize", autospec=True, **kwargs
        )

    def test_new_point_is_placed_on_the_map_when_created(self):
        self.post_address.write({"partner_latitude": 0.0, "partner_longitude": 0.0})
        with self._map_service() as geo:
            self._create_point_as(self.cc_manager, "Poste Hydra")
        geo.assert_called_once()
        self.assertEqual(geo.call_args.args[0], self.post_address)

    def test_map_service_down_does_not_stop_the_manager(self):
        self.post_address.write({"partner_latitude": 0.0, "partner_longitude": 0.0})
        with self._map_service(side_effect=UserError("No internet")):
            point = self._create_point_as(self.sales_manager, "Boutique El Biar")
        self.assertTrue(point.slot_ids)

    def test_checkout_never_calls_the_map_service(self):
        # A point the map could not place: customers still see it, and their
        # checkout does not wait on (nor write) the point's address.
        self.post_address.write({"partner_latitude": 0.0, "partner_longitude": 0.0})
        order = self._create_in_store_delivery_order()
        with self._map_service(side_effect=AssertionError("map called")) as geo:
            values = self.post_point._fm_pickup_location_values(order=order)
        geo.assert_not_called()
        self.assertEqual(values["fm_point_id"], self.post_point.id)
        self.assertEqual(values["distance"], 0.0)


@tagged("post_install", "-at_install")
class TestSalesMenu(FmClickCollectCommon):
    def test_sales_app_still_opens_on_odoos_orders(self):
        salesman = new_test_user(
            self.env,
            login="fmcc_menu_salesman",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        root = self.env.ref("sale.sale_menu_root")
        orders = self.env.ref("sale.sale_order_menu")
        quotations = self.env.ref("sale.menu_sale_quotations")
        ours = self.env.ref("fm_click_collect.fm_click_collect_menu_root")
        for user in (salesman, self.env.ref("base.user_admin")):
            menus = self.env["ir.ui.menu"].with_user(user).load_web_menus(False)
            app = menus[root.id]
            self.assertEqual(app["children"][0], orders.id, user.login)
            self.assertEqual(app["actionID"], quotations.action.id, user.login)
            self.assertIn(ours.id, app["children"], "Click & Collect stays reachable.")


@tagged("post_install", "-at_install")
class TestPickupPointTour(FmClickCollectCommon, HttpCase):
    def test_manager_creates_a_point_on_screen(self):
        self.warehouse.name = "FM Tour Warehouse"
        manager = new_test_user(
            self.env,
            login="fmcc_tour_manager",
            name="Samir Responsable",
            groups="base.group_user,fm_click_collect.fm_click_collect_group_manager",
        )
        self.start_tour(
            "/odoo/action-fm_click_collect.fm_click_collect_point_action",
            "fm_click_collect_point_form",
            login=manager.login,
        )
        point = self.env["fm.click_collect.point"].search(
            [("name", "=", "Poste Kouba")]
        )
        self.assertEqual(len(point), 1)
        self.assertEqual(point.warehouse_id, self.warehouse)
        self.assertEqual(point.company_id, self.env.company)
        self.assertEqual(point.partner_id, self.post_address)
        self.assertEqual(point.cutoff_hour, 0.0)
        self.assertTrue(point._fm_available_slots())

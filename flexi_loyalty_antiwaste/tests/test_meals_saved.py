from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.fm_antiwaste.tests.common import NOW

from .common import (
    BASKET_EXPIRY,
    BASKET_TIME,
    TODAY_EVENING,
    FlexiLoyaltyAntiwasteCommon,
)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestMealsSaved(FlexiLoyaltyAntiwasteCommon):
    def _meals(self, partner=None):
        partner = partner or self.customer
        partner.invalidate_recordset(["flexi_antiwaste_meals_saved"])
        return partner.flexi_antiwaste_meals_saved

    def test_marked_down_units_of_confirmed_orders_are_meals_saved(self):
        self._lot(self.salad, TODAY_EVENING, 4)
        self._recompute()
        quotation = self._order(self.salad, 1)
        self.assertEqual(self._meals(), 0, "A quotation saves nothing yet.")
        self._order(self.salad, 6).action_confirm()
        # 6 salads, 4 of them marked down: 4 meals; the quotation waits.
        self.assertEqual(self._meals(), 4)
        self.assertEqual(quotation.state, "draft")

    def test_a_cancelled_order_saves_nothing(self):
        self._lot(self.salad, TODAY_EVENING, 4)
        self._recompute()
        order = self._order(self.salad, 2)
        order.action_confirm()
        self.assertEqual(self._meals(), 2)
        order._action_cancel()
        self.assertEqual(self._meals(), 0)

    def test_a_price_lowered_by_hand_saves_no_meal(self):
        order = self._order(self.salad, 2)
        order.order_line.price_unit = 50.0
        order.action_confirm()
        self.assertEqual(self._meals(), 0)

    @freeze_time(BASKET_TIME)
    def test_a_basket_saves_its_contents_until_it_is_refunded(self):
        cake = self._product("Tarte aux fraises", 500.0)
        self._lot(self.salad, BASKET_EXPIRY, 4)
        self._lot(cake, BASKET_EXPIRY, 2)
        basket = self._propose_baskets()[0]
        contents = sum(basket.line_ids.mapped("quantity"))
        self.assertGreater(contents, 1)
        order = self._order(basket.product_id, 1)
        order.action_confirm()
        self.assertEqual(self._meals(), contents)
        self._credit_note(order)
        self.assertEqual(self._meals(), 0)
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 0, "Nor its points.")

    def test_figures_of_many_customers_in_few_queries(self):
        self._lot(self.salad, TODAY_EVENING, 10)
        self._recompute()
        partners = self.env["res.partner"].create(
            [{"name": f"Client {i}"} for i in range(5)]
        )
        for i, partner in enumerate(partners):
            order = self._order(self.salad, i + 1)
            order.partner_id = partner
            order.action_confirm()
        self.env.invalidate_all()
        self.env.flush_all()

        def queries(records):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            figures = records.mapped("flexi_antiwaste_meals_saved")
            return figures, self.env.cr.sql_log_count - before

        figures, many = queries(partners)
        self.assertEqual(figures, [1, 2, 3, 4, 0])  # 10 marked-down units
        __, one = queries(partners[:1])
        self.assertEqual(many, one, "No query per customer.")

    def test_attack_portal_user_reads_the_figure_over_rpc(self):
        portal = new_test_user(self.env, login="aw_portal", groups="base.group_portal")
        for partner in (portal.partner_id, self.customer):
            for __ in range(2):
                with self.assertRaises(AccessError):
                    partner.with_user(portal).with_context(active_test=False).read(
                        ["flexi_antiwaste_meals_saved"]
                    )

    @freeze_time(BASKET_TIME)
    def test_attack_portal_user_lists_another_customers_orders(self):
        cake = self._product("Tarte aux fraises", 500.0)
        self._lot(cake, BASKET_EXPIRY, 2)
        basket = self._propose_baskets()[0]
        order = self._order(basket.product_id, 1)
        order.action_confirm()
        portal = new_test_user(self.env, login="aw_spy", groups="base.group_portal")
        customer = self.customer.with_user(portal).with_context(active_test=False)
        for __ in range(2):
            try:
                action = customer.action_view_flexi_antiwaste_orders()
            except AccessError:
                continue
            self.assertNotIn(order.id, action["domain"][0][2])

    def test_salesman_sees_the_figure_and_the_orders(self):
        self._lot(self.salad, TODAY_EVENING, 4)
        self._recompute()
        order = self._order(self.salad, 3)
        order.action_confirm()
        salesman = new_test_user(
            self.env,
            login="aw_seller",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        customer = self.customer.with_user(salesman)
        self.assertEqual(customer.flexi_antiwaste_meals_saved, 3)
        action = customer.action_view_flexi_antiwaste_orders()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), order)


@tagged("post_install", "-at_install")
class TestMealsSavedPortal(HttpCase, FlexiLoyaltyAntiwasteCommon):
    """Amina reads on /my/loyalty how many meals she saved; nobody else
    reads it there."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amina = new_test_user(
            cls.env, login="aw_amina", password="aw_amina", groups="base.group_portal"
        )
        cls.karim = new_test_user(
            cls.env, login="aw_karim", password="aw_karim", groups="base.group_portal"
        )
        cls.env["flexi.loyalty.subscription"].create(
            [
                {"partner_id": cls.amina.partner_id.id, "program_id": cls.program.id},
                {"partner_id": cls.karim.partner_id.id, "program_id": cls.program.id},
            ]
        )
        now = fields.Datetime.now().replace(microsecond=0)
        midnight = now.replace(hour=0, minute=0, second=0)
        cls._lot(cls.salad, midnight + timedelta(days=1, hours=20), 3)
        cls.env["fm.antiwaste.markdown"]._fm_recompute(cls.company, now)
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.amina.partner_id.id,
                "pricelist_id": cls.pricelist.id,
                "order_line": [
                    Command.create({"product_id": cls.salad.id, "product_uom_qty": 3})
                ],
            }
        )
        order.action_confirm()
        assert order.order_line.fm_antiwaste_qty == 3

    def test_member_sees_her_meals_saved_and_only_hers(self):
        self.authenticate("aw_amina", "aw_amina")
        response = self.url_open("/my/loyalty")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my/loyalty", response.url)
        page = response.text
        start = page.find("o_portal_wrap")
        self.assertIn("o_flexi_antiwaste_meals", page, page[start : start + 3000])
        self.assertIn("<strong>3</strong> meals", page)
        self.authenticate("aw_karim", "aw_karim")
        page = self.url_open("/my/loyalty").text
        self.assertNotIn("o_flexi_antiwaste_meals", page)
        self.authenticate(None, None)
        response = self.url_open("/my/loyalty", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

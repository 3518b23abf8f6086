import json

from odoo.tests import tagged

from odoo.addons.fm_click_collect.controllers.main import FmClickCollectWebsiteSale
from odoo.addons.website.tools import MockRequest

from .common import FmClickCollectCommon


@tagged("post_install", "-at_install")
class TestAddressForm(FmClickCollectCommon):
    """The checkout's address form, as the customer fills it in."""

    def _submit_delivery_address(self, phone, country):
        order = self._create_in_store_delivery_order()
        with MockRequest(
            self.env, website=self.website, sale_order_id=order.id
        ) as request:
            request.httprequest.method = "POST"
            answer = FmClickCollectWebsiteSale().shop_address_submit(
                name="Amina",
                email="amina@example.com",
                street="1 rue Didouche",
                city="Alger",
                zip="16000",
                country_id=country.id,
                phone=phone,
                address_type="delivery",
            )
        # The new address becomes the order's delivery address.
        self.assertNotEqual(order.partner_shipping_id, self.partner)
        return json.loads(answer.data), order.partner_shipping_id

    def test_algerian_mobile_is_stored_in_international_form(self):
        answer, address = self._submit_delivery_address(
            "0550 12 34 56", self.env.ref("base.dz")
        )
        self.assertNotIn("invalid_fields", answer)
        # SMS (ready for pickup) and the member search by phone find it.
        self.assertEqual(address.phone, "+213550123456")

    def test_number_we_cannot_read_is_kept_as_typed_like_odoo(self):
        # Odoo's own checkout tour types 8 digits for an Afghan address: the
        # customer goes on to the next step, the number kept as typed.
        answer, address = self._submit_delivery_address(
            "99999999", self.env.ref("base.af")
        )
        self.assertNotIn("invalid_fields", answer)
        self.assertTrue(answer.get("redirectUrl"))
        self.assertEqual(address.phone, "99999999")

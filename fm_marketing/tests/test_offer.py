from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FmMarketingCommon


@tagged("post_install", "-at_install")
class TestOffer(FmMarketingCommon):
    def test_each_recipient_gets_a_unique_code_usable_once(self):
        campaign = self._campaign(
            offer=True,
            offer_discount=10,
            offer_validity_days=15,
            body="{first_name}: {discount} avec {code} jusqu'au {expiry_date}",
        )
        with self.mockSMSGateway():
            traces = self._run(campaign)
        vouchers = traces.voucher_id
        self.assertEqual(len(set(vouchers.mapped("code"))), 2)
        voucher = traces.filtered(lambda t: t.partner_id == self.amina).voucher_id
        self.assertEqual((voucher.value_type, voucher.value), ("percent", 10))
        self.assertIn(
            voucher.code, traces.filtered(lambda t: t.partner_id == self.amina).body
        )
        self.assertIn("10 %", traces[0].body)

        order = self.env["sale.order"].create(
            {
                "partner_id": self.amina.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 2}
                    )
                ],
            }
        )
        order._flexi_loyalty_apply_voucher(voucher.code)
        order.action_confirm()
        self.assertEqual(voucher.state, "used")
        again = self.env["sale.order"].create(
            {
                "partner_id": self.amina.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        with self.assertRaises(UserError):
            again._flexi_loyalty_apply_voucher(voucher.code)
        trace = traces.filtered(lambda t: t.partner_id == self.amina)
        self.assertEqual(trace.order_id, order)
        self.assertEqual(trace.revenue, 1800.0)
        self.assertEqual(campaign.converted_count, 1)
        self.assertEqual(campaign.revenue, 1800.0)
        self.assertEqual(campaign.conversion_rate, 50.0)

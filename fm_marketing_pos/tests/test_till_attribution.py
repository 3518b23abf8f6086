from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon
from odoo.addons.sms.tests.common import MockSMS


@tagged("post_install", "-at_install")
class TestTillAttribution(TestPointOfSaleHttpCommon, MockSMS):
    """A customer gets the caterer's SMS, then buys at the till."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env.user.groups_id += cls.env.ref("fm_marketing.fm_marketing_group_manager")
        cls.env["fm.marketing.campaign"].search([]).active = False
        cls.env["ir.config_parameter"].set_param("fm_marketing.sms_cap_days", "0")
        # The runs happen "now": without quiet hours, the SMS goes out at
        # whatever hour the tests run (equal hours mean none).
        cls.env["ir.config_parameter"].set_param("fm_marketing.quiet_start", "0")
        cls.env["ir.config_parameter"].set_param("fm_marketing.quiet_end", "0")
        cls.main_pos_config.company_id.country_id = cls.env.ref("base.dz")
        cls.couscous = cls.env["product.product"].create(
            {
                "name": "Couscous Royal",
                "list_price": 1000.0,
                "type": "consu",
                "available_in_pos": True,
                "taxes_id": [Command.clear()],
            }
        )
        cls.amina = cls.env["res.partner"].create(
            {
                "name": "Amina Benali",
                "mobile": "0550 12 34 56",
                "country_id": cls.env.ref("base.dz").id,
                "fm_marketing_sms_consent": True,
            }
        )
        cls.campaign = cls.env["fm.marketing.campaign"].create(
            {
                "name": "Plat du jour",
                "segment": "domain",
                "partner_domain": f"[('id', '=', {cls.amina.id})]",
                "schedule_type": "daily",
                "body": "Couscous Royal ce midi, {first_name} !",
                "holdout_percent": 0,
            }
        )
        cls.cash = cls.main_pos_config.payment_method_ids.filtered("is_cash_count")[:1]

    def _sync(self, session, qty, refunded_line=None, **extra):
        """A till order of ``qty`` couscous for Amina, paid in cash."""
        total = 1000.0 * qty
        line = {
            "product_id": self.couscous.id,
            "qty": qty,
            "price_unit": 1000.0,
            "discount": 0.0,
            "price_subtotal": total,
            "price_subtotal_incl": total,
            "tax_ids": [],
            "pack_lot_ids": [],
        }
        if refunded_line:
            line["refunded_orderline_id"] = refunded_line.id
        uuid = f"fm-mkt-{qty}-{refunded_line.id if refunded_line else 0}-{id(line)}"
        result = (
            self.env["pos.order"]
            .with_user(self.pos_user)
            .sync_from_ui(
                [
                    {
                        "amount_paid": total,
                        "amount_return": 0,
                        "amount_tax": 0,
                        "amount_total": total,
                        "date_order": fields.Datetime.to_string(fields.Datetime.now()),
                        "fiscal_position_id": False,
                        "pricelist_id": self.main_pos_config.pricelist_id.id,
                        "name": f"Order {uuid}",
                        "lines": [Command.create(line)],
                        "partner_id": self.amina.id,
                        "session_id": session.id,
                        "sequence_number": 2,
                        "payment_ids": [
                            Command.create(
                                {
                                    "amount": total,
                                    "name": fields.Datetime.now(),
                                    "payment_method_id": self.cash.id,
                                }
                            )
                        ],
                        "uuid": uuid,
                        "user_id": self.env.uid,
                        "to_invoice": False,
                        "state": "paid",
                        **extra,
                    }
                ]
            )
        )
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def _open_session(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        return self.main_pos_config.current_session_id

    def test_till_order_after_the_sms_counts_less_what_was_refunded(self):
        with self.mockSMSGateway():
            traces = self.campaign._fm_run(fields.Datetime.now() - timedelta(hours=1))
        self.assertEqual(traces.state, "queued")
        session = self._open_session()
        order = self._sync(session, 3)
        self.assertEqual(order.state, "paid")
        self.assertEqual(self.campaign._fm_conversions(), {traces.id: 3000.0})
        self.assertEqual(self.campaign.messaged_converted_count, 1)
        self.assertEqual(self.campaign.messaged_revenue, 3000.0)

        # One couscous comes back, then the two others: nothing is left.
        self._sync(session, -1, refunded_line=order.lines)
        self.assertEqual(self.campaign._fm_conversions(), {traces.id: 2000.0})
        self._sync(session, -2, refunded_line=order.lines)
        self.assertEqual(self.campaign._fm_conversions(), {})

    def test_till_order_before_the_sms_or_after_the_window_counts_not(self):
        session = self._open_session()
        before = self._sync(session, 1)
        with self.mockSMSGateway():
            traces = self.campaign._fm_run(fields.Datetime.now() + timedelta(seconds=1))
        self.assertEqual(self.campaign._fm_conversions(), {})
        after = self._sync(session, 2)
        after.date_order = traces.send_date + timedelta(days=5)
        self.assertEqual(self.campaign._fm_conversions(), {})
        after.date_order = traces.send_date + timedelta(days=4)
        self.assertEqual(self.campaign._fm_conversions(), {traces.id: 2000.0})
        self.assertLess(before.date_order, traces.send_date)

    def test_attack_the_till_cannot_credit_an_order_to_a_campaign(self):
        other = self.campaign.copy({"name": "Autre campagne"})
        session = self._open_session()
        # No message yet: the order is nobody's, whatever the till sends.
        order = self._sync(
            session,
            1,
            fm_marketing_campaign_id=other.id,
            fm_marketing_trace_id=False,
        )
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.fm_marketing_campaign_id)
        self.assertEqual(other._fm_conversions(), {})
        # Written directly by the cashier, it is refused.
        with self.assertRaises(UserError):
            order.with_user(self.pos_user).write({"fm_marketing_campaign_id": other.id})

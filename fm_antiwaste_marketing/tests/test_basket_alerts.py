from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.fm_antiwaste.tests.common import FmAntiwasteCommon
from odoo.addons.sms.tests.common import SMSCase

EVENING = datetime(2025, 5, 10, 17, 30)  # 18:30 in Algiers
EXPIRY = datetime(2025, 5, 10, 22, 0)


@tagged("post_install", "-at_install")
class TestBasketAlerts(FmAntiwasteCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._lot(cls.salad, EXPIRY, 8)
        cls.customer.write(
            {"fm_antiwaste_alert": True, "fm_marketing_sms_consent": True}
        )
        cls.not_opted = cls.env["res.partner"].create(
            {
                "name": "Karim Haddad",
                "mobile": "+213550654321",
                "fm_marketing_sms_consent": True,
            }
        )

    def test_sms_goes_to_opted_in_customers_only(self):
        with freeze_time(EVENING), self.mockSMSGateway():
            self.env["fm.antiwaste.basket"]._cron_fm_antiwaste_baskets(EVENING)
        self.assertSMSOutgoing(self.customer, None, content="Paniers Anti-Gaspi")
        self.assertFalse(
            self._new_sms.filtered(lambda sms: sms.partner_id == self.not_opted)
        )
        self.assertEqual(len(self._new_sms), 1)

    def test_a_second_proposal_the_same_evening_sends_nothing_twice(self):
        with freeze_time(EVENING), self.mockSMSGateway():
            Basket = self.env["fm.antiwaste.basket"]
            Basket._cron_fm_antiwaste_baskets(EVENING)
            Basket.search([])._fm_notify(EVENING)
        self.assertEqual(len(self._new_sms), 1)

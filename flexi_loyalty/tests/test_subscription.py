from odoo.tests import tagged

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestSubscription(FlexiLoyaltyCommon):
    def test_phone_is_stored_in_international_format(self):
        self.assertEqual(self.member.phone, "+213550123456")
        self.assertEqual(self.member.email, "amina@example.com")

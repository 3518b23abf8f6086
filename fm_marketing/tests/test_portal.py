import re
from datetime import date

from odoo.tests import tagged

from .common import FmMarketingCommon


@tagged("post_install", "-at_install")
class TestPortalDetails(FmMarketingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls.env["res.users"].create(
            {
                "name": "Nadia Portal",
                "login": "nadia",
                "password": "nadia-portal-pw",
                "email": "nadia@example.com",
                "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
            }
        )

    def _post_details(self, **extra):
        self.authenticate("nadia", "nadia-portal-pw")
        page = self.url_open("/my/account")
        self.assertIn('name="fm_marketing_birthdate"', page.text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        data = {
            "csrf_token": token,
            "name": "Nadia Portal",
            "email": "nadia@example.com",
            "phone": "0770 11 22 33",
            "street": "1 rue Didouche Mourad",
            "city": "Alger",
            "country_id": str(self.env.ref("base.dz").id),
            **extra,
        }
        return self.url_open("/my/account", data=data)

    def test_customer_gives_birth_date_and_sms_consent_on_the_portal(self):
        self._post_details(
            fm_marketing_birthdate="1992-02-29", fm_marketing_sms_consent="1"
        )
        partner = self.portal_user.partner_id
        self.assertEqual(partner.fm_marketing_birthdate, date(1992, 2, 29))
        self.assertTrue(partner.fm_marketing_sms_consent)
        self.assertFalse(partner.fm_marketing_email_consent)
        # Unticking the box withdraws the consent.
        self._post_details(fm_marketing_birthdate="1992-02-29")
        self.assertFalse(partner.fm_marketing_sms_consent)

    def test_invalid_birth_date_is_refused(self):
        response = self._post_details(fm_marketing_birthdate="2999-01-01")
        self.assertIn("Please enter a valid birth date.", response.text)
        self.assertFalse(self.portal_user.partner_id.fm_marketing_birthdate)

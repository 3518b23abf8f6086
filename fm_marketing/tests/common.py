from datetime import datetime, timedelta

from odoo import Command

from odoo.addons.sms.tests.common import SMSCase

# 10:00 UTC = 11:00 in Algiers: outside quiet hours.
NOW = datetime(2025, 6, 15, 10, 0)


class FmMarketingCommon(SMSCase):
    """A caterer in Algiers and a hand-built customer base."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.dz")
        cls.company.partner_id.tz = "Africa/Algiers"
        cls.company.email = "traiteur@example.com"
        # Shipped campaigns are inactive; keep tests independent of them anyway.
        cls.env["fm.marketing.campaign"].search([]).active = False
        cls.product = cls.env["product.product"].create(
            {
                "name": "Couscous Royal",
                "list_price": 1000.0,
                "type": "consu",
                "taxes_id": [Command.clear()],
            }
        )
        cls.amina = cls._customer("Amina Benali", "0550 12 34 56")
        cls.karim = cls._customer("Karim Haddad", "0661 22 33 44")

    @classmethod
    def _customer(cls, name, mobile=None, sms=True, email=None, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "mobile": mobile,
                "email": email,
                "country_id": cls.env.ref("base.dz").id,
                "fm_marketing_sms_consent": sms,
                "fm_marketing_email_consent": bool(email),
                **vals,
            }
        )

    @classmethod
    def _campaign(cls, **vals):
        return cls.env["fm.marketing.campaign"].create(
            {
                "name": "Flash",
                "channel": "sms",
                "segment": "all",
                "schedule_type": "daily",
                "body": "Plat du jour : Couscous Royal, {first_name} !",
                # Everybody is messaged unless a test is about the hold-out.
                "holdout_percent": 0,
                **vals,
            }
        )

    @classmethod
    def _confirmed_order(cls, partner, when):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": cls.product.id})],
            }
        )
        order.action_confirm()
        order.date_order = when
        return order

    def _run(self, campaign, now=NOW):
        return campaign._fm_run(now)

    @staticmethod
    def _days_ago(days, now=NOW):
        return now - timedelta(days=days)

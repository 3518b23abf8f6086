from datetime import datetime

from odoo.addons.fm_antiwaste.tests.common import FmAntiwasteCommon

TODAY_EVENING = datetime(2025, 5, 10, 20, 0)  # 21:00 in Algiers: -30 % today
BASKET_TIME = datetime(2025, 5, 10, 17, 30)  # 18:30 in Algiers
BASKET_EXPIRY = datetime(2025, 5, 10, 22, 0)


class FlexiLoyaltyAntiwasteCommon(FmAntiwasteCommon):
    """The caterer's salads (100 DA) with 10 DA = 1 point; anti-waste earns
    double points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["flexi.loyalty.program"].search([]).action_archive()
        cls.program = cls.env["flexi.loyalty.program"].create(
            {
                "name": "Fidélité Traiteur",
                "amount_per_point": 10.0,
                "amount_base": "tax_excluded",
                "earn_trigger": "confirm",
                "antiwaste_multiplier": 2.0,
            }
        )
        cls.member = cls.env["flexi.loyalty.subscription"].create(
            {"partner_id": cls.customer.id, "program_id": cls.program.id}
        )

    def _earned(self, order):
        return sum(
            self.env["flexi.loyalty.ledger.line"]
            .search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
            .mapped("points")
        )

    def _propose_baskets(self):
        params = self.env["ir.config_parameter"]
        params.set_param("fm_antiwaste.basket_target_value", 700)
        params.set_param("fm_antiwaste.basket_price_ratio", 0.4)
        Basket = self.env["fm.antiwaste.basket"]
        Basket._cron_fm_antiwaste_baskets(BASKET_TIME)
        return Basket.search([("company_id", "=", self.company.id)])

    def _credit_note(self, order):
        """Invoice the order, then refund the whole invoice."""
        invoice = order._create_invoices()
        invoice.action_post()
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "Returned", "journal_id": invoice.journal_id.id})
        )
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        refund.action_post()
        return refund

from datetime import datetime

from odoo import Command
from odoo.tests import TransactionCase

# 10:00 in Algiers (UTC+1): shop open, before the basket time.
NOW = datetime(2025, 5, 10, 9, 0)


class FmAntiwasteCommon(TransactionCase):
    """A caterer in Algiers with fresh salads sold by lot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.partner_id.tz = "Africa/Algiers"
        cls.env.user.tz = "Africa/Algiers"
        cls.env["fm.antiwaste.rule"].search([]).unlink()
        cls.rule_today = cls.env["fm.antiwaste.rule"].create(
            {"days_left": 0, "discount": 30.0}
        )
        cls.rule_tomorrow = cls.env["fm.antiwaste.rule"].create(
            {"days_left": 1, "discount": 15.0}
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Boutique", "currency_id": cls.company.currency_id.id}
        )
        cls.categ = cls.env["product.category"].create({"name": "Salades"})
        cls.salad = cls._product("Salade niçoise", 100.0)
        cls.customer = cls.env["res.partner"].create(
            {"name": "Amina Benali", "mobile": "+213550123456"}
        )

    @classmethod
    def _product(cls, name, price, **vals):
        return cls.env["product.product"].create(
            {
                "name": name,
                "list_price": price,
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "categ_id": cls.categ.id,
                "taxes_id": [Command.clear()],
                "is_published": True,
                **vals,
            }
        )

    @classmethod
    def _lot(cls, product, expiration, qty, name=None):
        lot = cls.env["stock.lot"].create(
            {
                "name": name or f"{product.name}-{expiration:%m%d%H%M}",
                "product_id": product.id,
                "company_id": cls.company.id,
                "expiration_date": expiration,
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            product, cls.stock, qty, lot_id=lot
        )
        return lot

    def _recompute(self, now=NOW):
        return self.env["fm.antiwaste.markdown"]._fm_recompute(self.company, now)

    def _order(self, product, qty, pricelist=None):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": (pricelist or self.pricelist).id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                ],
            }
        )

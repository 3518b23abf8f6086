from datetime import timedelta

from odoo import Command, fields

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon


class FmAntiwastePosCommon(TestPointOfSaleHttpCommon):
    """A caterer's till selling near-expiry salads (30 % off) and baskets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.main_pos_config.company_id
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.env["fm.antiwaste.rule"].search([]).unlink()
        # Any lot expiring within 3 days: the test runs at any hour.
        cls.env["fm.antiwaste.rule"].create(
            {"days_left": 3, "discount": 30.0, "company_id": cls.company.id}
        )
        cls.salad = cls._fm_product("Salade Anti-Gaspi", 100.0)
        cls.cake = cls._fm_product("Tarte Anti-Gaspi", 500.0)
        cls.cash_method = cls.main_pos_config.payment_method_ids.filtered(
            "is_cash_count"
        )[:1]

    @classmethod
    def _fm_product(cls, name, price):
        return cls.env["product.product"].create(
            {
                "name": name,
                "list_price": price,
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "available_in_pos": True,
                "taxes_id": [Command.clear()],
            }
        )

    @classmethod
    def _fm_lot(cls, product, qty, hours=30):
        lot = cls.env["stock.lot"].create(
            {
                "name": f"{product.name}-{qty}-{hours}",
                "product_id": product.id,
                "company_id": cls.company.id,
                "expiration_date": fields.Datetime.now() + timedelta(hours=hours),
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            product, cls.stock, qty, lot_id=lot
        )
        return lot

    @classmethod
    def _fm_markdowns(cls):
        return cls.env["fm.antiwaste.markdown"]._fm_recompute(cls.company)

    @classmethod
    def _fm_basket(cls, product, qty, price=40.0):
        """A published basket of ``qty`` units of ``product`` (one lot)."""
        lot = cls._fm_lot(product, qty, hours=6)
        quant = cls.env["stock.quant"].search(
            [("lot_id", "=", lot.id), ("location_id", "=", cls.stock.id)]
        )
        location = cls.env["stock.location"]._fm_antiwaste_basket_location(
            cls.warehouse
        )
        return cls.env["fm.antiwaste.basket"]._fm_create_basket(
            cls.company,
            cls.warehouse,
            location,
            fields.Date.context_today(cls.env.user),
            1,
            {"lines": {quant.id: qty}, "value": product.lst_price * qty},
            price / (product.lst_price * qty),
        )

    # ------------------------------------------------------------ till

    def _open_session(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        return self.main_pos_config.current_session_id

    def _line(self, product, qty, price_unit=None, lot=None):
        """A till line; ``lot``: the lot the cashier scanned."""
        price = product.lst_price if price_unit is None else price_unit
        return {
            "product_id": product.id,
            "qty": qty,
            "price_unit": price,
            "discount": 0.0,
            "price_subtotal": price * qty,
            "price_subtotal_incl": price * qty,
            "tax_ids": [],
            "pack_lot_ids": [Command.create({"lot_name": lot.name})] if lot else [],
        }

    def _ui_order(self, session, lines, uuid, state="paid"):
        """What the till sends for an order paid in cash (exact amount)."""
        total = sum(line["price_unit"] * line["qty"] for line in lines)
        return {
            "amount_paid": total if state == "paid" else 0,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": total,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "fiscal_position_id": False,
            "pricelist_id": self.main_pos_config.pricelist_id.id,
            "name": f"Order {uuid}",
            "lines": [Command.create(line) for line in lines],
            "partner_id": self.partner_a.id,
            "session_id": session.id,
            "sequence_number": 2,
            "payment_ids": [
                Command.create(
                    {
                        "amount": total,
                        "name": fields.Datetime.now(),
                        "payment_method_id": self.cash_method.id,
                    }
                )
            ]
            if state == "paid"
            else [],
            "uuid": uuid,
            "access_token": uuid,
            "user_id": self.env.uid,
            "to_invoice": False,
            "state": state,
        }

    def _sync(self, order_vals):
        """Sync one order as the till does, as the cashier; the pos.order."""
        result = (
            self.env["pos.order"]
            .with_user(self.pos_user)
            .sync_from_ui([dict(order_vals)])
        )
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

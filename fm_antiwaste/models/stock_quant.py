from odoo import fields, models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_removal_strategy(self, product_id, location_id):
        strategy = super()._get_removal_strategy(product_id, location_id)
        if strategy == "fifo" and product_id.sudo().use_expiration_date:
            configured = product_id.sudo().categ_id.removal_strategy_id
            loc = location_id.sudo()
            while loc and not configured:
                configured = loc.removal_strategy_id
                loc = loc.location_id
            if not configured:
                # Nothing configured: lots that expire first leave first, which is
                # what lets the marked-down units be the ones delivered.
                return "fefo"
        return strategy

    def _get_gather_domain(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
    ):
        limit = self.env.context.get("with_expiration")
        now = fields.Datetime.now()
        if limit and fields.Datetime.to_datetime(limit) < now:
            # product_expiry compares lots with the move's date, which is in the
            # past for late deliveries: never reserve a lot expired by now.
            return super(
                StockQuant, self.with_context(with_expiration=now)
            )._get_gather_domain(
                product_id, location_id, lot_id, package_id, owner_id, strict
            )
        return super()._get_gather_domain(
            product_id, location_id, lot_id, package_id, owner_id, strict
        )

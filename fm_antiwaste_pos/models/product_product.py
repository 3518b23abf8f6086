from odoo import api, fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    fm_antiwaste_is_basket = fields.Boolean(
        "Is a Surprise Basket", compute="_compute_fm_antiwaste_is_basket"
    )

    def _compute_fm_antiwaste_is_basket(self):
        # sudo: whether a product is a basket is no secret; cashiers and shop
        # visitors have no right on the baskets themselves.
        baskets = (
            self.env["fm.antiwaste.basket"]
            .sudo()
            .search([("product_id", "in", self.ids)])
        )
        basket_products = set(baskets.product_id.ids)
        for product in self:
            product.fm_antiwaste_is_basket = product.id in basket_products

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [*super()._load_pos_data_fields(config_id), "fm_antiwaste_is_basket"]

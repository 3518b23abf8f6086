from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _load_pos_data(self, data):
        """Add the products carrying the till's rewards (not sold as such)."""
        res = super()._load_pos_data(data)
        config = self.env["pos.config"].browse(data["pos.config"]["data"][0]["id"])
        # sudo: rewards are configuration the till needs, read-only here.
        rewards = config.flexi_loyalty_program_ids.sudo().reward_ids
        products = rewards._flexi_pos_supported().reward_product_id
        loaded = {product["id"] for product in res["data"]}
        missing = products.filtered(lambda p: p.id not in loaded)
        if missing:
            records = missing.read(fields=res["fields"], load=False)
            self._process_pos_ui_product_product(records, config)
            res["data"].extend(records)
        data["pos.session"]["data"][0]["_pos_special_products_ids"] += products.ids
        return res

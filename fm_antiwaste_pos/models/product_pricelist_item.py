from odoo import api, models


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"

    @api.model
    def _load_pos_data_fields(self, config_id):
        # The till caps the markdown with its units left (fm.antiwaste.markdown).
        return [*super()._load_pos_data_fields(config_id), "fm_antiwaste_markdown_id"]

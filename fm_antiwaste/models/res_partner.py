from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    fm_antiwaste_alert = fields.Boolean(
        "Anti-Waste Alerts",
        help="The customer asked to receive an SMS when surprise baskets are offered.",
    )

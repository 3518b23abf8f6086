from odoo import api, fields, models

from ..tools.phone import normalize_phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    flexi_loyalty_subscription_ids = fields.One2many(
        "flexi.loyalty.subscription", "partner_id", "Loyalty Memberships"
    )
    flexi_loyalty_points = fields.Integer(
        "Loyalty Points", compute="_compute_flexi_loyalty_points"
    )
    flexi_loyalty_tier_name = fields.Char(
        "Loyalty Tier", compute="_compute_flexi_loyalty_points"
    )

    @api.depends("flexi_loyalty_subscription_ids.points_balance")
    def _compute_flexi_loyalty_points(self):
        for partner in self:
            subs = partner.flexi_loyalty_subscription_ids.filtered(
                lambda s: s.state == "active"
            )
            partner.flexi_loyalty_points = sum(subs.mapped("points_balance"))
            partner.flexi_loyalty_tier_name = ", ".join(subs.tier_id.mapped("name"))

    def action_view_flexi_loyalty(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flexi_loyalty.flexi_loyalty_subscription_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        if len(self.flexi_loyalty_subscription_ids) == 1:
            action["view_mode"] = "form"
            action["views"] = [(False, "form")]
            action["res_id"] = self.flexi_loyalty_subscription_ids.id
        return action

    @api.model
    def _flexi_phone_e164(self, number, country=None):
        """E.164 form of ``number``, or False when it is no valid number.

        The one phone normaliser of the suite (members, till, campaigns):
        national numbers are read in ``country``, by default the company's;
        numbers typed with their country code, with or without "+" or "00",
        are read as such.
        """
        country = country or self.env.company.country_id
        return normalize_phone(number, country.code or None) or False

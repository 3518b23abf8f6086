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

    def _flexi_loyalty_is_customer(self):
        """Whether one of these customers (or their company) already bought:
        a confirmed sale order or a posted invoice. Other addons add their
        own documents (the till's paid orders).

        ``sudo``: asked when a referral code is given, whoever gives it; only
        a yes or no comes out.
        """
        customers = self.commercial_partner_id.ids
        if not customers:
            return False
        if (
            self.env["sale.order"]
            .sudo()
            .search_count(
                [
                    ("partner_id.commercial_partner_id", "in", customers),
                    ("state", "=", "sale"),
                ],
                limit=1,
            )
        ):
            return True
        return bool(
            self.env["account.move"]
            .sudo()
            .search_count(
                [
                    ("commercial_partner_id", "in", customers),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                ],
                limit=1,
            )
        )

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

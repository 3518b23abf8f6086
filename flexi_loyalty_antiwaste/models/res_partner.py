from odoo import fields, models

from ..tools.antiwaste import meals_saved


class ResPartner(models.Model):
    _inherit = "res.partner"

    flexi_antiwaste_meals_saved = fields.Integer(
        "Meals Saved",
        compute="_compute_flexi_antiwaste_meals_saved",
        # Staff only; a customer reads their own figure on the portal.
        groups="base.group_user",
        help="Units of near-expiry products this customer bought instead of "
        "them being thrown away: marked-down units and the contents of "
        "surprise baskets, on confirmed orders, less what was refunded.",
    )

    def _compute_flexi_antiwaste_meals_saved(self):
        units = self._flexi_antiwaste_units_by_partner()
        for partner in self:
            bought, returned = units.get(partner.id, (0.0, 0.0))
            partner.flexi_antiwaste_meals_saved = meals_saved(bought, returned)

    def action_view_flexi_antiwaste_orders(self):
        """The customer's confirmed orders that saved food from the bin."""
        self.ensure_one()
        marked_down = self.env["sale.order.line"].search(
            [
                ("order_partner_id", "=", self.id),
                ("state", "=", "sale"),
                ("fm_antiwaste_qty", ">", 0),
            ]
        )
        # sudo: salespeople may not read baskets; only which orders bought them.
        baskets = (
            self.env["fm.antiwaste.basket"]
            .sudo()
            .search(
                [
                    ("state", "=", "sold"),
                    ("sale_line_id.order_partner_id", "=", self.id),
                ]
            )
        )
        # Only the orders this user may read: the baskets were found as
        # superuser, another customer's orders never show through them.
        orders = (
            (marked_down.order_id | baskets.sale_line_id.order_id)
            .with_env(self.env)
            ._filtered_access("read")
        )
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [("id", "in", orders.ids)]
        action["context"] = {"create": False}
        return action

    def _flexi_antiwaste_units_by_partner(self):
        """{partner id: (units bought, units refunded)} saved from the bin,
        for all of ``self`` at once (a few queries, whatever their number).

        The dashboard's notion (fm.antiwaste.report): a marked-down unit
        sold, a unit inside a surprise basket sold. Sale orders here; the
        till adds its own (flexi_loyalty_antiwaste_pos).
        """
        result = {}
        for partner_id, bought, returned in self._flexi_antiwaste_sale_units():
            old = result.get(partner_id, (0.0, 0.0))
            result[partner_id] = (old[0] + bought, old[1] + returned)
        return result

    def _flexi_antiwaste_sale_units(self):
        """[(partner id, units bought, units refunded)] on confirmed sale orders.

        sudo: the figure is a count shown to the customer and the staff; no
        order, basket or invoice is read out.
        """
        partner_ids = [pid for pid in self.ids if pid]
        if not partner_ids:
            return []
        env = self.env(su=True)
        baskets = env["fm.antiwaste.basket"].search(
            [
                ("state", "=", "sold"),
                ("sale_line_id.order_partner_id", "in", partner_ids),
            ]
        )
        basket_units = {
            b.sale_line_id.id: sum(b.line_ids.mapped("quantity")) for b in baskets
        }
        lines = env["sale.order.line"].search(
            [
                ("order_partner_id", "in", partner_ids),
                ("state", "=", "sale"),
                "|",
                ("fm_antiwaste_qty", ">", 0),
                ("id", "in", list(basket_units)),
            ]
        )
        refunded = lines._flexi_antiwaste_refunded_quantities()
        rows = []
        for line in lines:
            saved = basket_units.get(line.id) or line._flexi_antiwaste_units({})
            share = refunded.get(line.id, 0.0) / (line.product_uom_qty or 1.0)
            rows.append(
                (line.order_partner_id.id, saved, saved * min(max(share, 0.0), 1.0))
            )
        return rows

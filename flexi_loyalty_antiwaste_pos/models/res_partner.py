from odoo import models

POS_PAID_STATES = ("paid", "done", "invoiced")


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _flexi_antiwaste_units_by_partner(self):
        result = super()._flexi_antiwaste_units_by_partner()
        for partner_id, bought, returned in self._flexi_antiwaste_pos_units():
            old = result.get(partner_id, (0.0, 0.0))
            result[partner_id] = (old[0] + bought, old[1] + returned)
        return result

    def _flexi_antiwaste_pos_units(self):
        """[(partner id, units bought, units refunded)] on paid till orders.

        sudo: a count shown to the customer and the staff; no order is read
        out.
        """
        partner_ids = [pid for pid in self.ids if pid]
        if not partner_ids:
            return []
        env = self.env(su=True)
        sold_domain = [
            ("order_id.partner_id", "in", partner_ids),
            ("order_id.state", "in", POS_PAID_STATES),
            ("refunded_orderline_id", "=", False),
        ]
        baskets = env["fm.antiwaste.basket"].search(
            [("state", "=", "sold"), ("pos_order_line_id", "!=", False)]
            + [(f"pos_order_line_id.{f}", op, v) for f, op, v in sold_domain]
        )
        basket_units = {
            b.pos_order_line_id.id: sum(b.line_ids.mapped("quantity")) for b in baskets
        }
        Line = env["pos.order.line"]
        lines = Line.search(
            [
                *sold_domain,
                "|",
                ("fm_antiwaste_qty", ">", 0),
                ("id", "in", list(basket_units)),
            ]
        )
        refunded = {}
        for refund in Line.search(
            [
                ("refunded_orderline_id", "in", lines.ids),
                ("order_id.state", "in", POS_PAID_STATES),
            ]
        ):
            key = refund.refunded_orderline_id.id
            refunded[key] = refunded.get(key, 0.0) + abs(refund.qty)
        rows = []
        for line in lines:
            saved = basket_units.get(line.id) or line._flexi_antiwaste_units({})
            share = refunded.get(line.id, 0.0) / (abs(line.qty) or 1.0)
            rows.append((line.order_id.partner_id.id, saved, saved * min(share, 1.0)))
        return rows

from odoo import api, models
from odoo.tools import SQL

# A paid POS order moves its stock when its picking is done: at once, or when
# the session closes. Until then its marked-down units are still in the quants.
POS_PAID_STATES = ("paid", "done", "invoiced")


class FmAntiwasteMarkdown(models.Model):
    _name = "fm.antiwaste.markdown"
    _inherit = ["fm.antiwaste.markdown", "pos.load.mixin"]

    @api.model
    def _load_pos_data_domain(self, data):
        config = self.env["pos.config"].browse(data["pos.config"]["data"][0]["id"])
        return [("company_id", "=", config.company_id.id), ("state", "=", "active")]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["id", "discount", "qty_remaining"]

    def _load_pos_data(self, data):
        # sudo: the till only shows the discount and the units left of the
        # running markdowns, as the shop does for its visitors; cashiers need
        # no stock rights for that.
        return super(FmAntiwasteMarkdown, self.sudo())._load_pos_data(data)

    def _fm_remaining_by_markdown(self):
        remaining = super()._fm_remaining_by_markdown()
        if not remaining:
            return remaining
        pending = self._fm_pos_pending_by_markdown(list(remaining))
        return {
            markdown_id: max(0.0, qty - pending.get(markdown_id, 0.0))
            for markdown_id, qty in remaining.items()
        }

    @api.model
    def _fm_pos_pending_by_markdown(self, markdown_ids):
        """Marked-down units sold at a till whose stock has not moved yet."""
        self.env["pos.order.line"].flush_model(
            ["fm_antiwaste_markdown_id", "fm_antiwaste_qty", "order_id"]
        )
        self.env["pos.order"].flush_model(["state", "session_id"])
        self.env["pos.session"].flush_model(["state"])
        self.env["stock.picking"].flush_model(["state", "pos_order_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT l.fm_antiwaste_markdown_id, SUM(l.fm_antiwaste_qty)
                  FROM pos_order_line l
                  JOIN pos_order o ON o.id = l.order_id
                  JOIN pos_session s ON s.id = o.session_id
                 WHERE l.fm_antiwaste_markdown_id IN %s
                   AND o.state IN %s
                   AND s.state != 'closed'
                   AND NOT EXISTS (
                       SELECT 1 FROM stock_picking p
                        WHERE p.pos_order_id = o.id AND p.state = 'done'
                   )
                 GROUP BY l.fm_antiwaste_markdown_id
                """,
                tuple(markdown_ids),
                POS_PAID_STATES,
            )
        )
        return dict(self.env.cr.fetchall())

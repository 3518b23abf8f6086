from odoo import api, fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        if (
            self.env["fm.antiwaste.markdown"]
            .sudo()
            .search_count(
                [("state", "=", "active"), ("product_id", "in", moves.product_id.ids)],
                limit=1,
            )
        ):
            # Sold, scrapped or moved: shrink or end the markdowns soon.
            cron = self.env.ref(
                "fm_antiwaste.fm_antiwaste_cron_recompute", raise_if_not_found=False
            )
            if cron:
                cron.sudo()._trigger()
        return moves

    @api.model
    def _fm_unreserve_expired(self):
        """Lots that expired since they were reserved go back to the shelf.

        The moves are reserved again with lots still good to sell (expired ones
        are excluded by the reservation), so a customer never gets them.
        """
        lines = self.env["stock.move.line"].search(
            [
                ("lot_id.expiration_date", "<=", fields.Datetime.now()),
                ("state", "in", ("assigned", "partially_available")),
                ("picked", "=", False),
                ("location_dest_id.usage", "=", "customer"),
            ]
        )
        moves = lines.move_id
        if moves:
            moves._do_unreserve()
            moves._action_assign()
        return moves

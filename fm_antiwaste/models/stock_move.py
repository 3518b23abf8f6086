from odoo import api, fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _fm_expiry_reference(self):
        # product_expiry compares lots with the move's date, which is in the
        # past for late deliveries: never reserve a lot expired by now.
        return max(self.date or fields.Datetime.now(), fields.Datetime.now())

    def _update_reserved_quantity(
        self,
        need,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=True,
    ):
        move = self
        if self.product_id.use_expiration_date:
            move = self.with_context(with_expiration=self._fm_expiry_reference())
        return super(StockMove, move)._update_reserved_quantity(
            need, location_id, lot_id, package_id, owner_id, strict
        )

    def _get_available_quantity(
        self,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        allow_negative=False,
    ):
        move = self
        if self.product_id.use_expiration_date:
            move = self.with_context(with_expiration=self._fm_expiry_reference())
        return super(StockMove, move)._get_available_quantity(
            location_id, lot_id, package_id, owner_id, strict, allow_negative
        )

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

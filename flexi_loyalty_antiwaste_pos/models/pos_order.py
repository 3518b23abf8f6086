import contextvars

from odoo import api, fields, models

from odoo.addons.flexi_loyalty_pos.models.pos_order import RECEIPT_FIELDS

# Set while a till order is synced: the points wait until the anti-waste
# units of its lines are counted (fm_antiwaste_pos), whatever order the two
# addons' overrides run in. Server state, not the caller's context.
_EARNING_DEFERRED = contextvars.ContextVar(
    "flexi_loyalty_antiwaste_pos_deferred", default=False
)


class PosOrder(models.Model):
    _inherit = "pos.order"
    _flexi_guarded_fields = (*RECEIPT_FIELDS, "flexi_antiwaste_meals_saved")

    flexi_antiwaste_meals_saved = fields.Integer(
        "Meals Saved",
        readonly=True,
        copy=False,
        help="Meals the customer had saved from the bin, this order included; "
        "printed on the receipt.",
    )

    @api.model
    def _process_order(self, order, existing_order):
        order.pop("flexi_antiwaste_meals_saved", None)
        token = _EARNING_DEFERRED.set(True)
        try:
            order_id = super()._process_order(order, existing_order)
        finally:
            _EARNING_DEFERRED.reset(token)
        pos_order = self.browse(order_id)
        if pos_order.state in ("paid", "done", "invoiced"):
            pos_order._flexi_loyalty_process_paid()
        return order_id

    def _flexi_loyalty_process_paid(self):
        if _EARNING_DEFERRED.get():
            return None
        return super()._flexi_loyalty_process_paid()

    def _flexi_loyalty_line_data(self, program, lines):
        # Line by line, so each dict knows its line's anti-waste units (the
        # till's rule may leave a line out, e.g. a tip).
        if program.antiwaste_multiplier == 1:
            return super()._flexi_loyalty_line_data(program, lines)
        baskets = lines._flexi_antiwaste_baskets()
        data = []
        for line in lines:
            for vals in super()._flexi_loyalty_line_data(program, line):
                vals["antiwaste_qty"] = line._flexi_antiwaste_units(baskets)
                data.append(vals)
        return data

    def _flexi_loyalty_write_summary(self):
        res = super()._flexi_loyalty_write_summary()
        if self.partner_id:
            # sudo: the customer's own count, printed for them; never cached
            # from before this order.
            partner = self.partner_id.sudo()
            partner.invalidate_recordset(["flexi_antiwaste_meals_saved"])
            meals = partner.flexi_antiwaste_meals_saved
            with self._flexi_trusted():
                self.write({"flexi_antiwaste_meals_saved": meals})
        return res

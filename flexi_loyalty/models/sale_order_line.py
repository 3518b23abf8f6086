import contextvars
from contextlib import contextmanager

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Set while the server rebuilds a reward's lines: removing them then gives
# no points back (the same redemption gets new lines).
_REBUILDING = contextvars.ContextVar("flexi_loyalty_rebuilding", default=False)

# Set while a whole order is written: its lines' edits are checked once, at
# the end, not after each command.
_ORDER_EDITING = contextvars.ContextVar("flexi_loyalty_order_editing", default=False)

# What makes a reward line worth what it is worth: fixed when it is added.
REWARD_LINE_TERMS = (
    "product_id",
    "product_uom_qty",
    "price_unit",
    "discount",
    "tax_id",
)


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "flexi.loyalty.guarded.mixin"]
    # Which points paid for a line and which voucher it uses are facts the
    # loyalty engine records; nobody sets them by hand.
    _flexi_guarded_fields = (
        "flexi_loyalty_reward_id",
        "flexi_loyalty_ledger_line_id",
        "flexi_loyalty_voucher_id",
        "flexi_loyalty_is_tier_discount",
    )

    flexi_loyalty_reward_id = fields.Many2one(
        "flexi.loyalty.reward",
        "Loyalty Reward",
        readonly=True,
        index="btree_not_null",
        # A duplicated quotation has spent no points: its lines carry none
        # of the engine's links (and a copied link would be refused).
        copy=False,
    )
    flexi_loyalty_ledger_line_id = fields.Many2one(
        "flexi.loyalty.ledger.line", "Points Spent", readonly=True, copy=False
    )
    flexi_loyalty_voucher_id = fields.Many2one(
        "flexi.loyalty.voucher",
        "Voucher",
        readonly=True,
        index="btree_not_null",
        copy=False,
    )

    flexi_loyalty_is_tier_discount = fields.Boolean(
        "Tier Discount",
        readonly=True,
        copy=False,
        help="The member's permanent tier discount; kept up to date on quotations "
        "and earns no points.",
    )

    def _flexi_loyalty_counts(self, delivery=True):
        """Whether the line carries money: no section or note, no down
        payment, and no shipping unless ``delivery``. The one rule of which
        lines count, for earning, rewards, the tier discount and taxes."""
        self.ensure_one()
        return not (
            self.display_type
            or self.is_downpayment
            or (not delivery and self._is_delivery())
        )

    def _flexi_loyalty_is_reward(self):
        """Whether this line carries points spent or a voucher."""
        self.ensure_one()
        return bool(self.flexi_loyalty_reward_id or self.flexi_loyalty_voucher_id)

    def _flexi_loyalty_earns_nothing(self):
        """Lines that are no goods: rewards, vouchers, the tier discount."""
        self.ensure_one()
        return self._flexi_loyalty_is_reward() or self.flexi_loyalty_is_tier_discount

    def _is_not_sellable_line(self):
        # Money off the engine computes: no quantity to choose (the website
        # cart shows no stepper for it).
        return self._flexi_loyalty_earns_nothing() or super()._is_not_sellable_line()

    def _flexi_loyalty_siblings(self):
        """These lines with the other lines of the same redemptions or
        vouchers: a reward split per tax rate is one unit."""
        rewards = self.filtered(lambda ln: ln._flexi_loyalty_is_reward())
        if not rewards:
            return self
        spent = rewards.flexi_loyalty_ledger_line_id
        vouchers = rewards.flexi_loyalty_voucher_id
        return self | rewards.order_id.order_line.filtered(
            lambda ln: (
                (
                    ln.flexi_loyalty_ledger_line_id
                    and ln.flexi_loyalty_ledger_line_id in spent
                )
                or (
                    ln.flexi_loyalty_voucher_id
                    and ln.flexi_loyalty_voucher_id in vouchers
                )
            )
        )

    @contextmanager
    def _flexi_loyalty_rebuilding(self):
        """Lines removed inside the block give no points back."""
        token = _REBUILDING.set(True)
        try:
            with self._flexi_trusted():
                yield
        finally:
            _REBUILDING.reset(token)

    @contextmanager
    def _flexi_loyalty_order_editing(self):
        token = _ORDER_EDITING.set(True)
        try:
            yield
        finally:
            _ORDER_EDITING.reset(token)

    def _flexi_loyalty_rewards_follow(self, orders):
        """Rewards of ``orders`` follow their goods after a direct line edit
        (the website cart, RPC); an order's own write does it once."""
        if not (_ORDER_EDITING.get() or self._flexi_trusted_now()):
            orders._flexi_loyalty_sync_rewards()

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        self._flexi_loyalty_rewards_follow(lines.order_id)
        return lines

    def write(self, vals):
        self._flexi_loyalty_check_reward_terms(vals)
        res = super().write(vals)
        if set(vals) & set(REWARD_LINE_TERMS):
            self._flexi_loyalty_rewards_follow(self.order_id)
        if "qty_delivered" in vals:
            # Manual deliveries; stock deliveries are caught by the hourly cron.
            self.order_id._flexi_loyalty_check_delivered()
        return res

    def _flexi_loyalty_check_reward_terms(self, vals):
        """A reward line is worth what the points paid: its quantity, price,
        discount and taxes change only by removing it and redeeming again."""
        if self._flexi_trusted_now() or not (set(vals) & set(REWARD_LINE_TERMS)):
            return
        for line in self.filtered(lambda ln: ln._flexi_loyalty_is_reward()):
            for name in set(vals) & set(REWARD_LINE_TERMS):
                field = self._fields[name]
                new = field.convert_to_cache(vals[name], line, validate=False)
                if name == "tax_id":
                    new = line.tax_id.browse(new or ()).ids
                    old = line.tax_id.ids
                else:
                    old = field.convert_to_cache(line[name], line, validate=False)
                if old != new:
                    raise UserError(
                        _(
                            "%(line)s was paid with points or a voucher: remove it "
                            "and redeem again instead of changing it.",
                            line=line.name,
                        )
                    )

    def unlink(self):
        # Removing any line of a redemption removes all of them (once).
        lines = self._flexi_loyalty_siblings()
        orders = lines.order_id
        res = super(SaleOrderLine, lines).unlink()
        self._flexi_loyalty_rewards_follow(orders)
        return res

    @api.ondelete(at_uninstall=False)
    def _flexi_loyalty_unlink_reward(self):
        """Removing a reward from a quotation gives its points back, and a
        voucher becomes usable again."""
        if _REBUILDING.get():
            return
        for spent in self.sudo().flexi_loyalty_ledger_line_id:
            spent._flexi_reverse(
                f"line-removed:{spent.id}", _("Reward removed from the order")
            )
        for line in self.filtered("flexi_loyalty_voucher_id"):
            line.flexi_loyalty_voucher_id.sudo()._flexi_release(line.order_id)

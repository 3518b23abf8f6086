from odoo import _, fields, models
from odoo.exceptions import AccessError

# Whether codes protect the points and which programs a till serves: the
# manager's settings, though Odoo lets cashiers write their till's record.
MANAGER_FIELDS = {"flexi_loyalty_program_ids", "flexi_loyalty_otp_required"}


class PosConfig(models.Model):
    _inherit = "pos.config"

    flexi_loyalty_program_ids = fields.Many2many(
        "flexi.loyalty.program",
        string="Loyalty Programs",
        domain="[('company_id', '=', company_id)]",
        help="Programs whose members are found, earn and redeem at this till.",
    )
    flexi_loyalty_otp_required = fields.Boolean(
        "Code Required to Spend Points at this POS",
        default=True,
        help="Send a one-time code to the member before points are spent. "
        "When off, points are spent without a code only in programs that do "
        "not require one.",
    )

    def write(self, vals):
        if (
            MANAGER_FIELDS & set(vals)
            and not self.env.su
            and not self.env.user.has_group("point_of_sale.group_pos_manager")
        ):
            raise AccessError(
                _("Only a Point of Sale manager can change a till's loyalty settings.")
            )
        return super().write(vals)

    def _flexi_loyalty_programs(self, day=None):
        """The programs of this till running on ``day`` (today by default)."""
        self.ensure_one()
        day = day or fields.Date.context_today(self)
        # sudo: cashiers read programs through the till, programs are config.
        running = (
            self.env["flexi.loyalty.program"]
            .sudo()
            ._flexi_active_programs(self.company_id, day)
        )
        return self.flexi_loyalty_program_ids.sudo() & running

    def _flexi_loyalty_otp_needed(self, program):
        """A program that requires a code always wins over the till setting."""
        self.ensure_one()
        return bool(program.otp_required or self.flexi_loyalty_otp_required)

    def _flexi_loyalty_earning_data(self, program, items):
        """Lines for ``program._flexi_points_for_lines`` from the till's lines.

        ``items``: (product, quantity, (tax excluded, tax included), reward)
        for every line of the order but refund lines (those reverse the
        refunded order's history). Rule: points are earned on the net amount
        the customer pays for earning products: returned items count as
        negative amounts, rewards and discount lines as deductions; a tip is
        not a purchase.
        """
        self.ensure_one()
        rewards = self.env["pos.order"]._flexi_loyalty_reward_products()
        special = self._get_special_products()
        data = []
        for product, quantity, (excluded, included), reward in items:
            amount = program._flexi_amount(included, excluded)
            if product in special and amount >= 0:
                continue
            data.append(
                {
                    "product": product,
                    "quantity": quantity,
                    "amount": amount,
                    "deduction": bool(
                        reward or product in rewards or product in special
                    ),
                }
            )
        return data

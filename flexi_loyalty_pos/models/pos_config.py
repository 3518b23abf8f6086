from odoo import fields, models


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

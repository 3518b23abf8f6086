from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _fm_sms_opt_out(self, stop, number, text):
        """STOP withdraws the marketing SMS consent, START gives it back: the
        customer asked for it in writing, from their own number."""
        self.write({"fm_marketing_sms_consent": not stop})
        return super()._fm_sms_opt_out(stop, number, text)

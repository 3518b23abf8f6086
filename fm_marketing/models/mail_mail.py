from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        """Marketing traces follow their email: sent, or failed with the reason."""
        traces = (
            self.env["fm.marketing.trace"]
            .sudo()
            .search([("mail_mail_id_int", "in", self.ids), ("state", "=", "queued")])
        )
        if traces:
            if failure_type:
                traces._fm_set_failed(failure_reason or failure_type)
            else:
                traces._fm_set_sent()
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

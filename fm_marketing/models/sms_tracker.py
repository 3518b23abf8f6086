from odoo import fields, models


class SmsTracker(models.Model):
    """Gateway feedback (sent, delivered, failed) reaches the marketing trace.

    sms.sms records are deleted once sent; the tracker outlives them, keyed
    by the SMS uuid.
    """

    _inherit = "sms.tracker"

    fm_marketing_trace_id = fields.Many2one(
        "fm.marketing.trace", ondelete="cascade", index="btree_not_null"
    )

    def _action_update_from_provider_error(self, provider_error):
        res = super()._action_update_from_provider_error(provider_error)
        _status, failure_type, failure_reason = res
        self.fm_marketing_trace_id._fm_set_failed(failure_reason or failure_type)
        return res

    def _action_update_from_sms_state(
        self, sms_state, failure_type=False, failure_reason=False
    ):
        res = super()._action_update_from_sms_state(
            sms_state, failure_type=failure_type, failure_reason=failure_reason
        )
        traces = self.fm_marketing_trace_id
        if traces:
            if sms_state in ("pending", "sent"):
                traces._fm_set_sent()
            elif sms_state in ("error", "canceled"):
                traces._fm_set_failed(failure_reason or failure_type or sms_state)
        return res

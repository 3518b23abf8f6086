from odoo import fields, models

# Twilio's or a generic provider's delivery status -> what Odoo records.
DELIVERED, ACCEPTED = "delivered", ("accepted", "queued", "sending", "sent")
FAILED = ("undelivered", "failed", "rejected", "expired")


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    fm_provider_message_id = fields.Char(copy=False, index="btree_not_null")
    fm_segments = fields.Integer(copy=False)
    # In the sending company's currency, at the price of the day it was sent
    # (a later change of price rewrites nothing).
    fm_cost = fields.Float("SMS Cost", copy=False)

    def _fm_apply_delivery_report(self, status, delivery_error=False):
        """A provider's report on messages it took: ``delivered`` or a failure
        named as Odoo names delivery errors (``not_delivered``, ``rejected``,
        ``invalid_destination``...)."""
        if status == DELIVERED:
            self._action_update_from_sms_state("sent")
        elif status in ACCEPTED:
            self._action_update_from_sms_state("pending")
        elif status in FAILED:
            self._action_update_from_provider_error(delivery_error or "not_delivered")

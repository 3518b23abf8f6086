import logging
import re

from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.segments import count_sms

_logger = logging.getLogger(__name__)
PLAUSIBLE_NUMBER = re.compile(r"^\+?[0-9]{6,15}$")
# Kind of refusal (tools/providers.py) -> Odoo's failure type of an SMS.
FAILURE_TYPES = {
    "number": "sms_number_format",
    "credit": "sms_credit",
    "account": "sms_acc",
    "country": "sms_country_not_supported",
    "other": "unknown",
}


class SmsSms(models.Model):
    """The provider boundary: a batch of the queue goes to the company's
    provider when it is not Odoo IAP. Everything around it (states, failure
    types, trackers, the cron, the senders) is Odoo's."""

    _inherit = "sms.sms"

    fm_provider_message_id = fields.Char(
        "Provider Message ID", copy=False, readonly=True, index="btree_not_null"
    )
    fm_attempts = fields.Integer("Sending Attempts", copy=False, readonly=True)
    fm_failure_reason = fields.Char("Provider Reason", copy=False, readonly=True)
    fm_segments = fields.Integer("Segments", copy=False, readonly=True)

    def _fm_sms_company(self):
        """Company whose provider sends this batch (a hook for multi-company
        setups that route by sender)."""
        return self.env.company

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        company = self._fm_sms_company()
        if company.fm_sms_provider == "iap":
            outgoing = self.filtered(lambda sms: sms.state == "outgoing")
            res = super()._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
            # Odoo's service charges by segment too: campaigns count what
            # left through it as through the other providers.
            outgoing.exists().filtered(
                lambda sms: sms.state in ("pending", "sent")
            )._fm_count_sent(company.fm_sms_segment_price)
            return res
        try:
            client = company._fm_sms_client()
        except ValidationError:
            if raise_exception:
                raise
            # Settings changed behind the form's back: the queue keeps the
            # SMS until the provider is fixed.
            _logger.warning("SMS provider of %s is not configured.", company.name)
            return
        timeout = self._fm_timeout()
        flags = {"unlink_failed": unlink_failed, "unlink_sent": unlink_sent}
        price = company.fm_sms_segment_price
        batch = self._fm_lock_outgoing().with_context(sms_skip_msg_notification=True)
        for sms in batch:
            if sms.fm_provider_message_id:
                # Accepted by a previous run that did not record it as sent.
                sms._fm_mark_sent(sms.fm_provider_message_id, price, **flags)
                continue
            if not PLAUSIBLE_NUMBER.match(re.sub(r"[\s.()-]", "", sms.number or "")):
                sms._fm_mark_failed("sms_number_format", "", **flags)
                continue
            result = client.send(
                sms.number, sms.body or "", uuid=sms.uuid, timeout=timeout
            )
            _logger.info(
                "SMS %s through %s: %s", sms.id, company.fm_sms_provider, result.status
            )
            if result.status == "sent":
                sms._fm_mark_sent(result.message_id, price, **flags)
            elif result.status == "rejected":
                sms._fm_mark_failed(FAILURE_TYPES[result.kind], result.reason, **flags)
            else:
                sms._fm_retry_later(result.reason, company.fm_sms_max_attempts, **flags)
                # The provider is down or slow: the rest waits for the next run.
                break
        batch.mail_message_id._notify_message_notification_update()

    def _fm_timeout(self):
        """Timeout of a request in seconds: a slow provider must not hold the
        queue; what times out is tried again on the next run."""
        param = self.env["ir.config_parameter"].sudo().get_param
        try:
            return float(param("fm_sms_gateway.timeout") or 10)
        except ValueError:
            return 10.0

    def _fm_lock_outgoing(self):
        """The SMS of the batch still to send, locked: a run of the queue in
        another transaction skips them instead of sending them twice."""
        if not self.ids:
            return self.browse()
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sms_sms WHERE id IN %s AND state = 'outgoing' "
                "AND to_delete IS NOT TRUE ORDER BY id FOR UPDATE SKIP LOCKED",
                tuple(self.ids),
            )
        )
        locked = self.browse([row[0] for row in self.env.cr.fetchall()])
        locked.invalidate_recordset(["state", "to_delete", "fm_provider_message_id"])
        return locked.sudo()

    def _fm_count_sent(self, segment_price):
        """Keep the segments and cost of these sent SMS, on them and their
        trackers, at the price of the day."""
        for sms in self:
            segments = count_sms(sms.body or "").segments
            sms.fm_segments = segments
            sms.sms_tracker_id.write(
                {"fm_segments": segments, "fm_cost": segments * segment_price}
            )

    def _fm_mark_sent(
        self, message_id, segment_price=0.0, unlink_failed=False, unlink_sent=True
    ):
        """Taken by the provider; its cost is kept at the price of the day,
        so a later change of price does not rewrite what was spent."""
        self.ensure_one()
        segments = count_sms(self.body or "").segments
        self.sms_tracker_id.write(
            {
                "fm_provider_message_id": message_id,
                "fm_segments": segments,
                "fm_cost": segments * segment_price,
            }
        )
        self.sms_tracker_id._action_update_from_sms_state("pending")
        self.write(
            {
                "state": "pending",
                "failure_type": False,
                "fm_failure_reason": False,
                "fm_provider_message_id": message_id,
                "fm_segments": segments,
                "fm_attempts": self.fm_attempts + 1,
                "to_delete": unlink_sent,
            }
        )

    def _fm_mark_failed(self, failure_type, reason, unlink_failed=False, **_flags):
        self.ensure_one()
        self.sms_tracker_id._action_update_from_sms_state(
            "error", failure_type=failure_type, failure_reason=reason or False
        )
        self.write(
            {
                "state": "error",
                "failure_type": failure_type,
                "fm_failure_reason": reason,
                "fm_attempts": self.fm_attempts + 1,
                "to_delete": unlink_failed,
            }
        )

    def _fm_retry_later(self, reason, max_attempts, **flags):
        """Left in the queue for the next run, until the attempts run out."""
        self.ensure_one()
        if self.fm_attempts + 1 >= max_attempts:
            return self._fm_mark_failed("sms_server", reason, **flags)
        self.write({"fm_attempts": self.fm_attempts + 1, "fm_failure_reason": reason})

    def _fm_apply_delivery_report(self, status, delivery_error=False):
        """A provider's report on these SMS (see sms.tracker)."""
        if status == "delivered":
            self.write({"state": "sent", "failure_type": False})
        elif status in ("undelivered", "failed", "rejected", "expired"):
            self.write(
                {
                    "state": "error",
                    "failure_type": "unknown",
                    "fm_failure_reason": delivery_error,
                }
            )

from contextlib import contextmanager

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import TWILIO_SID, TWILIO_TOKEN, ProviderStandIn

NUMBERS = ["+213550000001", "+213550000002", "+213550000003"]
TWILIO_FIELDS = [
    "fm_sms_provider",
    "fm_sms_twilio_account_sid",
    "fm_sms_twilio_auth_token",
    "fm_sms_twilio_number",
    "fm_sms_twilio_base_url",
]


@tagged("post_install", "-at_install")
class TestQueueInTwoTransactions(TransactionCase):
    """Two runs of the SMS queue in two real transactions (two cron workers,
    or the cron and a "send now"). The data they share is committed by the
    test, which removes it at the end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sms_provider = ProviderStandIn.serve_for(cls)

    def _env(self, cr):
        # Never wait forever on a row the other transaction holds.
        cr.execute("SET lock_timeout = '10s'")
        return api.Environment(cr, SUPERUSER_ID, {})

    @contextmanager
    def _transactions(self, count):
        cursors = [self.registry.cursor() for _i in range(count)]
        try:
            yield [self._env(cr) for cr in cursors]
        finally:
            for cr in cursors:
                cr.close()

    def setUp(self):
        super().setUp()
        self.sms_provider.requests.clear()
        with self._transactions(1) as [env]:
            company = env.company
            previous = company.sudo().read(TWILIO_FIELDS)[0]
            company.write(
                {
                    "fm_sms_provider": "twilio",
                    "fm_sms_twilio_account_sid": TWILIO_SID,
                    "fm_sms_twilio_auth_token": TWILIO_TOKEN,
                    "fm_sms_twilio_number": "+15005550006",
                    "fm_sms_twilio_base_url": self.sms_provider.url,
                }
            )
            sms = env["sms.sms"].create(
                [{"number": number, "body": "Votre code : 4242"} for number in NUMBERS]
            )
            self.sms_ids = sms.ids
            env.cr.commit()
        self.addCleanup(self._clean_up, company.id, previous)

    def _clean_up(self, company_id, previous):
        with self._transactions(1) as [env]:
            env["sms.sms"].browse(self.sms_ids).exists().unlink()
            previous.pop("id")
            env["res.company"].browse(company_id).write(previous)
            env.cr.commit()

    def assert_each_sent_once(self):
        numbers = sorted(r["body"]["To"] for r in self.sms_provider.requests)
        self.assertEqual(numbers, NUMBERS)
        with self._transactions(1) as [env]:
            sms = env["sms.sms"].browse(self.sms_ids)
            self.assertEqual(set(sms.mapped("state")), {"pending"})
            self.assertEqual(len(set(sms.mapped("fm_provider_message_id"))), 3)

    def test_queue_run_while_another_is_sending_skips_its_messages(self):
        with self._transactions(2) as [env1, env2]:
            env1["sms.sms"]._process_queue(self.sms_ids)
            self.assertEqual(len(self.sms_provider.requests), 3)
            # The first run has not committed yet: its SMS are still
            # "outgoing" for the second, which must leave them alone.
            env2["sms.sms"]._process_queue(self.sms_ids)
            self.assertEqual(len(self.sms_provider.requests), 3)
            env2.cr.rollback()
            env1.cr.commit()
            env2["sms.sms"]._process_queue(self.sms_ids)
            env2.cr.commit()
        self.assert_each_sent_once()

    def test_queue_run_that_read_the_queue_before_the_other_committed(self):
        with self._transactions(2) as [env1, env2]:
            # The second run has seen the SMS outgoing...
            self.assertEqual(
                len(env2["sms.sms"].search([("id", "in", self.sms_ids)])), 3
            )
            env1["sms.sms"]._process_queue(self.sms_ids)
            env1.cr.commit()
            # ...and comes to send them once the first has: refused, the
            # queue is tried again on the next run.
            with mute_logger("odoo.sql_db", "odoo.addons.sms.models.sms_sms"):
                env2["sms.sms"]._process_queue(self.sms_ids)
            env2.cr.rollback()
            env2["sms.sms"]._process_queue(self.sms_ids)
            env2.cr.commit()
        self.assert_each_sent_once()

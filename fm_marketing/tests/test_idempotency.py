from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import NOW, FmMarketingCommon


@tagged("post_install", "-at_install")
class TestIdempotency(FmMarketingCommon):
    def test_cron_running_twice_sends_once(self):
        with freeze_time(NOW):
            campaign = self._campaign(schedule_type="once", scheduled_at=NOW)
        with self.mockSMSGateway():
            self._run(campaign)
            self._run(campaign)
        self.assertEqual(len(self._new_sms), 2)
        self.assertEqual(len(campaign.trace_ids), 2)
        self.assertFalse(campaign._fm_is_due(NOW))

    def test_crash_mid_run_then_rerun_reaches_everyone_once(self):
        customers = [
            self._customer(f"Client {i}", f"0550 10 20 {i:02d}") for i in range(5)
        ]
        campaign = self._campaign(
            segment="domain",
            partner_domain="[('name', 'like', 'Client ')]",
            offer=True,
            body="Code {code}",
        )
        Trace = type(self.env["fm.marketing.trace"])
        original = Trace._fm_queue_messages
        calls = []

        def crash_on_second_batch(traces):
            calls.append(traces)
            if len(calls) == 2:
                raise RuntimeError("gateway down")
            return original(traces)

        with self.mockSMSGateway(), patch.object(type(campaign), "_fm_batch_size", 2):
            # Not assertRaises: Odoo's rolls back everything done inside it.
            try:
                with patch.object(Trace, "_fm_queue_messages", crash_on_second_batch):
                    self._run(campaign)
            except RuntimeError:
                pass
            else:
                self.fail("the run should have crashed")
            # The first batch stays (committed in production), the second is undone.
            self.assertEqual(len(campaign.trace_ids), 2)
            self.assertEqual(len(self._new_sms), 2)
            self._run(campaign)
        self.assertEqual(
            campaign.trace_ids.partner_id, self.env["res.partner"].concat(*customers)
        )
        self.assertEqual(len(self._new_sms), 5)
        self.assertEqual(len(set(self._new_sms.mapped("partner_id"))), 5)
        vouchers = campaign.trace_ids.voucher_id
        self.assertEqual(len(vouchers), 5, "no voucher left from the crashed batch")
        self.assertEqual(
            self.env["flexi.loyalty.voucher"].search_count(
                [("partner_id", "in", vouchers.partner_id.ids)]
            ),
            5,
        )

    def test_database_refuses_a_second_trace_for_the_same_run(self):
        campaign = self._campaign()
        self._run(campaign)
        trace = campaign.trace_ids[0]
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                trace.copy()

"""Random sequences of runs, orders and changes: the credit stored on each
order always equals the rule computed from scratch."""

from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged
from odoo.tools import SQL

from ..models.fm_marketing_trace import ATTRIBUTED_STATES
from .common import NOW, FmMarketingCommon

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("run"), st.integers(0, 1), st.integers(1, 60)),  # hours on
        st.tuples(st.just("release"), st.integers(0, 0), st.integers(0, 12)),
        st.tuples(st.just("order"), st.integers(0, 2), st.integers(-72, 200)),
        st.tuples(st.just("cancel"), st.integers(0, 9), st.integers(0, 0)),
        st.tuples(st.just("redate"), st.integers(0, 9), st.integers(-150, 150)),
        st.tuples(st.just("fail"), st.integers(0, 20), st.integers(0, 0)),
        st.tuples(st.just("window"), st.integers(0, 1), st.integers(0, 6)),
    ),
    min_size=1,
    max_size=10,
)


def reference_conversions(campaign):
    """{trace id: revenue} from scratch, order by order: the code's message,
    else the customer's last message within the window (sale orders)."""
    env = campaign.env
    env.flush_all()
    days = campaign._fm_attribution_days()
    moment = SQL("COALESCE(t.send_date, t.run_date, t.create_date)")
    env.cr.execute(
        SQL(
            """
        SELECT credited.trace_id, SUM(so.amount_untaxed)
          FROM sale_order so,
               LATERAL (
                   SELECT COALESCE(
                       (SELECT MAX(ct.id)
                          FROM flexi_loyalty_voucher v
                          JOIN fm_marketing_trace ct ON ct.voucher_id = v.id
                         WHERE v.order_id = so.id AND v.state = 'used'),
                       (SELECT t.id
                          FROM fm_marketing_trace t
                         WHERE t.partner_id = so.partner_id
                           AND t.state IN %(states)s
                           AND %(moment)s <= so.date_order
                           AND %(moment)s > so.date_order - CASE t.channel
                               WHEN 'sms' THEN %(sms)s ELSE %(email)s
                               END * INTERVAL '1 day'
                         ORDER BY %(moment)s DESC, t.id DESC
                         LIMIT 1)) AS trace_id
               ) credited
          JOIN fm_marketing_trace mine ON mine.id = credited.trace_id
         WHERE so.state = 'sale' AND mine.campaign_id = %(campaign)s
         GROUP BY credited.trace_id
        """,
            states=ATTRIBUTED_STATES,
            moment=moment,
            sms=days["sms"],
            email=days["email"],
            campaign=campaign.id,
        )
    )
    return dict(env.cr.fetchall())


@tagged("post_install", "-at_install")
class TestAttributionProperty(FmMarketingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("fm_marketing.sms_cap_days", "0")
        cls.nadia = cls._customer("Nadia Saadi", "0770 11 22 33")
        cls.customers = cls.amina | cls.karim | cls.nadia
        cls.campaigns = [
            cls._campaign(name="Midi", holdout_percent=34),
            cls._campaign(name="Soir"),
        ]

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(OPERATIONS)
    # An order dated after a run still to come; a message that failed; a
    # window closed, then opened again.
    @example([("order", 0, 100), ("run", 0, 50)])
    @example([("run", 1, 1), ("order", 1, 2), ("fail", 0, 0)])
    @example([("run", 1, 1), ("order", 2, 30), ("window", 0, 0), ("window", 0, 3)])
    def test_stored_credit_is_the_rule(self, operations):
        with self.env.cr.savepoint(flush=False) as savepoint:
            self._play(operations)
            savepoint.rollback()
        self.env.invalidate_all()

    def _play(self, operations):
        now, orders = NOW, []
        Trace = self.env["fm.marketing.trace"]
        for op, index, value in operations:
            if op == "run":
                now += timedelta(hours=value)
                with self.mockSMSGateway():
                    self.campaigns[index]._fm_run(now)
            elif op == "release":
                now += timedelta(hours=value)
                with self.mockSMSGateway():
                    Trace._fm_release_scheduled(now)
            elif op == "order":
                orders.append(
                    self._confirmed_order(
                        self.customers[index], now + timedelta(hours=value)
                    )
                )
            elif op == "cancel" and orders:
                orders[index % len(orders)]._action_cancel()
            elif op == "redate" and orders:
                order = orders[index % len(orders)]
                order.date_order += timedelta(hours=value)
            elif op == "fail":
                sent = Trace.search([("state", "in", ("queued", "sent"))], order="id")
                if sent:
                    sent[index % len(sent)]._fm_set_failed("Numéro injoignable")
            elif op == "window":
                field = ("sms", "email")[index]
                self.env["res.config.settings"].create(
                    {f"fm_marketing_{field}_attribution_days": value}
                ).execute()
            for campaign in self.campaigns:
                self.assertEqual(
                    campaign._fm_conversions(),
                    reference_conversions(campaign),
                    f"after {op} {index} {value}",
                )

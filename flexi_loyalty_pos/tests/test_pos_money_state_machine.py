"""The money state machine of flexi_loyalty, with a till that syncs paid
orders for the members, and syncs them again when it got no answer."""

from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from odoo.tests import tagged

from odoo.addons.flexi_loyalty.tests.test_money_state_machine import (
    MONEY_SETTINGS,
    MoneyMachine,
    MoneyWorld,
)

from .common import FlexiLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosMoneyStateMachine(FlexiLoyaltyPosCommon, MoneyWorld):
    money_till = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._money_world()
        cls.money_drink.available_in_pos = True
        cls.main_pos_config.with_user(cls.pos_user).open_ui()
        cls.money_session = cls.main_pos_config.current_session_id

    def _money_till_sync(self, partner, quantity, uuid):
        vals = self._ui_order(
            self.money_session,
            [self._line(self.money_drink, quantity)],
            partner=partner,
            uuid=uuid,
        )
        return self._sync(vals, user=self.pos_user)

    def test_money_paths_with_a_till_keep_the_books_right(self):
        machine = type("PosMoneyMachine", (MoneyMachine,), {"case": self})
        # The sale steps are the flexi_loyalty machine's: fewer examples here.
        run_state_machine_as_test(
            machine, settings=settings(MONEY_SETTINGS, max_examples=10)
        )

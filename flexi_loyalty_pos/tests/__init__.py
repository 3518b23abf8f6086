from importlib.util import find_spec

from . import (
    test_pos_journey,
    test_pos_member_search,
    test_pos_points_credit,
    test_pos_points_hold,
    test_pos_redemption,
    test_pos_referral,
    test_pos_sync,
    test_pos_tier_discount,
    test_pos_tour,
)

# The state machine needs hypothesis (requirements-dev.txt).
if find_spec("hypothesis"):
    from . import test_pos_money_state_machine

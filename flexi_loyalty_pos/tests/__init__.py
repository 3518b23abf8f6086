from . import (
    test_pos_journey,
    test_pos_member_search,
    test_pos_money_state_machine,
    test_pos_points_hold,
    test_pos_redemption,
    test_pos_sync,
    test_pos_tier_discount,
    test_pos_tour,
)

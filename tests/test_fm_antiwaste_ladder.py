from datetime import datetime

from fm_antiwaste_tools.ladder import (
    days_left,
    markdown_steps,
    next_local_midnight,
    overlapping_rules,
    select_rule,
)

ALGIERS = "Africa/Algiers"  # UTC+1, no daylight saving
RULES = [
    {"id": 1, "days_left": 0, "discount": 30.0, "categ_id": None},
    {"id": 2, "days_left": 1, "discount": 15.0, "categ_id": None},
]


def test_lot_expiring_later_today_is_today():
    now = datetime(2025, 5, 10, 8, 0)  # 09:00 in Algiers
    assert days_left(datetime(2025, 5, 10, 21, 0), now, ALGIERS) == 0


def test_lot_expiring_just_after_local_midnight_is_tomorrow():
    now = datetime(2025, 5, 10, 8, 0)
    # 23:30 UTC on the 10th is 00:30 on the 11th in Algiers.
    assert days_left(datetime(2025, 5, 10, 23, 30), now, ALGIERS) == 1
    # ... while in UTC it is still today.
    assert days_left(datetime(2025, 5, 10, 23, 30), now, "UTC") == 0


def test_late_evening_utc_is_already_tomorrow_in_algiers():
    now = datetime(2025, 5, 10, 23, 10)  # 00:10 on the 11th in Algiers
    assert days_left(datetime(2025, 5, 11, 20, 0), now, ALGIERS) == 0


def test_expired_lot_has_no_days_left():
    now = datetime(2025, 5, 10, 8, 0)
    assert days_left(datetime(2025, 5, 10, 7, 59), now, ALGIERS) is None
    assert days_left(now, now, ALGIERS) is None


def test_ladder_today_tomorrow_and_three_days():
    assert select_rule(RULES, 0)["discount"] == 30.0
    assert select_rule(RULES, 1)["discount"] == 15.0
    assert select_rule(RULES, 3) is None
    assert select_rule(RULES, None) is None


def test_wider_rule_covers_the_days_in_between():
    rules = [*RULES, {"days_left": 3, "discount": 10.0, "categ_id": None}]
    assert select_rule(rules, 2)["discount"] == 10.0
    assert select_rule(rules, 3)["discount"] == 10.0
    assert select_rule(rules, 4) is None


def test_category_rules_replace_generic_ones():
    rules = [*RULES, {"days_left": 0, "discount": 50.0, "categ_id": 7}]
    assert select_rule(rules, 0, (7, 1))["discount"] == 50.0
    # the bakery ladder has no "tomorrow" step: no markdown tomorrow
    assert select_rule(rules, 1, (7, 1)) is None
    # a child category inherits its parent's ladder
    assert select_rule(rules, 0, (9, 7, 1))["discount"] == 50.0
    assert select_rule(rules, 1, (3, 1))["discount"] == 15.0


def test_overlapping_rules_are_reported():
    rules = [*RULES, {"days_left": 1, "discount": 20.0, "categ_id": None}]
    assert len(overlapping_rules(rules)) == 1
    assert overlapping_rules(RULES) == []
    other_categ = [*RULES, {"days_left": 1, "discount": 20.0, "categ_id": 4}]
    assert overlapping_rules(other_categ) == []


def test_next_local_midnight_in_utc():
    assert next_local_midnight(datetime(2025, 5, 10, 8, 0), ALGIERS) == datetime(
        2025, 5, 10, 23, 0
    )
    assert next_local_midnight(datetime(2025, 5, 10, 23, 30), ALGIERS) == datetime(
        2025, 5, 11, 23, 0
    )


def test_every_lot_of_the_ladder_gets_its_own_step():
    now = datetime(2025, 5, 10, 8, 0)  # 09:00 in Algiers
    today, tomorrow = datetime(2025, 5, 10, 20, 0), datetime(2025, 5, 11, 12, 0)
    later = datetime(2025, 5, 13, 12, 0)
    stock = [(7, 71, today, 4.0), (7, 72, tomorrow, 10.0), (7, 73, later, 6.0)]
    steps = markdown_steps(stock, RULES, {}, now, ALGIERS)
    assert set(steps) == {(7, 30.0), (7, 15.0)}, "the lot 3 days out is not on it"
    assert steps[(7, 30.0)]["lot_ids"] == [71]
    assert steps[(7, 30.0)]["quantity"] == 4.0
    assert steps[(7, 15.0)]["lot_ids"] == [72]
    assert steps[(7, 15.0)]["quantity"] == 10.0
    assert steps[(7, 15.0)]["rule_id"] == 2
    # Both prices end at the next midnight in Algiers; today's at its lot's expiry.
    assert steps[(7, 15.0)]["date_to"] == datetime(2025, 5, 10, 23, 0)
    assert steps[(7, 30.0)]["date_to"] == today


def test_lots_on_the_same_step_share_one_markdown():
    now = datetime(2025, 5, 10, 8, 0)
    stock = [
        (7, 71, datetime(2025, 5, 10, 20, 0), 4.0),
        (7, 74, datetime(2025, 5, 10, 18, 0), 1.0),
        (8, 81, datetime(2025, 5, 10, 20, 0), 2.0),
    ]
    steps = markdown_steps(stock, RULES, {}, now, ALGIERS)
    assert set(steps) == {(7, 30.0), (8, 30.0)}
    assert steps[(7, 30.0)]["lot_ids"] == [71, 74]
    assert steps[(7, 30.0)]["quantity"] == 5.0
    assert steps[(7, 30.0)]["expiration_date"] == datetime(2025, 5, 10, 18, 0)

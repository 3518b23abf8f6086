"""Points expiry: first-expiring points are spent or expired first."""

from datetime import date

from flexi_loyalty_tools.fifo import (
    can_redeem,
    earliest_expiry_consumed,
    expired_due,
    expiring_between,
    net_lots,
    remaining_lots,
    spendable,
)

JAN = date(2025, 1, 31)
MAR = date(2025, 3, 31)
JUN = date(2025, 6, 30)


def test_net_lots_groups_sorts_and_drops_zero():
    lines = [(JUN, 30), (None, 5), (JAN, 10), (MAR, 20), (JAN, 4), (MAR, -20)]
    assert net_lots(lines) == [(JAN, 14), (JUN, 30), (None, 5)]


def test_net_lots_empty():
    assert net_lots([]) == []


def test_points_valid_until_day_expire_the_day_after():
    lines = [(JAN, 10)]
    assert expired_due(lines, 0, JAN) == 0
    assert expired_due(lines, 0, date(2025, 2, 1)) == 10


def test_expired_due_deducts_points_already_spent():
    lines = [(JAN, 10), (MAR, 20)]
    # 6 points redeemed in January came out of the January lot.
    assert expired_due(lines, 6, date(2025, 2, 1)) == 4
    # Spending more than the January lot leaves nothing to expire there.
    assert expired_due(lines, 15, date(2025, 2, 1)) == 0
    # By April the rest of both lots is due.
    assert expired_due(lines, 15, date(2025, 4, 1)) == 15


def test_previous_expirations_count_as_debits():
    lines = [(JAN, 10), (MAR, 20)]
    first = expired_due(lines, 0, date(2025, 2, 1))
    assert first == 10
    # Once posted, the same points are not expired twice.
    assert expired_due(lines, first, date(2025, 2, 2)) == 0


def test_never_expiring_points_never_expire():
    assert expired_due([(None, 50)], 0, date(2099, 1, 1)) == 0


def test_reversal_reduces_what_can_expire():
    lines = [(JAN, 10), (JAN, -4)]
    assert expired_due(lines, 0, date(2025, 2, 1)) == 6


def test_remaining_lots_fifo():
    lines = [(None, 5), (MAR, 20), (JAN, 10)]
    assert remaining_lots(lines, 0) == [(JAN, 10), (MAR, 20), (None, 5)]
    assert remaining_lots(lines, 12) == [(MAR, 18), (None, 5)]
    assert remaining_lots(lines, 30) == [(None, 5)]
    assert remaining_lots(lines, 40) == []


def test_remaining_lots_after_over_reversal_charges_next_lot():
    # 10 January points were redeemed, then the order was half refunded:
    # the 5 points taken back come out of the March lot.
    lines = [(JAN, 10), (MAR, 20), (JAN, -5)]
    assert remaining_lots(lines, 10) == [(MAR, 15)]


def test_later_earning_expiring_sooner_is_consumed_first():
    # Debits are assigned to the earliest-expiring points even when those
    # were earned after the redemption: the member keeps the longest dates.
    lines = [(JUN, 10), (JAN, 10)]
    assert remaining_lots(lines, 10) == [(JUN, 10)]
    assert expired_due(lines, 10, date(2025, 2, 1)) == 0


def test_expiring_between_inclusive_and_skips_consumed():
    lines = [(JAN, 10), (MAR, 20), (JUN, 30), (None, 40)]
    assert expiring_between(lines, 0, JAN, MAR) == [(JAN, 10), (MAR, 20)]
    assert expiring_between(lines, 10, JAN, MAR) == [(MAR, 20)]
    assert expiring_between(lines, 15, date(2025, 2, 1), JUN) == [
        (MAR, 15),
        (JUN, 30),
    ]
    assert expiring_between(lines, 0, date(2025, 7, 1), date(2099, 1, 1)) == []


def test_earliest_expiry_consumed():
    lines = [(JAN, 10), (MAR, 20), (None, 5)]
    assert earliest_expiry_consumed(lines, 0, 4) == JAN
    assert earliest_expiry_consumed(lines, 9, 4) == JAN
    assert earliest_expiry_consumed(lines, 10, 4) == MAR
    assert earliest_expiry_consumed(lines, 30, 4) is None
    assert earliest_expiry_consumed(lines, 0, 0) is None
    assert earliest_expiry_consumed([], 0, 4) is None


def test_spendable_excludes_due_expirations_and_pending():
    lines = [(JAN, 10), (MAR, 20)]
    balance = 30
    assert spendable(balance, 0, lines, 0, JAN) == 30
    # Cron has not yet posted the January expiry: those points are not spendable.
    assert spendable(balance, 0, lines, 0, date(2025, 2, 1)) == 20
    assert spendable(balance, 8, lines, 0, date(2025, 2, 1)) == 12


def test_spendable_can_be_negative():
    lines = [(JAN, 10), (JAN, -10)]
    # 10 points spent, then the order was refunded: the member owes 10.
    assert spendable(-10, 0, lines, 10, JAN) == -10
    assert not can_redeem(-10, 1)


def test_can_redeem():
    assert can_redeem(50, 50)
    assert can_redeem(51, 50)
    assert not can_redeem(49, 50)
    assert not can_redeem(50, 0)
    assert not can_redeem(50, -5)


def test_upcoming_expiries_count_due_points_as_posted():
    from flexi_loyalty_tools.fifo import upcoming_expiries

    lines = [(JAN, 10), (MAR, 20), (None, 5)]
    # 10 due in January are not posted yet: they eat the debit of 4 first.
    assert upcoming_expiries(lines, 4, date(2025, 2, 1)) == [(MAR, 20)]
    assert upcoming_expiries(lines, 12, date(2025, 2, 1)) == [(MAR, 18)]
    assert upcoming_expiries(lines, 0, JAN) == [(JAN, 10), (MAR, 20)]
    assert upcoming_expiries(lines, 0, JAN, end=JAN) == [(JAN, 10)]

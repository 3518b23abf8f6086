from importlib.util import find_spec

from . import (
    test_access_surface,
    test_attacks,
    test_concurrency,
    test_expiry,
    test_guarded_copy,
    test_ledger,
    test_notifications,
    test_otp,
    test_points_credit,
    test_portal,
    test_recompute,
    test_redeem,
    test_referral,
    test_referral_portal,
    test_reports,
    test_salesperson_journey,
    test_subscription,
    test_tiers,
    test_voucher,
)

# The property tests need hypothesis (requirements-dev.txt); without it they
# are left out rather than failing at import.
if find_spec("hypothesis"):
    from . import test_ledger_property, test_money_state_machine

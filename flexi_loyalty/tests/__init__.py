from . import (
    test_concurrency,
    test_expiry,
    test_ledger,
    test_ledger_property,
    test_notifications,
    test_otp,
    test_portal,
    test_redeem,
    test_reports,
    test_subscription,
    test_tiers,
    test_voucher,
)

from . import (
    test_expiry,
    test_ledger,
    test_notifications,
    test_subscription,
    test_tiers,
)

from . import (
    test_concurrency,
    test_ledger,
    test_otp,
    test_redeem,
    test_subscription,
    test_voucher,
)

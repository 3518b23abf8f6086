from . import test_ledger, test_subscription

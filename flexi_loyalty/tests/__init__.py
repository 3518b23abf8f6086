from . import test_ledger, test_ledger_property, test_subscription

from . import test_ledger, test_portal, test_reports, test_subscription

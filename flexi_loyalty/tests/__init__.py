from . import test_expiry
from . import test_ledger
from . import test_ledger_property
from . import test_notifications
from . import test_subscription
from . import test_tiers

from . import test_slot_booking
from . import test_concurrency
from . import test_handover
from . import test_website

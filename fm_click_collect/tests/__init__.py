from . import (
    test_address,
    test_backoffice,
    test_concurrency,
    test_handover,
    test_slot_booking,
    test_slot_hold,
    test_website,
)

from . import (
    test_address,
    test_backoffice,
    test_concurrency,
    test_handover,
    test_kitchen_concurrency,
    test_preparation,
    test_slot_booking,
    test_slot_hold,
    test_website,
)

from . import (
    test_campaign_validation,
    test_idempotency,
    test_offer,
    test_segments,
    test_sending,
)

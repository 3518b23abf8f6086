from . import (
    test_activation,
    test_campaign_form,
    test_campaign_validation,
    test_held_messages,
    test_holdout,
    test_idempotency,
    test_manager_journey,
    test_offer,
    test_portal,
    test_segments,
    test_sending,
)

from importlib.util import find_spec

from . import (
    test_activation,
    test_attribution,
    test_campaign_form,
    test_campaign_validation,
    test_churn,
    test_frequency_cap,
    test_held_messages,
    test_holdout,
    test_idempotency,
    test_manager_journey,
    test_offer,
    test_personal_dormancy,
    test_portal,
    test_segments,
    test_sending,
)

# The property test needs hypothesis (requirements-dev.txt); without it it is
# left out rather than failing at import.
if find_spec("hypothesis"):
    from . import test_attribution_property

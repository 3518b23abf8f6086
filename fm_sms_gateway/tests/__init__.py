from . import (
    test_concurrency,
    test_sending,
    test_settings,
    test_template_cost,
    test_webhooks,
)

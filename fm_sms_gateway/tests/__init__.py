from . import test_sending, test_settings, test_webhooks

from . import test_campaign_sms

from . import fm_marketing_campaign

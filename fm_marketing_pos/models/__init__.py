from . import fm_marketing_campaign, pos_order

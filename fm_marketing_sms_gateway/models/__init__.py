from . import fm_marketing_campaign, fm_marketing_trace, res_partner

from . import (
    flexi_loyalty_subscription,
    flexi_loyalty_voucher,
    fm_marketing_attribution_mixin,
    fm_marketing_campaign,
    fm_marketing_trace,
    fm_marketing_uplift_report,
    mail_mail,
    res_config_settings,
    res_partner,
    sale_order,
    sms_tracker,
)

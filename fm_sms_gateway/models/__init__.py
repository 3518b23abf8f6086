from . import (
    res_company,
    res_config_settings,
    res_partner,
    sms_sms,
    sms_template,
    sms_tracker,
)

from . import (
    delivery_carrier,
    fm_click_collect_point,
    fm_click_collect_slot,
    res_config_settings,
    sale_order,
)

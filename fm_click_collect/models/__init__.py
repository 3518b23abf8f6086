from . import (
    delivery_carrier,
    fm_click_collect_point,
    fm_click_collect_slot,
    product_template,
    res_config_settings,
    sale_order,
    sale_order_line,
)

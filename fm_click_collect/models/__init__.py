from . import (
    delivery_carrier,
    fm_click_collect_point,
    fm_click_collect_slot,
    sale_order,
)

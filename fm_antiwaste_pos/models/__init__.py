from . import (
    fm_antiwaste_basket,
    fm_antiwaste_markdown,
    pos_order,
    pos_order_line,
    pos_session,
    product_pricelist_item,
    product_product,
)

from . import (
    flexi_loyalty_pos_redemption,
    flexi_loyalty_program,
    flexi_loyalty_reward,
    flexi_loyalty_subscription,
    pos_config,
    pos_order,
    pos_order_line,
    pos_session,
    product_product,
    res_config_settings,
    res_partner,
)

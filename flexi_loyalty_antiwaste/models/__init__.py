from . import (
    account_move,
    account_move_line,
    flexi_loyalty_program,
    res_partner,
    sale_order,
    sale_order_line,
)

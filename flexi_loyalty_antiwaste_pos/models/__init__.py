from . import pos_order, pos_order_line, res_partner

from . import (
    flexi_loyalty_adjust_wizard,
    flexi_loyalty_enrol_wizard,
    flexi_loyalty_redeem_wizard,
    flexi_loyalty_voucher_wizard,
)

from . import flexi_loyalty_report_sale

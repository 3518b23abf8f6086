from . import flexi_loyalty_enrol_wizard

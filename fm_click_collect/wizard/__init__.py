from . import fm_click_collect_collect_wizard

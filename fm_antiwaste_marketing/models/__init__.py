from . import fm_antiwaste_basket

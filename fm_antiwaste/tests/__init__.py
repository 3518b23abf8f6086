from . import test_baskets, test_expiry_report, test_markdowns, test_website

from . import test_baskets, test_markdowns, test_website

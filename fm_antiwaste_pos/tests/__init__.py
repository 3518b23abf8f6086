from . import test_pos_baskets, test_pos_markdown_cap, test_pos_tour

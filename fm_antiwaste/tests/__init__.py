from . import (
    test_basket_concurrency,
    test_baskets,
    test_expiry_report,
    test_markdowns,
    test_website,
)

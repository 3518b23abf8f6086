from . import (
    test_basket_concurrency,
    test_baskets,
    test_expiry_report,
    test_markdown_concurrency,
    test_markdown_confirmation,
    test_markdowns,
    test_website,
    test_website_checkout,
)

from . import test_website_loyalty

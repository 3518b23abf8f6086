from . import test_website_loyalty, test_website_points_credit, test_website_referral

from . import test_basket_alerts

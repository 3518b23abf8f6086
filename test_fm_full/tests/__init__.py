from . import test_customer_journey, test_pickup_loyalty

from . import test_till_attribution

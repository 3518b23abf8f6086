from . import test_journeys

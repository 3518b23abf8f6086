from . import test_antiwaste_points, test_meals_saved

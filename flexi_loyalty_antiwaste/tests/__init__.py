from . import test_antiwaste_points

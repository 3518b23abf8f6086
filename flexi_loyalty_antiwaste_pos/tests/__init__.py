from . import test_pos_antiwaste_points, test_pos_tour

from . import fm_antiwaste_report

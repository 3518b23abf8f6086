from . import fm_antiwaste_expiry_report, fm_antiwaste_report

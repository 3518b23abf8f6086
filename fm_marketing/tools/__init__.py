"""Odoo-free rules of fm_marketing: segment date maths, quiet hours, templates,
hold-out statistics, churn risk and the next reward."""

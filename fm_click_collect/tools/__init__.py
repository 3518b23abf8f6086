"""Database-free rules of click & collect: slot generation and booking limits.

Nothing here imports Odoo, so the rules are tested with plain pytest.
"""

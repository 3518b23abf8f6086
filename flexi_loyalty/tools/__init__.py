"""Database-free business rules of the loyalty program.

Nothing here imports Odoo, so the rules can be tested with plain pytest.
Submodules are imported explicitly by their callers.
"""

"""Database-free rules of the anti-waste addon (no Odoo import)."""

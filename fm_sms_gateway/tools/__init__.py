"""Rules of the SMS gateway that need no database (no Odoo import here)."""

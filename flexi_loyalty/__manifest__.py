{
    "name": "Flexi Loyalty",
    "summary": "Loyalty programs without cards: members by phone or email, append-only points ledger, tiers, OTP-protected rewards",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["sale_management", "account", "portal", "sms", "phone_validation"],
    "data": ["security/flexi_loyalty_security.xml"],
    "development_status": "Alpha",
    "installable": True,
    "application": True,
}

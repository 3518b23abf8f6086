{
    "name": "Customer Win-back Marketing",
    "summary": "Automatic SMS and email campaigns: dormant customers, birthdays, first orders, unique codes",
    "version": "18.0.1.0.0",
    "category": "Marketing",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["flexi_loyalty", "sms", "phone_validation"],
    "data": ["security/fm_marketing_security.xml"],
    "development_status": "Alpha",
    "installable": True,
    "application": True,
}

{
    "name": "Click & Collect Slots",
    "summary": "Website ordering with pickup points, time slots, pay online or at pickup",
    "version": "18.0.1.0.0",
    "category": "Website/Website",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["website_sale_collect", "flexi_loyalty", "sms"],
    "data": [],
    "development_status": "Alpha",
    "installable": True,
    "application": False,
}

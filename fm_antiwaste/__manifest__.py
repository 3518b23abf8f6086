{
    "name": "Anti-Waste Markdowns",
    "summary": "Automatic markdowns for stock near its expiry date and end-of-day surprise baskets",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["product_expiry", "sale_stock", "website_sale", "fm_marketing"],
    "data": [],
    "development_status": "Alpha",
    "installable": True,
    "application": False,
}

{
    "name": "Flexi Loyalty - Point of Sale",
    "summary": "Flexi Loyalty at the till: find members by phone, server-side earning, OTP redemption",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["flexi_loyalty", "point_of_sale"],
    "data": [],
    "development_status": "Alpha",
    "installable": True,
    "application": False,
}

{
    "name": "Flexi Loyalty on the Website Shop",
    "summary": "Members see and spend their points in the website cart",
    "version": "18.0.1.0.0",
    "category": "Website/Website",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["flexi_loyalty", "website_sale"],
    "data": [
        "views/website_sale_templates.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "flexi_loyalty_website_sale/static/src/js/**/*",
        ],
        "web.assets_tests": [
            "flexi_loyalty_website_sale/static/tests/tours/**/*",
        ],
    },
    "development_status": "Alpha",
    "installable": True,
    "auto_install": True,
    "application": False,
}

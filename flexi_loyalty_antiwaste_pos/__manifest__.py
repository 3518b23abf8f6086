{
    "name": "Flexi Loyalty - Anti-Waste at the Till",
    "summary": "Marked-down products and surprise baskets earn more points at the "
    "till; the receipt shows the meals the customer saved",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["flexi_loyalty_antiwaste", "flexi_loyalty_pos", "fm_antiwaste_pos"],
    "assets": {
        "point_of_sale._assets_pos": [
            "flexi_loyalty_antiwaste_pos/static/src/**/*",
        ],
        "web.assets_tests": [
            "flexi_loyalty_antiwaste_pos/static/tests/tours/**/*",
        ],
    },
    "development_status": "Alpha",
    "installable": True,
    "auto_install": True,
    "application": False,
}

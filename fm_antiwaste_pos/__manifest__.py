{
    "name": "Anti-Waste Markdowns - Point of Sale",
    "summary": "Surprise baskets and quantity-capped anti-waste markdowns at the till",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["fm_antiwaste", "point_of_sale"],
    "data": [
        "views/fm_antiwaste_basket_views.xml",
        "views/pos_order_views.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "fm_antiwaste_pos/static/src/**/*",
        ],
        "web.assets_tests": [
            "fm_antiwaste_pos/static/tests/tours/**/*",
        ],
    },
    "development_status": "Alpha",
    "installable": True,
    "auto_install": True,
    "application": False,
}

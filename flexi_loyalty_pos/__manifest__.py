{
    "name": "Flexi Loyalty - Point of Sale",
    "summary": "Flexi Loyalty at the till: find members by phone, server-side earning, OTP redemption",
    "version": "18.0.1.1.0",
    "category": "Sales/Point of Sale",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["flexi_loyalty", "point_of_sale"],
    "data": [
        "security/ir.model.access.csv",
        "security/flexi_loyalty_pos_security.xml",
        "data/flexi_loyalty_pos_data.xml",
        "data/flexi_loyalty_pos_cron.xml",
        "views/flexi_loyalty_subscription_views.xml",
        "views/pos_order_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "flexi_loyalty_pos/static/src/**/*",
        ],
        "web.assets_tests": [
            "flexi_loyalty_pos/static/tests/tours/**/*",
        ],
    },
    "development_status": "Alpha",
    "installable": True,
    "application": False,
}

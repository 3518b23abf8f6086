{
    "name": "Fidelity Mart Suite Tests",
    "summary": "Tests of the journeys that cross addons: loyalty, anti-waste "
    "and click & collect together",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": [
        "flexi_loyalty",
        "flexi_loyalty_pos",
        "flexi_loyalty_website_sale",
        "fm_marketing",
        "fm_antiwaste",
        "fm_antiwaste_pos",
        "fm_click_collect",
    ],
    "assets": {
        "web.assets_tests": [
            "test_fm_full/static/tests/tours/**/*",
        ],
    },
    "development_status": "Alpha",
    "installable": True,
    "application": False,
}

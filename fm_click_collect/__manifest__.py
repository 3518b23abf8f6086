{
    "name": "Click & Collect Slots",
    "summary": "Website ordering with pickup points, time slots, pay online or at pickup",
    "version": "18.0.1.0.0",
    "category": "Website/Website",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["website_sale_collect", "flexi_loyalty", "sms"],
    "data": [
        "security/fm_click_collect_security.xml",
        "security/ir.model.access.csv",
        "data/fm_click_collect_cron.xml",
        "data/mail_template_data.xml",
        "data/sms_template_data.xml",
        "wizard/fm_click_collect_collect_wizard_views.xml",
        "views/fm_click_collect_point_views.xml",
        "views/sale_order_views.xml",
        "views/website_sale_templates.xml",
        "views/fm_click_collect_menus.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "fm_click_collect/static/src/js/**/*",
        ],
        "web.assets_tests": [
            "fm_click_collect/static/tests/tours/**/*",
        ],
    },
    "development_status": "Alpha",
    "installable": True,
    "application": False,
}

{
    "name": "Win-back Marketing: SMS Costs and Replies",
    "summary": "Segments and cost of a campaign's SMS before it runs and once sent; "
    "STOP replies withdraw marketing consent",
    "version": "18.0.1.0.0",
    "category": "Marketing",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["fm_marketing", "fm_sms_gateway"],
    "data": [
        "views/fm_marketing_campaign_views.xml",
    ],
    "assets": {
        "web.assets_backend": ["fm_marketing_sms_gateway/static/src/**/*"],
        "web.assets_tests": ["fm_marketing_sms_gateway/static/tests/tours/**/*"],
    },
    "auto_install": True,
    "development_status": "Alpha",
    "installable": True,
}

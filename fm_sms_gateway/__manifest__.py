{
    "name": "SMS Gateway: Twilio and HTTP Providers",
    "summary": "Send Odoo's SMS through Twilio or a local aggregator, "
    "with delivery reports, STOP replies and segment counting",
    "version": "18.0.1.0.0",
    "category": "Marketing",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["sms"],
    "data": [
        "views/res_config_settings_views.xml",
        "views/sms_sms_views.xml",
        "views/sms_template_views.xml",
    ],
    "assets": {
        "web.assets_backend": ["fm_sms_gateway/static/src/**/*"],
        "web.assets_tests": ["fm_sms_gateway/static/tests/tours/**/*"],
    },
    "development_status": "Alpha",
    "installable": True,
}

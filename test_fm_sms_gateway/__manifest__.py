{
    "name": "SMS Gateway Journey Tests",
    "summary": "Tests: a loyalty code and a pickup notice go out through the "
    "Twilio-style and the generic SMS providers",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["fm_sms_gateway", "flexi_loyalty", "fm_click_collect"],
    "development_status": "Alpha",
    "installable": True,
    "application": False,
}

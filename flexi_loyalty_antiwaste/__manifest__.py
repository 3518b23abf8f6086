{
    "name": "Flexi Loyalty - Anti-Waste",
    "summary": "Marked-down products and surprise baskets earn more points; "
    "customers see the meals they saved from the bin",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Fidelity Mart",
    "website": "https://github.com/fidelity-mart/odoo-addons",
    "depends": ["flexi_loyalty", "fm_antiwaste"],
    "data": [
        "views/flexi_loyalty_program_views.xml",
        "views/res_partner_views.xml",
        "views/flexi_loyalty_portal_templates.xml",
    ],
    "development_status": "Alpha",
    "installable": True,
    "auto_install": True,
    "application": False,
}

from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

COST_FIELDS = [
    "fm_sms_char_count",
    "fm_sms_encoding",
    "fm_sms_segment_count",
    "fm_sms_unicode_warning",
    "fm_sms_estimated_cost",
]


@tagged("post_install", "-at_install")
class TestTemplateCost(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.fm_sms_segment_price = 4.5
        cls.editor = new_test_user(
            cls.env, "sms_template_editor", groups="base.group_system"
        )
        cls.partner_model = cls.env["ir.model"]._get("res.partner")

    def test_editor_sees_the_cost_change_as_they_type(self):
        form = Form(self.env["sms.template"].with_user(self.editor))
        form.name = "Commande prête"
        form.model_id = self.partner_model
        form.body = "Bonjour {{ object.name }}, votre commande est prete."
        self.assertEqual(form.fm_sms_encoding, "gsm7")
        # The placeholder's value is not known yet: only the fixed text counts.
        self.assertEqual(
            form.fm_sms_char_count, len("Bonjour , votre commande est prete.")
        )
        self.assertEqual(form.fm_sms_segment_count, 1)
        self.assertEqual(form.fm_sms_estimated_cost, 4.5)
        self.assertFalse(form.fm_sms_unicode_warning)

        form.body = "Votre commande est prête ! Tarif : 10 € " * 3
        self.assertEqual(form.fm_sms_encoding, "ucs2")
        self.assertIn("« ê »", form.fm_sms_unicode_warning)
        self.assertNotIn("€", form.fm_sms_unicode_warning, "€ is a GSM character")
        # 120 UTF-16 units: two parts of at most 67.
        self.assertEqual(form.fm_sms_char_count, 120)
        self.assertEqual(form.fm_sms_segment_count, 2)
        self.assertEqual(form.fm_sms_estimated_cost, 9.0)
        template = form.save()

        template.with_user(self.editor).body = "Ready: 10 € {}"
        template.invalidate_recordset()
        # The extension characters € { } count double.
        self.assertEqual(template.with_user(self.editor).fm_sms_char_count, 17)

    def test_arabic_template_costs_more_segments(self):
        template = self.env["sms.template"].create(
            {
                "name": "Plat du jour",
                "model_id": self.partner_model.id,
                "body": "طبق اليوم في انتظارك، تعال اليوم " * 3,
            }
        )
        self.assertEqual(template.fm_sms_encoding, "ucs2")
        self.assertEqual(template.fm_sms_segment_count, 2)
        self.assertIn("« ط »", template.fm_sms_unicode_warning)

    def test_cost_is_in_the_company_currency(self):
        template = self.env["sms.template"].create(
            {"name": "Test", "model_id": self.partner_model.id, "body": "Hello"}
        )
        self.assertEqual(template.fm_sms_currency_id, self.env.company.currency_id)

    def test_portal_user_reads_nothing_of_the_templates(self):
        template = self.env["sms.template"].create(
            {"name": "Test", "model_id": self.partner_model.id, "body": "Hello"}
        )
        portal = new_test_user(self.env, "sms_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            template.with_user(portal).read(COST_FIELDS)

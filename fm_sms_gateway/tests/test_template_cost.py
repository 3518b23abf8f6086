from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged

# Pasted in the template form by the tour, each compared with the server's
# count: placeholders, extension characters at a part boundary, emoji, Arabic,
# typographic French, line breaks.
CORPUS = [
    "Bonjour {{ object.name }}, -20 % sur le plat du jour : couscous, tajine.",
    "Offre : 10 € de remise [code] ~ {accolades} | ^ \\ fin",
    "a" * 152 + "€" + "b" * 10,
    "Bon appétit 😀 " + "x" * 60,
    "Votre commande est prête, طلبك جاهز للاستلام",
    "Noël « spécial » : cœur de filet… à 2 500 DA",
    "Plat du jour : Couscous Royal. " * 11,
    "Menu du jour\n- Chorba\n- Couscous [royal] à 1 200 DA\n{{ object.name }}",
]
FRENCH = (
    "Bonjour {{ object.name }}, votre commande est prête. "
    "Retrait dès 18h au comptoir, merci !"
)

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


@tagged("post_install", "-at_install")
class TestTemplateLiveCounters(HttpCase):
    def test_counters_follow_the_text_while_it_is_typed(self):
        self.env.company.fm_sms_segment_price = 4.5
        Template = self.env["sms.template"]
        model = self.env["ir.model"]._get("res.partner")
        template = Template.create(
            {"name": "Commande prête", "model_id": model.id, "body": "Bonjour"}
        )
        corpus = Template.create(
            [
                {"name": f"FM SMS corpus {i}", "model_id": model.id, "body": text}
                for i, text in enumerate(CORPUS)
            ]
        )
        # The corpus crosses what the tour compares.
        self.assertEqual(set(corpus.mapped("fm_sms_encoding")), {"gsm7", "ucs2"})
        self.assertEqual(max(corpus.mapped("fm_sms_segment_count")), 3)
        self.assertEqual(corpus[2].fm_sms_char_count, 164, "€ counts double")
        self.assertTrue(all(corpus[3:6].mapped("fm_sms_unicode_warning")))

        self.start_tour(
            f"/odoo/action-sms.sms_template_action/{template.id}",
            "fm_sms_gateway_template_counters",
            login="admin",
        )
        # Saved, the text costs on the server what the form showed.
        self.assertEqual(template.body, FRENCH)
        self.assertEqual(template.fm_sms_encoding, "ucs2")
        self.assertEqual(template.fm_sms_char_count, 72)
        self.assertEqual(template.fm_sms_segment_count, 2)
        self.assertEqual(template.fm_sms_estimated_cost, 9.0)

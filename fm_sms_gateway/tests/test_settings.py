from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import TWILIO_TOKEN, SmsGatewayCase

CREDENTIALS = [
    "fm_sms_twilio_auth_token",
    "fm_sms_http_header_value",
    "fm_sms_http_password",
    "fm_sms_webhook_token",
]


@tagged("post_install", "-at_install")
class TestSettings(SmsGatewayCase):
    def settings(self, **values):
        return self.env["res.config.settings"].create(values)

    def test_provider_is_chosen_in_settings(self):
        self.settings(
            fm_sms_provider="http",
            fm_sms_http_url=f"{self.sms_provider.url}/send",
            fm_sms_sender_id="FidelMart",
        ).execute()
        self.assertEqual(self.company.fm_sms_provider, "http")
        self.assertTrue(self.company.sudo().fm_sms_webhook_token)
        settings = self.settings()
        # The token is shown apart, for the X-FM-SMS-Token header: an address
        # ends up in access logs.
        self.assertTrue(settings.fm_sms_inbound_url.endswith("/inbound"))
        self.assertEqual(
            settings.fm_sms_webhook_token, self.company.sudo().fm_sms_webhook_token
        )

    def test_bad_configuration_is_refused_with_a_clear_error(self):
        queued = self.queue_sms()
        cases = [
            {"fm_sms_provider": "http", "fm_sms_http_url": False},
            {"fm_sms_provider": "http", "fm_sms_http_url": "ftp://x"},
            {
                "fm_sms_provider": "http",
                "fm_sms_http_url": "https://sms.example.dz",
                "fm_sms_http_body_template": '{"to": "{number}"}',
            },
            {
                "fm_sms_provider": "http",
                "fm_sms_http_url": "https://sms.example.dz",
                "fm_sms_http_body_template": '{"to": "{number}", "text": {text}}',
            },
            {"fm_sms_provider": "twilio", "fm_sms_twilio_auth_token": False},
            {"fm_sms_sender_id": "Fidelity Mart"},
            {"fm_sms_sender_id": "12345"},
            {"fm_sms_max_attempts": 0},
        ]
        for values in cases:
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.settings(**values).execute()
        self.assertEqual(self.company.fm_sms_provider, "iap")
        self.assertEqual(queued.state, "outgoing", "nothing queued is lost")

    def test_attack_non_admin_cannot_read_the_credentials(self):
        self.use_twilio()
        self.use_http(fm_sms_http_password="pw", fm_sms_http_header_value="key")
        user = new_test_user(
            self.env, login="fm_sms_employee", groups="base.group_user"
        )
        company = self.company.with_user(user)
        for field in CREDENTIALS:
            with self.subTest(field=field), self.assertRaises(AccessError):
                company.read([field])
        # What /web/dataset/call_kw runs for them (search_read included);
        # over HTTP the refusal is logged as a warning, which the log policy
        # forbids, so it is asserted at the ORM.
        with self.assertRaises(AccessError):
            company.search_read([], ["fm_sms_http_password"])
        provider = company.read(["fm_sms_provider"])[0]["fm_sms_provider"]
        self.assertEqual(provider, "http")

    def test_credentials_never_reach_the_log(self):
        self.use_twilio()
        with self.assertLogs("odoo.addons.fm_sms_gateway", level="DEBUG") as logs:
            self.queue_sms().send()
        self.assertTrue(logs.output)
        self.assertNotIn(TWILIO_TOKEN, "\n".join(logs.output))

import unicodedata

from odoo import _, api, models

STOP_WORDS = {"STOP", "ARRET", "توقف"}
START_WORDS = {"START"}


def keyword(text):
    """First word of a reply, upper case, accents and punctuation dropped:
    "Arrêt." -> "ARRET"."""
    words = (text or "").strip().split()
    if not words:
        return ""
    word = unicodedata.normalize("NFKD", words[0].upper())
    return "".join(c for c in word if c.isalnum() and not unicodedata.combining(c))


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _fm_sms_receive(self, number, text):
        """An SMS from a customer: STOP (ARRET, ARRÊT, توقف) puts the number
        on the phone blacklist and withdraws marketing consent; START lifts
        both. Other messages are ignored. Runs as the system: called by the
        webhooks once the provider is authenticated."""
        word = keyword(text)
        if word not in STOP_WORDS | START_WORDS:
            return False
        stop = word in STOP_WORDS
        blacklist = self.env["phone.blacklist"].sudo()
        message = _("Replied %(text)s by SMS.", text=text.strip())
        entry = (blacklist.add if stop else blacklist.remove)(number, message=message)
        numbers = entry.mapped("number")
        partners = self.sudo().search([("phone_sanitized", "in", numbers)])
        partners._fm_sms_opt_out(stop, number, text.strip())
        return True

    def _fm_sms_opt_out(self, stop, number, text):
        """A customer answered STOP (``stop``) or START from ``number``: note
        it on their record. Marketing addons withdraw or give back their
        consent here."""
        for partner in self:
            if stop:
                body = _(
                    "Replied %(text)s by SMS from %(number)s: no more SMS.",
                    text=text,
                    number=number,
                )
            else:
                body = _(
                    "Replied %(text)s by SMS from %(number)s: SMS allowed again.",
                    text=text,
                    number=number,
                )
            partner.message_post(body=body, subtype_xmlid="mail.mt_note")

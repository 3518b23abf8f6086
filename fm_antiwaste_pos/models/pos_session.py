from odoo import _, api, models
from odoo.exceptions import UserError


class PosSession(models.Model):
    _inherit = "pos.session"

    @api.model
    def _load_pos_data_models(self, config_id):
        # Running markdowns with their units left: the till caps the price.
        return [*super()._load_pos_data_models(config_id), "fm.antiwaste.markdown"]

    def _fm_antiwaste_check_open(self):
        """The till calls these methods on its own open session only."""
        self.ensure_one()
        self.check_access("read")
        if self.state not in ("opening_control", "opened"):
            raise UserError(_("This session is closed."))

    def fm_antiwaste_remaining(self, markdown_ids):
        """Units left now at the anti-waste price: {markdown_id: units}."""
        self._fm_antiwaste_check_open()
        # sudo: figures only, as loaded with the till (see the markdown's
        # _load_pos_data).
        markdowns = (
            self.env["fm.antiwaste.markdown"].sudo().browse(markdown_ids).exists()
        )
        remaining = markdowns._fm_remaining_by_markdown()
        return {str(m.id): remaining.get(m.id, 0.0) for m in markdowns}

    def fm_antiwaste_check_baskets(self, product_ids):
        """Refuse baskets sold meanwhile (website, another till, back office).

        A refusal is a normal answer at the till, not an error:
        ``{"refused": message}``, or ``{"refused": False}`` when all are on offer.
        """
        self._fm_antiwaste_check_open()
        # sudo: cashiers have no right on baskets; only their state is read.
        baskets = (
            self.env["fm.antiwaste.basket"]
            .sudo()
            .search([("product_id", "in", list(product_ids))])
        )
        gone = baskets.filtered(lambda b: b.state != "published")
        if not gone:
            return {"refused": False}
        return {
            "refused": _(
                "The surprise basket %(basket)s is no longer on offer (just sold "
                "on the website or at another till): remove it from the order.",
                basket=", ".join(gone.mapped("name")),
            )
        }

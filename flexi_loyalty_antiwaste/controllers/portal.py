from odoo.http import request

from odoo.addons.flexi_loyalty.controllers.portal import FlexiLoyaltyPortal


class FlexiLoyaltyAntiwastePortal(FlexiLoyaltyPortal):
    """``/my/loyalty`` also says how many meals the customer saved."""

    def _flexi_overview_values(self, error=None, error_program=None, post=None):
        values = super()._flexi_overview_values(
            error=error, error_program=error_program, post=post
        )
        values["antiwaste_meals_saved"] = self._flexi_antiwaste_meals_saved()
        return values

    def _flexi_antiwaste_meals_saved(self):
        """The logged-in user's own figure, never another partner's.

        sudo boundary: the field is for staff; the partner is the user's own.
        """
        partner = request.env.user.partner_id
        return partner.sudo().flexi_antiwaste_meals_saved

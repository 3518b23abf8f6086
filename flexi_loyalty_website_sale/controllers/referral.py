from odoo.exceptions import UserError
from odoo.http import request, route

from odoo.addons.flexi_loyalty.controllers.portal import REFERRAL_SESSION_KEY
from odoo.addons.website_sale.controllers.main import WebsiteSale


class FlexiLoyaltyWebsiteSaleReferral(WebsiteSale):
    """A visitor who came with a referral link and orders without an account:
    the code goes on their cart at the payment step, once it is theirs."""

    @route()
    def shop_payment(self, **post):
        self._flexi_loyalty_apply_session_referral()
        return super().shop_payment(**post)

    def _flexi_loyalty_apply_session_referral(self):
        code = request.session.get(REFERRAL_SESSION_KEY)
        if not code:
            return
        order_sudo = request.website.sale_get_order()
        if (
            not order_sudo
            or order_sudo._is_anonymous_cart()
            or order_sudo.state not in ("draft", "sent")
            or order_sudo.flexi_loyalty_referral_code
        ):
            return
        request.session.pop(REFERRAL_SESSION_KEY)
        try:
            # The cart is the visitor's own (website_sale gives it sudo): the
            # referral checks the customer and the code as for staff.
            with request.env.cr.savepoint():
                order_sudo.flexi_loyalty_referral_code = code
        except UserError as error:
            # Refused (an existing customer...): the order goes on without it,
            # and staff read why on the order.
            order_sudo._message_log(body=error.args[0])

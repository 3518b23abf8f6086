from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from odoo import _
from odoo.exceptions import UserError, ValidationError
from odoo.http import Controller, request, route


class FlexiLoyaltyWebsiteSaleController(Controller):
    """Redeeming points in the website cart, with the code sent to the member."""

    def _flexi_cart(self):
        """The visitor's own cart (sudo, as website_sale gives it), or 404."""
        order_sudo = request.website.sale_get_order()
        if not order_sudo:
            raise NotFound()
        return order_sudo

    def _flexi_loyalty_context(self, reward_id, csrf_token):
        if not request.validate_csrf(csrf_token):
            raise Forbidden()
        order_sudo = self._flexi_cart()
        if order_sudo.partner_id != request.env.user.partner_id:
            raise Forbidden()
        try:
            reward_id = int(reward_id)
        except (TypeError, ValueError) as error:
            raise BadRequest() from error
        # sudo: customers have no access to loyalty models; the membership is
        # the cart owner's own (checked above) and the reward must be one of
        # its program's.
        reward = request.env["flexi.loyalty.reward"].sudo().browse(reward_id).exists()
        member = order_sudo.flexi_loyalty_subscription_ids.sudo().filtered(
            lambda s: s.program_id == reward.program_id
        )[:1]
        if not reward or not member:
            raise NotFound()
        return order_sudo, reward, member

    @route(
        "/flexi_loyalty_website_sale/request_code",
        type="json",
        auth="user",
        website=True,
    )
    def flexi_loyalty_website_sale_request_code(
        self, reward_id, points=None, csrf_token=None
    ):
        order_sudo, reward, member = self._flexi_loyalty_context(reward_id, csrf_token)
        try:
            # A reward this cart cannot take (already applied, worth more
            # than the cart, points the customer may not choose…) is refused
            # before a code goes out.
            order_sudo._flexi_loyalty_check_redeem(member, reward, points)
            points = order_sudo._flexi_loyalty_points_to_spend(member, reward, points)
            # The savepoint undoes a half-done request; the OTP model keeps
            # its own durable counters. The code is bound to the points.
            with request.env.cr.savepoint():
                Otp = request.env["flexi.loyalty.otp"].sudo()
                otp = Otp._flexi_request(
                    member, reward, order_sudo, points=points, send_now=True
                )
        except UserError as error:
            return {"error": error.args[0]}
        return {
            "sent": True,
            "channel": otp.channel,
            "message": otp._flexi_sent_message(),
        }

    @route("/flexi_loyalty_website_sale/redeem", type="json", auth="user", website=True)
    def flexi_loyalty_website_sale_redeem(
        self, reward_id, code=None, points=None, csrf_token=None
    ):
        order_sudo, reward, member = self._flexi_loyalty_context(reward_id, csrf_token)
        Otp = request.env["flexi.loyalty.otp"].sudo()
        otp = Otp.search(
            [
                ("subscription_id", "=", member.id),
                ("reward_id", "=", reward.id),
                ("document", "=", Otp._flexi_document_ref(order_sudo)),
                ("state", "in", ("pending", "locked")),
            ],
            order="id desc",
            limit=1,
        )
        try:
            # Refusals that need no code come before the code is spent.
            order_sudo._flexi_loyalty_check_redeem(member, reward, points)
            points = order_sudo._flexi_loyalty_points_to_spend(member, reward, points)
            if member.program_id.otp_required:
                if not otp:
                    raise UserError(_("Ask for a code first."))
                # A code sent for other points is said so, not counted wrong.
                otp._flexi_check_points(points)
                otp._flexi_verify(code or "", reward, order_sudo, points=points)
            else:
                otp = None
            # Nothing of a failed redemption stays (points, reward line).
            with request.env.cr.savepoint():
                order_sudo._flexi_loyalty_redeem(member, reward, otp=otp, points=points)
                order_sudo._flexi_loyalty_sync_tier_discount()
        except (UserError, ValidationError) as error:
            return {"error": error.args[0]}
        return {"redeemed": True, "amount_total": order_sudo.amount_total}

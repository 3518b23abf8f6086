from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from odoo import _
from odoo.exceptions import UserError, ValidationError
from odoo.http import Controller, request, route

from odoo.addons.flexi_loyalty.tools.phone import normalize_phone
from odoo.addons.website_sale.controllers.main import WebsiteSale
from odoo.addons.website_sale.controllers.payment import PaymentPortal


class FmClickCollectWebsiteSale(WebsiteSale):
    def _validate_address_values(
        self, address_values, partner_sudo, address_type, *args, **kwargs
    ):
        """Phone optional, but when given it must be a real number; it is
        stored in E.164 so SMS and member search find it."""
        invalid_fields, missing_fields, error_messages = (
            super()._validate_address_values(
                address_values, partner_sudo, address_type, *args, **kwargs
            )
        )
        phone = address_values.get("phone")
        if phone:
            country = request.env["res.country"].browse(
                address_values.get("country_id") or []
            )
            normalized = normalize_phone(phone, (country.code or "DZ").upper())
            if normalized:
                address_values["phone"] = normalized
            else:
                invalid_fields.add("phone")
                error_messages.append(_("This phone number is not valid."))
        return invalid_fields, missing_fields, error_messages

    def _get_shop_payment_errors(self, order):
        errors = super()._get_shop_payment_errors(order)
        if order.state != "sale" and order.fm_cc_point_id:
            error = order._fm_cc_checkout_error()
            if error:
                errors.append(
                    (_("Sorry, we cannot take your order for pickup yet."), error)
                )
        return errors

    def _prepare_checkout_page_values(self, order_sudo, **query_params):
        res = super()._prepare_checkout_page_values(order_sudo, **query_params)
        if (
            order_sudo.fm_cc_point_id
            and order_sudo.carrier_id.delivery_type == "in_store"
        ):
            res["fm_cc_slots"] = order_sudo.fm_cc_point_id._fm_available_slots(
                order=order_sudo
            )
        return res


def _fm_cc_one_hold_per_visitor(order_sudo):
    """The visitor's cart now holds a place: the hold of a cart this visitor
    left earlier (e.g. a payment left pending, then a new cart) goes back.
    Anonymous or not, a visitor holds one place at a time."""
    previous = request.session.get("fm_cc_held_order_id")
    if previous and previous != order_sudo.id:
        order_sudo.browse(previous).exists()._fm_cc_drop_hold()
    request.session["fm_cc_held_order_id"] = order_sudo.id


class FmClickCollectPaymentPortal(PaymentPortal):
    def _validate_transaction_for_order(self, transaction, sale_order):
        """The customer starts paying (online or on site): the slot's place is
        held again for the hold time, or refused with a clear message when an
        expired hold's place was taken meanwhile. The order takes it for good
        when confirmed."""
        super()._validate_transaction_for_order(transaction, sale_order)
        if sale_order.fm_cc_point_id:
            sale_order._fm_cc_hold_slot()
            _fm_cc_one_hold_per_visitor(sale_order)


class FmClickCollectController(Controller):
    def _fm_cart(self):
        order_sudo = request.website.sale_get_order()
        if not order_sudo:
            raise NotFound()
        return order_sudo

    @route("/fm_click_collect/slots", type="json", auth="public", website=True)
    def fm_cc_slots(self):
        """Bookable slots of the current cart's pickup point."""
        order_sudo = self._fm_cart()
        if not order_sudo.fm_cc_point_id:
            return {"slots": [], "selected": False}
        return {
            "slots": order_sudo.fm_cc_point_id._fm_available_slots(order=order_sudo),
            "selected": order_sudo.fm_cc_slot_id.id,
        }

    @route("/fm_click_collect/set_slot", type="json", auth="public", website=True)
    def fm_cc_set_slot(self, slot_id):
        order_sudo = self._fm_cart()
        try:
            slot_id = int(slot_id)
        except (TypeError, ValueError) as error:
            raise BadRequest() from error
        # sudo: public visitors cannot read slots; the slot is checked against
        # the cart's own point in _fm_cc_set_slot before anything is written.
        slot = request.env["fm.click_collect.slot"].sudo().browse(slot_id).exists()
        try:
            with request.env.cr.savepoint():
                order_sudo._fm_cc_set_slot(slot)
        except UserError as error:
            return {"error": error.args[0]}
        _fm_cc_one_hold_per_visitor(order_sudo)
        return {"slot": slot.id, "label": order_sudo._fm_cc_slot_label()}

    # ------------------------------------------------------------ loyalty

    def _fm_loyalty_context(self, reward_id, csrf_token):
        if not request.validate_csrf(csrf_token):
            raise Forbidden()
        order_sudo = self._fm_cart()
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
        "/fm_click_collect/loyalty/request_code", type="json", auth="user", website=True
    )
    def fm_cc_loyalty_request_code(self, reward_id, csrf_token=None):
        order_sudo, reward, member = self._fm_loyalty_context(reward_id, csrf_token)
        try:
            # The savepoint undoes a half-done request; the OTP model keeps
            # its own durable counters.
            with request.env.cr.savepoint():
                Otp = request.env["flexi.loyalty.otp"].sudo()
                otp = Otp._flexi_request(member, reward, order_sudo)
        except UserError as error:
            return {"error": error.args[0]}
        return {"sent": True, "channel": otp.channel}

    @route("/fm_click_collect/loyalty/redeem", type="json", auth="user", website=True)
    def fm_cc_loyalty_redeem(self, reward_id, code=None, csrf_token=None):
        order_sudo, reward, member = self._fm_loyalty_context(reward_id, csrf_token)
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
            order_sudo._flexi_loyalty_check_redeem(member, reward)
            if member.program_id.otp_required:
                if not otp:
                    raise UserError(_("Ask for a code first."))
                otp._flexi_verify(code or "", reward, order_sudo)
            else:
                otp = None
            # Nothing of a failed redemption stays (points, reward line).
            with request.env.cr.savepoint():
                order_sudo._flexi_loyalty_redeem(member, reward, otp=otp)
                order_sudo._flexi_loyalty_sync_tier_discount()
        except (UserError, ValidationError) as error:
            return {"error": error.args[0]}
        return {"redeemed": True, "amount_total": order_sudo.amount_total}

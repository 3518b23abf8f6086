from werkzeug.exceptions import NotFound

from odoo import _
from odoo.exceptions import UserError
from odoo.http import Controller, request, route

from odoo.addons.website_sale.controllers.main import WebsiteSale
from odoo.addons.website_sale.controllers.payment import PaymentPortal


class FmClickCollectWebsiteSale(WebsiteSale):
    def _validate_address_values(
        self, address_values, partner_sudo, address_type, *args, **kwargs
    ):
        """A valid phone is stored in E.164 so SMS and member search find it.
        Anything else is kept as typed, as Odoo's own address form does: a
        customer is never stopped at checkout by a number we cannot read (the
        shop calls them, and SMS skip what is not a number)."""
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
            # Odoo's phone formatting; without a country, the company's.
            country = country or request.env.company.country_id
            normalized = request.env["res.partner"]._phone_format(
                number=phone, country=country, force_format="E164"
            )
            if normalized:
                address_values["phone"] = normalized
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


def fm_cc_cart():
    """The visitor's own cart (sudo, as website_sale gives it), or 404."""
    order_sudo = request.website.sale_get_order()
    if not order_sudo:
        raise NotFound()
    return order_sudo


class FmClickCollectController(Controller):
    def _fm_cart(self):
        return fm_cc_cart()

    @route("/fm_click_collect/slots", type="json", auth="public", website=True)
    def fm_cc_slots(self):
        """Slots of the current cart's pickup point, by day, full ones marked,
        and why the cart is not offered some (notice, kitchen time)."""
        order_sudo = self._fm_cart()
        offer = order_sudo._fm_cc_slot_offer()
        return {
            "days": offer["days"],
            "advice": offer["advice"],
            "selected": order_sudo.fm_cc_slot_id.id,
        }

    @route("/fm_click_collect/set_slot", type="json", auth="public", website=True)
    def fm_cc_set_slot(self, slot_id):
        order_sudo = self._fm_cart()
        try:
            slot_id = int(slot_id)
        except (TypeError, ValueError):
            return {"error": _("Please choose a pickup slot.")}
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

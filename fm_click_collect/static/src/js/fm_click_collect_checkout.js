import { rpc } from "@web/core/network/rpc";
import publicWidget from "@web/legacy/js/public/public_widget";

publicWidget.registry.WebsiteSaleCheckout.include({
    events: Object.assign({}, publicWidget.registry.WebsiteSaleCheckout.prototype.events, {
        'change select[name="fm_cc_slot_id"]': "_onChangeFmCcSlot",
        'click button[name="fm_cc_point"]': "_onClickFmCcPoint",
    }),

    /**
     * The slot list depends on the chosen point: render it again server-side.
     *
     * @override
     */
    async _setPickupLocation(pickupLocationData) {
        await this._super(...arguments);
        const previous = this.el.querySelector('select[name="fm_cc_slot_id"]');
        const data = JSON.parse(pickupLocationData || "{}");
        if (data.fm_point_id || previous) {
            window.location.reload();
        }
    },

    /**
     * Our points, listed without the map: choosing one sets the order's
     * pickup location as Odoo's location dialog does (the server fills in
     * the address, the store and its stock from the point).
     */
    async _onClickFmCcPoint(ev) {
        const button = ev.currentTarget;
        if (button.classList.contains("active")) {
            return;
        }
        this._disableMainButton();
        const buttons = button
            .closest('[name="fm_cc_point_list"]')
            .querySelectorAll('button[name="fm_cc_point"]');
        buttons.forEach((el) => (el.disabled = true));
        try {
            await this._setPickupLocation(
                JSON.stringify({ fm_point_id: parseInt(button.dataset.fmPointId, 10) })
            );
        } finally {
            // Refused (e.g. the point closed meanwhile): the customer picks again.
            buttons.forEach((el) => (el.disabled = false));
            this._enableMainButton();
        }
    },

    /**
     * The list of points shows with the in-store method only.
     *
     * @override
     */
    async _showPickupLocation(radio) {
        await this._super(...arguments);
        if (radio.dataset.deliveryType === "in_store" && !radio.disabled) {
            this._getDeliveryMethodContainer(radio)
                .querySelectorAll('[name="fm_cc_point_list"], [name="fm_cc_slot_selector"]')
                .forEach((el) => el.classList.remove("d-none"));
        }
    },

    /**
     * @override
     */
    _hidePickupLocation() {
        this._super(...arguments);
        this.el
            .querySelectorAll('[name="fm_cc_point_list"], [name="fm_cc_slot_selector"]')
            .forEach((el) => el.classList.add("d-none"));
    },

    async _onChangeFmCcSlot(ev) {
        const select = ev.currentTarget;
        const error = this.el.querySelector('[name="fm_cc_slot_error"]');
        delete select.dataset.fmCcSlotSet;
        this._disableMainButton();
        const result = await rpc("/fm_click_collect/set_slot", { slot_id: select.value });
        if (result.error) {
            // Refused (e.g. filled meanwhile): the cart keeps its previous slot.
            error.textContent = result.error;
            error.classList.remove("d-none");
            select.value = select.dataset.fmCcCurrent || "";
        } else {
            error.classList.add("d-none");
            select.dataset.fmCcCurrent = select.value;
            select.dataset.fmCcSlotSet = "1";
        }
        this._enableMainButton();
    },

    /**
     * A pickup point with slots needs a slot before going on.
     *
     * @override
     */
    _canEnableMainButton() {
        const checked = this.el.querySelector('input[name="o_delivery_radio"]:checked');
        const select =
            checked &&
            this._getDeliveryMethodContainer(checked).querySelector(
                'select[name="fm_cc_slot_id"]'
            );
        return this._super(...arguments) && (!select || Boolean(select.value));
    },
});

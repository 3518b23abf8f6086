import { rpc } from "@web/core/network/rpc";
import publicWidget from "@web/legacy/js/public/public_widget";

publicWidget.registry.WebsiteSaleCheckout.include({
    events: Object.assign({}, publicWidget.registry.WebsiteSaleCheckout.prototype.events, {
        'change select[name="fm_cc_slot_id"]': "_onChangeFmCcSlot",
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

    async _onChangeFmCcSlot(ev) {
        const select = ev.currentTarget;
        const error = this.el.querySelector('[name="fm_cc_slot_error"]');
        const result = await rpc("/fm_click_collect/set_slot", { slot_id: select.value });
        if (result.error) {
            error.textContent = result.error;
            error.classList.remove("d-none");
        } else {
            error.classList.add("d-none");
            select.dataset.fmCcSlotSet = "1";
        }
        this._enableMainButton?.();
    },

    /**
     * A pickup point with slots needs a slot before going on.
     *
     * @override
     */
    _canEnableMainButton() {
        const select = this.el.querySelector('select[name="fm_cc_slot_id"]');
        return this._super(...arguments) && (!select || Boolean(select.value));
    },
});

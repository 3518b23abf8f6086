import { rpc } from "@web/core/network/rpc";
import publicWidget from "@web/legacy/js/public/public_widget";

publicWidget.registry.FmClickCollectLoyalty = publicWidget.Widget.extend({
    selector: ".fm_cc_redeem",
    events: {
        'click button[name="fm_cc_request_code"]': "_onRequestCode",
        'click button[name="fm_cc_redeem"]': "_onRedeem",
    },

    _params() {
        return {
            reward_id: this.el.querySelector('[name="fm_cc_reward_id"]').value,
            csrf_token: this.el.dataset.csrf,
        };
    },

    _say(text) {
        this.el.querySelector('[name="fm_cc_loyalty_message"]').textContent = text || "";
    },

    async _onRequestCode() {
        const result = await rpc("/fm_click_collect/loyalty/request_code", this._params());
        this._say(result.error || "");
    },

    async _onRedeem() {
        const code = this.el.querySelector('[name="fm_cc_code"]').value;
        const result = await rpc("/fm_click_collect/loyalty/redeem", { ...this._params(), code });
        if (result.error) {
            this._say(result.error);
        } else {
            window.location.reload();
        }
    },
});

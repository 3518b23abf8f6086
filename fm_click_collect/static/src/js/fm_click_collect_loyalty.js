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

    /**
     * Say what happened under the buttons: where the code went, or why not.
     */
    _say(text, isError) {
        const box = this.el.querySelector('[name="fm_cc_loyalty_message"]');
        box.textContent = text || "";
        box.classList.toggle("text-danger", Boolean(isError));
        box.classList.toggle("text-success", !isError && Boolean(text));
    },

    async _run(button, call) {
        button.disabled = true;
        try {
            return await call();
        } finally {
            button.disabled = false;
        }
    },

    async _onRequestCode(ev) {
        this._say("");
        const result = await this._run(ev.currentTarget, () =>
            rpc("/fm_click_collect/loyalty/request_code", this._params())
        );
        if (result.error) {
            this._say(result.error, true);
        } else {
            this._say(result.message);
            this.el.querySelector('[name="fm_cc_code"]').focus();
        }
    },

    async _onRedeem(ev) {
        const code = this.el.querySelector('[name="fm_cc_code"]').value;
        const result = await this._run(ev.currentTarget, () =>
            rpc("/fm_click_collect/loyalty/redeem", { ...this._params(), code })
        );
        if (result.error) {
            this._say(result.error, true);
        } else {
            window.location.reload();
        }
    },
});

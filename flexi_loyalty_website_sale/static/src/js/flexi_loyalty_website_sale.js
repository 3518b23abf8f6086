import { rpc } from "@web/core/network/rpc";
import publicWidget from "@web/legacy/js/public/public_widget";

publicWidget.registry.FlexiLoyaltyWebsiteSale = publicWidget.Widget.extend({
    selector: ".flexi_loyalty_website_sale_redeem",
    events: {
        'click button[name="flexi_loyalty_website_sale_request_code"]': "_onRequestCode",
        'click button[name="flexi_loyalty_website_sale_redeem"]': "_onRedeem",
    },

    _params() {
        return {
            reward_id: this.el.querySelector('[name="flexi_loyalty_website_sale_reward_id"]').value,
            csrf_token: this.el.dataset.csrf,
        };
    },

    /**
     * Say what happened under the buttons: where the code went, or why not.
     */
    _say(text, isError) {
        const box = this.el.querySelector('[name="flexi_loyalty_website_sale_loyalty_message"]');
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
            rpc("/flexi_loyalty_website_sale/request_code", this._params())
        );
        if (result.error) {
            this._say(result.error, true);
        } else {
            this._say(result.message);
            this.el.querySelector('[name="flexi_loyalty_website_sale_code"]').focus();
        }
    },

    async _onRedeem(ev) {
        const code = this.el.querySelector('[name="flexi_loyalty_website_sale_code"]').value;
        const result = await this._run(ev.currentTarget, () =>
            rpc("/flexi_loyalty_website_sale/redeem", { ...this._params(), code })
        );
        if (result.error) {
            this._say(result.error, true);
        } else {
            window.location.reload();
        }
    },
});

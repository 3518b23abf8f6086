import { _t } from "@web/core/l10n/translation";
import { rpc } from "@web/core/network/rpc";
import publicWidget from "@web/legacy/js/public/public_widget";

publicWidget.registry.FlexiLoyaltyWebsiteSale = publicWidget.Widget.extend({
    selector: ".flexi_loyalty_website_sale_redeem",
    events: {
        'change select[name="flexi_loyalty_website_sale_reward_id"]': "_onRewardChange",
        'input input[name="flexi_loyalty_website_sale_points"]': "_onPointsChange",
        'click button[name="flexi_loyalty_website_sale_request_code"]': "_onRequestCode",
        'click button[name="flexi_loyalty_website_sale_redeem"]': "_onRedeem",
    },

    start() {
        this._onRewardChange();
        return this._super(...arguments);
    },

    _selectedReward() {
        const select = this.el.querySelector('[name="flexi_loyalty_website_sale_reward_id"]');
        return select.options[select.selectedIndex];
    },

    _pointsInput() {
        return this.el.querySelector('[name="flexi_loyalty_website_sale_points"]');
    },

    _params() {
        const reward = this._selectedReward();
        const params = { reward_id: reward.value, csrf_token: this.el.dataset.csrf };
        if (reward.dataset.pointsMin) {
            // Sent as typed: the server says what is wrong with it.
            params.points = this._pointsInput().value;
        }
        return params;
    },

    /**
     * A credit per point asks how many points, up to what this cart allows.
     */
    _onRewardChange() {
        const reward = this._selectedReward();
        const choice = this.el.querySelector('[name="flexi_loyalty_website_sale_points_choice"]');
        const chooses = Boolean(reward?.dataset.pointsMin);
        choice.classList.toggle("d-none", !chooses);
        this._say("");
        if (!chooses) {
            return;
        }
        const input = this._pointsInput();
        const most = Number(reward.dataset.pointsMax || 0);
        input.min = reward.dataset.pointsMin;
        input.step = reward.dataset.pointsStep;
        input.max = most || reward.dataset.pointsMin;
        input.value = most || reward.dataset.pointsMin;
        const help = this.el.querySelector('[name="flexi_loyalty_website_sale_points_help"]');
        help.textContent = most
            ? _t("%(rule)s: up to %(most)s points on this cart.", {
                  rule: reward.dataset.pointsRule,
                  most,
              })
            : _t("%(rule)s: not enough points or too small a cart for now.", {
                  rule: reward.dataset.pointsRule,
              });
    },

    _onPointsChange() {
        // A code is bound to the points it was sent for.
        this.el.querySelector('[name="flexi_loyalty_website_sale_code"]').value = "";
        this._say("");
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

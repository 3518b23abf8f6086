import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import {
    flexiLoyaltyCall,
    flexiLoyaltyClearTierDiscount,
    flexiLoyaltyLinesForServer,
} from "../flexi_loyalty_service";

/**
 * Find a member (server-side search), enrol one, spend points with a code.
 * Nothing about members is kept in the browser beyond the member selected.
 */
export class FlexiLoyaltyDialog extends Component {
    static template = "flexi_loyalty_pos.FlexiLoyaltyDialog";
    static components = { Dialog };
    static props = { close: Function };

    setup() {
        this.pos = usePos();
        const order = this.pos.get_order();
        this.state = useState({
            mode: order.uiState.flexiLoyaltyMember ? "member" : "search",
            term: "",
            results: null,
            member: order.uiState.flexiLoyaltyMember || null,
            enrol: { name: "", phone: "", email: "", referral_code: "", consent: false },
            redemption: null,
            choice: null,
            code: "",
            error: "",
            info: "",
            busy: false,
        });
    }

    get order() {
        return this.pos.get_order();
    }

    async call(method, args) {
        this.state.error = "";
        this.state.info = "";
        this.state.busy = true;
        try {
            return await flexiLoyaltyCall(this.pos, method, args);
        } catch (error) {
            this.state.error = error.flexiMessage || _t("The server refused the request.");
            return null;
        } finally {
            this.state.busy = false;
        }
    }

    async search() {
        const term = this.state.term.trim();
        if (!term) {
            this.state.error = _t("Type a mobile number, an email or a member code.");
            return;
        }
        const results = await this.call("flexi_loyalty_search_members", [term]);
        if (results === null) {
            return;
        }
        this.state.results = results;
        if (!results.length) {
            this.state.error = _t("No member found for %s. Check the number or enrol the customer.", term);
        }
    }

    async selectMember(member) {
        const partners = await this.pos.data.read("res.partner", [member.partner_id]);
        if (partners?.length) {
            this.order.set_partner(partners[0]);
        }
        this.order.uiState.flexiLoyaltyMember = member;
        this.state.member = member;
        this.state.mode = "member";
        this.state.redemption = null;
    }

    removeMember() {
        flexiLoyaltyClearTierDiscount(this.order);
        this.order.uiState.flexiLoyaltyMember = null;
        this.order.uiState.flexiLoyaltyPreview = null;
        this.state.member = null;
        this.state.mode = "search";
    }

    showEnrol() {
        this.state.mode = "enrol";
        this.state.error = "";
        const term = this.state.term.trim();
        if (term.includes("@")) {
            this.state.enrol.email = term;
        } else if (term) {
            this.state.enrol.phone = term;
        }
    }

    async enrol() {
        const enrol = this.state.enrol;
        if (!enrol.consent) {
            this.state.error = _t("The customer must accept the program's terms.");
            return;
        }
        const members = await this.call("flexi_loyalty_enroll", [{ ...enrol }]);
        if (members?.length) {
            await this.selectMember(members[0]);
            this.state.info = members[0].welcome_voucher
                ? _t("%(name)s is now a member. Welcome voucher sent: %(code)s", {
                      name: members[0].name,
                      code: members[0].welcome_voucher,
                  })
                : _t("%s is now a member.", members[0].name);
        }
    }

    async refreshMember() {
        const member = await this.call("flexi_loyalty_member_info", [this.state.member.id]);
        if (member) {
            this.order.uiState.flexiLoyaltyMember = member;
            this.state.member = member;
        }
    }

    async askReward(reward) {
        if (reward.chooses_points) {
            await this.choosePoints(reward);
            return;
        }
        await this.requestReward(reward);
    }

    /**
     * A credit per point: the server says how many points this order and
     * the member's balance allow; the cashier chooses, the server checks.
     */
    async choosePoints(reward) {
        const choice = await this.call("flexi_loyalty_points_choice", [
            this.state.member.id,
            reward.id,
            flexiLoyaltyLinesForServer(this.order),
        ]);
        if (choice) {
            this.state.choice = { ...choice, reward, points: choice.max || choice.min };
        }
    }

    async confirmPoints() {
        const choice = this.state.choice;
        if (await this.requestReward(choice.reward, choice.points)) {
            this.state.choice = null;
        }
    }

    async requestReward(reward, points = null) {
        const args = [this.state.member.id, reward.id, flexiLoyaltyLinesForServer(this.order)];
        if (points !== null) {
            // As typed: the server says what is wrong with it.
            args.push(points);
        }
        const answer = await this.call("flexi_loyalty_request_reward", args);
        if (!answer) {
            return false;
        }
        if (answer.line) {
            await this.addRewardLine(answer.line);
            return true;
        }
        this.state.redemption = { ...answer, reward, points };
        this.state.code = "";
        this.state.info =
            answer.channel === "sms"
                ? _t("A code was sent by SMS to %s.", answer.to)
                : _t("A code was sent by email to %s.", answer.to);
        return true;
    }

    async checkCode() {
        const code = this.state.code.trim();
        if (!code) {
            this.state.error = _t("Type the code the customer reads out.");
            return;
        }
        const line = await this.call("flexi_loyalty_verify_code", [
            this.state.redemption.redemption_id,
            code,
        ]);
        if (line?.error) {
            this.state.error = line.error;
        } else if (line) {
            await this.addRewardLine(line);
        }
    }

    async addRewardLine(line) {
        const product = this.pos.models["product.product"].get(line.product_id);
        if (!product) {
            this.state.error = _t("The reward product is not available at this till.");
            return;
        }
        await this.pos.addLineToCurrentOrder(
            {
                product_id: product,
                price_unit: line.price_unit,
                qty: line.qty,
                flexi_loyalty_token: line.token,
            },
            {},
            false
        );
        this.state.redemption = null;
        // The server holds the points from now on: show what is left.
        await this.refreshMember();
        this.state.info = _t("%(reward)s added: %(points)s points are held for this order.", {
            reward: line.name,
            points: line.points,
        });
    }
}

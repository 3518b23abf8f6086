import { useEffect } from "@odoo/owl";
import { patch } from "@web/core/utils/patch";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { FlexiLoyaltyDialog } from "../loyalty_dialog/flexi_loyalty_dialog";
import {
    flexiLoyaltyCall,
    flexiLoyaltyClearTierDiscount,
    flexiLoyaltyLinesForServer,
} from "../flexi_loyalty_service";

patch(ControlButtons.prototype, {
    setup() {
        super.setup(...arguments);
        // The server previews the points whenever the lines change; the tier
        // discount follows the member selected.
        useEffect(
            () => {
                this.flexiLoyaltyRefresh();
            },
            () => [this.flexiLoyaltyOrderKey]
        );
    },
    get flexiLoyaltyMember() {
        return this.currentOrder?.uiState.flexiLoyaltyMember || null;
    },
    get flexiLoyaltyOrderKey() {
        const order = this.currentOrder;
        if (!order || !this.flexiLoyaltyMember) {
            return "";
        }
        return JSON.stringify([
            this.flexiLoyaltyMember.id,
            order.get_partner()?.id,
            order.lines.map((l) => [l.product_id.id, l.qty, l.price_unit, l.discount]),
        ]);
    },
    get flexiLoyaltyEnabled() {
        return Boolean(this.pos.models["flexi.loyalty.program"]?.length);
    },
    async flexiLoyaltyRefresh() {
        const order = this.currentOrder;
        const member = this.flexiLoyaltyMember;
        if (!order || !member) {
            return;
        }
        if (order.get_partner()?.id !== member.partner_id) {
            // Another customer was chosen: the member goes with the old one.
            order.uiState.flexiLoyaltyMember = null;
            order.uiState.flexiLoyaltyPreview = null;
            flexiLoyaltyClearTierDiscount(order);
            return;
        }
        this.flexiLoyaltyApplyTierDiscount(order, member);
        try {
            order.uiState.flexiLoyaltyPreview = await flexiLoyaltyCall(
                this.pos,
                "flexi_loyalty_preview",
                [member.id, flexiLoyaltyLinesForServer(order)]
            );
        } catch {
            // Offline: no preview; the server computes the points at sync.
            order.uiState.flexiLoyaltyPreview = null;
        }
    },
    flexiLoyaltyApplyTierDiscount(order, member) {
        // The server accepts a line marked "tier discount" only if its
        // discount is exactly the member's tier discount.
        const tierDiscount = member.tier_discount || 0;
        const specialIds = this.pos.session._pos_special_products_ids || [];
        for (const line of order.lines) {
            if (line.flexi_loyalty_tier_discount && line.discount !== tierDiscount) {
                // Changed by hand: a manual discount now, not the tier's.
                line.flexi_loyalty_tier_discount = false;
            }
            if (
                tierDiscount &&
                !line.flexi_loyalty_token &&
                !specialIds.includes(line.product_id.id) &&
                line.qty > 0 &&
                (line.discount || 0) < tierDiscount
            ) {
                line.set_discount(tierDiscount);
                line.flexi_loyalty_tier_discount = true;
            }
        }
    },
    flexiLoyaltyOpen() {
        this.dialog.add(FlexiLoyaltyDialog, {});
    },
});

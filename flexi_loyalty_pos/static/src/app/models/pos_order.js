import { patch } from "@web/core/utils/patch";
import { PosOrder } from "@point_of_sale/app/models/pos_order";

patch(PosOrder.prototype, {
    export_for_printing() {
        const result = super.export_for_printing(...arguments);
        // Figures written by the server when the paid order was synced.
        if (this.flexi_loyalty_points_earned || this.flexi_loyalty_points_used) {
            result.flexiLoyalty = {
                earned: this.flexi_loyalty_points_earned || 0,
                used: this.flexi_loyalty_points_used || 0,
                balance: this.flexi_loyalty_balance || 0,
                expiryDate: this.flexi_loyalty_next_expiry_date || false,
                expiryPoints: this.flexi_loyalty_next_expiry_points || 0,
            };
        }
        // The member's own code to share, printed whenever the server gave one.
        if (this.flexi_loyalty_referral_code) {
            result.flexiLoyaltyReferralCode = this.flexi_loyalty_referral_code;
        }
        return result;
    },
});

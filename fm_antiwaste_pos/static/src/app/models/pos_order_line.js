import { patch } from "@web/core/utils/patch";
import { PosOrderline } from "@point_of_sale/app/models/pos_order_line";
import { FM_ANTIWASTE_MESSAGES } from "../fm_antiwaste_service";

patch(PosOrderline.prototype, {
    set_quantity(quantity, keep_price) {
        const qty = typeof quantity === "number" ? quantity : parseFloat("" + (quantity || 0));
        if (this.product_id.fm_antiwaste_is_basket && qty > 1) {
            return {
                title: FM_ANTIWASTE_MESSAGES.basketTitle(),
                body: FM_ANTIWASTE_MESSAGES.basketOnce(),
            };
        }
        const result = super.set_quantity(...arguments);
        if (result === true && !keep_price && this.order_id) {
            this.order_id.fmAntiwasteApplyCap();
        }
        return result;
    },
});

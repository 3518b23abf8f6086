import { patch } from "@web/core/utils/patch";
import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";

patch(PaymentScreen.prototype, {
    async _isOrderValid(isForceValidate) {
        // Last check before the money is taken: a basket sold meanwhile on
        // the website or at another till is refused while online.
        const baskets = this.currentOrder.fmAntiwasteBasketLines().map((line) => line.product_id);
        if (!(await this.pos.fmAntiwasteCheckBaskets(baskets))) {
            return false;
        }
        return await super._isOrderValid(...arguments);
    },
});

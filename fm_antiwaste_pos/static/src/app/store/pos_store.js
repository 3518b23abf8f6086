import { patch } from "@web/core/utils/patch";
import { PosStore } from "@point_of_sale/app/store/pos_store";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { FM_ANTIWASTE_MESSAGES, fmAntiwasteCall } from "../fm_antiwaste_service";

patch(PosStore.prototype, {
    async addLineToOrder(vals, order, opts = {}, configure = true) {
        const product =
            typeof vals.product_id === "number"
                ? this.data.models["product.product"].get(vals.product_id)
                : vals.product_id;
        if (
            product?.fm_antiwaste_is_basket &&
            !(await this.fmAntiwasteCanAddBasket(order, product))
        ) {
            return;
        }
        const line = await super.addLineToOrder(...arguments);
        if (order && !order.finalized) {
            order.fmAntiwasteApplyCap();
            // Fresh units left from the server; offline, the loaded ones stay.
            this.fmAntiwasteRefreshRemaining(order);
        }
        return line;
    },
    async fmAntiwasteCanAddBasket(order, product) {
        if (order?.lines.some((line) => line.product_id.id === product.id)) {
            this.dialog.add(AlertDialog, {
                title: FM_ANTIWASTE_MESSAGES.basketTitle(),
                body: FM_ANTIWASTE_MESSAGES.basketOnce(),
            });
            return false;
        }
        return await this.fmAntiwasteCheckBaskets([product]);
    },
    /** Ask the server whether the baskets are still on offer; offline: yes. */
    async fmAntiwasteCheckBaskets(products) {
        if (!products.length) {
            return true;
        }
        const answer = await fmAntiwasteCall(this, "fm_antiwaste_check_baskets", [
            products.map((product) => product.id),
        ]);
        // Offline: the till sells; the server keeps the paid order anyway.
        const refused = answer.refused || answer.result?.refused;
        if (refused) {
            this.dialog.add(AlertDialog, {
                title: FM_ANTIWASTE_MESSAGES.basketTitle(),
                body: refused,
            });
            return false;
        }
        return true;
    },
    async fmAntiwasteRefreshRemaining(order) {
        const markdowns = order.fmAntiwasteMarkdowns();
        if (!markdowns.length) {
            return;
        }
        const answer = await fmAntiwasteCall(this, "fm_antiwaste_remaining", [
            markdowns.map((markdown) => markdown.id),
        ]);
        if (!answer.result) {
            return;
        }
        for (const markdown of markdowns) {
            const left = answer.result[String(markdown.id)];
            if (left !== undefined) {
                markdown.qty_remaining = left;
            }
        }
        if (!order.finalized && this.get_order() === order) {
            order.fmAntiwasteApplyCap();
        }
    },
});

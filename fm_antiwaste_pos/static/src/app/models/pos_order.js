import { patch } from "@web/core/utils/patch";
import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { fmAntiwasteAllocate, fmAntiwasteBlendedPrice } from "../fm_antiwaste_service";

patch(PosOrder.prototype, {
    /**
     * Charge the anti-waste price only for the units left, as a sale order
     * does: the lines of a marked-down product share the units left (first
     * line first) and each gets one blended unit price.
     */
    fmAntiwasteApplyCap() {
        const digits = this.models["decimal.precision"].find(
            (dp) => dp.name === "Product Price"
        ).digits;
        const used = {};
        for (const line of this.lines) {
            if (
                line.price_type !== "original" ||
                line.combo_parent_id ||
                line.combo_line_ids?.length ||
                line.refunded_orderline_id ||
                line.qty <= 0
            ) {
                continue;
            }
            const product = line.product_id;
            const qty = line.get_quantity();
            const markdown = product.fmAntiwasteMarkdown(this.pricelist_id, qty);
            if (!markdown) {
                continue;
            }
            const left = Math.max(0, (markdown.qty_remaining || 0) - (used[markdown.id] || 0));
            const [marked] = fmAntiwasteAllocate(qty, left);
            used[markdown.id] = (used[markdown.id] || 0) + marked;
            const extra = line.get_price_extra();
            const price = fmAntiwasteBlendedPrice(
                qty,
                marked,
                product.get_price(this.pricelist_id, qty, extra),
                product.fmAntiwasteFullPrice(this.pricelist_id, qty, extra),
                digits
            );
            if (line.price_unit !== price) {
                line.set_unit_price(price);
            }
        }
    },
    /** Markdowns used by the order (to refresh their units left). */
    fmAntiwasteMarkdowns() {
        const markdowns = new Map();
        for (const line of this.lines) {
            const markdown = line.product_id.fmAntiwasteMarkdown(
                this.pricelist_id,
                line.get_quantity()
            );
            if (markdown?.id && this.models["fm.antiwaste.markdown"]?.get(markdown.id)) {
                markdowns.set(markdown.id, markdown);
            }
        }
        return [...markdowns.values()];
    },
    fmAntiwasteBasketLines() {
        return this.lines.filter((line) => line.product_id.fm_antiwaste_is_basket && line.qty > 0);
    },
    set_pricelist() {
        const result = super.set_pricelist(...arguments);
        this.fmAntiwasteApplyCap();
        return result;
    },
    removeOrderline() {
        const result = super.removeOrderline(...arguments);
        // The units the removed line used go back to the other lines.
        this.fmAntiwasteApplyCap();
        return result;
    },
});

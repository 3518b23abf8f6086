import { patch } from "@web/core/utils/patch";
import { ProductProduct } from "@point_of_sale/app/models/product_product";

// Set while the normal price is computed: the anti-waste rules are skipped,
// as the server does with the fm_antiwaste_full_price context key.
let fullPriceMode = false;

patch(ProductProduct.prototype, {
    getPricelistRule(pricelist, quantity) {
        if (!fullPriceMode) {
            return super.getPricelistRule(...arguments);
        }
        const rules = !pricelist ? [] : this.cachedPricelistRules[pricelist.id] || [];
        return rules.find(
            (rule) =>
                !rule.raw?.fm_antiwaste_markdown_id &&
                (!rule.min_quantity || quantity >= rule.min_quantity)
        );
    },
    /** The anti-waste markdown record applying to this product, if any. */
    fmAntiwasteMarkdown(pricelist, quantity) {
        const rule = this.getPricelistRule(pricelist, quantity);
        const markdownId = rule?.raw?.fm_antiwaste_markdown_id;
        if (!markdownId) {
            return null;
        }
        return (
            this.models["fm.antiwaste.markdown"]?.get(markdownId) || {
                id: markdownId,
                qty_remaining: 0,
            }
        );
    },
    /** The price without any anti-waste markdown. */
    fmAntiwasteFullPrice(pricelist, quantity, priceExtra = 0) {
        fullPriceMode = true;
        try {
            return this.get_price(pricelist, quantity, priceExtra);
        } finally {
            fullPriceMode = false;
        }
    },
});

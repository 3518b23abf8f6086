import { patch } from "@web/core/utils/patch";
import { ProductProduct } from "@point_of_sale/app/models/product_product";

// Set while the normal price is computed: the anti-waste rules are skipped,
// as the server does with the fm_antiwaste_full_price context key.
let fullPriceMode = false;

patch(ProductProduct.prototype, {
    getPricelistRule(pricelist, quantity) {
        const rules = !pricelist ? [] : this.cachedPricelistRules[pricelist.id] || [];
        const applicable = rules.filter(
            (rule) => !rule.min_quantity || quantity >= rule.min_quantity
        );
        if (fullPriceMode) {
            return applicable.find((rule) => !rule.raw?.fm_antiwaste_markdown_id);
        }
        const rule = super.getPricelistRule(...arguments);
        if (!rule?.raw?.fm_antiwaste_markdown_id) {
            return rule;
        }
        // Lots on several steps of the ladder: the deepest discount with units
        // left applies first, as on the server.
        const markdowns = this.models["fm.antiwaste.markdown"];
        const rank = (step) => {
            const markdown = markdowns?.get(step.raw.fm_antiwaste_markdown_id);
            return [markdown?.qty_remaining > 0 ? 1 : 0, markdown?.discount || 0];
        };
        const steps = applicable.filter((step) => step.raw?.fm_antiwaste_markdown_id);
        return steps.reduce((best, step) => {
            const [a, b] = [rank(step), rank(best)];
            return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]) ? step : best;
        }, rule);
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

import { patch } from "@web/core/utils/patch";
import { PosOrder } from "@point_of_sale/app/models/pos_order";

patch(PosOrder.prototype, {
    export_for_printing() {
        const result = super.export_for_printing(...arguments);
        // Counted by the server when the paid order was synced.
        if (this.flexi_antiwaste_meals_saved) {
            result.flexiAntiwasteMeals = this.flexi_antiwaste_meals_saved;
        }
        return result;
    },
});

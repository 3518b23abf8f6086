import { _t } from "@web/core/l10n/translation";
import { ConnectionLostError, RPCError } from "@web/core/network/rpc";

/**
 * Call a loyalty method of the open session. Errors come back with a
 * ``flexiMessage`` the cashier can read: the server's own message for a
 * refused request, a clear word when the till is offline.
 */
export async function flexiLoyaltyCall(pos, method, args) {
    try {
        return await pos.data.call("pos.session", method, [[pos.session.id], ...args]);
    } catch (error) {
        if (error instanceof ConnectionLostError) {
            error.flexiMessage = _t(
                "The server cannot be reached: loyalty needs a connection. You can still sell; try again when the connection is back."
            );
        } else if (error instanceof RPCError) {
            error.flexiMessage = error.data?.message || error.message;
        }
        throw error;
    }
}

/** The order lines as the server needs them for a preview or a reward value. */
export function flexiLoyaltyLinesForServer(order) {
    return order.lines.map((line) => ({
        product_id: line.product_id.id,
        qty: line.qty,
        price_unit: line.price_unit,
        discount: line.discount || 0,
        tax_ids: line.tax_ids.map((tax) => tax.id),
        flexi_loyalty_token: line.flexi_loyalty_token || false,
    }));
}

/** Take off the tier discount: the order no longer belongs to that member. */
export function flexiLoyaltyClearTierDiscount(order) {
    for (const line of order.lines) {
        if (line.flexi_loyalty_tier_discount) {
            line.set_discount(0);
            line.flexi_loyalty_tier_discount = false;
        }
    }
}

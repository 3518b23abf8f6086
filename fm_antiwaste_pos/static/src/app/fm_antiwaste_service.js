import { _t } from "@web/core/l10n/translation";
import { ConnectionLostError, RPCError } from "@web/core/network/rpc";
import { roundDecimals } from "@web/core/utils/numbers";

/**
 * Call an anti-waste method of the open session. A refusal of the server
 * comes back as ``{ refused: message }``; an unreachable server as
 * ``{ offline: true }`` (the till then goes on with what it loaded).
 */
export async function fmAntiwasteCall(pos, method, args) {
    try {
        return { result: await pos.data.call("pos.session", method, [[pos.session.id], ...args]) };
    } catch (error) {
        if (error instanceof ConnectionLostError) {
            return { offline: true };
        }
        if (error instanceof RPCError) {
            return { refused: error.data?.message || error.message };
        }
        throw error;
    }
}

/** Same rule as fm_antiwaste/tools/cap.py: split a quantity. */
export function fmAntiwasteAllocate(requested, remaining) {
    if (requested <= 0) {
        return [0, 0];
    }
    const marked = Math.max(0, Math.min(requested, remaining));
    return [marked, requested - marked];
}

/** Same rule as fm_antiwaste/tools/cap.py: one unit price for a mixed line. */
export function fmAntiwasteBlendedPrice(quantity, markedQty, markedPrice, fullPrice, digits) {
    if (quantity <= 0) {
        return roundDecimals(fullPrice, digits);
    }
    const marked = Math.max(0, Math.min(markedQty, quantity));
    const total = marked * markedPrice + (quantity - marked) * fullPrice;
    return roundDecimals(total / quantity, digits);
}

export const FM_ANTIWASTE_MESSAGES = {
    basketTitle: () => _t("Surprise basket"),
    basketOnce: () => _t("Each surprise basket is unique: one per order."),
};

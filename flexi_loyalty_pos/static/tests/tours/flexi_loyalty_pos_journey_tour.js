/**
 * The cashier's whole journey, in a French till: open the register, find the
 * member by the local mobile number, give a reward with the code of the SMS,
 * pay cash, read the points on the receipt, then take one dish back from the
 * ticket screen and pay the refund. Selectors are classes, not labels.
 */
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as Numpad from "@point_of_sale/../tests/tours/utils/numpad_util";
import { registry } from "@web/core/registry";
import {
    closeLoyalty,
    dialog,
    openLoyalty,
    searchMember,
} from "@flexi_loyalty_pos/../tests/tours/utils/flexi_loyalty_util";

const CODE = "424242";

/** Waits until ``selector`` shows ``amount`` formatted as the till does. */
function amountIs(selector, amount, content) {
    return {
        content,
        trigger: selector,
        async run() {
            const expected = window.posmodel.env.utils.formatCurrency(amount);
            let text = "";
            for (let i = 0; i < 50; i++) {
                text = document.querySelector(selector)?.textContent || "";
                if (text.includes(expected)) {
                    return;
                }
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            throw new Error(`${content}: expected ${expected}, read "${text.trim()}"`);
        },
    };
}

function payCash(total) {
    return [
        {
            content: "Go to payment",
            trigger: ".product-screen .pay-order-button",
            run: "click",
        },
        amountIs(".payment-screen .total", total, `The customer has ${total} to settle`),
        {
            content: "Cash",
            trigger: ".paymentmethods .button.paymentmethod .payment-name:contains(Cash)",
            run: "click",
        },
        {
            content: "Validate the payment",
            trigger: ".payment-screen .button.next.highlight",
            run: "click",
        },
        {
            content: "The receipt is shown",
            trigger: ".receipt-screen .pos-receipt",
        },
    ];
}

registry.category("web_tour.tours").add("flexi_loyalty_pos_journey_tour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm(),
            {
                content: "The till speaks French",
                trigger: ".o_flexi_loyalty_button:contains(Fidélité)",
            },
            {
                content: "Two couscous",
                trigger: "article.product .product-name:contains(Couscous Royal)",
                run: "click",
            },
            Numpad.click("2"),
            {
                trigger: ".order-container .orderline.selected:has(.product-name:contains(Couscous Royal)):has(.qty:contains(2))",
            },
            amountIs(".product-screen .order-summary .total", 2000, "The order is 2,000"),
            openLoyalty(),
            searchMember("0550 12 34 56", "The customer gives the mobile the local way"),
            {
                content: "The member stored with +213 is found",
                trigger: `${dialog} .o_flexi_loyalty_result:contains(Amina Benali):contains(300)`,
                run: "click",
            },
            {
                content: "The server previews the points of the order",
                trigger: `${dialog} .o_flexi_loyalty_preview:contains(20)`,
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_reward:contains(Bon de 500)`,
                run: "click",
            },
            {
                content: "The code was sent by SMS",
                trigger: `${dialog} .o_flexi_loyalty_info`,
            },
            {
                content: "The code the customer reads out from the SMS",
                trigger: `${dialog} .o_flexi_loyalty_code`,
                run: `edit ${CODE}`,
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_code_confirm`,
                run: "click",
            },
            {
                content: "The points are held once the reward is accepted",
                trigger: `${dialog} .o_flexi_loyalty_balance:contains(200)`,
            },
            {
                trigger: `${dialog}:not(:has(.o_flexi_loyalty_error))`,
            },
            closeLoyalty(),
            {
                content: "The reward is on the ticket",
                trigger: ".order-container .orderline:has(.product-name:contains(Bon de 500))",
            },
            amountIs(".product-screen .order-summary .total", 1500, "1,500 left to pay"),
            payCash(1500),
            {
                content: "The receipt shows the points used",
                trigger: ".receipt-screen .o_flexi_loyalty_receipt_used:contains(100)",
            },
            {
                content: "Points are earned on the 1,500 paid",
                trigger: ".receipt-screen .o_flexi_loyalty_receipt_earned:contains(15)",
            },
            {
                trigger: ".receipt-screen .o_flexi_loyalty_receipt_balance:contains(215)",
            },
            {
                content: "Next customer",
                trigger: ".receipt-screen .button.next.highlight[name='done']",
                run: "click",
            },
            // The customer brings one couscous back.
            {
                content: "More actions",
                trigger: ".product-screen .control-buttons .more-btn",
                run: "click",
            },
            {
                content: "Refund",
                trigger: ".modal .control-buttons-modal button:has(.fa-undo)",
                run: "click",
            },
            {
                content: "The paid order of the member",
                trigger: ".ticket-screen .order-row:contains(Amina Benali)",
                run: "click",
            },
            {
                content: "The couscous line",
                trigger: ".ticket-screen .orderline:has(.product-name:contains(Couscous Royal))",
                run: "click",
            },
            Numpad.click("1"),
            {
                trigger: ".ticket-screen .orderline:has(.product-name:contains(Couscous Royal)) .to-refund-highlight",
            },
            {
                content: "Refund the selected quantity",
                trigger: ".ticket-screen .btn-primary.pay-order-button",
                run: "click",
            },
            {
                content: "The refund order takes one couscous back",
                trigger: ".product-screen .order-container .orderline:has(.product-name:contains(Couscous Royal)):has(.qty:contains(-1))",
            },
            {
                trigger: ".product-screen:not(:has(.orderline .product-name:contains(Bon de 500)))",
            },
            amountIs(".product-screen .order-summary .total", -1000, "1,000 to give back"),
            payCash(-1000),
            {
                content: "The refund receipt shows the points taken back",
                trigger: ".receipt-screen .o_flexi_loyalty_receipt_earned:contains(-10)",
            },
            {
                content: "Done",
                trigger: ".receipt-screen .button.next.highlight[name='done']",
                run: "click",
            },
            {
                trigger: ".product-screen",
            },
        ].flat(),
});

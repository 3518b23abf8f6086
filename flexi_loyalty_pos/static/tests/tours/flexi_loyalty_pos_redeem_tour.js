import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { registry } from "@web/core/registry";

const dialog = ".o_flexi_loyalty_dialog";

registry.category("web_tour.tours").add("flexi_loyalty_pos_redeem_tour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Couscous Royal", "2"),
            {
                content: "Open loyalty",
                trigger: ".o_flexi_loyalty_button",
                run: "click",
            },
            {
                content: "An unknown number finds nobody, with a clear message",
                trigger: `${dialog} .o_flexi_loyalty_search`,
                run: "edit 0661 99 99 99",
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_search_button`,
                run: "click",
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_error:contains(No member found)`,
            },
            {
                content: "Type the phone the national way",
                trigger: `${dialog} .o_flexi_loyalty_search`,
                run: "edit 0550 12 34 56",
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_search_button`,
                run: "click",
            },
            {
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
                trigger: `${dialog} .o_flexi_loyalty_info:contains(SMS)`,
            },
            {
                content: "A wrong code is refused",
                trigger: `${dialog} .o_flexi_loyalty_code`,
                run: "edit 111111",
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_code_confirm`,
                run: "click",
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_error:contains(wrong)`,
            },
            {
                content: "The code the customer reads out from the SMS",
                trigger: `${dialog} .o_flexi_loyalty_code`,
                run: "edit 424242",
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_code_confirm`,
                run: "click",
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_info:contains(Bon de 500)`,
            },
            {
                trigger: ".modal .o_flexi_loyalty_close",
                run: "click",
            },
            ProductScreen.totalAmountIs("1,500.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "The receipt shows the points",
                trigger: ".o_flexi_loyalty_receipt_used:contains(100)",
            },
            {
                trigger: ".o_flexi_loyalty_receipt_earned:contains(20)",
            },
            {
                trigger: ".o_flexi_loyalty_receipt_balance:contains(220)",
            },
        ].flat(),
});

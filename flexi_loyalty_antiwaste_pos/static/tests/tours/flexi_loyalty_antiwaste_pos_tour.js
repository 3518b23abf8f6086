/**
 * The cashier sells a marked-down salad to a member: the receipt prints the
 * doubled points and the meals the customer saved, both counted by the server.
 */
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("flexi_loyalty_antiwaste_pos_tour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("partner_a"),
            {
                content: "One salad at the anti-waste price (30 % off 100)",
                trigger: ".product:contains(Salade Anti-Gaspi)",
                run: "click",
            },
            ProductScreen.selectedOrderlineHas("Salade Anti-Gaspi", "1", "70.00"),
            ProductScreen.totalAmountIs("70.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "7 points, doubled: 14",
                trigger: ".pos-receipt .o_flexi_loyalty_receipt_earned:contains(14)",
            },
            {
                content: "One meal saved from the bin",
                trigger: ".pos-receipt .o_flexi_antiwaste_receipt_meals:contains(1)",
            },
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

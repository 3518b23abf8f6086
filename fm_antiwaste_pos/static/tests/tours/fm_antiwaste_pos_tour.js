import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("fm_antiwaste_pos_tour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            {
                content: "One salad left at the anti-waste price (30 % off 100)",
                trigger: ".product:contains(Salade Anti-Gaspi)",
                run: "click",
            },
            ProductScreen.selectedOrderlineHas("Salade Anti-Gaspi", "1", "70.00"),
            {
                content: "Three salads: one at 70, two at 100, one blended price",
                trigger: ".numpad button:contains(3)",
                run: "click",
            },
            ProductScreen.selectedOrderlineHas("Salade Anti-Gaspi", "3", "270.00"),
            {
                content: "The basket is still on offer: the server says so",
                trigger: ".product:contains(Panier Surprise)",
                run: "click",
            },
            ProductScreen.selectedOrderlineHas("Panier Surprise", "1", "200.00"),
            {
                content: "A second basket of the same kind does not exist",
                trigger: ".product:contains(Panier Surprise)",
                run: "click",
            },
            Dialog.bodyIs("Each surprise basket is unique"),
            Dialog.confirm(),
            ProductScreen.totalAmountIs("470.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            ReceiptScreen.clickNextOrder(),
            {
                content: "The basket was sold: the till refuses it now",
                trigger: ".product:contains(Panier Surprise)",
                run: "click",
            },
            Dialog.bodyIs("is no longer on offer"),
            Dialog.confirm(),
            ProductScreen.orderIsEmpty(),
        ].flat(),
});

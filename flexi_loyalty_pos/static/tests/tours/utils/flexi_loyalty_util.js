import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";

export const dialog = ".o_flexi_loyalty_dialog";

export function openLoyalty() {
    return [
        {
            content: "Open loyalty",
            trigger: ".o_flexi_loyalty_button",
            run: "click",
        },
    ];
}

export function searchMember(phone, content = "Type the phone") {
    return [
        {
            content,
            trigger: `${dialog} .o_flexi_loyalty_search`,
            run: `edit ${phone}`,
        },
        {
            trigger: `${dialog} .o_flexi_loyalty_search_button`,
            run: "click",
        },
    ];
}

export function closeLoyalty() {
    return [
        {
            trigger: ".modal .o_flexi_loyalty_close",
            run: "click",
        },
    ];
}

export function payCash() {
    return [
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Cash"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
    ].flat();
}

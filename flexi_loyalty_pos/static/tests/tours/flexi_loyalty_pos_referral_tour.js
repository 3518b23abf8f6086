/**
 * A friend sent by a member: the cashier enrols the new customer with the
 * member's referral code, the welcome voucher goes out, the ticket is paid
 * and its receipt prints the new member's own code to share.
 */
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import { registry } from "@web/core/registry";
import {
    closeLoyalty,
    dialog,
    openLoyalty,
    payCash,
} from "@flexi_loyalty_pos/../tests/tours/utils/flexi_loyalty_util";

function enrolWith(code) {
    return [
        {
            trigger: `${dialog} .o_flexi_loyalty_enrol_button`,
            run: "click",
        },
        {
            trigger: `${dialog} .o_flexi_loyalty_enrol_name`,
            run: "edit Samir Kaci",
        },
        {
            trigger: `${dialog} .o_flexi_loyalty_enrol_phone`,
            run: "edit 0661 22 33 44",
        },
        {
            content: "The code of the member who sent the customer",
            trigger: `${dialog} .o_flexi_loyalty_enrol_referral`,
            run: `edit ${code}`,
        },
        {
            trigger: `${dialog} .o_flexi_loyalty_enrol_consent`,
            run: "click",
        },
        {
            trigger: `${dialog} .o_flexi_loyalty_enrol_confirm`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("flexi_loyalty_pos_referral_tour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Couscous Royal", "2"),
            openLoyalty(),
            enrolWith("test-2345"),
            {
                content: "Enrolled, and the welcome voucher is sent",
                trigger: `${dialog} .o_flexi_loyalty_info:contains(Samir Kaci):contains(voucher)`,
            },
            closeLoyalty(),
            payCash(),
            {
                content: "The receipt prints the new member's own code to share",
                trigger: ".o_flexi_loyalty_receipt_referral_code",
            },
        ].flat(),
});

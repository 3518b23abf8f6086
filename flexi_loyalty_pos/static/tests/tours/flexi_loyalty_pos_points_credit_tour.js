import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import { registry } from "@web/core/registry";
import {
    closeLoyalty,
    dialog,
    openLoyalty,
    payCash,
    searchMember,
} from "@flexi_loyalty_pos/../tests/tours/utils/flexi_loyalty_util";

function typePoints(points, content) {
    return [
        {
            content,
            trigger: `${dialog} .o_flexi_loyalty_points`,
            run: `edit ${points}`,
        },
        {
            trigger: `${dialog} .o_flexi_loyalty_points_confirm`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("flexi_loyalty_pos_points_credit_tour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Couscous Royal", "2"),
            openLoyalty(),
            searchMember("0550 12 34 56"),
            {
                trigger: `${dialog} .o_flexi_loyalty_result:contains(Amina Benali)`,
                run: "click",
            },
            {
                content: "The reward says its rule",
                trigger: `${dialog} .o_flexi_loyalty_reward:contains(Points en DA):contains(in steps of 10)`,
                run: "click",
            },
            {
                content: "The server proposes the most the balance and the order allow",
                trigger: `${dialog} .o_flexi_loyalty_points_max:contains(200)`,
            },
            ...typePoints("80", "The customer wants to use 80 points"),
            {
                trigger: `${dialog} .o_flexi_loyalty_info:contains(SMS)`,
            },
            {
                trigger: `${dialog} h4:contains(80 points)`,
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
                trigger: `${dialog} .o_flexi_loyalty_info:contains(80 points):contains(held)`,
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_balance:contains(220)`,
            },
            closeLoyalty(),
            ProductScreen.totalAmountIs("1,200.00"),
            payCash(),
            {
                trigger: ".o_flexi_loyalty_receipt_used:contains(80)",
            },
            {
                trigger: ".o_flexi_loyalty_receipt_balance:contains(232)",
            },
        ].flat(),
});

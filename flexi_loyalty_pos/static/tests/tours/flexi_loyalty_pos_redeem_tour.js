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

registry.category("web_tour.tours").add("flexi_loyalty_pos_redeem_tour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Couscous Royal", "2"),
            openLoyalty(),
            searchMember(
                "0661 99 99 99",
                "An unknown number finds nobody, with a clear message"
            ),
            {
                trigger: `${dialog} .o_flexi_loyalty_error:contains(No member found)`,
            },
            searchMember("0550 12 34 56", "Type the phone the national way"),
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
                trigger: `${dialog} .o_flexi_loyalty_info:contains(Bon de 500):contains(held)`,
            },
            {
                content: "The points are held as soon as the reward is accepted",
                trigger: `${dialog} .o_flexi_loyalty_balance:contains(200)`,
            },
            closeLoyalty(),
            ProductScreen.totalAmountIs("1,500.00"),
            payCash(),
            {
                content: "The receipt shows the points",
                trigger: ".o_flexi_loyalty_receipt_used:contains(100)",
            },
            {
                content: "Points are earned on the 1,500 paid, not on 2,000 of goods",
                trigger: ".o_flexi_loyalty_receipt_earned:contains(15)",
            },
            {
                trigger: ".o_flexi_loyalty_receipt_balance:contains(215)",
            },
        ].flat(),
});

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import { ConnectionLostError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import {
    closeLoyalty,
    dialog,
    openLoyalty,
    payCash,
    searchMember,
} from "@flexi_loyalty_pos/../tests/tours/utils/flexi_loyalty_util";

registry.category("web_tour.tours").add("flexi_loyalty_pos_offline_tour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Couscous Royal", "2"),
            openLoyalty(),
            searchMember("0550 12 34 56"),
            {
                content: "The member is selected while online",
                trigger: `${dialog} .o_flexi_loyalty_result:contains(Amina Benali)`,
                run: "click",
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_member:contains(Or):contains(-5%)`,
            },
            {
                trigger: `${dialog} .o_flexi_loyalty_preview:contains(19)`,
            },
            {
                content: "The connection to the server drops for loyalty calls",
                trigger: `${dialog} .o_flexi_loyalty_reward:contains(Bon de 500)`,
                run() {
                    const data = window.posmodel.data;
                    const call = data.call.bind(data);
                    data.call = (model, method, ...args) => {
                        if (model === "pos.session" && method.startsWith("flexi_loyalty")) {
                            return Promise.reject(new ConnectionLostError("/json/2"));
                        }
                        return call(model, method, ...args);
                    };
                },
            },
            {
                content: "Redeeming needs the server",
                trigger: `${dialog} .o_flexi_loyalty_reward:contains(Bon de 500)`,
                run: "click",
            },
            {
                content: "The cashier reads why",
                trigger: `${dialog} .o_flexi_loyalty_error:contains(The server cannot be reached)`,
            },
            closeLoyalty(),
            {
                content: "No reward line was added",
                trigger: ".product-screen:not(:has(.orderline:contains(Bon de 500)))",
            },
            {
                content: "The sale goes on, with the tier discount",
                trigger: ".product-screen",
                run: "click",
            },
            ProductScreen.totalAmountIs("1,900.00"),
            payCash(),
            {
                content: "The server accepted the order and credited the points",
                trigger: ".o_flexi_loyalty_receipt_earned:contains(19)",
            },
        ].flat(),
});

import { registry } from "@web/core/registry";

const box = ".flexi_loyalty_website_sale_redeem";

/**
 * Amina (300 points) uses 80 points of a credit per point in her cart: the
 * points field appears with the reward, the code is sent for those points,
 * the reward line is added and the balance drops by them.
 */
registry.category("web_tour.tours").add("flexi_loyalty_website_sale_points_credit_tour", {
    url: "/shop/cart",
    steps: () => [
        {
            content: "Choose the credit per point",
            trigger: `${box} select[name='flexi_loyalty_website_sale_reward_id']`,
            run: "selectByLabel Points en DA",
        },
        {
            content: "The cart proposes the most points it allows",
            trigger: `${box} [name='flexi_loyalty_website_sale_points_help']:contains(up to)`,
        },
        {
            content: "She uses 80 points",
            trigger: `${box} input[name='flexi_loyalty_website_sale_points']`,
            run: "edit 80",
        },
        {
            content: "Ask for a code by SMS",
            trigger: `${box} button[name='flexi_loyalty_website_sale_request_code']`,
            run: "click",
        },
        {
            content: "The page says where the code went",
            trigger: `${box} [name='flexi_loyalty_website_sale_loyalty_message'].text-success:not(:empty)`,
        },
        {
            content: "Type the code received by SMS",
            trigger: `${box} input[name='flexi_loyalty_website_sale_code']`,
            run: "edit 424242",
        },
        {
            trigger: `${box} button[name='flexi_loyalty_website_sale_redeem']`,
            run: "click",
        },
        {
            content: "The cart carries the reward, with its remove link",
            trigger: "#cart_products:contains(Points en DA) [name='flexi_loyalty_website_sale_remove_reward']",
        },
        {
            content: "The balance dropped by 80",
            trigger:
                "#flexi_loyalty_website_sale_loyalty [name='flexi_loyalty_website_sale_balance']:contains(/^220$/)",
        },
    ],
});

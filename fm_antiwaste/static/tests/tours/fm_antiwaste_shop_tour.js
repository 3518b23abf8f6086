import { registry } from "@web/core/registry";

/*
 * A visitor finds today's anti-waste offers from the shop, adds a marked-down
 * salad to the cart and sees it there at the reduced price.
 *
 * The salad (normal price 100, -30 % on its 3 units expiring soon) comes from
 * the Python test (test_website.py), which then checks the cart on the server.
 */

const offer = ".o_fm_antigaspi_offer:contains('Salade niçoise')";

registry.category("web_tour.tours").add("fm_antiwaste_shop_tour", {
    url: "/shop",
    steps: () => [
        {
            content: "The shop points to the anti-waste offers",
            trigger: ".o_fm_antigaspi_banner",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The offer shows its picture and the units left at that price",
            trigger: `${offer}:has(img.o_fm_antigaspi_image) .o_fm_antiwaste_units:contains(3)`,
        },
        {
            content: "The reduced price, the normal one struck through, the expiry date",
            trigger: `${offer} .o_fm_antigaspi_price:contains(70.00) ~ .o_fm_antigaspi_base_price:contains(100.00)`,
        },
        {
            trigger: `${offer} .o_fm_antiwaste_expiry`,
        },
        {
            content: "Add the salad to the cart",
            trigger: `${offer} .o_fm_antigaspi_add`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The cart holds the salad at the reduced price",
            trigger: "#cart_products .o_cart_product:contains('Salade niçoise'):contains(70.00)",
        },
    ],
});

import { registry } from "@web/core/registry";

/*
 * Journey of a web customer, in French, in two parts (test_customer_journey.py in test_fm_full
 * sets the shop up, credits the points between the parts and checks the order,
 * the payment and the points on the server):
 *
 * 1. From the shop to today's anti-waste offers, a marked-down salad in the
 *    cart, then she joins the loyalty programme from her account.
 * 2. Back to her cart: she asks for a code by SMS, redeems a reward with it,
 *    picks the post office and a slot, pays at pickup and reads the
 *    confirmation (discount, point, slot, pickup code).
 *
 * Selectors avoid the interface texts (the site is in French); product,
 * reward and point names come from the test data.
 */

const offer = ".o_fm_antigaspi_offer:has(a:contains('Salade niçoise'))";

registry.category("web_tour.tours").add("test_fm_full_customer_journey_join", {
    url: "/shop",
    steps: () => [
        {
            content: "The shop points to today's anti-waste offers",
            trigger: ".o_fm_antigaspi_banner",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The salad is offered at its reduced price",
            trigger: `${offer} .o_fm_antigaspi_price:contains(/700[,.]00/)`,
        },
        {
            content: "Add the salad to the cart",
            trigger: `${offer} .o_fm_antigaspi_add`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The cart holds the salad at the reduced price",
            trigger: "#cart_products .o_cart_product:contains('Salade niçoise'):contains(/700[,.]00/)",
        },
        {
            content: "Not a member yet: no points to use in the cart",
            trigger: "#cart_products:not(:has(.flexi_loyalty_website_sale_redeem))",
        },
        {
            content: "She opens her loyalty page in her account",
            trigger: "body",
            run() {
                window.location.assign("/my/loyalty");
            },
            expectUnloadPage: true,
        },
        {
            content: "She accepts the terms of the programme",
            trigger: ".o_flexi_loyalty_join:contains('Fidélité Traiteur') input[name='consent']",
            run: "click",
        },
        {
            content: "... and joins",
            trigger: ".o_flexi_loyalty_join:contains('Fidélité Traiteur') button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Her membership is shown",
            trigger: ".o_flexi_loyalty_member",
        },
    ],
});

registry.category("web_tour.tours").add("test_fm_full_customer_journey_redeem", {
    url: "/shop/cart",
    steps: () => [
        {
            content: "Her cart still holds the salad, and her points are shown",
            trigger: "#cart_products .o_cart_product:contains('Salade niçoise')",
        },
        {
            trigger: "#flexi_loyalty_website_sale_loyalty [name='flexi_loyalty_website_sale_balance']:contains(/^300$/)",
        },
        {
            content: "Ask for a code by SMS",
            trigger: ".flexi_loyalty_website_sale_redeem button[name='flexi_loyalty_website_sale_request_code']",
            run: "click",
        },
        {
            content: "The page says where the code went",
            trigger: ".flexi_loyalty_website_sale_redeem [name='flexi_loyalty_website_sale_loyalty_message'].text-success:not(:empty)",
        },
        {
            content: "Type the code received by SMS",
            trigger: ".flexi_loyalty_website_sale_redeem input[name='flexi_loyalty_website_sale_code']",
            run: "edit 424242",
        },
        {
            content: "Use the points",
            trigger: ".flexi_loyalty_website_sale_redeem button[name='flexi_loyalty_website_sale_redeem']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The reward is in the cart, the points are spent",
            trigger: "#cart_products .o_cart_product:contains('Bon de 200')",
        },
        {
            trigger: "#flexi_loyalty_website_sale_loyalty [name='flexi_loyalty_website_sale_balance']:contains(/^200$/)",
        },
        {
            content: "Go to checkout",
            trigger: 'a[href^="/shop/checkout"]',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose pickup",
            trigger: 'input[name="o_delivery_radio"][data-delivery-type="in_store"]',
            run: "click",
        },
        {
            content: "Pick the post office from our list",
            trigger: '[name="fm_cc_point_list"]:not(.d-none) button[name="fm_cc_point"]:contains("Poste Ben Aknoun")',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The post office is the pickup point",
            trigger: 'b[name="o_pickup_location_name"]:contains("Poste Ben Aknoun")',
        },
        {
            content: "Pick the first slot with places left (slots grouped by day)",
            trigger: 'select[name="fm_cc_slot_id"]:has(optgroup option[data-fm-cc-status="free"]:not(:disabled))',
            run(helpers) {
                const option = this.anchor.querySelector(
                    'optgroup option[data-fm-cc-status="free"]:not(:disabled)'
                );
                return helpers.select(option.value);
            },
        },
        {
            content: "The slot is saved",
            trigger: 'select[name="fm_cc_slot_id"][data-fm-cc-slot-set="1"]',
        },
        {
            content: "Confirm the order",
            trigger: 'a[href^="/shop/confirm_order"]',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The payment step repeats the point",
            trigger: '#fm_cc_payment_pickup span[name="fm_cc_point"]:contains("Poste Ben Aknoun")',
        },
        {
            content: "... and the reward is still deducted: 700 - 200",
            trigger: "tr#order_total .oe_currency_value:contains(/^500[,.]00$/)",
        },
        {
            content: "Pay at pickup",
            trigger: 'input[name="o_payment_radio"][data-payment-method-code="pay_on_site"]',
            run: "click",
        },
        {
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The confirmation shows the point, the slot and the pickup code",
            trigger: '#fm_cc_pickup_info span[name="fm_cc_point"]:contains("Poste Ben Aknoun")',
        },
        {
            trigger: '#fm_cc_pickup_info span[name="fm_cc_slot"]:not(:empty)',
        },
        {
            trigger: '#fm_cc_pickup_info span[name="fm_cc_code"]:contains(/\\w{4,}/)',
        },
        {
            content: "... the total after the reward: 700 - 200",
            trigger: "tr#order_total .oe_currency_value:contains(/^500[,.]00$/)",
        },
        {
            content: "Open the order summary",
            trigger: "#o_wsale_total_accordion_item .accordion-button",
            run: "click",
        },
        {
            content: "... it lists the reward paid with her points",
            trigger: "#o_wsale_accordion_item.show #cart_products tr:contains('Bon de 200')",
        },
        {
            content: "No more points to use on a placed order",
            trigger: "body:not(:has(.flexi_loyalty_website_sale_redeem))",
        },
    ],
});

/*
 * 3. At the post office counter, the salesman opens the order: "Ready" (the
 *    customer gets an SMS), then "Hand Over" with the code the customer
 *    reads out (the test makes it known: M7KP4X) and the cash for 500 DA.
 */
registry.category("web_tour.tours").add("test_fm_full_customer_journey_handover", {
    steps: () => [
        {
            content: "The order is prepared: mark it ready",
            trigger: '.o_form_view .o_form_statusbar button[name="action_fm_cc_ready"]',
            run: "click",
        },
        {
            content: "Staff are told how the customer was notified",
            trigger: ".o_notification:not(:empty)",
        },
        {
            content: "Once ready, only the handover is left",
            trigger:
                '.o_form_view .o_form_statusbar:not(:has(button[name="action_fm_cc_ready"])) button[name="action_fm_cc_collect"]',
            run: "click",
        },
        {
            content: "The wizard shows the amount to collect: 500 DA",
            trigger: '.modal div[name="amount_due"]:contains(/500[,.]00/)',
        },
        {
            content: "Type the code the customer reads out (lower case and spaces are fine)",
            trigger: '.modal div[name="code"] input',
            run: "edit m7k p4x",
        },
        {
            content: "Paid in cash (the cash journal is proposed)",
            trigger: '.modal div[name="journal_id"] input:value(/\\w/)',
        },
        {
            trigger: '.modal button[name="action_collect"]',
            run: "click",
        },
        {
            content: "The order left: nothing more to do on it",
            trigger:
                '.o_form_view .o_form_statusbar:not(:has(button[name="action_fm_cc_collect"])):not(:has(button[name="action_fm_cc_ready"]))',
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

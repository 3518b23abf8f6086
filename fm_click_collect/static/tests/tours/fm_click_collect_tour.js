import { registry } from "@web/core/registry";
import * as tourUtils from "@website_sale/js/tours/tour_utils";

registry.category("web_tour.tours").add("fm_click_collect_post_office_pay_at_pickup", {
    url: "/shop",
    steps: () => [
        ...tourUtils.searchProduct("Couscous Royal", { select: true }),
        {
            content: "Add to cart",
            trigger: "#add_to_cart",
            run: "click",
        },
        tourUtils.goToCart({ quantity: 1 }),
        tourUtils.goToCheckout(),
        {
            content: "Country",
            trigger: 'select[name="country_id"]',
            run: "selectByLabel Algeria",
        },
        { trigger: 'input[name="name"]', run: "edit Amina Benali" },
        { trigger: 'input[name="phone"]', run: "edit 0550 12 34 56" },
        { trigger: 'input[name="email"]', run: "edit amina@example.com" },
        { trigger: 'input[name="street"]', run: "edit 3 rue Larbi Ben M'hidi" },
        { trigger: 'input[name="city"]', run: "edit Alger" },
        { trigger: 'input[name="zip"]', run: "edit 16000" },
        {
            content: "Continue checkout",
            trigger: '.oe_cart .btn:contains("Continue checkout")',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose pickup",
            trigger: 'input[name="o_delivery_radio"][data-delivery-type="in_store"]',
            run: "click",
        },
        {
            content: "Our pickup points are listed without the map",
            trigger: '[name="fm_cc_point_list"]:not(.d-none) button[name="fm_cc_point"]:contains("Traiteur Hydra")',
        },
        {
            content: "Pick the post office from the list",
            trigger: '[name="fm_cc_point_list"] button[name="fm_cc_point"]:contains("Poste Ben Aknoun")',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The post office is the pickup point",
            trigger: 'b[name="o_pickup_location_name"]:contains("Poste Ben Aknoun")',
        },
        {
            content: "It is marked as chosen in the list, with its opening hours",
            trigger: 'button[name="fm_cc_point"].active:contains("Poste Ben Aknoun"):contains("08:00 - 20:00")',
        },
        {
            content: "Slots are grouped by day",
            trigger: 'select[name="fm_cc_slot_id"]:has(optgroup[label="Tomorrow"] option)',
        },
        {
            content: "A full slot is shown, but cannot be chosen",
            trigger: 'select[name="fm_cc_slot_id"]:has(option[data-fm-cc-status="full"]:disabled)',
        },
        {
            content: "Pick tomorrow's first slot with places left",
            trigger: 'select[name="fm_cc_slot_id"]',
            run(helpers) {
                const option = this.anchor.querySelector(
                    'optgroup[label="Tomorrow"] option[data-fm-cc-status="free"]:not(:disabled)'
                );
                return helpers.select(option.value);
            },
        },
        {
            content: "The slot is saved",
            trigger: 'select[name="fm_cc_slot_id"][data-fm-cc-slot-set="1"]',
        },
        tourUtils.confirmOrder(),
        {
            content: "The payment step repeats the pickup point",
            trigger: '#fm_cc_payment_pickup span[name="fm_cc_point"]:contains("Poste Ben Aknoun")',
        },
        {
            content: "... and the slot",
            trigger: '#fm_cc_payment_pickup span[name="fm_cc_slot"]:contains(" to ")',
        },
        {
            content: "Pay at pickup",
            trigger: 'input[name="o_payment_radio"][data-payment-method-code="pay_on_site"]',
            run: "click",
        },
        ...tourUtils.pay({ expectUnloadPage: true, waitFinalizeYourPayment: true }),
        {
            content: "The confirmation shows the pickup point and slot",
            trigger: '#fm_cc_pickup_info span[name="fm_cc_point"]:contains("Poste Ben Aknoun")',
        },
        {
            trigger: '#fm_cc_pickup_info span[name="fm_cc_slot"]:contains(" to ")',
        },
    ],
});

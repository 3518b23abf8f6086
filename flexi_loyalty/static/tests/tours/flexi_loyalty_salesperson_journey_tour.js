import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/*
 * A salesperson's day with a loyalty member, in the back office (French UI):
 * quotation → points used with the code sent by SMS → "Update prices" after a
 * pricelist change → confirmation → invoice → payment → credit note for one
 * returned dish → the member's balance on the customer form.
 *
 * The data (member with 300 points, "Bon de 500" reward for 100 points,
 * "Entreprises" pricelist selling the couscous at 900) and the code the SMS
 * carries come from the Python test (test_salesperson_journey.py), which then
 * checks the amounts and points on the server.
 */

const modal = ".modal:not(.o_inactive_modal)";
const orderLines = ".o_field_widget[name=order_line]";
const invoiceLines = ".o_field_widget[name=invoice_line_ids]";
const draft = ".o_statusbar_status button[data-value=draft][aria-checked=true]";
const posted = ".o_statusbar_status button[data-value=posted][aria-checked=true]";
const total = ".o_field_widget[name=tax_totals] [name=amount_total]";

function pick(field, text, scope = "") {
    return [
        {
            content: `Type "${text}" in ${field}`,
            trigger: `${scope} .o_field_widget[name=${field}] input`,
            run: `edit ${text}`,
        },
        {
            trigger: `${scope} .o_field_widget[name=${field}] .ui-menu-item > a:contains(${text})`,
            run: "click",
        },
    ];
}

function statusbarButton(name, content) {
    return {
        content,
        trigger: `.o_form_view .o_statusbar_buttons button[name=${name}]`,
        run: "click",
    };
}

function quotation() {
    return [
        {
            content: "New quotation",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        ...pick("partner_id", "Amina Benali"),
        {
            content: "The form says the customer is a member, before any line",
            trigger: ".o_field_widget[name=flexi_loyalty_subscription_ids] .o_tag",
        },
        {
            trigger: `${orderLines} .o_field_x2many_list_row_add > a`,
            run: "click",
        },
        ...pick("product_template_id", "Couscous Royal", `${orderLines} .o_selected_row`),
        {
            trigger: `${orderLines} .o_selected_row .o_field_widget[name=product_uom_qty] input`,
            run: "edit 3",
        },
        ...stepUtils.saveForm(),
        {
            content: "3 couscous at 1,000 + 19% VAT",
            trigger: `${total}:contains(570,00)`,
        },
    ];
}

function usePointsWithTheSmsCode(code) {
    return [
        statusbarButton("action_flexi_loyalty_redeem", "Use points"),
        {
            content: "The member's 300 points are shown",
            trigger: `${modal} .o_field_widget[name=points_available]:contains(300)`,
        },
        ...pick("reward_id", "Bon de 500", modal),
        {
            content: "Send the code to the member's phone",
            trigger: `${modal} footer button.btn-primary[name=action_send_code]`,
            run: "click",
        },
        {
            content: "The wizard says the code went to the member's mobile (…3456)",
            trigger: `${modal} .alert-info .o_field_widget[name=otp_message]:contains(***3456)`,
        },
        {
            content: "The member reads the code out from the SMS",
            trigger: `${modal} .o_field_widget[name=code] input`,
            run: `edit ${code}`,
        },
        {
            trigger: `${modal} footer button[name=action_apply]`,
            run: "click",
        },
        {
            content: "The reward line is on the quotation",
            trigger: `body:not(:has(.modal)) ${orderLines} .o_data_row:contains(Bon de 500)`,
        },
        {
            trigger: `${total}:contains(070,00)`,
        },
    ];
}

function updatePrices() {
    return [
        ...pick("pricelist_id", "Entreprises"),
        {
            content: "Update prices after the pricelist change",
            trigger: ".o_form_view button[name=action_update_prices]",
            run: "click",
        },
        {
            content: "Odoo asks for a confirmation",
            trigger: `${modal} .modal-footer .btn-primary`,
            run: "click",
        },
        {
            content: "The couscous is now at 900, the reward line still takes 500 off",
            trigger: `body:not(:has(.modal)) ${orderLines} .o_data_row:contains(Bon de 500) [name=price_subtotal]:contains(420,17)`,
        },
        {
            content: "3 × 900 + 19% VAT − 500 = 2,713",
            trigger: `${total}:contains(713,00)`,
        },
    ];
}

function confirmAndInvoice(earnedOnOrder) {
    return [
        statusbarButton("action_confirm", "Confirm the order"),
        {
            content: "The order is confirmed: it shows the points used and earned",
            trigger: `.o_form_view .o_field_widget[name=flexi_loyalty_points_earned]:contains(/^${earnedOnOrder}$/)`,
        },
        {
            trigger: ".o_form_view .o_field_widget[name=flexi_loyalty_points_used]:contains(100)",
        },
        {
            content: "Create the invoice",
            trigger: ".o_form_view .o_statusbar_buttons button#create_invoice",
            run: "click",
        },
        {
            trigger: `${modal} footer button[name=create_invoices]`,
            run: "click",
        },
        {
            content: "The draft invoice opens with the reward line",
            trigger: `.o_form_view ${invoiceLines} .o_data_row:contains(Bon de 500)`,
        },
        {
            trigger: `${total}:contains(713,00)`,
        },
        statusbarButton("action_post", "Post the invoice"),
    ];
}

function registerPayment() {
    return [
        {
            content: "Register the payment",
            trigger: ".o_form_view .o_statusbar_buttons button#account_invoice_payment_btn",
            run: "click",
        },
        {
            trigger: `${modal} .o_field_widget[name=amount] input`,
        },
        {
            trigger: `${modal} footer button[name=action_create_payments]`,
            run: "click",
        },
        {
            content: "The invoice is marked paid (or in payment)",
            trigger: "body:not(:has(.modal)) .o_form_view .o_widget_web_ribbon .ribbon",
        },
    ];
}

function creditNoteForOneDish() {
    return [
        statusbarButton("action_reverse", "Credit note"),
        {
            trigger: `${modal} footer button[name=refund_moves]`,
            run: "click",
        },
        {
            content: "The draft credit note (not the posted invoice) copies the invoice",
            trigger: `.o_form_view:has(${draft}) ${invoiceLines} .o_data_row:contains(Bon de 500)`,
        },
        {
            content: "The customer returns one couscous out of three",
            trigger: `${invoiceLines} .o_data_row:contains(Couscous Royal) td[name=quantity]`,
            run: "click",
        },
        {
            trigger: `${invoiceLines} .o_selected_row td[name=quantity] input`,
            run: "edit 1",
        },
        {
            content: "The reward stays with what the customer keeps",
            trigger: `${invoiceLines} .o_data_row:contains(Bon de 500) .o_list_record_remove`,
            run: "click",
        },
        {
            trigger: `${invoiceLines}:not(:has(.o_data_row:contains(Bon de 500)))`,
        },
        {
            content: "1 couscous at 900 + 19% VAT",
            trigger: `${total}:contains(071,00)`,
        },
        statusbarButton("action_post", "Post the credit note"),
        {
            trigger: `.o_form_view ${posted}`,
        },
    ];
}

function memberBalance() {
    return [
        {
            content: "Open the customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] a.o_form_uri",
            run: "click",
        },
        {
            // Whenever the points are earned (confirmation or payment), on
            // the net paid: 22 on 2,279.83 before tax, 9 taken back by the
            // credit note (13 kept on the 1,379.83 she kept and paid).
            content: "300 − 100 used + 13 earned on what she kept and paid",
            trigger: ".o_form_view button[name=action_view_flexi_loyalty] .o_stat_value:contains(/^\\s*213\\s/)",
        },
    ];
}

function journey(earnedOnOrder) {
    return [
        quotation(),
        usePointsWithTheSmsCode("424242"),
        updatePrices(),
        confirmAndInvoice(earnedOnOrder),
        registerPayment(),
        creditNoteForOneDish(),
        memberBalance(),
    ].flat();
}

// Program earning when the order is confirmed: 22 points shown on the order.
registry.category("web_tour.tours").add("flexi_loyalty_salesperson_journey_tour", {
    url: "/odoo/action-sale.action_quotations_with_onboarding",
    steps: () => journey(22),
});

// Program earning when the invoice is paid: nothing on the confirmed order.
registry.category("web_tour.tours").add("flexi_loyalty_salesperson_journey_paid_tour", {
    url: "/odoo/action-sale.action_quotations_with_onboarding",
    steps: () => journey(0),
});

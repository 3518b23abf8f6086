import { registry } from "@web/core/registry";

/*
 * A salesperson uses 80 of the member's points on a credit per point, on a
 * quotation opened by the Python test (test_points_credit.py), which then
 * checks the amounts and points on the server.
 */

const modal = ".modal:not(.o_inactive_modal)";

registry.category("web_tour.tours").add("flexi_loyalty_points_credit_tour", {
    steps: () => [
        {
            content: "Use points",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_flexi_loyalty_redeem]",
            run: "click",
        },
        {
            trigger: `${modal} .o_field_widget[name=reward_id] input`,
            run: "edit Points en DA",
        },
        {
            trigger: `${modal} .o_field_widget[name=reward_id] .ui-menu-item > a:contains(Points en DA)`,
            run: "click",
        },
        {
            content: "The wizard says the rule and the most points this quotation allows",
            trigger: `${modal} .o_field_widget[name=points_rule]:contains(in steps of 10)`,
        },
        {
            trigger: `${modal} .o_field_widget[name=points_max]:contains(130)`,
        },
        {
            content: "The member wants to use 80 points",
            trigger: `${modal} .o_field_widget[name=points] input`,
            run: "edit 80",
        },
        {
            content: "Leave the field",
            trigger: `${modal} .modal-title`,
            run: "click",
        },
        {
            content: "The credit follows the points",
            trigger: `${modal} .o_field_widget[name=points_credit]:contains(800)`,
        },
        {
            content: "Send the code for 80 points",
            trigger: `${modal} footer button.btn-primary[name=action_send_code]`,
            run: "click",
        },
        {
            trigger: `${modal} .alert-info .o_field_widget[name=otp_message]:contains(***3456)`,
        },
        {
            content: "The member reads the code out from the SMS",
            trigger: `${modal} .o_field_widget[name=code] input`,
            run: "edit 424242",
        },
        {
            trigger: `${modal} footer button[name=action_apply]`,
            run: "click",
        },
        {
            content: "The credit is on the quotation",
            trigger: ".o_field_widget[name=order_line] .o_data_row:contains(Points en DA)",
        },
    ],
});

/**
 * The marketing manager's journey, in a French back office: switch on the
 * built-in win-back campaign (tour A); once the hourly job has sent its SMS
 * and a customer has used the code, see the conversion on the campaign
 * (tour B). Selectors are field and button names, not labels.
 */
import { registry } from "@web/core/registry";

const CAMPAIGN = "Tu nous manques";

function openCampaign() {
    return [
        {
            content: "The back office speaks French",
            trigger: ".o_breadcrumb:contains(Campagnes)",
        },
        {
            content: "The built-in win-back campaign, shipped switched off",
            trigger: `.o_list_view .o_data_row td[name=name]:contains(${CAMPAIGN})`,
            run: "click",
        },
        {
            content: "The campaign form",
            trigger: ".o_form_view .o_form_statusbar",
        },
    ];
}

registry.category("web_tour.tours").add("fm_marketing_manager_activate_tour", {
    steps: () => [
        ...openCampaign(),
        {
            content: "Switched off: the archived ribbon shows",
            trigger: ".o_form_view .ribbon",
        },
        {
            content: "Activate",
            trigger: ".o_form_view .o_form_statusbar button[name=action_activate]",
            run: "click",
        },
        {
            content: "Active now: it can be paused",
            trigger: ".o_form_view .o_form_statusbar button[name=action_deactivate]",
        },
        {
            trigger: ".o_form_view:not(:has(.ribbon)):not(:has(button[name=action_activate]))",
        },
    ],
});

registry.category("web_tour.tours").add("fm_marketing_manager_conversion_tour", {
    steps: () => [
        ...openCampaign(),
        {
            content: "One message sent",
            trigger: ".o_form_view .oe_stat_button:has(.fa-envelope-o) .o_stat_value:contains(1)",
        },
        {
            content: "One order came from it",
            trigger: ".o_form_view .oe_stat_button:has(.fa-shopping-cart) .o_stat_value:contains(1)",
        },
        {
            content: "All the customers reached came back",
            trigger: ".o_form_view .o_field_widget[name=conversion_rate]:contains(100)",
        },
        {
            content: "The orders of the campaign",
            trigger: ".o_form_view .oe_stat_button:has(.fa-shopping-cart)",
            run: "click",
        },
        {
            content: "The customer, the code and the order that used it",
            trigger: ".o_list_view .o_data_row:has(td[name=partner_id]:contains(Amina Benali)):has(td[name=order_id]:contains(S0))",
        },
    ],
});

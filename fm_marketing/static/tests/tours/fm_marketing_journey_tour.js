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

/**
 * Tour C: after a month of a daily campaign with a hold-out group, the
 * manager reads what it earned: both groups' orders and revenue, the uplift
 * with its interval, then the conversion run by run (graph, then pivot).
 * The test put 20 orders of 1 000 DA among messaged customers and 8 among
 * held-out ones.
 */
registry.category("web_tour.tours").add("fm_marketing_manager_uplift_tour", {
    steps: () => [
        {
            content: "The campaign form, in French",
            trigger: ".o_form_view .o_form_statusbar",
        },
        {
            content: "Messaged customers who ordered",
            trigger: ".o_form_view .o_field_widget[name=messaged_converted_count]:contains(20)",
        },
        {
            content: "Their revenue",
            trigger: ".o_form_view .o_field_widget[name=messaged_revenue]:contains(20)",
        },
        {
            content: "Held-out customers who ordered anyway",
            trigger: ".o_form_view .o_field_widget[name=held_out_converted_count]:contains(8)",
        },
        {
            content: "Enough data: the uplift shows, with its interval",
            trigger: ".o_form_view:not(:has(.text-muted:contains(assez de données))) .o_field_widget[name=uplift_low]",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=uplift_high]",
        },
        {
            content: "The revenue the message brought",
            trigger: ".o_form_view .o_field_widget[name=uplift_revenue]",
        },
        {
            content: "Conversion run by run",
            trigger: ".o_form_view button[name=action_view_uplift_report]",
            run: "click",
        },
        {
            content: "The graph of both groups",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        {
            content: "The same as a table",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "Both groups are columns of the table",
            trigger: ".o_pivot th:contains(Témoin)",
        },
        {
            trigger: ".o_pivot th:contains(Contactés)",
        },
    ],
});

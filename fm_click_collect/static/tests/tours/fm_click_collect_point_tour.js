import { registry } from "@web/core/registry";

// A manager opens Pickup Points, clicks New and fills the form as on screen:
// the warehouse is picked from its dropdown (empty before the fix).
registry.category("web_tour.tours").add("fm_click_collect_point_form", {
    url: "/odoo/action-fm_click_collect.fm_click_collect_point_action",
    steps: () => [
        {
            content: "New pickup point",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Poste Kouba",
        },
        {
            content: "Address",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Bureau de poste",
        },
        {
            trigger: ".ui-menu-item > a:contains('Bureau de poste Ben Aknoun')",
            run: "click",
        },
        {
            content: "Open the warehouse dropdown",
            trigger: ".o_field_widget[name=warehouse_id] input",
            run: "click",
        },
        {
            content: "The company's warehouse is offered",
            trigger: ".ui-menu-item > a:contains('FM Tour Warehouse')",
            run: "click",
        },
        {
            content: "Opening hours",
            trigger: ".o_field_widget[name=opening_hours_id] input",
            run: "edit Ouvert 8h",
        },
        {
            trigger: ".ui-menu-item > a:contains('Ouvert 8h-20h')",
            run: "click",
        },
        {
            content: "No cut-off: no time shown",
            trigger: ".o_field_widget[name=has_cutoff] input:not(:checked)",
        },
        {
            trigger: "body:not(:has(.o_field_widget[name=cutoff_hour]))",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});

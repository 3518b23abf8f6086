import { registry } from "@web/core/registry";

/*
 * The SMS counter of a campaign counts what the customer receives: the
 * placeholders replaced by sample values and the opt-out line ("STOP: link").
 * The campaign is opened by the Python test (test_campaign_form.py).
 * The encoding reads GSM7 (Odoo's counter) or GSM-7 (fm_marketing_sms_gateway's).
 */

const body = ".o_field_widget[name=body] textarea";
const counter = ".o_field_widget[name=body] .o_sms_count";
// 150 plain characters: one SMS on their own, two with the STOP line.
const long = "Plat du jour : Couscous Royal. ".repeat(5).slice(0, 150);

registry.category("web_tour.tours").add("fm_marketing_sms_counter", {
    steps: () => [
        {
            content: "The counter shows under the SMS text",
            trigger: `${counter}:contains(SMS)`,
        },
        {
            content: "A short plain message",
            trigger: body,
            run: "edit Bonjour {first_name} !",
        },
        {
            content: "One SMS, GSM-7",
            trigger: `${counter}:contains(1 SMS):contains(GSM)`,
        },
        {
            content: "A message that fits alone but not with its STOP line",
            trigger: body,
            run: `edit ${long}`,
        },
        {
            content: "Two SMS once the STOP line is counted",
            trigger: `${counter}:contains(2 SMS):contains(GSM)`,
        },
        {
            content: "A character outside GSM-7",
            trigger: body,
            run: "edit Reçu, {first_name} !",
        },
        {
            content: "Unicode: 70 characters per SMS, so the short text takes two",
            trigger: `${counter}:contains(2 SMS):contains(UNICODE)`,
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

import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { formatMonetary } from "@web/views/fields/formatters";

/*
 * A campaign's SMS counters follow the text while it is typed, as a sample
 * customer receives it (placeholders filled, STOP line added), folded to GSM-7
 * when the option is ticked; once saved they are the server's. The campaign
 * (2 recipients, 4.50 per segment) comes from test_campaign_sms.py.
 */

const field = ".o_field_widget[name=body]";
const textarea = `${field} textarea`;
const ENCODINGS = { gsm7: "GSM-7", ucs2: "Unicode (UCS-2)" };

function stillTyping() {
    return {
        content: "The text is still being typed: nothing was sent to the server",
        trigger: textarea,
        run() {
            if (document.activeElement !== this.anchor) {
                throw new Error("The text area lost the focus: the counters were not live");
            }
        },
    };
}

function shownCounters() {
    const text = (selector) =>
        document.querySelector(`${field} ${selector}`)?.textContent.trim() ?? null;
    return {
        units: text(".fm_sms_chars"),
        segments: text(".fm_sms_segments"),
        encoding: text(".fm_sms_encoding"),
        cost: text(".fm_sms_cost"),
        warning: text(".fm_sms_unicode_warning") || false,
    };
}

/** Saved: the live counters are the ones the server computes. */
function sameAsTheServer() {
    return {
        content: "The counters shown are the server's",
        trigger: ".o_form_saved",
        async run() {
            const id = Number(window.location.pathname.split("/").pop());
            const [campaign] = await rpc("/web/dataset/call_kw/fm.marketing.campaign/read", {
                model: "fm.marketing.campaign",
                method: "read",
                args: [
                    [id],
                    [
                        "sms_char_count",
                        "sms_segment_count",
                        "sms_encoding",
                        "sms_estimated_cost",
                        "sms_unicode_warning",
                        "currency_id",
                    ],
                ],
                kwargs: {},
            });
            const server = JSON.stringify({
                units: String(campaign.sms_char_count),
                segments: String(campaign.sms_segment_count),
                encoding: ENCODINGS[campaign.sms_encoding || "gsm7"],
                cost: formatMonetary(campaign.sms_estimated_cost, {
                    currencyId: campaign.currency_id[0],
                }),
                warning: campaign.sms_unicode_warning,
            });
            let shown;
            // The form shows the saved record once it has reloaded it.
            for (let frame = 0; frame < 50 && shown !== server; frame++) {
                await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
                shown = JSON.stringify(shownCounters());
            }
            if (shown !== server) {
                throw new Error(`Shown ${shown}, the server counts ${server}`);
            }
        },
    };
}

registry.category("web_tour.tours").add("fm_marketing_sms_gateway_campaign_counters", {
    steps: () => [
        {
            content: "The saved text is plain: GSM-7",
            trigger: `${field} .fm_sms_encoding:contains(GSM-7)`,
        },
        {
            content: "A French text with a circumflex",
            trigger: textarea,
            run: "edit Fête des mères : -10 %, {first_name} !",
        },
        {
            content: "The ê sends it in Unicode, and names itself",
            trigger: `${field} .fm_sms_unicode_warning:contains(« ê »)`,
        },
        {
            trigger: `${field} .fm_sms_encoding:contains(UCS-2)`,
        },
        {
            content: "With its STOP line, more than one Unicode SMS",
            trigger: `${field} .fm_sms_segments:contains(/^2$/)`,
        },
        {
            content: "2 segments for 2 recipients at 4.50",
            trigger: `${field} .fm_sms_cost_line:contains(2 recipients) .fm_sms_cost:contains(18.00)`,
        },
        stillTyping(),
        {
            content: "Keep to the GSM alphabet",
            trigger: ".o_field_widget[name=sms_fold_gsm7] input",
            run: "click",
        },
        {
            content: "Folded, ê becomes e: one GSM-7 SMS",
            trigger: `${field} .fm_sms_encoding:contains(GSM-7)`,
        },
        {
            trigger: `${field} .fm_sms_segments:contains(/^1$/)`,
        },
        {
            trigger: `${field} .fm_sms_cost:contains(9.00)`,
        },
        {
            content: "No warning left",
            trigger: `${field}:not(:has(.fm_sms_unicode_warning))`,
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        sameAsTheServer(),
        {
            content: "Arabic has no GSM-7 equivalent: folding leaves it",
            trigger: textarea,
            run: "edit طبق اليوم في انتظارك يا {first_name}",
        },
        {
            trigger: `${field} .fm_sms_unicode_warning:contains(« ط »)`,
        },
        {
            trigger: `${field} .fm_sms_encoding:contains(UCS-2)`,
        },
        stillTyping(),
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        sameAsTheServer(),
    ],
});

import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { formatMonetary } from "@web/views/fields/formatters";

/*
 * The counters of an SMS template follow the text while it is typed, before
 * the field is left. The template, the price per segment (4.50) and the
 * corpus templates ("FM SMS corpus …", counted by the server) come from the
 * Python test (test_template_cost.py).
 */

const field = ".o_field_widget[name=body]";
const textarea = `${field} textarea`;
const FRENCH =
    "Bonjour {{ object.name }}, votre commande est prête. Retrait dès 18h au comptoir, merci !";
const FRENCH_GSM = FRENCH.replace("prête", "prete");
const ARABIC = "طلبك جاهز للاستلام من المحل ابتداء من الساعة السادسة مساء، شكرا لثقتكم بنا";
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

/** What the server counted for a corpus template, as the widget writes it. */
function serverCounters(sample) {
    return {
        units: String(sample.fm_sms_char_count),
        segments: String(sample.fm_sms_segment_count),
        encoding: ENCODINGS[sample.fm_sms_encoding || "gsm7"],
        cost: formatMonetary(sample.fm_sms_estimated_cost, {
            currencyId: sample.fm_sms_currency_id[0],
        }),
        warning: sample.fm_sms_unicode_warning,
    };
}

async function nextFrames() {
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
}

/**
 * Puts each corpus text in the field as a paste does (the tour's typing cannot
 * enter an emoji) and compares the live counters with the server's.
 */
async function pasteTheCorpus() {
    const corpus = await rpc("/web/dataset/call_kw/sms.template/search_read", {
        model: "sms.template",
        method: "search_read",
        args: [
            [["name", "=like", "FM SMS corpus %"]],
            [
                "body",
                "fm_sms_char_count",
                "fm_sms_segment_count",
                "fm_sms_encoding",
                "fm_sms_unicode_warning",
                "fm_sms_estimated_cost",
                "fm_sms_currency_id",
            ],
        ],
        kwargs: { order: "id" },
    });
    if (corpus.length < 4) {
        throw new Error(`The corpus is missing: ${corpus.length} texts`);
    }
    for (const sample of corpus) {
        const input = document.querySelector(textarea);
        input.focus();
        input.value = sample.body;
        input.dispatchEvent(
            new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" })
        );
        const expected = JSON.stringify(serverCounters(sample));
        let shown;
        for (let frame = 0; frame < 50; frame++) {
            await nextFrames();
            shown = JSON.stringify(shownCounters());
            if (shown === expected) {
                break;
            }
        }
        if (shown !== expected) {
            throw new Error(`"${sample.body}": shown ${shown}, the server counts ${expected}`);
        }
    }
}

registry.category("web_tour.tours").add("fm_sms_gateway_template_counters", {
    steps: () => [
        {
            content: "The counters of the saved text",
            trigger: `${field} .fm_sms_chars:contains(/^7$/)`,
        },
        {
            content: "A French text with a circumflex",
            trigger: textarea,
            run: `edit ${FRENCH}`,
        },
        {
            content: "Counted without the placeholder, in Unicode because of the ê",
            trigger: `${field} .fm_sms_chars:contains(/^72$/)`,
        },
        {
            trigger: `${field} .fm_sms_encoding:contains(UCS-2)`,
        },
        {
            content: "72 characters do not fit one Unicode SMS (70)",
            trigger: `${field} .fm_sms_segments:contains(/^2$/)`,
        },
        {
            content: "Two segments at 4.50",
            trigger: `${field} .fm_sms_cost:contains(9.00)`,
        },
        {
            content: "The warning names the character",
            trigger: `${field} .fm_sms_unicode_warning:contains(« ê »)`,
        },
        stillTyping(),
        {
            content: "The same text without the circumflex",
            trigger: textarea,
            run: `edit ${FRENCH_GSM}`,
        },
        {
            content: "One GSM-7 SMS",
            trigger: `${field} .fm_sms_encoding:contains(GSM-7)`,
        },
        {
            trigger: `${field} .fm_sms_segments:contains(/^1$/)`,
        },
        {
            trigger: `${field} .fm_sms_cost:contains(4.50)`,
        },
        {
            content: "No warning left",
            trigger: `${field}:not(:has(.fm_sms_unicode_warning))`,
        },
        stillTyping(),
        {
            content: "An Arabic text",
            trigger: textarea,
            run: `edit ${ARABIC}`,
        },
        {
            content: "74 Arabic characters: two Unicode SMS",
            trigger: `${field} .fm_sms_chars:contains(/^74$/)`,
        },
        {
            trigger: `${field} .fm_sms_segments:contains(/^2$/)`,
        },
        {
            trigger: `${field} .fm_sms_unicode_warning:contains(« ط »)`,
        },
        stillTyping(),
        {
            content: "The corpus counted by the server, pasted text by text",
            trigger: textarea,
            run: pasteTheCorpus,
        },
        {
            content: "The French text, saved",
            trigger: textarea,
            run: `edit ${FRENCH}`,
        },
        {
            trigger: `${field} .fm_sms_chars:contains(/^72$/)`,
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
    ],
});

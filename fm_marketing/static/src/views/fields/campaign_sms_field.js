import { SmsWidget, smsWidget } from "@sms/components/sms_widget/fields_sms_widget";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { onWillStart, useEffect, useState } from "@odoo/owl";

/** 10 → "10 %", 12.5 → "12,5 %": as the server writes {discount}. */
export function formatDiscount(value) {
    const text = (Math.round((value || 0) * 100) / 100).toString().replace(".", ",");
    return `${text} %`;
}

// The placeholders a campaign may use (tools/template.py PLACEHOLDERS).
const PLACEHOLDERS = [
    "first_name",
    "code",
    "discount",
    "expiry_date",
    "shop_link",
    "next_reward",
];

/**
 * The SMS a sample customer receives: the placeholders replaced by the sample
 * values, the opt-out line added. As the server (tools/template.py), a text
 * it cannot render (unknown placeholder, lone brace) is counted as typed.
 *
 * @param {string} text the campaign's text
 * @param {Object|null} samples from fm.marketing.campaign.get_sms_samples
 * @param {number} discount the campaign's offer discount
 */
export function renderCampaignSms(text, samples, discount) {
    if (!samples || !text) {
        return text;
    }
    const values = { ...samples, discount: formatDiscount(discount) };
    let valid = true;
    // One pass, as Python's str.format: "{{" and "}}" are literal braces.
    const rendered = text.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (match, name) => {
        if (match === "{{" || match === "}}") {
            return match[0];
        }
        if (name === undefined || !PLACEHOLDERS.includes(name)) {
            valid = false;
            return match;
        }
        return values[name] || "";
    });
    return (valid ? rendered : text) + samples.stop;
}

/**
 * Odoo's SMS counter, counting the message as a customer receives it: the
 * placeholders replaced by sample values and the opt-out line added. It counts
 * while the user types (the text reaches the record only when the field is
 * left).
 */
export class CampaignSmsField extends SmsWidget {
    setup() {
        super.setup();
        this.orm = useService("orm");
        this.samples = null;
        onWillStart(async () => {
            this.samples = await this.orm.call("fm.marketing.campaign", "get_sms_samples", []);
        });
        // Typed text, with the record's text it was typed over: once the
        // record changes (text committed, edit discarded) the record wins.
        this.typed = useState({ value: null, over: null });
        useEffect(
            (el) => {
                if (!el) {
                    return;
                }
                const onInput = () => {
                    this.typed.over = this.props.record.data[this.props.name];
                    this.typed.value = el.value;
                };
                // Leaving the field commits the text: the record has it.
                const onBlur = () => (this.typed.value = null);
                el.addEventListener("input", onInput);
                el.addEventListener("blur", onBlur);
                return () => {
                    el.removeEventListener("input", onInput);
                    el.removeEventListener("blur", onBlur);
                };
            },
            () => [this.textareaRef.el]
        );
    }

    /** What the user is typing, else the record's text. */
    get smsText() {
        const { value, over } = this.typed;
        const recorded = this.props.record.data[this.props.name];
        return value !== null && over === recorded ? value : recorded || "";
    }

    get nbrChar() {
        const content = this._getValueForSmsCounts(this.smsText);
        return content.length + (content.match(/\n/g) || []).length;
    }

    get encoding() {
        // Placeholder braces are not sent: the encoding is the rendered text's.
        return this._extractEncoding(this._getValueForSmsCounts(this.smsText));
    }

    get nbrCharExplanation() {
        return this.samples ? _t(" (for a sample customer, STOP link included)") : "";
    }

    _getValueForSmsCounts(value) {
        const text = super._getValueForSmsCounts(value);
        return renderCampaignSms(text, this.samples, this.props.record.data.offer_discount);
    }
}

export const campaignSmsField = {
    ...smsWidget,
    component: CampaignSmsField,
};

registry.category("fields").add("fm_marketing_sms", campaignSmsField);

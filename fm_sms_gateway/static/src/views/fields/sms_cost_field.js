import { SmsWidget, smsWidget } from "@sms/components/sms_widget/fields_sms_widget";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatMonetary } from "@web/views/fields/formatters";
import { useEffect, useState } from "@odoo/owl";

import { countSms, UCS2 } from "@fm_sms_gateway/sms_segments";

// An inline-template expression ({{ object.name }}): its value is only known
// per recipient (as the server's PLACEHOLDER in models/sms_template.py).
const INLINE_PLACEHOLDER = /\{\{[\s\S]*?\}\}/;

/**
 * The SMS text with what one SMS costs, counted on every keystroke: characters,
 * encoding, segments, estimated cost and the characters that force Unicode.
 * The rules are the server's (sms_segments.js mirrors tools/segments.py); the
 * server fields give the same figures once the text is saved.
 *
 * Options: price_field (price per segment), currency_field, recipients_field
 * (the cost is for that many messages), fold_field (fold to GSM-7 first).
 */
export class SmsCostField extends SmsWidget {
    static template = "fm_sms_gateway.SmsCostField";
    static props = {
        ...SmsWidget.props,
        priceField: { type: String, optional: true },
        currencyField: { type: String, optional: true },
        recipientsField: { type: String, optional: true },
        foldField: { type: String, optional: true },
    };

    setup() {
        super.setup();
        // Typed text, with the record's text it was typed over: the text
        // reaches the record only when the field is left; once the record
        // changes (text committed, edit discarded) the record wins.
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

    get smsCount() {
        const fold = Boolean(this.props.foldField && this.props.record.data[this.props.foldField]);
        return countSms(this._getValueForSmsCounts(this.smsText), { fold });
    }

    get nbrChar() {
        return this.smsCount.units;
    }

    get nbrSMS() {
        return this.smsCount.segments;
    }

    get encoding() {
        return this.smsCount.encoding === UCS2 ? _t("Unicode (UCS-2)") : _t("GSM-7");
    }

    get nbrCharExplanation() {
        return INLINE_PLACEHOLDER.test(this.smsText) ? _t(" (placeholders not counted)") : "";
    }

    get recipients() {
        const field = this.props.recipientsField;
        return field ? this.props.record.data[field] || 0 : 1;
    }

    get costLabel() {
        if (this.props.recipientsField) {
            return _t("Estimated cost for the %(count)s recipients of the next run:", {
                count: this.recipients,
            });
        }
        return _t("Estimated cost:");
    }

    /** The cost of the text as typed, in the company currency; null: no price. */
    get estimatedCost() {
        const { priceField, currencyField } = this.props;
        if (!priceField) {
            return null;
        }
        const price = this.props.record.data[priceField] || 0;
        const currency = currencyField && this.props.record.data[currencyField];
        const currencyId = Array.isArray(currency) ? currency[0] : currency?.id || currency;
        return formatMonetary(this.smsCount.segments * this.recipients * price, {
            currencyId: currencyId || undefined,
        });
    }

    /** The warning naming the characters that send the text in Unicode. */
    get unicodeWarning() {
        const forcing = this.smsCount.unicodeChars;
        if (!forcing.length) {
            return "";
        }
        return _t(
            "%(chars)s cannot be sent in the GSM alphabet: the whole message goes in Unicode, 70 characters per SMS instead of 160.",
            { chars: forcing.map((char) => `« ${char} »`).join(", ") }
        );
    }

    /** The fixed text of a template: placeholder values are not known yet. */
    _getValueForSmsCounts(value) {
        const placeholders = new RegExp(INLINE_PLACEHOLDER.source, "g");
        return super._getValueForSmsCounts(value).replace(placeholders, "");
    }
}

export const smsCostField = {
    ...smsWidget,
    component: SmsCostField,
    extractProps(fieldInfo, dynamicInfo) {
        const { options } = fieldInfo;
        return {
            ...smsWidget.extractProps(fieldInfo, dynamicInfo),
            priceField: options.price_field,
            currencyField: options.currency_field,
            recipientsField: options.recipients_field,
            foldField: options.fold_field,
        };
    },
};

registry.category("fields").add("fm_sms_cost", smsCostField);

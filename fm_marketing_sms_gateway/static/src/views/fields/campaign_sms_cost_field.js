import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { onWillStart } from "@odoo/owl";

import { renderCampaignSms } from "@fm_marketing/views/fields/campaign_sms_field";
import { SmsCostField, smsCostField } from "@fm_sms_gateway/views/fields/sms_cost_field";

/**
 * A campaign's SMS text with its live counters and the cost of the next run,
 * counted as a sample customer receives the message: placeholders replaced by
 * sample values, the STOP line added, folded to GSM-7 when the campaign asks.
 */
export class CampaignSmsCostField extends SmsCostField {
    setup() {
        super.setup();
        this.orm = useService("orm");
        this.samples = null;
        onWillStart(async () => {
            this.samples = await this.orm.call("fm.marketing.campaign", "get_sms_samples", []);
        });
    }

    get nbrCharExplanation() {
        return this.samples ? _t(" (for a sample customer, STOP link included)") : "";
    }

    _getValueForSmsCounts(value) {
        // Campaign placeholders are {name}: no inline template to strip.
        return renderCampaignSms(value, this.samples, this.props.record.data.offer_discount);
    }
}

export const campaignSmsCostField = {
    ...smsCostField,
    component: CampaignSmsCostField,
};

registry.category("fields").add("fm_marketing_sms_cost", campaignSmsCostField);

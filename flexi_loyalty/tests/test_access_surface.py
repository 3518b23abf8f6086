"""What each kind of user can set and call over RPC, held to a reviewed list.

For six users (public visitor, portal customer, salesman, loyalty user,
loyalty manager, till cashier) the test lists, for every model one of our
addons defines and every Odoo model they add fields or methods to:

``create`` / ``write``
    The fields that user may send to ``create`` / ``write``, when the
    model's access rows let him create / write at all. A field counts when it
    is the suite's: any field of our own models, and on Odoo's models the
    fields one of our addons defines or redefines. It is left out only when:

    - it is a magic column (``id``, ``create_uid``, ``write_date``...);
    - the ORM keeps nothing of it: not stored and no inverse (a computed
      field shown on the form, for one);
    - its ``groups=`` are groups the user lacks;
    - ``flexi.loyalty.guarded.mixin`` refuses it: ``_flexi_guarded_fields``
      are in neither list, ``_flexi_fixed_fields`` not in ``write``;
      likewise ``_fm_cc_guarded_fields``, the pickup flow's own guard on
      ``sale.order`` (``fm_click_collect`` does not depend on loyalty), and
      ``_fm_antiwaste_guarded_fields``, the markdown units of sale and till
      lines (``fm.antiwaste.guarded.mixin``).

    Nothing else excuses a field. ``readonly=True`` only locks the form: the
    ORM takes the value. A stored computed field without inverse counts too:
    the ORM stores what the caller sends and keeps it until one of its
    dependencies changes (a salesman's ``write`` of
    ``sale.order.line.fm_antiwaste_qty`` survives the order's confirmation).
    A check in some ``create``/``write`` override of its own is invisible
    here: guard money fields with the mixin, then the list shows it.
``methods``
    The public methods one of our addons' Python files defines on the model,
    new or overriding Odoo's, that ``/web/dataset/call_kw`` accepts (Odoo's
    own ``get_public_method``: no leading underscore, no ``@api.private``
    anywhere in the class hierarchy), for the models the user can read.
    Overridden CRUD methods (``create``, ``write``, ``unlink``,
    ``default_get``...) are in the same list: an override of ``write`` is
    where a guard lives or goes missing, so a new one deserves the same look
    as a new action.

With all six addons installed the surface must equal the list. With fewer,
what is not installed is ignored: models, fields and methods absent from the
registry (or no longer the suite's there), and rights that a missing addon
grants (``flexi_loyalty_pos`` makes cashiers loyalty users); everything else
must match exactly.

A failure prints each entry added (``+``) or removed (``-``) as
``group model kind name``. Review every added field: can this user mint
points, discounts, vouchers, places, or move someone else's money with it?
Then regenerate the list with all six addons installed (``make test``
installs them all when ``ADDONS`` is not given) and paste it over
``ALLOWED_SURFACE``::

    FM_ACCESS_SURFACE_PRINT=/tmp/surface.py make test \\
        TAGS=/flexi_loyalty:TestAccessSurface

``FM_ACCESS_SURFACE_PRINT=1`` writes it to Odoo's log instead of a file.
"""

import json
import logging
import os

from odoo import fields
from odoo.exceptions import AccessError
from odoo.models import MAGIC_COLUMNS, is_definition_class
from odoo.service.model import get_public_method
from odoo.tests import TransactionCase, new_test_user, tagged

_logger = logging.getLogger(__name__)

SUITE = frozenset(
    {
        "flexi_loyalty",
        "flexi_loyalty_pos",
        "fm_marketing",
        "fm_antiwaste",
        "fm_antiwaste_pos",
        "fm_click_collect",
        "flexi_loyalty_website_sale",
        "flexi_loyalty_antiwaste",
        "flexi_loyalty_antiwaste_pos",
    }
)
GUARDED_MIXIN = "flexi.loyalty.guarded.mixin"
# The access right each kind of entry needs.
RIGHT = {"create": "create", "write": "write", "methods": "read"}

# The groups of each test user (implied groups follow); None: the website
# visitor, base.public_user. A user whose groups are not installed is left out.
USER_GROUPS = {
    "public": None,
    "portal": "base.group_portal",
    "salesman": "sales_team.group_sale_salesman",
    "loyalty_user": "flexi_loyalty.flexi_loyalty_group_user",
    "loyalty_manager": "flexi_loyalty.flexi_loyalty_group_manager",
    "pos_user": "base.group_user,point_of_sale.group_pos_user",
}

# Reviewed. Regenerate as the module's docstring says, never by hand-merging.
ALLOWED_SURFACE = {
    "loyalty_manager": {
        "flexi.loyalty.adjust.wizard": {
            "create": [
                "move_type",
                "points",
                "reason",
                "subscription_id",
            ],
            "methods": [
                "action_confirm",
            ],
            "write": [
                "move_type",
                "points",
                "reason",
                "subscription_id",
            ],
        },
        "flexi.loyalty.enrol.wizard": {
            "create": [
                "company_id",
                "consent_channel",
                "email",
                "partner_id",
                "phone",
                "program_id",
                "sale_order_id",
            ],
            "methods": [
                "action_enrol",
                "default_get",
            ],
            "write": [
                "company_id",
                "consent_channel",
                "email",
                "partner_id",
                "phone",
                "program_id",
                "sale_order_id",
            ],
        },
        "flexi.loyalty.ledger.line": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.program": {
            "create": [
                "active",
                "amount_base",
                "amount_per_point",
                "antiwaste_multiplier",
                "auto_enroll",
                "company_id",
                "date_from",
                "date_to",
                "description",
                "earn_trigger",
                "excluded_categ_ids",
                "excluded_product_ids",
                "expiry_reminder_days",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "minimum_amount",
                "name",
                "otp_required",
                "pending_days",
                "promotion_ids",
                "rating_ids",
                "referral_enabled",
                "referral_points",
                "referral_voucher_validity_days",
                "referral_voucher_value",
                "reward_ids",
                "rule_ids",
                "sequence",
                "subscription_ids",
                "tier_ids",
                "validity_months",
                "website_message_ids",
            ],
            "methods": [
                "action_view_members",
                "create",
                "unlink",
                "write",
            ],
            "write": [
                "active",
                "amount_base",
                "amount_per_point",
                "antiwaste_multiplier",
                "auto_enroll",
                "company_id",
                "date_from",
                "date_to",
                "description",
                "earn_trigger",
                "excluded_categ_ids",
                "excluded_product_ids",
                "expiry_reminder_days",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "minimum_amount",
                "name",
                "otp_required",
                "pending_days",
                "promotion_ids",
                "rating_ids",
                "referral_enabled",
                "referral_points",
                "referral_voucher_validity_days",
                "referral_voucher_value",
                "reward_ids",
                "rule_ids",
                "sequence",
                "subscription_ids",
                "tier_ids",
                "validity_months",
                "website_message_ids",
            ],
        },
        "flexi.loyalty.promotion": {
            "create": [
                "date_from",
                "date_to",
                "fri",
                "mon",
                "multiplier",
                "name",
                "program_id",
                "sat",
                "sun",
                "thu",
                "tue",
                "wed",
            ],
            "write": [
                "date_from",
                "date_to",
                "fri",
                "mon",
                "multiplier",
                "name",
                "program_id",
                "sat",
                "sun",
                "thu",
                "tue",
                "wed",
            ],
        },
        "flexi.loyalty.redeem.wizard": {
            "create": [
                "code",
                "order_id",
                "otp_id",
                "override_reason",
                "points",
                "reward_id",
                "subscription_id",
            ],
            "methods": [
                "action_apply",
                "action_override",
                "action_send_code",
            ],
            "write": [
                "code",
                "order_id",
                "otp_id",
                "override_reason",
                "points",
                "reward_id",
                "subscription_id",
            ],
        },
        "flexi.loyalty.referral": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.reward": {
            "create": [
                "active",
                "company_id",
                "credit_amount",
                "credit_per_point",
                "description",
                "discount_percent",
                "min_tier_id",
                "name",
                "points_cost",
                "points_step",
                "product_id",
                "program_id",
                "reward_product_id",
                "reward_type",
                "voucher_validity_days",
                "voucher_value",
            ],
            "methods": [
                "create",
            ],
            "write": [
                "active",
                "company_id",
                "credit_amount",
                "credit_per_point",
                "description",
                "discount_percent",
                "min_tier_id",
                "name",
                "points_cost",
                "points_step",
                "product_id",
                "program_id",
                "reward_product_id",
                "reward_type",
                "voucher_validity_days",
                "voucher_value",
            ],
        },
        "flexi.loyalty.rule": {
            "create": [
                "categ_id",
                "mode",
                "multiplier",
                "points_per_unit",
                "product_id",
                "program_id",
            ],
            "write": [
                "categ_id",
                "mode",
                "multiplier",
                "points_per_unit",
                "product_id",
                "program_id",
            ],
        },
        "flexi.loyalty.subscription": {
            "create": [
                "activity_ids",
                "activity_summary",
                "activity_type_id",
                "company_id",
                "consent_channel",
                "consent_date",
                "email",
                "flexi_pos_owes_points",
                "line_ids",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "notify_channel",
                "partner_id",
                "phone",
                "program_id",
                "rating_ids",
                "state",
                "website_message_ids",
            ],
            "methods": [
                "action_activate",
                "action_close",
                "action_send_referral",
                "action_suspend",
                "action_view_lines",
                "action_view_referrals",
                "create",
                "write",
            ],
            "write": [
                "activity_ids",
                "activity_summary",
                "activity_type_id",
                "company_id",
                "consent_channel",
                "consent_date",
                "email",
                "flexi_pos_owes_points",
                "line_ids",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "notify_channel",
                "phone",
                "rating_ids",
                "state",
                "website_message_ids",
            ],
        },
        "flexi.loyalty.tier": {
            "create": [
                "basis",
                "company_id",
                "discount_percent",
                "earn_multiplier",
                "name",
                "period",
                "program_id",
                "sequence",
                "threshold",
            ],
            "write": [
                "basis",
                "company_id",
                "discount_percent",
                "earn_multiplier",
                "name",
                "period",
                "program_id",
                "sequence",
                "threshold",
            ],
        },
        "flexi.loyalty.voucher": {
            "create": [
                "code",
                "company_id",
                "date_expiry",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "origin",
                "partner_id",
                "rating_ids",
                "reward_id",
                "state",
                "subscription_id",
                "value",
                "value_type",
                "website_message_ids",
            ],
            "methods": [
                "create",
                "write",
            ],
            "write": [
                "code",
                "company_id",
                "date_expiry",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "origin",
                "partner_id",
                "rating_ids",
                "reward_id",
                "state",
                "subscription_id",
                "value",
                "value_type",
                "website_message_ids",
            ],
        },
        "flexi.loyalty.voucher.wizard": {
            "create": [
                "code",
                "order_id",
            ],
            "methods": [
                "action_apply",
            ],
            "write": [
                "code",
                "order_id",
            ],
        },
        "product.pricelist": {
            "methods": [
                "create",
            ],
        },
        "res.partner": {
            "methods": [
                "action_view_flexi_antiwaste_orders",
                "action_view_flexi_loyalty",
            ],
        },
    },
    "loyalty_user": {
        "flexi.loyalty.enrol.wizard": {
            "create": [
                "company_id",
                "consent_channel",
                "email",
                "partner_id",
                "phone",
                "program_id",
                "sale_order_id",
            ],
            "methods": [
                "action_enrol",
                "default_get",
            ],
            "write": [
                "company_id",
                "consent_channel",
                "email",
                "partner_id",
                "phone",
                "program_id",
                "sale_order_id",
            ],
        },
        "flexi.loyalty.ledger.line": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.program": {
            "methods": [
                "action_view_members",
                "create",
                "unlink",
                "write",
            ],
        },
        "flexi.loyalty.redeem.wizard": {
            "create": [
                "code",
                "order_id",
                "otp_id",
                "override_reason",
                "points",
                "reward_id",
                "subscription_id",
            ],
            "methods": [
                "action_apply",
                "action_override",
                "action_send_code",
            ],
            "write": [
                "code",
                "order_id",
                "otp_id",
                "override_reason",
                "points",
                "reward_id",
                "subscription_id",
            ],
        },
        "flexi.loyalty.referral": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.reward": {
            "methods": [
                "create",
            ],
        },
        "flexi.loyalty.subscription": {
            "create": [
                "activity_ids",
                "activity_summary",
                "activity_type_id",
                "company_id",
                "consent_channel",
                "consent_date",
                "email",
                "line_ids",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "notify_channel",
                "partner_id",
                "phone",
                "program_id",
                "rating_ids",
                "state",
                "website_message_ids",
            ],
            "methods": [
                "action_activate",
                "action_close",
                "action_send_referral",
                "action_suspend",
                "action_view_lines",
                "action_view_referrals",
                "create",
                "write",
            ],
            "write": [
                "activity_ids",
                "activity_summary",
                "activity_type_id",
                "company_id",
                "consent_channel",
                "consent_date",
                "email",
                "line_ids",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "notify_channel",
                "phone",
                "rating_ids",
                "state",
                "website_message_ids",
            ],
        },
        "flexi.loyalty.voucher": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.voucher.wizard": {
            "create": [
                "code",
                "order_id",
            ],
            "methods": [
                "action_apply",
            ],
            "write": [
                "code",
                "order_id",
            ],
        },
        "product.pricelist": {
            "methods": [
                "create",
            ],
        },
        "res.partner": {
            "methods": [
                "action_view_flexi_antiwaste_orders",
                "action_view_flexi_loyalty",
            ],
        },
    },
    "portal": {
        "flexi.loyalty.ledger.line": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.program": {
            "methods": [
                "action_view_members",
                "create",
                "unlink",
                "write",
            ],
        },
        "flexi.loyalty.reward": {
            "methods": [
                "create",
            ],
        },
        "flexi.loyalty.subscription": {
            "methods": [
                "action_activate",
                "action_close",
                "action_send_referral",
                "action_suspend",
                "action_view_lines",
                "action_view_referrals",
                "create",
                "write",
            ],
        },
        "flexi.loyalty.voucher": {
            "methods": [
                "create",
                "write",
            ],
        },
        "product.pricelist": {
            "methods": [
                "create",
            ],
        },
        "res.partner": {
            "methods": [
                "action_view_flexi_antiwaste_orders",
                "action_view_flexi_loyalty",
            ],
        },
        "sale.order": {
            "methods": [
                "action_confirm",
                "action_flexi_loyalty_apply_voucher",
                "action_flexi_loyalty_redeem",
                "action_fm_cc_collect",
                "action_fm_cc_ready",
                "create",
                "set_delivery_line",
                "write",
            ],
        },
        "sale.order.line": {
            "methods": [
                "create",
                "unlink",
                "write",
            ],
        },
    },
    "pos_user": {
        "flexi.loyalty.enrol.wizard": {
            "create": [
                "company_id",
                "consent_channel",
                "email",
                "partner_id",
                "phone",
                "program_id",
                "sale_order_id",
            ],
            "methods": [
                "action_enrol",
                "default_get",
            ],
            "write": [
                "company_id",
                "consent_channel",
                "email",
                "partner_id",
                "phone",
                "program_id",
                "sale_order_id",
            ],
        },
        "flexi.loyalty.ledger.line": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.program": {
            "methods": [
                "action_view_members",
                "create",
                "unlink",
                "write",
            ],
        },
        "flexi.loyalty.redeem.wizard": {
            "create": [
                "code",
                "order_id",
                "otp_id",
                "override_reason",
                "points",
                "reward_id",
                "subscription_id",
            ],
            "methods": [
                "action_apply",
                "action_override",
                "action_send_code",
            ],
            "write": [
                "code",
                "order_id",
                "otp_id",
                "override_reason",
                "points",
                "reward_id",
                "subscription_id",
            ],
        },
        "flexi.loyalty.referral": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.reward": {
            "methods": [
                "create",
            ],
        },
        "flexi.loyalty.subscription": {
            "create": [
                "activity_ids",
                "activity_summary",
                "activity_type_id",
                "company_id",
                "consent_channel",
                "consent_date",
                "email",
                "line_ids",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "notify_channel",
                "partner_id",
                "phone",
                "program_id",
                "rating_ids",
                "state",
                "website_message_ids",
            ],
            "methods": [
                "action_activate",
                "action_close",
                "action_send_referral",
                "action_suspend",
                "action_view_lines",
                "action_view_referrals",
                "create",
                "write",
            ],
            "write": [
                "activity_ids",
                "activity_summary",
                "activity_type_id",
                "company_id",
                "consent_channel",
                "consent_date",
                "email",
                "line_ids",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "notify_channel",
                "phone",
                "rating_ids",
                "state",
                "website_message_ids",
            ],
        },
        "flexi.loyalty.voucher": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.voucher.wizard": {
            "create": [
                "code",
                "order_id",
            ],
            "methods": [
                "action_apply",
            ],
            "write": [
                "code",
                "order_id",
            ],
        },
        "pos.config": {
            "methods": [
                "write",
            ],
            "write": [
                "flexi_loyalty_otp_required",
                "flexi_loyalty_program_ids",
            ],
        },
        "pos.order": {
            "methods": [
                "create",
                "write",
            ],
        },
        "pos.order.line": {
            "create": [
                "flexi_loyalty_tier_discount",
                "flexi_loyalty_token",
            ],
            "methods": [
                "create",
                "write",
            ],
        },
        "pos.session": {
            "methods": [
                "flexi_loyalty_enroll",
                "flexi_loyalty_member_info",
                "flexi_loyalty_points_choice",
                "flexi_loyalty_preview",
                "flexi_loyalty_request_reward",
                "flexi_loyalty_search_members",
                "flexi_loyalty_verify_code",
                "fm_antiwaste_check_baskets",
                "fm_antiwaste_remaining",
            ],
        },
        "product.pricelist": {
            "methods": [
                "create",
            ],
        },
        "res.partner": {
            "methods": [
                "action_view_flexi_antiwaste_orders",
                "action_view_flexi_loyalty",
            ],
        },
    },
    "public": {
        "product.pricelist": {
            "methods": [
                "create",
            ],
        },
        "res.partner": {
            "methods": [
                "action_view_flexi_antiwaste_orders",
                "action_view_flexi_loyalty",
            ],
        },
    },
    "salesman": {
        "flexi.loyalty.enrol.wizard": {
            "create": [
                "company_id",
                "consent_channel",
                "email",
                "partner_id",
                "phone",
                "program_id",
                "sale_order_id",
            ],
            "methods": [
                "action_enrol",
                "default_get",
            ],
            "write": [
                "company_id",
                "consent_channel",
                "email",
                "partner_id",
                "phone",
                "program_id",
                "sale_order_id",
            ],
        },
        "flexi.loyalty.ledger.line": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.program": {
            "methods": [
                "action_view_members",
                "create",
                "unlink",
                "write",
            ],
        },
        "flexi.loyalty.redeem.wizard": {
            "create": [
                "code",
                "order_id",
                "otp_id",
                "override_reason",
                "points",
                "reward_id",
                "subscription_id",
            ],
            "methods": [
                "action_apply",
                "action_override",
                "action_send_code",
            ],
            "write": [
                "code",
                "order_id",
                "otp_id",
                "override_reason",
                "points",
                "reward_id",
                "subscription_id",
            ],
        },
        "flexi.loyalty.referral": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.reward": {
            "methods": [
                "create",
            ],
        },
        "flexi.loyalty.subscription": {
            "create": [
                "activity_ids",
                "activity_summary",
                "activity_type_id",
                "company_id",
                "consent_channel",
                "consent_date",
                "email",
                "line_ids",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "notify_channel",
                "partner_id",
                "phone",
                "program_id",
                "rating_ids",
                "state",
                "website_message_ids",
            ],
            "methods": [
                "action_activate",
                "action_close",
                "action_send_referral",
                "action_suspend",
                "action_view_lines",
                "action_view_referrals",
                "create",
                "write",
            ],
            "write": [
                "activity_ids",
                "activity_summary",
                "activity_type_id",
                "company_id",
                "consent_channel",
                "consent_date",
                "email",
                "line_ids",
                "message_follower_ids",
                "message_ids",
                "message_partner_ids",
                "notify_channel",
                "phone",
                "rating_ids",
                "state",
                "website_message_ids",
            ],
        },
        "flexi.loyalty.voucher": {
            "methods": [
                "create",
                "write",
            ],
        },
        "flexi.loyalty.voucher.wizard": {
            "create": [
                "code",
                "order_id",
            ],
            "methods": [
                "action_apply",
            ],
            "write": [
                "code",
                "order_id",
            ],
        },
        "fm.antiwaste.basket": {
            "methods": [
                "action_dissolve",
            ],
        },
        "fm.antiwaste.markdown": {
            "methods": [
                "action_recompute",
            ],
        },
        "fm.click_collect.collect.wizard": {
            "create": [
                "code",
                "journal_id",
                "order_id",
                "override_reason",
                "use_override",
            ],
            "methods": [
                "action_collect",
                "default_get",
            ],
            "write": [
                "code",
                "journal_id",
                "order_id",
                "override_reason",
                "use_override",
            ],
        },
        "fm.click_collect.point": {
            "methods": [
                "create",
                "write",
            ],
        },
        "product.pricelist": {
            "methods": [
                "create",
            ],
        },
        "res.partner": {
            "methods": [
                "action_view_flexi_antiwaste_orders",
                "action_view_flexi_loyalty",
            ],
        },
        "sale.order": {
            "create": [
                "flexi_loyalty_referral_code",
                "fm_cc_booked_minutes",
                "fm_cc_hold_until",
                "fm_cc_point_id",
                "fm_cc_prep_minutes",
                "fm_cc_slot_booked",
                "fm_cc_slot_id",
                "fm_cc_slot_start",
            ],
            "methods": [
                "action_confirm",
                "action_flexi_loyalty_apply_voucher",
                "action_flexi_loyalty_redeem",
                "action_fm_cc_collect",
                "action_fm_cc_ready",
                "create",
                "set_delivery_line",
                "write",
            ],
            "write": [
                "flexi_loyalty_referral_code",
                "fm_cc_booked_minutes",
                "fm_cc_hold_until",
                "fm_cc_point_id",
                "fm_cc_prep_minutes",
                "fm_cc_slot_booked",
                "fm_cc_slot_id",
                "fm_cc_slot_start",
            ],
        },
        "sale.order.line": {
            "methods": [
                "create",
                "unlink",
                "write",
            ],
        },
    },
}


def _flatten(surface):
    return {
        (group, model, kind, name)
        for group, models in surface.items()
        for model, kinds in models.items()
        for kind, names in kinds.items()
        for name in names
    }


def _as_python(value, indent=0):
    """``value`` as a literal that ruff-format leaves as it is."""
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        items = "".join(
            f"{pad}{json.dumps(key)}: {_as_python(value[key], indent + 4)},\n"
            for key in sorted(value)
        )
    else:
        items = "".join(f"{pad}{json.dumps(name)},\n" for name in sorted(value))
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    if not items:
        return opening + closing
    return f"{opening}\n{items}{' ' * indent}{closing}"


def _persists(field):
    """Whether the ORM keeps what a caller sends for ``field``."""
    while field.inherited:
        field = field.inherited_field
    return bool(field.store or field.inverse)


@tagged("post_install", "-at_install")
class TestAccessSurface(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {}
        for label, groups in USER_GROUPS.items():
            if groups is None:
                cls.users[label] = cls.env.ref("base.public_user")
            elif all(
                cls.env.ref(xmlid, raise_if_not_found=False)
                for xmlid in groups.split(",")
            ):
                cls.users[label] = new_test_user(
                    cls.env, f"access_surface_{label}", groups=groups
                )
        installed = cls.env["ir.module.module"].search(
            [("name", "in", list(SUITE)), ("state", "=", "installed")]
        )
        cls.whole_suite = len(installed) == len(SUITE)

    # ------------------------------------------------------------ the suite

    def _suite_fields(self, model):
        """Names of the fields of ``model`` that are the suite's."""
        if type(model)._original_module in SUITE:
            return set(model._fields)
        return {
            name
            for name, field in model._fields.items()
            if SUITE.intersection(field._modules or ())
        }

    def _suite_methods(self, model):
        """Public methods that the suite's own classes define on ``model``."""
        names = set()
        for cls in type(model).__mro__:
            if not (is_definition_class(cls) and cls._module in SUITE):
                continue
            for name, attr in vars(cls).items():
                if name.startswith("_") or isinstance(attr, fields.Field):
                    continue
                try:
                    get_public_method(model, name)
                except (AttributeError, AccessError):
                    continue
                names.add(name)
        return names

    def _universe(self):
        """{model: (suite field names, suite method names)} of this registry."""
        universe = {}
        for name in self.env.registry:
            model = self.env[name]
            fnames, methods = self._suite_fields(model), self._suite_methods(model)
            if fnames or methods:
                universe[name] = (fnames, methods)
        return universe

    # ------------------------------------------------------------ per user

    def _has_right(self, user, model, kind):
        Access = self.env["ir.model.access"].with_user(user)
        return Access.check(model, RIGHT[kind], raise_exception=False)

    def _settable(self, model, fnames, kind):
        """The fields of ``fnames`` that ``model``'s user may send to ``kind``."""
        refused = set()
        if GUARDED_MIXIN in self.env and isinstance(
            model, type(self.env[GUARDED_MIXIN])
        ):
            refused.update(model._flexi_guarded())
            if kind == "write":
                refused.update(model._flexi_guarded("_flexi_fixed_fields"))
        refused.update(getattr(model, "_fm_cc_guarded_fields", ()))
        refused.update(getattr(model, "_fm_antiwaste_guarded_fields", ()))
        return sorted(
            name
            for name in fnames
            if name not in MAGIC_COLUMNS
            and name not in refused
            and _persists(model._fields[name])
            and model._fields[name].is_accessible(model.env)
        )

    def _surface_of(self, user, universe):
        surface = {}
        for name, (fnames, methods) in universe.items():
            model = self.env[name].with_user(user)
            kinds = {}
            for kind in ("create", "write", "methods"):
                if not self._has_right(user, name, kind):
                    continue
                if kind == "methods":
                    kinds[kind] = sorted(methods)
                else:
                    kinds[kind] = self._settable(model, fnames, kind)
            kinds = {kind: names for kind, names in kinds.items() if names}
            if kinds:
                surface[name] = kinds
        return surface

    def _allowed_here(self, universe):
        """The reviewed entries this registry can have.

        All of them when the whole suite is installed; otherwise those whose
        model, field or method is the suite's here, for a user who has the
        right they need here.
        """
        allowed = _flatten(ALLOWED_SURFACE)
        if self.whole_suite:
            return allowed
        here = set()
        for group, model, kind, name in allowed:
            if group not in self.users or model not in universe:
                continue
            fnames, methods = universe[model]
            if name in (methods if kind == "methods" else fnames) and (
                self._has_right(self.users[group], model, kind)
            ):
                here.add((group, model, kind, name))
        return here

    def _report(self, surface):
        where = os.environ.get("FM_ACCESS_SURFACE_PRINT")
        if not where:
            return
        text = f"ALLOWED_SURFACE = {_as_python(surface)}\n"
        if where == "1":
            _logger.info("Current access surface:\n%s", text)
        else:
            with open(where, "w", encoding="utf-8") as out:
                out.write(text)

    # ------------------------------------------------------------ the test

    def test_what_each_user_can_set_and_call_is_the_reviewed_list(self):
        universe = self._universe()
        surface = {
            label: self._surface_of(user, universe)
            for label, user in self.users.items()
        }
        self._report(surface)
        actual, allowed = _flatten(surface), self._allowed_here(universe)
        added, removed = sorted(actual - allowed), sorted(allowed - actual)
        if added or removed:
            lines = [f"+ {' '.join(entry)}" for entry in added]
            lines += [f"- {' '.join(entry)}" for entry in removed]
            self.fail(
                "The access surface changed (group model kind name). Review each "
                "'+' line, then regenerate ALLOWED_SURFACE as the docstring of "
                "flexi_loyalty/tests/test_access_surface.py says:\n" + "\n".join(lines)
            )

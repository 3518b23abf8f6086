from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools.points import earning_points, promotion_multiplier, to_decimal


class FlexiLoyaltyProgram(models.Model):
    _name = "flexi.loyalty.program"
    _description = "Loyalty Program"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date("Start Date")
    date_to = fields.Date("End Date")
    description = fields.Html(
        "Terms", translate=True, help="Shown to customers on the portal."
    )
    # Earning
    amount_per_point = fields.Monetary(
        "Amount per Point",
        default=100.0,
        required=True,
        help="Money spent for one point, e.g. 100 DA = 1 point.",
    )
    amount_base = fields.Selection(
        [("tax_included", "Tax Included"), ("tax_excluded", "Tax Excluded")],
        "Earn On",
        default="tax_included",
        required=True,
    )
    minimum_amount = fields.Monetary(
        "Minimum Order Amount", help="Orders below this amount earn nothing."
    )
    excluded_product_ids = fields.Many2many(
        "product.product", string="Products Earning Nothing"
    )
    excluded_categ_ids = fields.Many2many(
        "product.category", string="Categories Earning Nothing"
    )
    rule_ids = fields.One2many("flexi.loyalty.rule", "program_id", "Earning Rules")
    promotion_ids = fields.One2many(
        "flexi.loyalty.promotion", "program_id", "Promotion Periods"
    )
    earn_trigger = fields.Selection(
        [
            ("confirm", "Order Confirmed"),
            ("delivery", "Order Delivered"),
            ("paid", "Invoice Paid"),
        ],
        "Points Earned When",
        default="confirm",
        required=True,
    )
    pending_days = fields.Integer(
        "Pending Period (days)",
        help="Earned points are shown as pending and can be spent after this delay.",
    )
    validity_months = fields.Integer(
        "Points Validity (months)",
        default=18,
        help="Earned points expire after this many months; 0 means never.",
    )
    auto_enroll = fields.Boolean(
        "Enrol at First Order",
        help="Customers with an email or a mobile number join automatically "
        "at their first qualifying order.",
    )
    otp_required = fields.Boolean(
        "Code Required to Spend Points",
        default=True,
        help="A one-time code is sent to the member before points are spent.",
    )
    expiry_reminder_days = fields.Integer("Remind Before Expiry (days)", default=30)
    tier_ids = fields.One2many("flexi.loyalty.tier", "program_id", "Tiers")
    reward_ids = fields.One2many("flexi.loyalty.reward", "program_id", "Rewards")
    subscription_ids = fields.One2many(
        "flexi.loyalty.subscription", "program_id", "Members"
    )
    member_count = fields.Integer(compute="_compute_member_count")
    # Refer a friend
    referral_enabled = fields.Boolean(
        "Refer a Friend",
        help="Each member shares a link and a code; a new customer who uses it "
        "gets a welcome voucher, the member earns points once the friend's "
        "first order is paid.",
    )
    referral_points = fields.Integer(
        "Points for the Member",
        default=100,
        help="Earned once per friend, when the friend's first order is paid; "
        "taken back if that order is cancelled or refunded.",
    )
    referral_voucher_value = fields.Monetary(
        "Welcome Voucher",
        default=500.0,
        help="Amount of the voucher a referred friend receives; 0 for none.",
    )
    referral_voucher_validity_days = fields.Integer(
        "Welcome Voucher Validity (days)",
        default=30,
        help="0 means the voucher does not expire.",
    )

    _sql_constraints = [
        (
            "amount_per_point_positive",
            "CHECK(amount_per_point > 0)",
            "The amount per point must be positive.",
        ),
        (
            "validity_not_negative",
            "CHECK(validity_months >= 0 AND pending_days >= 0)",
            "Validity and pending period cannot be negative.",
        ),
        (
            "referral_not_negative",
            "CHECK(referral_points >= 0 AND referral_voucher_value >= 0 "
            "AND referral_voucher_validity_days >= 0)",
            "Referral points, welcome voucher and its validity cannot be negative.",
        ),
    ]

    def _compute_member_count(self):
        counts = dict(
            self.env["flexi.loyalty.subscription"]._read_group(
                [("program_id", "in", self.ids), ("state", "=", "active")],
                ["program_id"],
                ["__count"],
            )
        )
        for program in self:
            program.member_count = counts.get(program, 0)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for program in self:
            if (
                program.date_from
                and program.date_to
                and program.date_to < program.date_from
            ):
                raise ValidationError(
                    _("The program %s ends before it starts.", program.name)
                )

    @api.constrains("referral_enabled", "referral_points", "referral_voucher_value")
    def _check_referral(self):
        for program in self.filtered("referral_enabled"):
            if program.referral_points <= 0 and program.referral_voucher_value <= 0:
                raise ValidationError(
                    _(
                        "%s: a referral gives the member points or the friend a "
                        "welcome voucher, or both.",
                        program.name,
                    )
                )

    def action_view_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flexi_loyalty.flexi_loyalty_subscription_action"
        )
        action["domain"] = [("program_id", "=", self.id)]
        action["context"] = {"default_program_id": self.id}
        return action

    # ------------------------------------------------------------ business

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _flexi_running_program_ids
        return super().create(vals_list)

    def write(self, vals):
        if {"active", "company_id", "date_from", "date_to"} & set(vals):
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _flexi_active_programs(self, company, day):
        """Programs of ``company`` running on ``day``.

        Asked at every order confirmation: served from a cache that any change
        of a program's dates, company or archiving clears.
        """
        return self.browse(self._flexi_running_program_ids(company.id, day))

    @api.model
    @tools.ormcache("company_id", "day")
    def _flexi_running_program_ids(self, company_id, day):
        return tuple(
            self.sudo()
            .search(
                [
                    ("company_id", "=", company_id),
                    "|",
                    ("date_from", "=", False),
                    ("date_from", "<=", day),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", day),
                ]
            )
            .ids
        )

    def _flexi_amount(self, tax_included, tax_excluded):
        """The part of a line's price this program earns on."""
        self.ensure_one()
        return tax_included if self.amount_base == "tax_included" else tax_excluded

    def _flexi_membership(self, partner, enroll_channel=None):
        """``partner``'s membership of this program.

        With ``enroll_channel``, a program that enrols at the first order
        creates it for a partner who can be reached (email or mobile).
        ``sudo``: documents earn for their customer whoever processes them.
        """
        self.ensure_one()
        Sub = self.env["flexi.loyalty.subscription"].sudo()
        if not partner:
            return Sub
        # Through the partner's memberships: read once per transaction, reused
        # by the tier discount, the preview and the earning of one order.
        sub = partner.sudo().flexi_loyalty_subscription_ids.filtered(
            lambda s: s.program_id == self
        )[:1]
        if (
            not sub
            and enroll_channel
            and self.auto_enroll
            and (partner.email or partner.mobile or partner.phone)
        ):
            sub = Sub._flexi_enroll(partner, self, channel=enroll_channel)
        return sub

    def _flexi_line_earns(self, product):
        """Whether a line of ``product`` earns points in this program."""
        self.ensure_one()
        if not product or product.flexi_loyalty_no_earn:
            return False
        if product in self.excluded_product_ids:
            return False
        # A category is excluded with its subcategories: its path starts with
        # the path of an excluded one (no query per line).
        path = product.categ_id.parent_path or ""
        return not any(
            excluded and path.startswith(excluded)
            for excluded in self.excluded_categ_ids.mapped("parent_path")
        )

    def _flexi_rule_for_product(self, product):
        """The most specific rule for ``product``: product rule, else category."""
        self.ensure_one()
        rules = self.rule_ids
        by_product = rules.filtered(lambda r: r.product_id == product)
        if by_product:
            return by_product[0]
        for rule in rules.filtered("categ_id").sorted(
            lambda r: -len(r.categ_id.parent_path or "")
        ):
            if product.categ_id and product.categ_id.parent_path.startswith(
                rule.categ_id.parent_path
            ):
                return rule
        return self.env["flexi.loyalty.rule"]

    def _flexi_points_for_lines(self, lines, day, extra_multiplier=1):
        """(whole points, base amount) earned by a document's ``lines``.

        ``lines`` are dicts with ``product``, ``quantity`` and a signed
        ``amount`` on the program's base; ``deduction: True`` marks rewards,
        vouchers and discounts, which lower what the customer pays whatever
        their product. Points are earned on the net amount paid for earning
        products (see ``tools.points.earning_points``).
        """
        self.ensure_one()
        entries = [self._flexi_earning_entry(line) for line in lines]
        multiplier = promotion_multiplier(
            self.promotion_ids._flexi_as_rules(), day
        ) * to_decimal(extra_multiplier)
        points, base = earning_points(
            entries, self.amount_per_point, multiplier, self.minimum_amount
        )
        return points, float(base)

    def _flexi_earning_entry(self, line):
        """How one line counts in :func:`earning_points`."""
        self.ensure_one()
        amount = line["amount"]
        if line.get("deduction"):
            return {"kind": "deduction", "amount": amount}
        product = line["product"]
        if not self._flexi_line_earns(product):
            return {"kind": "other", "amount": amount}
        rule = self._flexi_rule_for_product(product)
        if rule and rule.mode == "fixed":
            quantity = line["quantity"]
            points = rule._flexi_fixed_points(abs(quantity))
            return {
                "kind": "fixed",
                "amount": amount,
                "fixed": -points if quantity < 0 else points,
            }
        return {
            "kind": "money",
            "amount": amount,
            "weight": rule.multiplier if rule else 1,
        }

    def _flexi_expiry_date(self, day):
        self.ensure_one()
        if not self.validity_months:
            return False
        return day + relativedelta(months=self.validity_months)

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import points_credit as credit_rules


class FlexiLoyaltyReward(models.Model):
    _name = "flexi.loyalty.reward"
    _description = "Loyalty Reward"
    _order = "program_id, points_cost, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    program_id = fields.Many2one(
        "flexi.loyalty.program", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    currency_id = fields.Many2one(related="program_id.currency_id")
    reward_type = fields.Selection(
        [
            ("credit", "Credit"),
            ("discount", "Percentage Discount"),
            ("product", "Free Product"),
            ("voucher", "Voucher"),
            ("points_credit", "Credit per Point"),
        ],
        "Type",
        default="credit",
        required=True,
    )
    points_cost = fields.Integer(
        "Points",
        required=True,
        help="Points the reward costs. For a credit per point: the fewest points "
        "the customer may choose to use.",
    )
    credit_amount = fields.Monetary("Credit", help="Amount taken off the order.")
    credit_per_point = fields.Monetary(
        "Credit per Point",
        help="Amount taken off the order for each point the customer chooses to use.",
    )
    points_step = fields.Integer(
        "In Steps of",
        default=1,
        help="The customer uses the minimum, or the minimum plus a whole number "
        "of these steps (e.g. 50, 60, 70… points in steps of 10).",
    )
    discount_percent = fields.Float("Discount (%)", digits=(16, 2))
    product_id = fields.Many2one("product.product", "Free Product")
    voucher_value = fields.Monetary("Voucher Value")
    voucher_validity_days = fields.Integer("Voucher Valid (days)", default=90)
    min_tier_id = fields.Many2one(
        "flexi.loyalty.tier",
        "Minimum Tier",
        domain="[('program_id', '=', program_id)]",
    )
    reward_product_id = fields.Many2one(
        "product.product",
        "Order Line Product",
        help="Product of the order line that carries the reward.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("points_cost_positive", "CHECK(points_cost > 0)", "A reward costs points."),
    ]

    @api.constrains(
        "reward_type",
        "credit_amount",
        "discount_percent",
        "product_id",
        "voucher_value",
        "credit_per_point",
        "points_step",
    )
    def _check_reward_value(self):
        for reward in self:
            if reward.reward_type == "credit" and reward.credit_amount <= 0:
                raise ValidationError(_("A credit reward needs a positive amount."))
            if reward.reward_type == "discount" and not (
                0 < reward.discount_percent <= 100
            ):
                raise ValidationError(_("A discount is between 0 and 100%."))
            if reward.reward_type == "product" and not reward.product_id:
                raise ValidationError(_("A free product reward needs a product."))
            if reward.reward_type == "voucher" and reward.voucher_value <= 0:
                raise ValidationError(_("A voucher reward needs a positive value."))
            if reward.reward_type == "points_credit" and (
                reward.credit_per_point <= 0 or reward.points_step < 1
            ):
                raise ValidationError(
                    _(
                        "A credit per point needs a positive amount per point and "
                        "steps of at least one point."
                    )
                )

    # ------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        rewards = super().create(vals_list)
        # A free product is its own order line; other rewards need a product
        # to carry their (negative) line.
        for reward in rewards.filtered(
            lambda r: not r.reward_product_id and r.reward_type != "product"
        ):
            reward.reward_product_id = self.env["product.product"].create(
                reward._flexi_reward_product_vals()
            )
        return rewards

    # ------------------------------------------------------------ business

    def _flexi_reward_product_vals(self):
        """Values of the service product created to carry this reward."""
        self.ensure_one()
        return {
            "name": self.name,
            "type": "service",
            "sale_ok": False,
            "purchase_ok": False,
            "list_price": 0.0,
            "invoice_policy": "order",
            "taxes_id": [Command.clear()],
            "supplier_taxes_id": [Command.clear()],
            "flexi_loyalty_no_earn": True,
            "company_id": self.company_id.id,
        }

    def _flexi_unavailable_reason(self, subscription):
        """Why ``subscription`` may not pick this reward, or False.

        Points are checked when they are debited; this covers the rest.
        """
        self.ensure_one()
        if not self.active or self.program_id != subscription.program_id:
            return _("This reward is not part of %s.", subscription.program_id.name)
        if subscription.state != "active":
            return _("This membership is not active.")
        if self.min_tier_id and not self._flexi_tier_reached(subscription.tier_id):
            return _(
                "This reward is for members from the %(tier)s tier.",
                tier=self.min_tier_id.name,
            )
        return False

    def _flexi_tier_reached(self, tier):
        """True when ``tier`` is the minimum tier or a higher one."""
        self.ensure_one()
        if not tier:
            return False
        # Tiers rank by sequence (then id), like the program's tier list.
        minimum = self.min_tier_id
        return (tier.sequence, tier.id) >= (minimum.sequence, minimum.id)

    def _flexi_is_available_for(self, subscription):
        """True when ``subscription`` may pick this reward (points aside)."""
        return not self._flexi_unavailable_reason(subscription)

    # ------------------------------------------------------------ credit per point

    def _flexi_chooses_points(self):
        """Whether the customer chooses how many points this reward spends."""
        self.ensure_one()
        return self.reward_type == "points_credit"

    def _flexi_credit_for(self, points):
        """Money ``points`` take off an order, rounded to the currency."""
        self.ensure_one()
        amount = credit_rules.credit_for_points(points, self.credit_per_point)
        return self.currency_id.round(float(amount))

    def _flexi_max_points(self, spendable, left_to_pay):
        """The most points a customer may choose on an order with
        ``left_to_pay`` (tax included), or 0 when none is allowed."""
        self.ensure_one()
        return credit_rules.max_points(
            self.points_cost,
            self.points_step,
            spendable,
            left_to_pay,
            self.credit_per_point,
        )

    def _flexi_points_rule(self):
        """The rule in words: "10.00 DA per point, from 50 points, in steps of 10"."""
        self.ensure_one()
        return _(
            "%(amount)s per point, from %(minimum)s points, in steps of %(step)s",
            amount=self.currency_id.format(self.credit_per_point),
            minimum=self.points_cost,
            step=self.points_step,
        )

    def _flexi_line_description(self, points):
        """Name of the order line carrying this reward."""
        self.ensure_one()
        if not self._flexi_chooses_points():
            return self.name
        return _("%(reward)s (%(points)s points)", reward=self.name, points=points)

    def _flexi_points_choice(self, points, subscription, left_to_pay):
        """The points a redemption of this reward spends, as a whole number.

        A fixed reward spends its cost (another number asked is refused); a
        credit per point spends the number chosen, refused with a message
        saying why and what to choose instead when it is not allowed.
        """
        self.ensure_one()
        if not self._flexi_chooses_points():
            if points is not None and credit_rules.parse_points(points) != (
                self.points_cost
            ):
                raise UserError(
                    _(
                        "%(reward)s costs %(cost)s points, no other number.",
                        reward=self.name,
                        cost=self.points_cost,
                    )
                )
            return self.points_cost
        if points is None or (isinstance(points, str) and not points.strip()):
            raise UserError(
                _(
                    "Say how many points to use on %(reward)s (%(rule)s).",
                    reward=self.name,
                    rule=self._flexi_points_rule(),
                )
            )
        spendable = subscription._flexi_spendable()
        problem = credit_rules.choice_error(
            points,
            minimum=self.points_cost,
            step=self.points_step,
            spendable=spendable,
            left_to_pay=left_to_pay,
            credit_per_point=self.credit_per_point,
        )
        if problem:
            raise UserError(
                self._flexi_points_refusal(
                    problem, points, subscription, spendable, left_to_pay
                )
            )
        return credit_rules.parse_points(points)

    def _flexi_points_refusal(self, problem, points, subscription, spendable, left):
        """What the person choosing ``points`` is told (see ``choice_error``)."""
        self.ensure_one()
        values = {
            "reward": self.name,
            "points": points,
            "minimum": self.points_cost,
            "step": self.points_step,
        }
        if problem == credit_rules.NOT_A_NUMBER:
            return _(
                "Type a whole number of points for %(reward)s, not “%(points)s”.",
                **values,
            )
        if problem == credit_rules.BELOW_MINIMUM:
            return _(
                "%(reward)s needs at least %(minimum)s points: %(points)s is too few.",
                **values,
            )
        if problem == credit_rules.OFF_STEP:
            lower, higher = credit_rules.nearest_choices(
                credit_rules.parse_points(points), self.points_cost, self.points_step
            )
            return _(
                "%(reward)s is used in steps of %(step)s points from %(minimum)s: "
                "choose %(lower)s or %(higher)s points, not %(points)s.",
                lower=lower,
                higher=higher,
                **values,
            )
        if problem == credit_rules.ABOVE_BALANCE:
            return _(
                "Not enough points: %(member)s can spend %(available)s points, "
                "%(asked)s asked.",
                member=subscription.partner_id.name,
                available=max(spendable, 0),
                asked=points,
            )
        currency = self.currency_id
        most = self._flexi_max_points(spendable, left)
        values.update(
            amount=currency.format(self._flexi_credit_for(points)),
            total=currency.format(left),
        )
        if most:
            return _(
                "%(points)s points are worth %(amount)s, more than the %(total)s "
                "left to pay on this order: use at most %(max)s points.",
                max=most,
                **values,
            )
        return _(
            "%(points)s points are worth %(amount)s, more than the %(total)s left "
            "to pay on this order, which is too small for %(reward)s (from "
            "%(minimum)s points).",
            **values,
        )

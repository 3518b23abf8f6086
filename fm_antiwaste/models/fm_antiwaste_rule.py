from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.ladder import overlapping_rules


class FmAntiwasteRule(models.Model):
    _name = "fm.antiwaste.rule"
    _description = "Anti-Waste Markdown Rule"
    _order = "company_id, categ_id, days_left, id"

    name = fields.Char(compute="_compute_name", store=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    days_left = fields.Integer(
        "Up To Days Left",
        required=True,
        help="Applies to lots expiring in this many days or fewer "
        "(0: expires today, 1: expires tomorrow). The closest rule wins.",
    )
    discount = fields.Float("Discount (%)", required=True, digits=(5, 2))
    categ_id = fields.Many2one(
        "product.category",
        "Product Category",
        help="Leave empty for every category. Rules of a category (or of its "
        "nearest parent having rules) replace the generic ones.",
    )

    @api.depends("days_left", "discount", "categ_id")
    def _compute_name(self):
        for rule in self:
            when = {0: _("Expires today"), 1: _("Expires tomorrow")}.get(
                rule.days_left, _("%s days left or fewer", rule.days_left)
            )
            rule.name = f"{when}: -{rule.discount:g} %"

    @api.constrains("discount", "days_left")
    def _check_values(self):
        for rule in self:
            if not 0 < rule.discount < 100:
                raise ValidationError(
                    _("A markdown discount must be above 0 % and below 100 %.")
                )
            if rule.days_left < 0:
                raise ValidationError(_("Days left cannot be negative."))

    @api.constrains("days_left", "categ_id", "company_id", "active")
    def _check_overlap(self):
        for company in self.company_id:
            rules = self.search([("company_id", "=", company.id)])
            clashes = overlapping_rules(rules._fm_as_dicts())
            if clashes:
                first, second = clashes[0]
                raise ValidationError(
                    _(
                        "Two markdown rules overlap: %(a)s and %(b)s. Keep one rule "
                        "per number of days left and category.",
                        a=self.browse(first["id"]).display_name,
                        b=self.browse(second["id"]).display_name,
                    )
                )

    def _fm_as_dicts(self):
        return [
            {
                "id": rule.id,
                "days_left": rule.days_left,
                "discount": rule.discount,
                "categ_id": rule.categ_id.id or None,
            }
            for rule in self
        ]

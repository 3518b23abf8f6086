from odoo import Command
from odoo.tests import TransactionCase


class FlexiLoyaltyCommon(TransactionCase):
    """A caterer in Algeria: 100 DA = 1 point, points valid 18 months."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.dz")
        cls.tax_19 = cls.env["account.tax"].create(
            {
                "name": "TVA 19%",
                "amount": 19.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.program = cls.env["flexi.loyalty.program"].create(
            {
                "name": "Fidélité Traiteur",
                "amount_per_point": 100.0,
                "amount_base": "tax_excluded",
                "validity_months": 18,
                "earn_trigger": "confirm",
            }
        )
        cls.dish = cls.env["product.product"].create(
            {
                "name": "Couscous Royal",
                "list_price": 1000.0,
                "type": "consu",
                "taxes_id": [Command.set(cls.tax_19.ids)],
            }
        )
        cls.drink = cls.env["product.product"].create(
            {
                "name": "Citronnade",
                "list_price": 150.0,
                "type": "consu",
                "taxes_id": [Command.clear()],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Amina Benali",
                "email": "amina@example.com",
                "mobile": "0550 12 34 56",
                "country_id": cls.env.ref("base.dz").id,
            }
        )
        cls.member = cls.env["flexi.loyalty.subscription"].create(
            {"partner_id": cls.customer.id, "program_id": cls.program.id}
        )

    @classmethod
    def _order(cls, lines, partner=None):
        """A quotation; ``lines`` is a list of (product, quantity[, unit price])."""
        return cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": line[0].id,
                            "product_uom_qty": line[1],
                            **({"price_unit": line[2]} if len(line) > 2 else {}),
                        }
                    )
                    for line in lines
                ],
            }
        )

    def _lines(self, member=None, move_type=None):
        domain = [("subscription_id", "=", (member or self.member).id)]
        if move_type:
            domain.append(("move_type", "=", move_type))
        return self.env["flexi.loyalty.ledger.line"].search(domain)

    def assertBalanceIsLedger(self, member=None):
        member = member or self.member
        member.invalidate_recordset()
        self.assertEqual(
            member.points_balance, sum(self._lines(member).mapped("points"))
        )

    # ------------------------------------------------------------ rewards

    @classmethod
    def _reward(cls, reward_type="credit", points=100, **vals):
        defaults = {
            "credit": {"credit_amount": 500.0},
            "discount": {"discount_percent": 10.0},
            "product": {"product_id": cls.drink.id},
            "voucher": {"voucher_value": 800.0, "voucher_validity_days": 30},
        }[reward_type]
        return cls.env["flexi.loyalty.reward"].create(
            {
                "name": f"{reward_type} {points}",
                "program_id": cls.program.id,
                "reward_type": reward_type,
                "points_cost": points,
                **defaults,
                **vals,
            }
        )

    @classmethod
    def _give(cls, points, member=None):
        """Opening balance for a test: a manager bonus."""
        return (member or cls.member)._flexi_adjust(
            points, "Opening balance", move_type="bonus"
        )

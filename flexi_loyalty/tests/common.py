from contextlib import contextmanager

import psycopg2.errors
from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase
from odoo.tools import mute_logger


class TwoTransactionsMixin:
    """Two real transactions racing, for a TransactionCase.

    The test's own data is invisible to other cursors: such tests commit their
    data through ``_env(cr)`` and remove it at the end.
    """

    def _env(self, cr):
        # Never wait forever on a row another transaction holds.
        cr.execute("SET lock_timeout = '10s'")
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    @contextmanager
    def _two_transactions(self):
        cr1, cr2 = self.registry.cursor(), self.registry.cursor()
        try:
            yield self._env(cr1), self._env(cr2)
        finally:
            cr1.close()
            cr2.close()

    def _refusal(self, env, call):
        """Run ``call`` in ``env``'s transaction, then roll it back.

        Returns the error that refused it (a failed row lock or a UserError),
        or None when it went through.
        """
        try:
            # A refused FOR UPDATE is logged by the SQL layer; expected here.
            with mute_logger("odoo.sql_db"):
                call()
        except (psycopg2.errors.SerializationFailure, UserError) as error:
            return error
        finally:
            env.cr.rollback()
        return None


class FlexiLoyaltyCommon(TransactionCase):
    """A caterer in Algeria: 100 DA = 1 point, points valid 18 months."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.dz")
        # Demo programs would make every figure depend on demo data.
        cls.env["flexi.loyalty.program"].search([]).action_archive()
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

    @contextmanager
    def _freeze(self, days=0, months=0):
        """Travel ``days``/``months`` ahead of now."""
        moment = fields.Datetime.add(fields.Datetime.now(), days=days, months=months)
        with freeze_time(moment):
            yield moment

    def _pay(self, invoice):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()

    def _refund(self, invoice, quantity):
        """Post a credit note giving back ``quantity`` of the invoice's first line."""
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "Returned", "journal_id": invoice.journal_id.id})
        )
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        with Form(refund) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.quantity = quantity
        refund.action_post()
        return refund

    @classmethod
    def _confirmed_orders(cls, count, date, partner=None):
        """``count`` orders already confirmed on ``date`` (history, no earning)."""
        return cls.env["sale.order"].create(
            [
                {
                    "partner_id": (partner or cls.customer).id,
                    "state": "sale",
                    "date_order": date,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.drink.id, "product_uom_qty": 1}
                        )
                    ],
                }
                for __ in range(count)
            ]
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

    @staticmethod
    def _set_tier(member, tier):
        """Put ``member`` in ``tier`` (the engine's job: requalification)."""
        with member._flexi_trusted():
            member.write({"tier_id": tier.id if tier else False})

    @classmethod
    def _give(cls, points, member=None):
        """Opening balance for a test: a manager bonus."""
        return (member or cls.member)._flexi_adjust(
            points, "Opening balance", move_type="bonus"
        )

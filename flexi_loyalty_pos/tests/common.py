from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command, fields

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon
from odoo.addons.sms.tests.common import MockSMS

KNOWN_CODE = "424242"


class FlexiLoyaltyPosCommon(TestPointOfSaleHttpCommon, MockSMS):
    """A caterer's till: 100 per point on the price before tax, a member with
    300 points and a 500 credit reward for 100 points, codes required."""

    @staticmethod
    def _set_tier(member, tier):
        """Put ``member`` in ``tier`` (the engine's job: requalification)."""
        with member._flexi_trusted():
            member.write({"tier_id": tier.id if tier else False})

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.main_pos_config.company_id
        cls.company.country_id = cls.env.ref("base.dz")
        cls.env.user.groups_id += cls.env.ref(
            "flexi_loyalty.flexi_loyalty_group_manager"
        )
        cls.env["flexi.loyalty.program"].search([]).action_archive()
        cls.program = cls.env["flexi.loyalty.program"].create(
            {
                "name": "Fidélité Traiteur",
                "company_id": cls.company.id,
                "amount_per_point": 100.0,
                "amount_base": "tax_excluded",
                "validity_months": 18,
                "otp_required": True,
            }
        )
        cls.reward = cls.env["flexi.loyalty.reward"].create(
            {
                "name": "Bon de 500",
                "program_id": cls.program.id,
                "reward_type": "credit",
                "points_cost": 100,
                "credit_amount": 500.0,
            }
        )
        cls.couscous = cls.env["product.product"].create(
            {
                "name": "Couscous Royal",
                "list_price": 1000.0,
                "type": "consu",
                "available_in_pos": True,
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
        cls.member._flexi_adjust(300, "Opening balance", move_type="bonus")
        cls.main_pos_config.write(
            {
                "flexi_loyalty_program_ids": [Command.set(cls.program.ids)],
                "flexi_loyalty_otp_required": True,
            }
        )
        cls.cash_method = cls.main_pos_config.payment_method_ids.filtered(
            "is_cash_count"
        )[:1]

    # ------------------------------------------------------------ helpers

    def _open_session(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        return self.main_pos_config.current_session_id

    def _line(self, product, qty, price_unit=None, **vals):
        price = product.lst_price if price_unit is None else price_unit
        return {
            "product_id": product.id,
            "qty": qty,
            "price_unit": price,
            "discount": 0.0,
            "price_subtotal": price * qty,
            "price_subtotal_incl": price * qty,
            "tax_ids": [],
            "pack_lot_ids": [],
            **vals,
        }

    def _ui_order(self, session, lines, partner=None, uuid=None, state="paid"):
        """What the till sends for a paid order (cash, exact amount)."""
        total = sum(line["price_unit"] * line["qty"] for line in lines)
        uuid = uuid or f"flexi-{fields.Datetime.now().timestamp()}-{id(lines)}"
        return {
            "amount_paid": total,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": total,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "fiscal_position_id": False,
            "pricelist_id": self.main_pos_config.pricelist_id.id,
            "name": f"Order {uuid}",
            "lines": [Command.create(line) for line in lines],
            "partner_id": partner.id if partner else False,
            "session_id": session.id,
            "sequence_number": 2,
            "payment_ids": [
                Command.create(
                    {
                        "amount": total,
                        "name": fields.Datetime.now(),
                        "payment_method_id": self.cash_method.id,
                    }
                )
            ],
            "uuid": uuid,
            "user_id": self.env.uid,
            "to_invoice": False,
            "state": state,
        }

    def _sync(self, order_vals, user=None):
        """Sync one order as the till does; returns the pos.order."""
        Order = self.env["pos.order"].with_user(user) if user else self.env["pos.order"]
        result = Order.sync_from_ui([dict(order_vals)])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def _reward_order(self, session, reward_line, qty=3):
        """A paid order of ``qty`` couscous with the accepted reward line."""
        product = self.env["product.product"].browse(reward_line["product_id"])
        return self._ui_order(
            session,
            [
                self._line(self.couscous, qty),
                self._line(
                    product,
                    1,
                    price_unit=reward_line["price_unit"],
                    flexi_loyalty_token=reward_line["token"],
                ),
            ],
            partner=self.customer,
        )

    @contextmanager
    def _known_code(self):
        """Codes sent during the block are KNOWN_CODE (still hashed and bound)."""
        with patch(
            "odoo.addons.flexi_loyalty.tools.otp.generate_code",
            return_value=KNOWN_CODE,
        ):
            yield

    def _accepted_reward_line(self, session, lines, member=None, reward=None):
        """Ask for the reward, read the SMS code, type it: the reward line."""
        member = member or self.member
        with self._known_code(), self.mockSMSGateway():
            asked = session.flexi_loyalty_request_reward(
                member.id, (reward or self.reward).id, lines
            )
        return session.flexi_loyalty_verify_code(asked["redemption_id"], KNOWN_CODE)

    def _balance(self, member=None):
        member = member or self.member
        member.invalidate_recordset()
        return member.points_balance

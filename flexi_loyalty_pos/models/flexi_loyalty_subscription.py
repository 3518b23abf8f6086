from odoo import _, fields, models


class FlexiLoyaltySubscription(models.Model):
    _inherit = "flexi.loyalty.subscription"

    flexi_pos_owes_points = fields.Boolean(
        "Owes Points",
        copy=False,
        tracking=True,
        groups="flexi_loyalty.flexi_loyalty_group_manager",
        help="A paid till order spent points the member no longer had (offline "
        "till, points given back meanwhile): the balance went below zero. "
        "Clear it once settled.",
    )

    def _flexi_pos_owes_points(self, order, redemption):
        """Flag the membership and ask a loyalty manager to settle it."""
        self.ensure_one()
        # sudo: called by the server for a paid order; the flag is for managers.
        member = self.sudo()
        member.flexi_pos_owes_points = True
        member.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Owes points after a till sale"),
            note=_(
                "%(order)s was paid with %(reward)s (%(points)s points) the member "
                "no longer had: the balance is now %(balance)s.",
                order=order.name,
                reward=redemption.reward_id.name,
                points=redemption.points,
                balance=member.points_balance,
            ),
            user_id=member._flexi_pos_loyalty_manager().id or self.env.uid,
        )

    def _flexi_pos_loyalty_manager(self):
        """The loyalty manager who settles this member's points."""
        self.ensure_one()
        group = self.env.ref("flexi_loyalty.flexi_loyalty_group_manager")
        managers = group.sudo().users.filtered(
            lambda user: not user.share and self.company_id in user.company_ids
        )
        return managers.sorted("id")[:1]

from werkzeug.exceptions import Forbidden, NotFound

from odoo import _, fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.auth_signup.controllers.main import AuthSignupHome
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

# The referral code a visitor came with, kept until they sign up.
REFERRAL_SESSION_KEY = "flexi_loyalty_referral_code"
# What became of it, shown once on /my/loyalty.
REFERRAL_MESSAGE_KEY = "flexi_loyalty_referral_message"


class FlexiLoyaltyPortal(CustomerPortal):
    """``/my/loyalty``: the customer's memberships, read as the portal user.

    Record rules (security/flexi_loyalty_security.xml) restrict members, their
    points history, programs, tiers and rewards to the user's own partner.
    """

    _flexi_history_step = 20
    # Number of upcoming expiry dates shown.
    _flexi_expiry_count = 3

    # ------------------------------------------------------------ home

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        Member = request.env["flexi.loyalty.subscription"]
        if "flexi_loyalty_count" in counters:
            values["flexi_loyalty_count"] = (
                Member.search_count(self._flexi_members_domain())
                if Member.has_access("read")
                else 0
            )
        if not counters:
            # Without a membership yet, the card still leads to the join form.
            values["flexi_loyalty_open"] = bool(self._flexi_joinable_programs())
        return values

    # ------------------------------------------------------------ helpers

    def _flexi_members_domain(self):
        return [("partner_id", "=", request.env.user.partner_id.id)]

    def _flexi_joinable_programs(self):
        """Running programs of the user's company the user is not a member of.

        ``sudo`` boundary: portal users may only read programs they belong to;
        here we only list running programs of their own company so that they
        can read the name and terms before joining. Nothing else is exposed.
        """
        programs = (
            request.env["flexi.loyalty.program"]
            .sudo()
            ._flexi_active_programs(
                request.env.company, fields.Date.context_today(request.env.user)
            )
        )
        member_programs = self._flexi_my_members().program_id
        return programs.filtered(lambda p: p.id not in member_programs.ids)

    def _flexi_my_members(self):
        """The user's memberships (none for employees without loyalty access)."""
        Member = request.env["flexi.loyalty.subscription"]
        if not Member.has_access("read"):
            return Member
        return Member.search(self._flexi_members_domain())

    def _flexi_get_member(self, member_id):
        """The member ``member_id`` as the portal user, or 404/403."""
        member = request.env["flexi.loyalty.subscription"].browse(member_id).exists()
        if not member:
            raise NotFound()
        try:
            member.check_access("read")
        except AccessError as e:
            raise Forbidden() from e
        # The rules already say so; a membership is only ever shown to its owner.
        if member.partner_id != request.env.user.partner_id:
            raise Forbidden()
        return member

    def _flexi_expiries(self, member):
        """The next [(date, points)] to expire, earliest first."""
        upcoming = member._flexi_points_state()[member.id]["upcoming"]
        return upcoming[: self._flexi_expiry_count]

    def _flexi_source(self, line):
        """(name, url or False) of the document a movement came from."""
        if not line.res_model or not line.res_id or line.res_model not in request.env:
            return line.reason or "", False
        record = request.env[line.res_model].browse(line.res_id).exists()
        if not record:
            return line.reason or "", False
        if hasattr(record, "_flexi_portal_name"):
            # A document that says itself what the customer may see of it.
            return record.sudo()._flexi_portal_name(), False
        url = False
        if record.has_access("read") and "access_url" in record._fields:
            url = record.access_url
        # ``sudo`` boundary: the movement is the user's own (checked by the
        # ledger rule); only the document's name is shown, never its content.
        return record.sudo().display_name, url

    def _flexi_reward_values(self, member):
        available = member.points_available
        rewards = []
        for reward in member.program_id.reward_ids:
            tier_ok = not reward.min_tier_id or (
                member.tier_id
                and member.tier_id.sequence >= reward.min_tier_id.sequence
            )
            rewards.append(
                {
                    "reward": reward,
                    "affordable": bool(tier_ok and available >= reward.points_cost),
                    "tier_ok": bool(tier_ok),
                }
            )
        return rewards

    def _flexi_overview_values(self, error=None, error_program=None, post=None):
        values = self._prepare_portal_layout_values()
        members = self._flexi_my_members()
        values.update(
            {
                "page_name": "flexi_loyalty",
                "members": members,
                "joinable_programs": self._flexi_joinable_programs(),
                "error": error,
                "error_program": error_program,
                "post": post or {},
                # What became of the referral code the customer signed up with.
                "referral_message": request.session.pop(REFERRAL_MESSAGE_KEY, None),
            }
        )
        return values

    def _flexi_referral_values(self, member):
        """The member's link and code, and the friends they brought (first
        names only: a referral shows no more of the friend)."""
        if not member.program_id.referral_enabled:
            return {"referral_enabled": False}
        member._flexi_referral_code()
        # sudo: the member's own referrals (portal rule), read by the server
        # to show the friend's first name, state and points.
        referrals = (
            request.env["flexi.loyalty.referral"]
            .sudo()
            .search([("subscription_id", "=", member.id)])
        )
        return {
            "referral_enabled": True,
            "referrals": [
                {
                    "name": referral._flexi_friend_first_name(),
                    "date": referral.create_date,
                    "state": referral.state,
                    "state_label": dict(
                        referral._fields["state"]._description_selection(request.env)
                    )[referral.state],
                    "points": referral.points_given,
                }
                for referral in referrals
            ],
        }

    # ------------------------------------------------------------ routes

    @http.route(["/my/loyalty"], type="http", auth="user", website=True)
    def portal_my_loyalty(self, **kw):
        return request.render(
            "flexi_loyalty.portal_my_loyalty", self._flexi_overview_values()
        )

    @http.route(
        [
            "/my/loyalty/<int:member_id>",
            "/my/loyalty/<int:member_id>/page/<int:page>",
        ],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_loyalty_member(self, member_id, page=1, **kw):
        member = self._flexi_get_member(member_id)
        Line = request.env["flexi.loyalty.ledger.line"]
        domain = [("subscription_id", "=", member.id)]
        pager = portal_pager(
            url=f"/my/loyalty/{member.id}",
            total=Line.search_count(domain),
            page=page,
            step=self._flexi_history_step,
        )
        lines = Line.search(
            domain, limit=self._flexi_history_step, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "flexi_loyalty_member",
                "member": member,
                "program": member.program_id,
                "expiries": self._flexi_expiries(member),
                "history": [(line, *self._flexi_source(line)) for line in lines],
                "rewards": self._flexi_reward_values(member),
                "pager": pager,
                **self._flexi_referral_values(member),
            }
        )
        return request.render("flexi_loyalty.portal_my_loyalty_member", values)

    @http.route(
        ["/my/loyalty/join/<int:program_id>"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_loyalty_join(self, program_id, consent=None, phone=None, **kw):
        partner = request.env.user.partner_id
        Member = request.env["flexi.loyalty.subscription"]
        existing = self._flexi_my_members().filtered(
            lambda m: m.program_id.id == program_id
        )[:1]
        if existing:
            # Joining twice is harmless: show the membership.
            return request.redirect(f"/my/loyalty/{existing.id}")
        program = self._flexi_joinable_programs().filtered(lambda p: p.id == program_id)
        if not program:
            raise NotFound()
        post = {"phone": phone or ""}
        if not consent:
            return self._flexi_join_error(
                _("Please accept the terms of the program to join it."), program, post
            )
        vals = {"consent_date": fields.Datetime.now()}
        if phone and phone.strip():
            vals["phone"] = phone.strip()
        try:
            with request.env.cr.savepoint():
                # ``sudo`` boundary: portal users cannot create members; this
                # creates the logged-in user's own membership of a program
                # checked above as open to them, after their explicit consent.
                member = Member.sudo()._flexi_enroll(
                    partner, program, channel="portal", **vals
                )
        except (UserError, ValidationError) as e:
            return self._flexi_join_error(e.args[0], program, post)
        return request.redirect(f"/my/loyalty/{member.id}")

    def _flexi_join_error(self, message, program, post):
        return request.render(
            "flexi_loyalty.portal_my_loyalty",
            self._flexi_overview_values(
                error=message, error_program=program, post=post
            ),
        )


class FlexiLoyaltyReferral(http.Controller):
    """``/r/<code>``: the link a member shares with friends."""

    @http.route(
        ["/r/<string:code>"], type="http", auth="public", website=True, sitemap=False
    )
    def flexi_loyalty_referral_link(self, code, **kw):
        Referral = request.env["flexi.loyalty.referral"]
        values = {"code": code, "error": None, "voucher": None, "referred": False}
        try:
            # The page says nothing of the member behind the code.
            member = Referral._flexi_referrer(code, request.env.company)
        except UserError as error:
            values["error"] = error.args[0]
            return request.render("flexi_loyalty.portal_referral_landing", values)
        program = member.program_id
        values.update(
            program_name=program.name,
            code=member.referral_code,
            voucher_value=program.referral_voucher_value,
            currency=program.currency_id,
            signup_url=self._flexi_signup_url(),
        )
        if request.env.user._is_public():
            request.session[REFERRAL_SESSION_KEY] = member.referral_code
            return request.render("flexi_loyalty.portal_referral_landing", values)
        if request.env.user._is_internal():
            # Staff checking a member's link are nobody's friend: the page
            # shows what a visitor sees.
            return request.render("flexi_loyalty.portal_referral_landing", values)
        # A customer already signed in: referred at once, or told why not.
        try:
            with request.env.cr.savepoint():
                referral = Referral._flexi_refer(
                    member.referral_code,
                    request.env.user.partner_id,
                    "portal",
                    company=request.env.company,
                )
        except UserError as error:
            values["error"] = error.args[0]
        else:
            values["voucher"] = referral.sudo().voucher_id
            values["referred"] = True
        return request.render("flexi_loyalty.portal_referral_landing", values)

    def _flexi_signup_url(self):
        """Where a visitor creates an account, or False without free sign-up."""
        # sudo: reads the sign-up setting only.
        scope = request.env["res.users"].sudo()._get_signup_invitation_scope()
        return "/web/signup?redirect=/my/loyalty" if scope == "b2c" else False


class FlexiLoyaltySignup(AuthSignupHome):
    """A visitor who came with a referral link and signs up is referred."""

    def _signup_with_values(self, token, values):
        super()._signup_with_values(token, values)
        code = request.session.pop(REFERRAL_SESSION_KEY, None)
        if code and values.get("login"):
            request.session[REFERRAL_MESSAGE_KEY] = self._flexi_refer_signed_up(
                values["login"], code
            )

    def _flexi_refer_signed_up(self, login, code):
        """Refer the new account's customer; returns what to tell them."""
        # sudo: the account was just created by this request; the referral
        # is recorded for its own customer only.
        Users = request.env["res.users"].sudo()
        user = Users.search(Users._get_login_domain(login), limit=1)
        try:
            with request.env.cr.savepoint():
                referral = (
                    request.env["flexi.loyalty.referral"]
                    .sudo()
                    ._flexi_refer(
                        code, user.partner_id, "signup", company=request.env.company
                    )
                )
        except UserError as error:
            return error.args[0]
        request.env.cr.commit()
        voucher = referral.voucher_id
        if not voucher:
            return _("Welcome! The friend who invited you thanks you.")
        return _(
            "Welcome! Your welcome voucher %(code)s (%(value)s) was sent to you.",
            code=voucher.code,
            value=voucher.currency_id.format(voucher.value),
        )

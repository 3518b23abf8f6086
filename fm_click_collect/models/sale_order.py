import contextvars
import json
from contextlib import contextmanager
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare

from ..tools import preparation
from ..tools import slots as slot_rules

# Written only by the slot's checks (``_fm_cc_write_place``), never by a caller.
FM_CC_PLACE_FIELDS = ("fm_cc_hold_until", "fm_cc_slot_booked", "fm_cc_booked_minutes")

# Set only by server code, for the duration of one call: nothing a client
# sends (values, context, defaults) can turn it on.
_FM_CC_TRUSTED = contextvars.ContextVar("fm_click_collect_trusted", default=False)

FM_CC_STATES = [
    ("to_prepare", "To Prepare"),
    ("ready", "Ready"),
    ("collected", "Collected"),
    ("no_show", "No-show"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"
    # The pickup status, its code and the hand-over trail follow the order's
    # flow (confirmation, "ready", hand-over, no-show), never a typed value:
    # no create or write sets them, whoever calls, administrators included,
    # outside of ``_fm_cc_trusted``.
    _fm_cc_guarded_fields = (
        "fm_cc_state",
        "fm_cc_pickup_code",
        "fm_cc_collected_date",
        "fm_cc_override_reason",
    )

    fm_cc_point_id = fields.Many2one(
        "fm.click_collect.point",
        string="Pickup Point",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    fm_cc_slot_id = fields.Many2one(
        "fm.click_collect.slot",
        string="Pickup Slot",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    fm_cc_slot_start = fields.Datetime(
        related="fm_cc_slot_id.start", string="Slot Start", store=True
    )
    fm_cc_slot_booked = fields.Boolean(
        "Slot Booked",
        copy=False,
        readonly=True,
        help="The order holds one place of its slot (released on cancel).",
    )
    fm_cc_booked_minutes = fields.Integer(
        "Booked Kitchen Minutes",
        copy=False,
        readonly=True,
        help="Kitchen minutes the order took in its slot when booked "
        "(given back on cancel).",
    )
    fm_cc_prep_minutes = fields.Integer(
        "Preparation Minutes",
        compute="_compute_fm_cc_prep_minutes",
        store=True,
        help="Kitchen time of the order's products: their preparation time "
        "per unit times the quantity ordered.",
    )
    fm_cc_hold_until = fields.Datetime(
        "Slot Held Until",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="An unpaid checkout keeps its place in the slot until then; a "
        "confirmed order keeps it for good.",
    )
    fm_cc_state = fields.Selection(
        FM_CC_STATES,
        string="Pickup Status",
        copy=False,
        readonly=True,
        tracking=True,
        index="btree_not_null",
    )
    fm_cc_pickup_code = fields.Char("Pickup Code", copy=False, readonly=True)
    fm_cc_collected_date = fields.Datetime("Collected On", copy=False, readonly=True)
    fm_cc_override_reason = fields.Text(
        "Collected Without Code Because", copy=False, readonly=True
    )
    fm_cc_paid = fields.Boolean("Paid", compute="_compute_fm_cc_paid")
    fm_cc_payment_status = fields.Char("Payment Status", compute="_compute_fm_cc_paid")

    @api.depends(
        "amount_total",
        "transaction_ids.state",
        "invoice_ids.payment_state",
        "invoice_ids.state",
    )
    def _compute_fm_cc_paid(self):
        for order in self:
            paid = (
                order.currency_id.compare_amounts(
                    order._fm_cc_amount_paid(), order.amount_total
                )
                >= 0
            )
            order.fm_cc_paid = paid
            if paid:
                order.fm_cc_payment_status = _("Paid")
            elif order._fm_cc_pays_on_site():
                order.fm_cc_payment_status = _("To pay at pickup")
            else:
                order.fm_cc_payment_status = _("Not paid")

    @api.depends(
        "order_line.product_id.fm_cc_prep_minutes",
        "order_line.product_uom_qty",
        "order_line.product_uom",
    )
    def _compute_fm_cc_prep_minutes(self):
        for order in self:
            order.fm_cc_prep_minutes = preparation.cart_minutes(
                (line.product_id.fm_cc_prep_minutes, line._fm_cc_product_qty())
                for line in order._fm_cc_prepared_lines()
            )

    # ------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        model = self
        for vals in vals_list:
            self._fm_cc_check_place_fields(vals)
            self._fm_cc_check_guarded(vals)
        if not _FM_CC_TRUSTED.get():
            # Defaults from the context would set the same fields behind
            # the check's back.
            keys = {f"default_{name}" for name in self._fm_cc_guarded_fields}
            if keys & set(self.env.context):
                model = self.with_context(
                    {k: v for k, v in self.env.context.items() if k not in keys}
                )
        return super(SaleOrder, model).create(vals_list)

    def write(self, vals):
        self._fm_cc_check_place_fields(vals)
        self._fm_cc_check_guarded(vals)
        if "fm_cc_slot_id" in vals and "fm_cc_hold_until" not in vals:
            # A hold belongs to its slot: it never follows the order elsewhere.
            vals = dict(vals, fm_cc_hold_until=False)
        return super().write(vals)

    @api.model
    def _fm_cc_check_guarded(self, vals):
        touched = set(vals) & set(self._fm_cc_guarded_fields)
        if touched and not _FM_CC_TRUSTED.get():
            raise AccessError(
                _(
                    "%(fields)s of %(model)s follow the pickup flow: they are "
                    "not set directly.",
                    fields=", ".join(sorted(touched)),
                    model=self._description,
                )
            )

    @contextmanager
    def _fm_cc_trusted(self):
        """Let the server code inside the block set the guarded fields."""
        token = _FM_CC_TRUSTED.set(True)
        try:
            yield
        finally:
            _FM_CC_TRUSTED.reset(token)

    @api.model
    def _fm_cc_check_place_fields(self, vals):
        """A place in a slot is taken through the slot's capacity check only:
        no caller (RPC, import, context of any kind) writes it directly."""
        if not self.env.su and set(FM_CC_PLACE_FIELDS) & set(vals):
            raise AccessError(
                _(
                    "The place of an order in a pickup slot is taken by choosing "
                    "the slot or confirming the order, not written directly."
                )
            )
        if not self.env.su and "fm_cc_prep_minutes" in vals:
            # The kitchen minutes an order takes in its slot come from its lines.
            raise AccessError(
                _(
                    "The preparation minutes of an order follow its products and "
                    "quantities: they are not set directly."
                )
            )

    # ------------------------------------------------------------ flow hooks

    def _action_confirm(self):
        for order in self.filtered("fm_cc_point_id"):
            order._fm_cc_book_slot()
            vals = {"fm_cc_state": order.fm_cc_state or "to_prepare"}
            if not order.fm_cc_pickup_code:
                vals["fm_cc_pickup_code"] = slot_rules.new_pickup_code()
            with order._fm_cc_trusted():
                order.write(vals)
        return super()._action_confirm()

    def _action_cancel(self):
        res = super()._action_cancel()
        for order in self.filtered("fm_cc_slot_booked"):
            order._fm_cc_release_slot()
        self.filtered("fm_cc_hold_until")._fm_cc_write_place(
            {"fm_cc_hold_until": False}
        )
        return res

    def _get_confirmation_template(self):
        if self.fm_cc_point_id:
            template = self.env.ref(
                "fm_click_collect.mail_template_fm_cc_confirmation",
                raise_if_not_found=False,
            )
            if template:
                return template
        return super()._get_confirmation_template()

    # ------------------------------------------------------------ pickup point & slot

    def _set_pickup_location(self, pickup_location_data):
        """Resolve the chosen place on the server: the browser only says which
        one; address, warehouse and stock come from the database.

        One of our points (``fm_point_id``): it must be an active point of
        this delivery method and of the order's company; its slot is chosen
        next. A store as website_sale_collect sends it (``id``, a warehouse):
        accepted as Odoo does when the method offers no point of ours, as
        long as it is a warehouse of the order's company."""
        if self.carrier_id.delivery_type != "in_store":
            return super()._set_pickup_location(pickup_location_data)
        data = self._fm_cc_parse_pickup_data(pickup_location_data)
        point = self.env["fm.click_collect.point"]
        if data.get("fm_point_id"):
            point = self._fm_cc_offered_point(data["fm_point_id"])
            payload = point._fm_pickup_location_values(order=self)
            # website_sale_collect reads the warehouse from the stored id.
            payload["id"] = point.warehouse_id.id
            pickup_location_data = json.dumps(payload)
        elif data:
            self._fm_cc_check_pickup_warehouse(data.get("id"))
        if point != self.fm_cc_point_id:
            self._fm_cc_clear_slot()
            self.fm_cc_point_id = point
        return super()._set_pickup_location(pickup_location_data)

    @api.model
    def _fm_cc_parse_pickup_data(self, pickup_location_data):
        try:
            data = json.loads(pickup_location_data or "{}") or {}
        except (TypeError, ValueError) as error:
            raise ValidationError(_("This pickup location is not valid.")) from error
        if not isinstance(data, dict):
            raise ValidationError(_("This pickup location is not valid."))
        return data

    def _fm_cc_offered_points(self):
        """Our pickup points this order may be collected at: active points of
        its in-store delivery method's stores, in the order's company."""
        self.ensure_one()
        # sudo: points are public information shown at checkout.
        return self.carrier_id.sudo()._fm_cc_points(company=self.company_id)

    def _fm_cc_offered_point(self, point_id):
        self.ensure_one()
        try:
            point_id = int(point_id)
        except (TypeError, ValueError):
            point_id = 0
        point = self._fm_cc_offered_points().filtered(lambda p: p.id == point_id)
        if not point:
            raise ValidationError(
                _("This pickup point is not available for this order.")
            )
        return point

    def _fm_cc_check_pickup_warehouse(self, warehouse_id):
        """A store chosen as website_sale_collect offers stores: a warehouse
        of the order's company. When the method offers our points, the
        customer chooses one of them (with its slot) instead."""
        self.ensure_one()
        try:
            warehouse_id = int(warehouse_id)
        except (TypeError, ValueError):
            warehouse_id = 0
        # sudo: public visitors cannot read warehouses; only its company is used.
        warehouse = self.env["stock.warehouse"].sudo().browse(warehouse_id).exists()
        if (
            not warehouse
            or warehouse.company_id != self.company_id
            or self.carrier_id.sudo()._fm_cc_points()
        ):
            raise ValidationError(
                _("This pickup point is not available for this order.")
            )

    def set_delivery_line(self, carrier, amount):
        res = super().set_delivery_line(carrier, amount)
        for order in self.filtered(
            lambda o: o.fm_cc_point_id and carrier.delivery_type != "in_store"
        ):
            order._fm_cc_clear_slot()
            order.fm_cc_point_id = False
        return res

    def _fm_cc_clear_slot(self):
        for order in self:
            order._fm_cc_release_slot()
        self._fm_cc_write_place({"fm_cc_slot_id": False, "fm_cc_hold_until": False})

    def _fm_cc_set_slot(self, slot):
        """Customer's choice of slot for this cart: holds one of its places for
        the hold time (again, when it is the same slot). One cart holds one
        place: the previous hold goes with the previous slot, and stays when
        the new slot is refused. Refused with a clear message when the slot
        is not this order's point or cannot take the cart."""
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            raise UserError(
                _("The pickup slot of a confirmed order cannot be changed online.")
            )
        if not slot or slot.point_id != self.fm_cc_point_id:
            raise UserError(
                _("This pickup slot does not belong to the chosen pickup point.")
            )
        if self.fm_cc_slot_booked and slot == self.fm_cc_slot_id:
            return
        vals = slot._fm_take(self)
        # An unpaid cart that booked for good before holds existed gives it back.
        self._fm_cc_release_slot()
        self._fm_cc_write_place(vals)

    def _fm_cc_hold_slot(self):
        """The customer starts paying: the hold of the chosen slot starts over.
        Once expired, the place is taken again only if it is still free."""
        self.ensure_one()
        if not self.fm_cc_slot_id:
            raise UserError(_("Please choose a pickup slot."))
        self._fm_cc_set_slot(self.fm_cc_slot_id)

    def _fm_cc_drop_hold(self):
        """Unpaid carts give their held place back (confirmed orders keep theirs)."""
        self.filtered(
            lambda o: o.fm_cc_hold_until and o.state in ("draft", "sent")
        )._fm_cc_write_place({"fm_cc_hold_until": False})

    def _fm_cc_book_slot(self):
        """Take the slot's place for this order for good, once (idempotent)."""
        self.ensure_one()
        if self.fm_cc_slot_booked:
            return
        if not self.fm_cc_slot_id:
            raise UserError(_("Please choose a pickup slot."))
        self._fm_cc_write_place(self.fm_cc_slot_id._fm_take(self, permanent=True))

    def _fm_cc_release_slot(self):
        self.ensure_one()
        if self.fm_cc_slot_booked:
            self.fm_cc_slot_id._fm_release(self.fm_cc_booked_minutes)
            self._fm_cc_write_place(
                {"fm_cc_slot_booked": False, "fm_cc_booked_minutes": 0}
            )

    def _fm_cc_write_place(self, vals):
        # sudo: the place fields are refused to every caller; they are only
        # written here, with values the slot's locked capacity check produced.
        self.sudo().write(vals)

    @api.model
    def _fm_cc_live_hold_domain(self, now):
        """Unpaid carts whose hold still counts against capacity at ``now``;
        one place each, an order having one slot."""
        return [
            ("state", "in", ("draft", "sent")),
            ("fm_cc_slot_booked", "=", False),
            ("fm_cc_hold_until", ">", now),
        ]

    def _fm_cc_holds(self, slot, now):
        """Whether this order holds a place of ``slot`` at ``now``."""
        self.ensure_one()
        return self.fm_cc_slot_id == slot and bool(
            self.filtered_domain(self._fm_cc_live_hold_domain(now))
        )

    @api.model
    def _fm_cc_hold_minutes(self):
        param = self.env["ir.config_parameter"].sudo()
        return slot_rules.hold_minutes(param.get_param("fm_click_collect.hold_minutes"))

    def _fm_cc_hold_expiry(self, now):
        return slot_rules.hold_expiry(now, self._fm_cc_hold_minutes())

    def _fm_cc_keeps_hold(self, slot, now):
        """Whether this order's hold on ``slot`` still runs at ``now``, the
        order being a cart or being confirmed right now."""
        self.ensure_one()
        return (
            self.fm_cc_slot_id == slot
            and not self.fm_cc_slot_booked
            and bool(self.fm_cc_hold_until)
            and self.fm_cc_hold_until > now
        )

    @api.model
    def _fm_cc_hold_span(self):
        """How long a hold lasts: a cart holding its slot may be this much
        short of its notice (it was checked when the place was taken)."""
        return timedelta(minutes=self._fm_cc_hold_minutes())

    # ------------------------------------------------------------ preparation

    def _fm_cc_prepared_lines(self):
        """Lines of products the kitchen prepares (not notes, not sections)."""
        self.ensure_one()
        return self.order_line.filtered(lambda line: line.product_id)

    def _fm_cc_notice(self):
        """(hours, product name): the longest minimum notice of the cart's
        products, and the first product needing it; (0, None) when none."""
        self.ensure_one()
        return preparation.cart_notice(
            (line.product_id.name, line.product_id.fm_cc_notice_hours)
            for line in self._fm_cc_prepared_lines()
        )

    def _check_cart_is_ready_to_be_paid(self):
        for order in self.filtered("fm_cc_point_id"):
            error = order._fm_cc_checkout_error()
            if error:
                raise ValidationError(error)
        return super()._check_cart_is_ready_to_be_paid()

    def _fm_cc_checkout_error(self):
        """Why this cart cannot be paid yet for pickup, or ``False``."""
        self.ensure_one()
        if not self.fm_cc_point_id:
            return False
        if not self.fm_cc_slot_id:
            return _("Please choose a pickup slot.")
        if self.fm_cc_slot_booked:
            return False
        return self.fm_cc_slot_id._fm_unavailable_reason(order=self)

    # ------------------------------------------------------------ payment

    def _fm_cc_amount_paid(self):
        self.ensure_one()
        # sudo: counter staff see what this order's payments came to, not the
        # payments themselves (transactions are readable by admins only).
        by_tx = sum(
            tx.amount
            for tx in self.sudo().transaction_ids
            if tx.state in ("authorized", "done")
        )
        invoices = self.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice"
        )
        by_invoice = sum(invoices.mapped("amount_total")) - sum(
            invoices.mapped("amount_residual")
        )
        return max(by_tx, by_invoice)

    def _fm_cc_amount_due(self):
        """What the customer still pays at the counter."""
        self.ensure_one()
        return self.currency_id.round(
            max(self.amount_total - self._fm_cc_amount_paid(), 0.0)
        )

    def _fm_cc_pays_on_site(self):
        self.ensure_one()
        # sudo: whether a "pay on site" payment waits, as _fm_cc_amount_paid.
        return any(
            tx.provider_id.custom_mode == "on_site" and tx.state == "pending"
            for tx in self.sudo().transaction_ids
        )

    def _fm_cc_check_counter_journal(self, journal):
        """The counter takes cash or card, in the order's company only."""
        self.ensure_one()
        journal = journal.sudo()
        if (
            len(journal) != 1
            or journal.type not in ("cash", "bank")
            or journal.company_id != self.company_id
        ):
            raise UserError(
                _(
                    "Choose a cash or bank journal of %(company)s to take the payment.",
                    company=self.company_id.name,
                )
            )

    def _fm_cc_pay_at_counter(self, journal):
        """Invoice the whole order and register the counter payment on
        ``journal``; the pending "pay on site" transaction is then closed
        (odoo#184190: it otherwise stays pending forever). The goods are
        delivered first: products invoiced on delivered quantities are
        invoiced too. Refused (nothing kept) when the invoices would not
        come to the amount the customer was asked for."""
        self.ensure_one()
        if self.fm_cc_paid:
            return
        self._fm_cc_check_counter_journal(journal)
        due = self._fm_cc_amount_due()
        # sudo: counter staff cash in the exact order total on its own
        # invoice; they get no other accounting right from it.
        order = self.sudo()
        invoices = order._fm_cc_invoices_to_pay()
        if invoices:
            order.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoices.ids
            ).create({"journal_id": journal.id})._create_payments()
        self.invalidate_recordset(["fm_cc_paid", "fm_cc_payment_status"])
        if not self.fm_cc_paid:
            raise UserError(
                _(
                    "The invoices of %(order)s do not cover its total of "
                    "%(total)s (%(due)s was due): check its invoices, then "
                    "hand it over again.",
                    order=self.name,
                    total=self.currency_id.format(self.amount_total),
                    due=self.currency_id.format(due),
                )
            )
        pending = order.transaction_ids.filtered(
            lambda tx: tx.provider_id.custom_mode == "on_site" and tx.state == "pending"
        )
        if pending:
            pending._set_canceled(
                state_message=_("Paid at the counter with the invoice.")
            )
        self.message_post(
            body=_(
                "%(amount)s paid at the counter (%(journal)s).",
                amount=self.currency_id.format(due),
                journal=journal.name,
            )
        )

    def _fm_cc_invoices_to_pay(self):
        """The order's customer invoices with something left to pay, after
        invoicing what is left to invoice (drafts are posted as they are)."""
        self.ensure_one()
        if self.invoice_status == "to invoice":
            self._create_invoices(final=True)
        invoices = self.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")
        invoices.filtered(lambda m: m.state == "draft").action_post()
        return invoices.filtered(
            lambda m: (
                m.state == "posted" and not m.currency_id.is_zero(m.amount_residual)
            )
        )

    # ------------------------------------------------------------ handover

    def _fm_cc_check_state(self, allowed):
        # Labels in the user's language, not the English source of FM_CC_STATES.
        labels = dict(self._fields["fm_cc_state"]._description_selection(self.env))
        for order in self:
            if (
                not order.fm_cc_point_id
                or order.state != "sale"
                or order.fm_cc_state not in allowed
            ):
                status = labels.get(order.fm_cc_state) or _("none")
                raise UserError(
                    _(
                        "Order %(order)s cannot do this now "
                        "(pickup status: %(status)s).",
                        order=order.name,
                        status=status,
                    )
                )

    def action_fm_cc_ready(self):
        """Order prepared: tell the customer with the pickup code, and tell
        the staff how the customer was told."""
        self._fm_cc_check_state(("to_prepare",))
        messages = []
        warn = False
        for order in self:
            with order._fm_cc_trusted():
                order.fm_cc_state = "ready"
            sms, email = order._fm_cc_notify_ready()
            warn = warn or not sms
            messages.append(order._fm_cc_ready_feedback(sms, email))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": " ".join(messages),
                "type": "warning" if warn else "success",
                "sticky": warn,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _fm_cc_ready_feedback(self, sms, email):
        """What the staff who marked the order ready is told."""
        self.ensure_one()
        if sms and email:
            return _(
                "%(order)s is ready: customer notified by SMS and email.",
                order=self.name,
            )
        if sms:
            return _("%(order)s is ready: customer notified by SMS.", order=self.name)
        if email:
            return _(
                "%(order)s is ready: no SMS could be sent, customer notified "
                "by email only.",
                order=self.name,
            )
        return _(
            "%(order)s is ready, but the customer could not be notified: no SMS "
            "could be sent and there is no email.",
            order=self.name,
        )

    def _fm_cc_notify_ready(self):
        """Send the "ready" SMS and email; returns (SMS sent, email sent)."""
        self.ensure_one()
        sms_sent = email_sent = False
        sms = self.env.ref(
            "fm_click_collect.sms_template_fm_cc_ready", raise_if_not_found=False
        )
        if sms and (self.partner_id.mobile or self.partner_id.phone):
            message = self._message_sms_with_template(
                template=sms, partner_ids=self.partner_id.ids
            )
            sms_sent = any(
                notif.notification_type == "sms"
                and notif.notification_status not in ("exception", "bounce", "canceled")
                for notif in message.sudo().notification_ids
            )
        mail = self.env.ref(
            "fm_click_collect.mail_template_fm_cc_ready", raise_if_not_found=False
        )
        if mail and self.partner_id.email:
            self.message_post_with_source(mail, subtype_xmlid="mail.mt_comment")
            email_sent = True
        return sms_sent, email_sent

    def action_fm_cc_collect(self):
        self.ensure_one()
        self._fm_cc_check_state(("to_prepare", "ready"))
        return {
            "type": "ir.actions.act_window",
            "name": _("Hand Over Order"),
            "res_model": "fm.click_collect.collect.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _fm_cc_collect(self, code=None, override_reason=None, journal=None):
        """Hand the order over: the customer's code, or a manager's override
        with a reason. The goods leave (delivery validated), then an unpaid
        order is invoiced and paid in full on ``journal``; all or nothing."""
        self.ensure_one()
        self._fm_cc_lock()
        self._fm_cc_check_state(("to_prepare", "ready"))
        self._fm_cc_check_handover_proof(code, override_reason)
        if not self.fm_cc_paid:
            if not journal:
                raise UserError(
                    _("This order is not paid: choose how the customer pays.")
                )
            self._fm_cc_check_counter_journal(journal)
        self._fm_cc_deliver()
        if not self.fm_cc_paid:
            self._fm_cc_pay_at_counter(journal)
        reason = (override_reason or "").strip()
        with self._fm_cc_trusted():
            self.write(
                {
                    "fm_cc_state": "collected",
                    "fm_cc_collected_date": fields.Datetime.now(),
                    "fm_cc_override_reason": reason or False,
                }
            )
        if reason:
            self.message_post(
                body=_("Handed over without code: %(reason)s", reason=reason)
            )

    def _fm_cc_lock(self):
        """One handover at a time: a twin request (double click, retry) waits
        here, then fails to serialize and is retried on a collected order."""
        self.env.cr.execute(
            SQL("SELECT id FROM sale_order WHERE id = %s FOR NO KEY UPDATE", self.id)
        )

    def _fm_cc_check_handover_proof(self, code, override_reason):
        """The customer's code, or a click & collect manager's reason."""
        self.ensure_one()
        if override_reason and override_reason.strip():
            if not self.env.user.has_group(
                "fm_click_collect.fm_click_collect_group_manager"
            ):
                raise AccessError(
                    _("Only a click & collect manager can hand over without the code.")
                )
        elif not code or slot_rules.normalize_pickup_code(code) != (
            self.fm_cc_pickup_code or ""
        ):
            raise UserError(_("This pickup code is wrong."))

    def _fm_cc_deliver(self):
        """The goods leave the shop: the order's transfers are validated the
        way staff validate them (Odoo's checks and lots included), one step
        after the other when the warehouse picks before it ships."""
        self.ensure_one()
        # sudo: counter staff hand over this order's goods once its code (or a
        # manager's reason) is checked; they get no other stock right from it.
        pickings = self.sudo().picking_ids.filtered(
            lambda p: p.picking_type_code != "incoming"
        )
        for _step in range(len(pickings)):
            todo = pickings.filtered(lambda p: p.state not in ("done", "cancel"))
            if not todo:
                return
            ready = todo.filtered(lambda p: p.state != "waiting")
            if not ready:
                break
            self._fm_cc_fill_quantities(ready)
            ready.with_context(skip_sms=True).button_validate()
            stuck = ready.filtered(lambda p: p.state != "done")
            if stuck:
                self._fm_cc_raise_delivery_blocked(stuck)
        todo = pickings.filtered(lambda p: p.state not in ("done", "cancel"))
        if todo:
            self._fm_cc_raise_delivery_blocked(todo)

    def _fm_cc_fill_quantities(self, pickings):
        """What leaves is what was ordered: reserved first (the lots the
        warehouse would pick), then what stock could not reserve of untracked
        products is taken as staff would type it. A tracked product short of
        reserved lots needs its lots chosen on the transfer."""
        self.ensure_one()
        pickings.action_assign()
        moves = pickings.move_ids.filtered(
            lambda m: (
                m.state not in ("done", "cancel")
                and float_compare(
                    m.quantity,
                    m.product_uom_qty,
                    precision_rounding=m.product_uom.rounding,
                )
                < 0
            )
        )
        tracked = moves.filtered(lambda m: m.has_tracking != "none")
        if tracked:
            raise UserError(
                _(
                    "Not enough %(products)s in stock with a lot for %(order)s: "
                    "choose the lots on %(transfers)s, then hand the order over again.",
                    products=", ".join(tracked.product_id.mapped("display_name")),
                    order=self.name,
                    transfers=", ".join(tracked.picking_id.mapped("name")),
                )
            )
        for move in moves:
            move.quantity = move.product_uom_qty
        pickings.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel") and m.quantity
        ).picked = True

    def _fm_cc_raise_delivery_blocked(self, pickings):
        raise UserError(
            _(
                "The transfer %(transfers)s of %(order)s could not be validated: "
                "open it, validate it, then hand the order over again.",
                transfers=", ".join(pickings.mapped("name")),
                order=self.name,
            )
        )

    # ------------------------------------------------------------ no-show

    def _fm_cc_no_show_due(self, now):
        self.ensure_one()
        delay = timedelta(hours=self.fm_cc_point_id.no_show_delay)
        return self.fm_cc_slot_id.end and self.fm_cc_slot_id.end + delay <= now

    def _fm_cc_mark_no_show(self):
        """Cancel (stock and slot released), tell the customer. Idempotent."""
        for order in self:
            if (
                order.fm_cc_state not in ("to_prepare", "ready")
                or order.state != "sale"
            ):
                continue
            if order.locked:
                order.action_unlock()
            order.with_context(disable_cancel_warning=True).action_cancel()
            with order._fm_cc_trusted():
                order.fm_cc_state = "no_show"
            template = self.env.ref(
                "fm_click_collect.mail_template_fm_cc_no_show", raise_if_not_found=False
            )
            if template and order.partner_id.email:
                order.message_post_with_source(
                    template, subtype_xmlid="mail.mt_comment"
                )
            if order.transaction_ids.filtered(lambda tx: tx.state == "done"):
                order.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("No-show of a paid order: refund the customer"),
                    user_id=order.user_id.id or self.env.uid,
                )

    @api.model
    def _cron_fm_cc_no_show(self):
        now = fields.Datetime.now()
        orders = self.search(
            [
                ("fm_cc_state", "in", ("to_prepare", "ready")),
                ("state", "=", "sale"),
                ("fm_cc_slot_start", "<", now),
            ]
        )
        orders.filtered(lambda o: o._fm_cc_no_show_due(now))._fm_cc_mark_no_show()
        self._fm_cc_release_stale_carts(now)

    @api.model
    def _fm_cc_release_stale_carts(self, now):
        """Housekeeping, safe to run again: expired holds are cleared (they
        stopped counting when they expired), and unpaid carts that booked a
        place for good before holds existed give it back."""
        self.search([("fm_cc_hold_until", "<=", now)])._fm_cc_write_place(
            {"fm_cc_hold_until": False}
        )
        self.search(
            [("state", "in", ("draft", "sent")), ("fm_cc_slot_booked", "=", True)]
        )._fm_cc_release_slot_all()

    def _fm_cc_release_slot_all(self):
        for order in self:
            order._fm_cc_release_slot()

    # ------------------------------------------------------------ display

    def _fm_cc_slot_label(self):
        self.ensure_one()
        return self.fm_cc_slot_id._fm_label() if self.fm_cc_slot_id else ""

    def _fm_cc_slot_choices(self):
        """The chosen point's slots for the checkout, grouped by day."""
        return self._fm_cc_slot_offer()["days"]

    def _fm_cc_slot_offer(self):
        """The chosen point's slots for the checkout, grouped by day, and why
        the cart is not offered some or any (``days``, ``advice``)."""
        self.ensure_one()
        # sudo: slots are read for the customer's own cart and point only.
        return (
            self.env["fm.click_collect.slot"]
            .sudo()
            ._fm_checkout_offer(self.fm_cc_point_id.sudo(), order=self.sudo())
        )

    def _fm_cc_qr_url(self):
        self.ensure_one()
        return f"/report/barcode/QR/{self.fm_cc_pickup_code}?width=200&height=200"

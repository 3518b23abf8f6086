import contextvars
from contextlib import contextmanager

from odoo import _, api, models
from odoo.exceptions import AccessError

# Set only by server code, for the duration of one call: nothing a client
# sends (values, context, defaults) can turn it on.
_TRUSTED = contextvars.ContextVar("flexi_loyalty_trusted", default=False)


class FlexiLoyaltyGuardedMixin(models.AbstractModel):
    """Fields that only the loyalty engine sets.

    Balances, tiers and the links between order lines and the points that
    paid for them are money: no ``create`` or ``write`` sets them, whoever
    calls and with whatever context, administrators included. Server code
    sets them inside :meth:`_flexi_trusted`.

    ``_flexi_guarded_fields`` are never set from outside; ``_flexi_fixed_fields``
    may be given at creation and never changed afterwards.
    """

    _name = "flexi.loyalty.guarded.mixin"
    _description = "Loyalty Fields Set by the Server Only"

    _flexi_guarded_fields = ()
    _flexi_fixed_fields = ()

    @api.model
    def _flexi_guarded(self, attribute="_flexi_guarded_fields"):
        """The fields every addon extending this model declared: each class
        of the model adds its own names, none replaces another's."""
        model_class = type(self)
        mro = model_class.__mro__
        cache = model_class.__dict__.get("_flexi_guarded_cache")
        if cache is None:
            cache = {}
            model_class._flexi_guarded_cache = cache
        # Odoo gives a model's class new bases as addons load: the names
        # are kept only for the bases they were collected from.
        known = cache.get(attribute)
        if known is None or known[0] is not mro:
            names = set()
            for cls in mro:
                names.update(cls.__dict__.get(attribute, ()))
            known = cache[attribute] = (mro, frozenset(names))
        return known[1]

    @api.model_create_multi
    def create(self, vals_list):
        model = self
        if not _TRUSTED.get():
            for vals in vals_list:
                self._flexi_check_guarded(vals)
            # Defaults from the context would set the same fields behind
            # the check's back.
            keys = {f"default_{name}" for name in self._flexi_guarded()}
            if keys & set(self.env.context):
                model = self.with_context(
                    {k: v for k, v in self.env.context.items() if k not in keys}
                )
        return super(FlexiLoyaltyGuardedMixin, model).create(vals_list)

    def write(self, vals):
        if not _TRUSTED.get():
            self._flexi_check_guarded(vals)
            self._flexi_check_fixed(vals)
        return super().write(vals)

    def _flexi_check_guarded(self, vals):
        touched = set(vals) & self._flexi_guarded()
        if touched:
            raise AccessError(
                _(
                    "%(fields)s of %(model)s are set by the loyalty engine only.",
                    fields=", ".join(sorted(touched)),
                    model=self._description,
                )
            )

    def _flexi_check_fixed(self, vals):
        for name in set(vals) & self._flexi_guarded("_flexi_fixed_fields"):
            field = self._fields[name]
            new = field.convert_to_cache(vals[name], self, validate=False)
            for record in self:
                if field.convert_to_cache(record[name], record, validate=False) != new:
                    raise AccessError(
                        _(
                            "%(field)s of %(model)s cannot be changed once created.",
                            field=field._description_string(self.env),
                            model=self._description,
                        )
                    )

    @api.model
    def _flexi_trusted_now(self):
        """Whether server code opened :meth:`_flexi_trusted` around this call."""
        return _TRUSTED.get()

    @contextmanager
    def _flexi_trusted(self):
        """Let the server code inside the block set guarded fields."""
        token = _TRUSTED.set(True)
        try:
            yield
        finally:
            _TRUSTED.reset(token)

import contextvars
from contextlib import contextmanager

from odoo import _, api, models
from odoo.exceptions import AccessError

# Set only by server code, for the duration of one call: nothing a client
# sends (values, context, defaults) can turn it on.
_FM_AW_TRUSTED = contextvars.ContextVar("fm_antiwaste_trusted", default=False)


class FmAntiwasteGuardedMixin(models.AbstractModel):
    """Fields of order lines that only the anti-waste cap sets.

    The units sold at the reduced price decide what the next customer pays:
    no ``create`` or ``write`` sets ``_fm_antiwaste_guarded_fields``, whoever
    calls and with whatever context, outside of :meth:`_fm_antiwaste_trusted`.
    """

    _name = "fm.antiwaste.guarded.mixin"
    _description = "Anti-Waste Fields Set by the Server Only"

    _fm_antiwaste_guarded_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        model = self
        if not _FM_AW_TRUSTED.get():
            for vals in vals_list:
                self._fm_antiwaste_check_guarded(vals)
            # Defaults from the context would set the same fields behind
            # the check's back.
            keys = {f"default_{name}" for name in self._fm_antiwaste_guarded_fields}
            if keys & set(self.env.context):
                model = self.with_context(
                    {k: v for k, v in self.env.context.items() if k not in keys}
                )
        return super(FmAntiwasteGuardedMixin, model).create(vals_list)

    def write(self, vals):
        if not _FM_AW_TRUSTED.get():
            self._fm_antiwaste_check_guarded(vals)
        return super().write(vals)

    @api.model
    def _fm_antiwaste_check_guarded(self, vals):
        touched = set(vals) & set(self._fm_antiwaste_guarded_fields)
        if touched:
            raise AccessError(
                _(
                    "%(fields)s of %(model)s are counted by the server from the "
                    "units left: they are not set directly.",
                    fields=", ".join(sorted(touched)),
                    model=self._description,
                )
            )

    @contextmanager
    def _fm_antiwaste_trusted(self):
        """Let the server code inside the block set the guarded fields."""
        token = _FM_AW_TRUSTED.set(True)
        try:
            yield
        finally:
            _FM_AW_TRUSTED.reset(token)

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestGuardedFieldsAreNotCopied(TransactionCase):
    """Odoo duplicates records in its own flows (refunds of till orders,
    "Duplicate" on a quotation, reorders): a field only the loyalty engine
    sets must not travel with the copy, or the copy is refused."""

    def test_every_guarded_field_of_every_addon_is_not_copied(self):
        mixin = "flexi.loyalty.guarded.mixin"
        checked = 0
        for name in self.env.registry[mixin]._inherit_children:
            model = self.env[name]
            for field_name in model._flexi_guarded():
                field = model._fields[field_name]
                checked += 1
                self.assertFalse(
                    field.copy, f"{name}.{field_name} is copied with its record"
                )
        self.assertGreater(checked, 5)

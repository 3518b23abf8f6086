def uninstall_hook(env):
    # Odoo drops the addon's tables, not its functions.
    env.cr.execute("DROP FUNCTION IF EXISTS flexi_loyalty_post_earning(jsonb, text)")

"""Shared pytest setup for the Odoo-free suite.

Each addon keeps its database-free rules in ``<addon>/tools/``. Importing them
as ``<addon>.tools`` would run the addon's ``__init__`` (which imports Odoo),
so they are registered here under the name ``<addon>_tools`` straight from
their folder. Tests then write ``from flexi_loyalty_tools.points import ...``.
"""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = (
    "flexi_loyalty",
    "flexi_loyalty_pos",
    "fm_marketing",
    "fm_antiwaste",
    "fm_antiwaste_pos",
    "fm_antiwaste_marketing",
    "fm_click_collect",
    "flexi_loyalty_website_sale",
    "test_fm_full",
    "fm_sms_gateway",
    "fm_marketing_sms_gateway",
    "fm_marketing_pos",
    "test_fm_sms_gateway",
    "flexi_loyalty_antiwaste",
    "flexi_loyalty_antiwaste_pos",
)


def _register_tools(addon):
    tools_dir = ROOT / addon / "tools"
    init = tools_dir / "__init__.py"
    name = f"{addon}_tools"
    if not init.exists() or name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(tools_dir)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


for _addon in ADDONS:
    _register_tools(_addon)

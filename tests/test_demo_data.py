"""The demo script's own facts, without a database: what `make demo` prints
and builds must hang together (every ordered product exists, members are
customers, phone numbers are Algerian, compose runs the same script)."""

import ast
import importlib.util
import re
import sys

from conftest import ADDONS, ROOT

sys.path.insert(0, str(ROOT / "scripts"))  # demo_data imports the harness
SPEC = importlib.util.spec_from_file_location(
    "demo_data", ROOT / "scripts" / "demo_data.py"
)
demo_data = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(demo_data)  # no Odoo import at module level


def test_demo_installs_every_addon_but_the_test_ones():
    """Test-only addons (category Hidden/Tests, e.g. test_fm_full) stay out."""
    business = [
        addon
        for addon in ADDONS
        if ast.literal_eval((ROOT / addon / "__manifest__.py").read_text()).get(
            "category"
        )
        != "Hidden/Tests"
    ]
    assert sorted(demo_data.ADDONS) == sorted(business)


def test_logins_cover_the_four_roles_with_passwords_odoo_accepts():
    roles = [who for who, *_rest in demo_data.LOGINS]
    assert len(roles) == 4
    for _who, login, password, path in demo_data.LOGINS:
        # Odoo's password policy (auth_password_policy) asks for 8 characters;
        # the admin's comes from the database creation, before the policy.
        assert login == "admin" or len(password) >= 8
        assert path.startswith("/")


def test_every_ordered_product_and_customer_exists():
    products = {name for name, *_rest in demo_data.PRODUCTS}
    customers = {name for name, *_rest in demo_data.CUSTOMERS}
    for customer, days_ago, lines, _seller in demo_data.ORDERS:
        assert customer in customers
        assert days_ago >= 0
        assert {product for product, _qty in lines} <= products
    assert set(demo_data.MEMBERS) <= customers


def test_customers_have_local_algerian_mobile_numbers():
    for name, mobile, *_rest in demo_data.CUSTOMERS:
        assert re.fullmatch(r"0[567]\d\d( \d\d){3}", mobile), name


def test_docker_compose_builds_the_demo_with_the_same_script():
    compose = (ROOT / "docker-compose.yml").read_text()
    demo_service = compose.split("\n  demo-data:\n", 1)[1].split("\n\n", 1)[0]
    assert "python3 /mnt/extra-addons/scripts/demo_data.py" in demo_service
    assert f"-d {demo_data.DEMO_DB}" in demo_service
    odoo_service = compose.split("\n  odoo:\n", 1)[1].split("\n\n", 1)[0]
    assert re.search(
        r"demo-data:\s+condition: service_completed_successfully", odoo_service
    )
    assert f'"-d", "{demo_data.DEMO_DB}"' in odoo_service


def test_ci_does_not_build_the_demo():
    assert "demo" not in (ROOT / ".ci" / "run").read_text()

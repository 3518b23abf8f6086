"""Every addon must be installable: a sound manifest and the files it lists."""

import ast
import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ADDONS, ROOT

EXPECTED_DEPENDS = {
    "flexi_loyalty": {
        "sale_management",
        "account",
        "portal",
        "sms",
        "phone_validation",
    },
    "flexi_loyalty_pos": {"flexi_loyalty", "point_of_sale"},
    "fm_marketing": {"flexi_loyalty", "sms", "phone_validation"},
    "fm_antiwaste": {"product_expiry", "sale_stock", "website_sale"},
    "fm_antiwaste_marketing": {"fm_antiwaste", "fm_marketing"},
    "fm_antiwaste_pos": {"fm_antiwaste", "point_of_sale"},
    "fm_click_collect": {"website_sale_collect", "sms"},
    "flexi_loyalty_website_sale": {"flexi_loyalty", "website_sale"},
    "fm_sms_gateway": {"sms"},
    "fm_marketing_sms_gateway": {"fm_marketing", "fm_sms_gateway"},
    "fm_marketing_pos": {"fm_marketing", "point_of_sale"},
    "flexi_loyalty_antiwaste": {"flexi_loyalty", "fm_antiwaste"},
    "flexi_loyalty_antiwaste_pos": {
        "flexi_loyalty_antiwaste",
        "flexi_loyalty_pos",
        "fm_antiwaste_pos",
    },
    "test_fm_sms_gateway": {"fm_sms_gateway", "flexi_loyalty", "fm_click_collect"},
    "test_fm_full": {
        "flexi_loyalty",
        "flexi_loyalty_pos",
        "flexi_loyalty_website_sale",
        "fm_marketing",
        "fm_antiwaste",
        "fm_antiwaste_pos",
        "fm_click_collect",
    },
}
REQUIRED_KEYS = {
    "name",
    "summary",
    "version",
    "category",
    "license",
    "author",
    "website",
    "depends",
    "development_status",
    "installable",
}


def manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_is_complete(addon):
    data = manifest(addon)
    assert REQUIRED_KEYS <= data.keys(), REQUIRED_KEYS - data.keys()
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"])
    assert data["license"] == "LGPL-3"
    assert data["installable"] is True
    assert data["development_status"] in {
        "Alpha",
        "Beta",
        "Production/Stable",
        "Mature",
    }


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_declares_exactly_its_real_dependencies(addon):
    assert set(manifest(addon)["depends"]) == EXPECTED_DEPENDS[addon]


@pytest.mark.parametrize("addon", ADDONS)
def test_every_listed_file_exists(addon):
    data = manifest(addon)
    listed = list(data.get("data", [])) + list(data.get("demo", []))
    for bundle in data.get("assets", {}).values():
        listed += [
            p.split(addon + "/", 1)[1]
            for p in bundle
            if isinstance(p, str) and "*" not in p and p.startswith(addon + "/")
        ]
    missing = [p for p in listed if not (ROOT / addon / p).is_file()]
    assert not missing


@pytest.mark.parametrize("addon", ADDONS)
def test_every_data_file_on_disk_is_loaded(addon):
    """A view or rule file forgotten in the manifest is dead code."""
    data = manifest(addon)
    listed = set(data.get("data", [])) | set(data.get("demo", []))
    on_disk = {
        str(path.relative_to(ROOT / addon))
        for folder in ("views", "security", "data", "wizard", "report", "demo")
        for path in (ROOT / addon / folder).glob("*")
        if path.suffix in {".xml", ".csv"}
    }
    assert on_disk <= listed, on_disk - listed


def xml_files():
    return sorted(p for a in ADDONS for p in (ROOT / a).rglob("*.xml"))


@pytest.mark.parametrize("path", xml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_xml_is_well_formed(path):
    root = ET.parse(path).getroot()
    assert root.tag in {"odoo", "templates", "template", "svg"}


def access_files():
    return sorted(p for a in ADDONS for p in (ROOT / a).glob("security/*.csv"))


@pytest.mark.parametrize("path", access_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_access_rows_are_well_formed(path):
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, "an access file with no rows"
    for row in rows:
        assert row["id"] and row["model_id:id"].startswith("model_"), row
        assert {
            row[k] for k in ("perm_read", "perm_write", "perm_create", "perm_unlink")
        } <= {"0", "1"}


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_has_a_description(addon):
    text = (ROOT / addon / "readme" / "DESCRIPTION.md").read_text().strip()
    assert len(text) > 40


def tools_modules():
    return sorted(p for a in ADDONS for p in (ROOT / a).glob("tools/*.py"))


@pytest.mark.parametrize(
    "path", tools_modules(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_tools_never_import_odoo(path):
    """Rules in tools/ must run on any machine, without Odoo."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        assert not any(n == "odoo" or n.startswith("odoo.") for n in names)


def test_repository_holds_no_odoo_copy():
    """Odoo is a platform dependency; it is never vendored into the project."""
    assert not (ROOT / "odoo").exists()
    assert not list(Path(ROOT).glob("*/odoo-bin"))


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_ships_its_icon(addon):
    """Apps, the settings page and the apps menu show it (else a 404/cube)."""
    icon = ROOT / addon / "static" / "description" / "icon.png"
    head = icon.read_bytes()[:24]
    assert head.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(head[16:20]), int.from_bytes(head[20:24])
    assert width == height >= 64


def icon_references():
    """(file, "module,path") of every web_icon, and of every settings <app>
    without a logo (the settings page loads <name>/static/description/icon.png)."""
    refs = []
    for path in xml_files():
        for el in ET.parse(path).getroot().iter():
            icon = el.get("web_icon")
            if el.tag == "field" and el.get("name") == "web_icon":
                icon = el.text
            if el.tag == "app" and not el.get("logo"):
                icon = f"{el.get('name')},static/description/icon.png"
            if icon:
                refs.append((path, icon.strip()))
    return refs


def test_every_icon_path_in_xml_exists():
    missing = []
    for path, ref in icon_references():
        module, _sep, file = ref.partition(",")
        if module in ADDONS and not (ROOT / module / file).is_file():
            missing.append(f"{path.relative_to(ROOT)}: {ref}")
    assert not missing

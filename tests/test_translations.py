"""French is the users' language: every addon ships a complete fr.po and its .pot."""

import ast
import re

import pytest
from conftest import ADDONS, ROOT

ENTRY = re.compile(r'^(msgid|msgstr|msgctxt|msgid_plural|msgstr\[\d+\])\s+"(.*)"$')


def parse_po(path):
    """[(flags, msgid, msgstr)] of a .po file; enough of the format for checks."""
    entries, flags, current, key = [], set(), {}, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append(
                    (flags, current.get("msgid", ""), current.get("msgstr", ""))
                )
            flags, current, key = set(), {}, None
        elif line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := ENTRY.match(line):
            key = "msgstr" if match.group(1).startswith("msgstr") else match.group(1)
            current[key] = current.get(key, "") + match.group(2)
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
    return entries


def translated_addons():
    """Addons with models of their own (a shell has nothing to translate)."""
    return [
        addon
        for addon in ADDONS
        if [
            p for p in (ROOT / addon / "models").glob("*.py") if p.name != "__init__.py"
        ]
    ]


@pytest.mark.parametrize("addon", translated_addons())
def test_addon_ships_template_and_french(addon):
    assert (ROOT / addon / "i18n" / f"{addon}.pot").is_file()
    assert (ROOT / addon / "i18n" / "fr.po").is_file()


@pytest.mark.parametrize("addon", translated_addons())
def test_french_translation_is_complete(addon):
    path = ROOT / addon / "i18n" / "fr.po"
    if not path.is_file():
        pytest.fail(f"{addon} has no i18n/fr.po")
    entries = [e for e in parse_po(path) if e[1]]  # skip the header
    missing = [msgid for flags, msgid, msgstr in entries if not msgstr]
    fuzzy = [msgid for flags, msgid, msgstr in entries if "fuzzy" in flags]
    assert entries, "an empty translation file"
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:3]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:3]}"


@pytest.mark.parametrize("addon", translated_addons())
def test_french_covers_every_template_entry(addon):
    pot = ROOT / addon / "i18n" / f"{addon}.pot"
    po = ROOT / addon / "i18n" / "fr.po"
    if not (pot.is_file() and po.is_file()):
        pytest.fail(f"{addon} lacks its .pot or fr.po")
    wanted = {e[1] for e in parse_po(pot) if e[1]}
    have = {e[1] for e in parse_po(po) if e[1]}
    assert not wanted - have, sorted(wanted - have)[:5]


def test_parser_reads_multiline_entries(tmp_path):
    sample = tmp_path / "x.po"
    sample.write_text(
        'msgid ""\nmsgstr "Language: fr\\n"\n\n'
        '#, python-format\nmsgid "Hello "\n"%s"\nmsgstr "Bonjour "\n"%s"\n\n'
        '#, fuzzy\nmsgid "Bye"\nmsgstr ""\n',
        encoding="utf-8",
    )
    entries = parse_po(sample)
    assert entries[1] == ({"python-format"}, "Hello %s", "Bonjour %s")
    assert entries[2] == ({"fuzzy"}, "Bye", "")


def python_sources():
    return sorted(
        path
        for addon in ADDONS
        for path in (ROOT / addon).rglob("*.py")
        if "tests" not in path.parts
    )


@pytest.mark.parametrize(
    "path", python_sources(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_messages_are_extractable(path):
    """``_()`` takes a literal message and no f-string anywhere in its call.

    Odoo's extractor evaluates the arguments of ``_()``: one f-string makes it
    give up on the whole file, and every message of the file stays English.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"_", "_lt"}
        ):
            continue
        first = node.args[0] if node.args else None
        literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
        has_fstring = any(isinstance(n, ast.JoinedStr) for n in ast.walk(node))
        if not literal or has_fstring:
            bad.append(node.lineno)
    assert not bad, f"lines {bad}"

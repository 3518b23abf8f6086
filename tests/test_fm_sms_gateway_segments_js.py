"""The live counter of the forms counts as the server does.

``fm_sms_gateway/static/src/sms_segments.js`` counts in the browser while a
text is typed; ``fm_sms_gateway/tools/segments.py`` counts what is sent and
billed. The JavaScript module runs here under Node on the same corpus.
"""

import json
import random
import shutil
import subprocess

import pytest
from conftest import ROOT, _register_tools

_register_tools("fm_sms_gateway")

from fm_sms_gateway_tools.segments import (  # noqa: E402
    FOLDING,
    GSM7_BASIC,
    GSM7_EXTENSION,
    count_sms,
)

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(not NODE, reason="Node.js is not installed")

MODULE = ROOT / "fm_sms_gateway" / "static" / "src" / "sms_segments.js"

CORPUS = [
    "",
    "Bonjour Amina, votre commande est prete.",
    "Votre commande est prête ! L\u2019équipe vous attend… « Bon appétit »",
    "Réservé à Hélène, où ? Ça coute 5€",
    "Noël, cœur, ça\tet\u00a0voilà",
    "مرحبا، طلبك جاهز للاستلام من المحل. شكرا لثقتكم بنا!" * 3,
    "توقف 😀 prête",
    "Bon appétit 🍽",
    "a" * 160,
    "a" * 161,
    "a" * 152 + "€" + "a" * 152,
    "a" * 158 + "{",
    "a" * 159 + "}",
    "a" * 66 + "😀" + "a" * 66,
    "a" * 68 + "😀",
    "a" * 69 + "😀",
    "Ligne 1\nLigne 2\r\nLigne 3 [promo] ~ ^ | \\ \f",
    "ب" * 135,
]


def random_corpus(size=300, seed=16):
    """Texts mixing every table with Unicode, emoji and folded characters,
    long enough to cross the part boundaries."""
    rnd = random.Random(seed)
    alphabet = (
        sorted(GSM7_BASIC) * 3
        + sorted(GSM7_EXTENSION) * 2
        + sorted(FOLDING)
        + list("طبقاليوم")
        + ["😀", "🍽", "\U0001f1e9\U0001f1ff", "é", "ñ"]
    )
    texts = []
    for _ in range(size):
        weights = rnd.choice([None, "gsm"])
        pool = sorted(GSM7_BASIC) if weights == "gsm" else alphabet
        texts.append("".join(rnd.choice(pool) for _ in range(rnd.randint(0, 420))))
    # Mostly GSM texts with one extension character near the boundaries.
    for length in range(150, 162):
        for char in sorted(GSM7_EXTENSION):
            texts.append("a" * length + char + "b" * rnd.randint(0, 160))
    return texts


def run_js(tmp_path, script, payload):
    """Run ``script`` under Node with the module imported as ``segments`` and
    ``payload`` in ``input``; what it prints is read back as JSON."""
    module = tmp_path / "sms_segments.mjs"
    shutil.copyfile(MODULE, module)
    source = (
        f"import * as segments from {json.dumps(module.as_uri())};\n"
        f"const input = {json.dumps(payload)};\n"
        f"{script}\n"
    )
    done = subprocess.run(
        [NODE, "--input-type=module"],
        input=source,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def python_counts(texts, fold):
    return [
        {
            "text": count.text,
            "encoding": count.encoding,
            "units": count.units,
            "segments": count.segments,
            "perSegment": count.per_segment,
            "unicodeChars": list(count.unicode_chars),
        }
        for count in (count_sms(text, fold=fold) for text in texts)
    ]


def test_the_browser_uses_the_servers_tables(tmp_path):
    tables = run_js(
        tmp_path,
        "console.log(JSON.stringify({"
        "basic: [...segments.GSM7_BASIC], extension: [...segments.GSM7_EXTENSION],"
        "folding: segments.FOLDING, limits: segments.LIMITS}));",
        None,
    )
    assert set(tables["basic"]) == GSM7_BASIC
    assert set(tables["extension"]) == GSM7_EXTENSION
    assert tables["folding"] == FOLDING
    assert tables["limits"] == {"gsm7": [160, 153], "ucs2": [70, 67]}


@pytest.mark.parametrize("fold", [False, True])
def test_the_browser_counts_the_corpus_as_the_server(tmp_path, fold):
    texts = CORPUS + random_corpus()
    counts = run_js(
        tmp_path,
        "console.log(JSON.stringify(input.texts.map("
        "(text) => segments.countSms(text, { fold: input.fold }))));",
        {"texts": texts, "fold": fold},
    )
    expected = python_counts(texts, fold)
    mismatches = [
        (text, got, want)
        for text, got, want in zip(texts, counts, expected, strict=True)
        if got != want
    ]
    assert not mismatches, mismatches[:3]
    # The corpus does cross the cases it is meant to.
    assert {c["encoding"] for c in expected} == {"gsm7", "ucs2"}
    assert max(c["segments"] for c in expected) >= 3

"""How ``make test-compat`` reads Odoo's log: which of Odoo's tests failed."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import compat

HEAD = "2026-12-03 23:03:40,541 4807"
SALE = "odoo.addons.sale.tests.test_sale_order"
LINES = [
    f"{HEAD} INFO db {SALE}: Starting TestSaleOrder.test_a ...",
    f"{HEAD} ERROR db {SALE}: FAIL: TestSaleOrder.test_a",
    "Traceback (most recent call last):",
    "AssertionError: 1 != 2",
    f"{HEAD} ERROR db odoo.addons.website_sale.tests.x: ERROR: "
    "Subtest TestX.test_b (i=3)",
    f"{HEAD} ERROR db unittest.suite: ERROR: setUpClass "
    "(odoo.addons.pos_loyalty.tests.test_frontend.TestUi)",
    f"{HEAD} ERROR db {SALE}: a log line, not a test",
    f"{HEAD} INFO db odoo.addons.sms.tests.test_y: skipped TestY.test_c : no gateway",
    f"{HEAD} INFO db odoo.tests.stats: sale: 254 tests 301.20s 51234 queries",
    f"{HEAD} INFO db odoo.tests.result: 1 failed, 2 error(s) of 400 tests "
    "when loading database 'db'",
]
LOG = "\n".join(LINES) + "\n"


def test_failures_are_read_as_test_ids(tmp_path):
    log = tmp_path / "ours.log"
    log.write_text(LOG)
    failed, ran, skipped, stats = compat.parse(log)
    assert failed == {
        "sale:TestSaleOrder.test_a",
        "website_sale:TestX.test_b",
        "pos_loyalty:TestUi",
    }
    assert ran == 400
    assert skipped == ["sms: TestY.test_c : no gateway"]
    assert stats == {"sale": (254, 301.2)}


def test_failures_rerun_as_post_install_tags():
    assert compat.tag_of("sale:TestSaleOrder.test_a") == (
        "post_install/sale:TestSaleOrder.test_a"
    )
    assert compat.tag_of("pos_loyalty:TestUi") == "post_install/pos_loyalty:TestUi"


def test_no_report_means_no_verdict(tmp_path):
    log = tmp_path / "ours.log"
    log.write_text(
        f"{HEAD} CRITICAL compat odoo.service.server: Failed to initialize\n"
    )
    assert compat.parse(log)[1] is None


def _fake_odoo(tmp_path, script):
    """A process writing its log as Odoo does (no Odoo needed)."""
    log = tmp_path / "odoo.log"
    handle = log.open("w")
    proc = compat.subprocess.Popen(
        [sys.executable, "-c", script], stdout=handle, start_new_session=True
    )
    proc.log, proc.log_path = handle, log
    return proc


def test_odoo_hung_after_its_report_is_stopped(tmp_path):
    # The report is out, then the process never exits (a frozen Chromium).
    proc = _fake_odoo(
        tmp_path,
        "import time; print('x odoo.tests.result: 0 failed', flush=True); "
        "time.sleep(600)",
    )
    started = compat.time.monotonic()
    compat.finish(proc, grace=1)
    assert proc.returncode is not None
    assert compat.time.monotonic() - started < 30


def test_odoo_still_testing_is_left_alone(tmp_path):
    # No report yet: a long test run is not cut short by the grace time.
    proc = _fake_odoo(tmp_path, "import time; time.sleep(5); print('done')")
    assert compat.finish(proc, grace=1) == 0
    assert "done" in proc.log_path.read_text()


def test_selection_leaves_out_what_fails_without_our_addons_too():
    tags = compat.selection_tags(["website_sale", "point_of_sale"]).split(",")
    assert "post_install/website_sale" in tags
    for key in [*compat.COMPAT_UPSTREAM, *compat.COMPAT_EXCLUDED]:
        assert f"-/{key}" in tags
    # Every left-out test says why.
    assert all(compat.COMPAT_UPSTREAM.values())
    # A module not selected gets no exclusion of its own.
    assert not any(
        "website_sale" in t for t in compat.selection_tags(["sale"]).split(",")
    )


def test_broken_only_when_it_fails_every_time_with_us(tmp_path, monkeypatch):
    # Four failing tests: one passes on its second run, one fails without our
    # addons too, one passes without us but passes its third run with us (a
    # slow tour twice), and one fails every time with us only.
    passes = {"again": {"m:Flaky.t"}, "third": {"m:Slow.t"}}
    calls = []

    def again(_cmd, _server, keys, _by_db, _logs, label="again"):
        calls.append((label, set(keys)))
        return passes[label] & set(keys)

    def control(_cmd, _server, keys, _logs, _use_cache):
        return {key: key == "m:Upstream.t" for key in keys}

    monkeypatch.setattr(compat, "again", again)
    monkeypatch.setattr(compat, "control_verdicts", control)
    monkeypatch.setattr(compat, "cache_path", lambda: tmp_path / "none.json")
    failed = {"m:Flaky.t", "m:Upstream.t", "m:Slow.t", "m:Ours.t"}
    verdicts = compat.judge(None, None, failed, {}, tmp_path, True)
    assert verdicts == {"m:Upstream.t": True, "m:Ours.t": False}
    assert calls == [("again", failed), ("third", {"m:Slow.t", "m:Ours.t"})]


def test_known_upstream_failure_is_not_run_twice(tmp_path, monkeypatch):
    cache = tmp_path / "control.json"
    cache.write_text('{"m:Upstream.t": true}')
    monkeypatch.setattr(compat, "cache_path", lambda: cache)
    monkeypatch.setattr(
        compat, "again", lambda *a, **k: pytest.fail("ran a known failure again")
    )
    monkeypatch.setattr(
        compat,
        "control_verdicts",
        lambda _c, _s, keys, _l, _u: dict.fromkeys(keys, True),
    )
    assert compat.judge(None, None, {"m:Upstream.t"}, {}, tmp_path, True) == {
        "m:Upstream.t": True
    }

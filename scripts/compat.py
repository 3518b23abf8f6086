#!/usr/bin/env python3
"""``make test-compat``: Odoo's own tests still pass with our addons installed.

1. One database (throwaway cluster of the harness, demo data on) with our
   addons *and* the Odoo apps a shop installs next to them; the post-install
   tests of the Odoo modules whose models, views, routes or front-end we
   extend run there, Chromium tours included.
2. The tests that failed are run once more in the same database: a tour that
   timed out once on a busy machine is not a breakage.
3. Those still failing run in a control database with the same Odoo modules
   but none of ours. Failing there too: upstream's, listed and not counted.
   Passing there: broken by us, printed by id, and the run fails.

The control only ever needs the tests that failed with our addons (the only
ones whose verdict it can change), so a clean run builds one database. Control
verdicts are cached per Odoo version in ``.compat-cache/`` when it does run.

The last line is the summary: ``N passed, M failed`` (M = tests we break).
"""

import argparse
import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness
from harness import ROOT, say

# Odoo apps a shop installs next to ours (their post-install tests must see
# our addons): the loyalty bridges, pickup in store, lots with dates.
COMPAT_APPS = [
    "sale_loyalty",
    "pos_loyalty",
    "website_sale_loyalty",
    "website_sale_collect",
    "product_expiry",
]
# Odoo modules whose post-install tests run: every module we extend.
COMPAT_MODULES = [
    "sale",
    "sale_loyalty",
    "loyalty",
    "website_sale",
    "website_sale_collect",
    "website_sale_loyalty",
    "point_of_sale",
    "pos_loyalty",
    "sale_stock",
    "product_expiry",
    "sms",
    "portal",
]
# Two databases tested side by side (one Odoo process each: a 2-core machine
# runs them in about half the time): the till's 270 tests, and the rest.
SHARDS = [["point_of_sale"]]
# Classes left out, each with its reason (README, "Odoo's own tests").
COMPAT_EXCLUDED = {
    "point_of_sale:MobileTestUi": "TestUi's 56 tours again in a phone-sized "
    "window (10 minutes); TestUi runs every one of them",
}
# Tests that fail without our addons too (control database, Odoo 18.0 and
# this machine's Chromium): website editor tours whose browser freezes at the
# first click in the edited page, then waits 2 minutes for a tour timeout.
# Left out of the selection so the run fits its time; listed in every report.
FREEZE = "website editor tour: the browser freezes without our addons too"
COMPAT_UPSTREAM = {
    "website_sale:TestCustomize.test_01_admin_shop_customize_tour": FREEZE,
    "website_sale:TestCustomize.test_06_admin_list_view_b2c": FREEZE,
    "website_sale:TestSaleProcess.test_01_admin_shop_tour": FREEZE,
    "website_sale:TestWebsiteSaleEditor.test_category_page_and_products_snippet": (
        FREEZE
    ),
    "website_sale:TestWebsiteSaleEditor.test_website_sale_restricted_editor_ui": (
        FREEZE
    ),
    "website_sale:TestSnippets.test_01_snippet_products_edition": FREEZE,
    "website_sale:TestSnippets.test_02_snippet_products_remove": FREEZE,
}
CACHE_DIR = ROOT / ".compat-cache"
# Seconds Odoo gets to exit once its test report is written.
SHUTDOWN_GRACE = 90

# "ERROR db odoo.addons.sale.tests.test_x: FAIL: TestClass.test_method"
# "ERROR db odoo.addons.sale.tests.test_x: ERROR: Subtest TestClass.test_m (i=1)"
# "ERROR db unittest.suite: ERROR: setUpClass (odoo.addons.sale.tests.x.TestClass)"
FAILURE = re.compile(
    r"^\S+ \S+ \d+ ERROR \S+ (?P<logger>[\w.]+): (?:FAIL|ERROR): (?P<desc>.*)$"
)
RESULT = re.compile(
    r"odoo\.tests\.result: (?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) "
    r"of (?P<run>\d+) tests"
)
SKIPPED = re.compile(
    r" INFO \S+ odoo\.addons\.(?P<module>\w+)\.\S+: skipped (?P<what>.*)"
)
STATS = re.compile(
    r"odoo\.tests\.stats: (?P<module>\w+): (?P<n>\d+) tests (?P<s>[\d.]+)s"
)


def test_key(logger, desc):
    """``module:Class.method`` (or ``module:Class`` for a class-level error)."""
    match = re.match(r"(?:\w+) \(odoo\.addons\.(\w+)\.[\w.]*\.(\w+)\)", desc)
    if match:  # setUpClass / tearDownClass of a whole class
        return f"{match.group(1)}:{match.group(2)}"
    module = re.match(r"odoo\.addons\.(\w+)\.", logger)
    desc = desc.removeprefix("Subtest ").split(" ", 1)[0]
    return f"{module.group(1) if module else '?'}:{desc}"


def tag_of(key):
    module, name = key.split(":", 1)
    return f"post_install/{module}:{name}"


def parse(log_path):
    """Failing test keys, tests run, skipped tests, per-module stats."""
    failed, run, skipped, stats = set(), None, [], {}
    for line in Path(log_path).read_text(errors="replace").splitlines():
        if m := FAILURE.match(line):
            failed.add(test_key(m.group("logger"), m.group("desc")))
        elif m := RESULT.search(line):
            if "when loading database" in line:
                run = int(m.group("run"))
        elif m := SKIPPED.search(line):
            skipped.append(f"{m.group('module')}: {m.group('what')[:160]}")
        elif m := STATS.search(line):
            stats[m.group("module")] = (int(m.group("n")), float(m.group("s")))
    return failed, run, skipped, stats


def odoo_dependencies(addons):
    """The Odoo modules our addons depend on (ours left out)."""
    deps = set()
    for addon in addons:
        manifest = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
        deps.update(d for d in manifest.get("depends", []) if d not in addons)
    return sorted(deps)


def start(odoo_cmd, server, db, log_path, tags, install=None):
    """Install ``install`` (when given) into ``db`` and run the tagged tests,
    in the background: the Odoo process, its log written to ``log_path``."""
    cmd = [
        *odoo_cmd,
        f"--addons-path={harness.addons_path(odoo_cmd)}",
        "-d",
        db,
        *harness.db_cli(server),
        *(["-i", ",".join(install)] if install else []),
        "--stop-after-init",
        "--http-interface=127.0.0.1",
        f"--http-port={harness.free_port()}",
        "--max-cron-threads=0",
        "--log-level=info",
        "--test-enable",
        f"--test-tags={tags}",
    ]
    # Closed by whoever waits for the process.
    log = open(log_path, "w")
    # Own process group: Chromium left behind by a hung tour goes with Odoo.
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    proc.log = log
    proc.log_path = Path(log_path)
    return proc


def finish(proc, grace=SHUTDOWN_GRACE):
    """Wait for ``proc``; return its code.

    After a tour that froze the browser, Odoo prints its test report, then
    may wait forever at shutdown for the Chromium it could not close: once
    the report is in the log, ``grace`` seconds are enough to end cleanly.
    """
    reported_at, seen = None, 0
    while proc.poll() is None:
        time.sleep(2)
        if reported_at is None:
            with proc.log_path.open("rb") as log:
                log.seek(max(seen - 100, 0))  # a line cut in two last time
                new = log.read()
            seen += len(new) - min(seen, 100)
            if b"odoo.tests.result:" in new:
                reported_at = time.monotonic()
        elif time.monotonic() - reported_at > grace:
            say(f"   Odoo still running {grace} s after its report: stopped")
            kill(proc)
    proc.log.close()
    return proc.returncode


def kill(proc):
    """Odoo and whatever it started (Chromium)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def run(odoo_cmd, server, db, log_path, tags, install=None):
    """Same as :func:`start`, waiting for the end: (return code, seconds)."""
    started = time.monotonic()
    proc = start(odoo_cmd, server, db, log_path, tags, install)
    rc = finish(proc)
    return rc, time.monotonic() - started


def shard_modules():
    """The module lists tested side by side, the last one taking the rest."""
    taken = {m for shard in SHARDS for m in shard}
    return [*SHARDS, [m for m in COMPAT_MODULES if m not in taken]]


def selection_tags(modules):
    tags = [f"post_install/{module}" for module in modules]
    left_out = [*COMPAT_EXCLUDED, *COMPAT_UPSTREAM]
    tags += [f"-/{key}" for key in left_out if key.split(":", 1)[0] in modules]
    return ",".join(tags)


def cache_path():
    code = "import odoo.release as r;print(r.version)"
    version = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    ).stdout.strip()
    return CACHE_DIR / f"control-{version or 'unknown'}.json"


def control_verdicts(odoo_cmd, server, keys, logs, use_cache):
    """{key: True if it fails without our addons too}."""
    path = cache_path()
    cached = json.loads(path.read_text()) if use_cache and path.exists() else {}
    todo = sorted(k for k in keys if k not in cached)
    if todo:
        install = sorted(set(odoo_dependencies(harness.ADDONS)) | set(COMPAT_APPS))
        db = harness.unique_db(server, "compat_control")
        log = logs / "control.log"
        say(f"== control: {len(todo)} test(s) in a database without our addons")
        rc, secs = run(
            odoo_cmd, server, db, log, ",".join(map(tag_of, todo)), install=install
        )
        failed, ran, _skipped, _stats = parse(log)
        say(f"   control run: {ran} test(s) in {secs:.0f} s (rc={rc}, log {log})")
        if ran is None:
            raise SystemExit(f"!! the control database could not be built, see {log}")
        for key in todo:
            cls = key.split(".", 1)[0]
            cached[key] = key in failed or cls in failed
        CACHE_DIR.mkdir(exist_ok=True)
        path.write_text(json.dumps(cached, indent=1, sort_keys=True))
    return {key: cached[key] for key in keys}


def again(odoo_cmd, server, failed, by_db, logs, label="again"):
    """Run the failed tests once more in their database: the flaky ones."""
    say(f"== {label}, same database(s): {len(failed)} failing test(s)")
    passed = set()
    for db in sorted({by_db[k] for k in failed}):
        keys = sorted(k for k in failed if by_db[k] == db)
        log = logs / f"{db}-{label}.log"
        rc, _secs = run(odoo_cmd, server, db, log, ",".join(map(tag_of, keys)))
        still, ran, _skipped, _stats = parse(log)
        if ran is None:
            say(f"!! rerun ended (rc={rc}) without a report; see {log}")
            continue
        passed |= {k for k in keys if not {k, k.split(".")[0]} & still}
    for key in sorted(passed):
        say(f"   passed the second time (flaky, not counted): {key}")
    return passed


def run_shards(odoo_cmd, server, shards, install, logs):
    """Each shard in its own fresh database, side by side.

    Returns (failing keys, tests run, skipped, stats, database of each
    failing key), or None when a database gave no test report.
    """
    dbs = {name: harness.unique_db(server, name) for _tags, name in shards}
    procs = [
        (
            name,
            start(odoo_cmd, server, dbs[name], logs / f"{name}.log", tags, install),
        )
        for tags, name in shards
    ]
    failed, ran, skipped, stats, by_db = set(), 0, [], {}, {}
    try:
        for name, proc in procs:
            rc = finish(proc)
            log = logs / f"{name}.log"
            shard_failed, shard_ran, shard_skipped, shard_stats = parse(log)
            if shard_ran is None:
                say(f"!! Odoo ended (rc={rc}) without a test report: {log}")
                return None
            failed |= shard_failed
            ran += shard_ran
            skipped += shard_skipped
            stats.update(shard_stats)
            by_db.update(dict.fromkeys(shard_failed, dbs[name]))
    finally:
        for _name, proc in procs:
            if proc.poll() is None:
                kill(proc)
    return failed, ran, skipped, stats, by_db


def judge(odoo_cmd, server, failed, by_db, logs, use_cache):
    """{failing key: True if upstream's, False if broken by us}.

    Each failure runs again in its database (unless the cached control knows
    it fails upstream), then in the control database; one that passes there
    runs a third time with our addons: broken only if it fails every time.
    """
    path = cache_path()
    cached = json.loads(path.read_text()) if use_cache and path.exists() else {}
    if retry := {k for k in failed if not cached.get(k)}:
        failed = failed - again(odoo_cmd, server, retry, by_db, logs)
    if not failed:
        return {}
    verdicts = control_verdicts(odoo_cmd, server, failed, logs, use_cache)
    if suspects := {k for k, upstream in verdicts.items() if not upstream}:
        for key in again(odoo_cmd, server, suspects, by_db, logs, "third"):
            del verdicts[key]
    return verdicts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tags", default="", help="Odoo --test-tags instead of the whole selection"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="ignore the cached control verdicts"
    )
    parser.add_argument("--logs", default="", help="keep the logs in this folder")
    args = parser.parse_args()
    odoo_cmd = harness.odoo_command()
    if odoo_cmd is None:
        say("Odoo compatibility suite SKIPPED: Odoo 18 not installed")
        say("0 passed, 0 failed, 1 skipped")
        return 0
    if not shutil.which("chromium") and not shutil.which("chromium-browser"):
        # Odoo would skip every tour, and a skipped tour proves nothing.
        say("!! Chromium not found: install it (apt-get install chromium).")
        return 1
    logs = Path(args.logs or tempfile.mkdtemp(prefix="fm-compat-"))
    logs.mkdir(parents=True, exist_ok=True)
    shards = (
        [(args.tags, "compat")]
        if args.tags
        else [
            (selection_tags(mods), f"compat_{i}")
            for i, mods in enumerate(shard_modules())
        ]
    )
    install = harness.ADDONS + COMPAT_APPS
    started = time.monotonic()
    with harness.database_server() as server:
        say(f"== Odoo: {', '.join(install)} into {len(shards)} fresh database(s)")
        say(f"   post-install tests of {', '.join(COMPAT_MODULES)} (logs in {logs})")
        result = run_shards(odoo_cmd, server, shards, install, logs)
        if result is None:
            say("0 passed, 1 failed")
            return 1
        failed, ran, skipped, stats, by_db = result
        minutes = (time.monotonic() - started) / 60
        say(f"   {ran} test(s) in {minutes:.1f} min, {len(failed)} failing")
        for module, (count, seconds) in sorted(stats.items()):
            say(f"   {module:<22} {count:>4} tests {seconds:>7.0f} s")
        verdicts = judge(odoo_cmd, server, failed, by_db, logs, not args.no_cache)
    upstream = sorted(k for k, v in verdicts.items() if v)
    broken = sorted(k for k, v in verdicts.items() if not v)
    for key in upstream:
        say(f"   fails without our addons too (upstream, not counted): {key}")
    if not args.tags:
        for key, why in COMPAT_UPSTREAM.items():
            say(f"   left out, fails without our addons too ({why}): {key}")
    for key in broken:
        say(f"!! BROKEN by our addons: {key}")
    if skipped:
        say(f"   {len(skipped)} skipped by Odoo itself:")
        for line in skipped:
            say(f"     {line}")
    say(f"== test-compat took {(time.monotonic() - started) / 60:.1f} min")
    counts = harness.Counts(
        ran - len(skipped) - len(upstream) - len(broken), len(broken), len(skipped)
    )
    say(counts.line())
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())

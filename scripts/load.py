#!/usr/bin/env python3
"""``make load``: the shop under load, real servers driven by Locust.

1. A throwaway PostgreSQL cluster (the harness's). The control database gets
   Odoo's apps the shop uses and the common seed (scripts/load_seed.py: 2,000
   products with lots, 10,000 customers, portal accounts, five tills); the
   load database is a copy of it with the addons installed and their seed
   (10,000 members, 1,000,000 ledger lines, 50 pickup points with slots).
2. Two Odoo servers on the load database and one on the control database
   (``--workers=2 --max-cron-threads=1`` each, 127.0.0.1 only) and a fake SMS
   gateway on 127.0.0.1 that plays the customers' phones.
3. Locust (its own virtualenv, ``.venv-load``) runs ``load/locustfile.py``
   headless: visitors on both databases, a checkout race for 20 slots, online
   redemptions from two tabs, five tills syncing every order twice, portal
   pages; halfway through, the marketing and expiry crons are due.
4. Invariants are checked in SQL, figures printed as ``BENCH`` lines; Locust's
   HTML report and CSV files stay in ``load/report/``.

    python3 scripts/load.py [--visitors N] [--duration 9m] [--keep DIR]

``--keep DIR`` keeps the cluster and the seeded databases in DIR and reuses
them (while working on the scenarios).
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import harness
from harness import (
    ADDONS,
    addons_path,
    database_server,
    db_cli,
    free_port,
    odoo_command,
    odoo_python,
    say,
    throwaway_cluster,
    unique_db,
    wait_for_http,
)

ROOT = harness.ROOT
REPORT = ROOT / "load" / "report"
VENV = ROOT / ".venv-load"
SEED = ROOT / "scripts" / "load_seed.py"
# What the shop uses of Odoo, in both databases (the addons' dependencies).
APPS = [
    "sale_management",
    "account",
    "portal",
    "sms",
    "phone_validation",
    "point_of_sale",
    "product_expiry",
    "sale_stock",
    "website_sale",
    "website_sale_collect",
]
TARGETS = {
    "load_shop_p95_ratio": ("<=", 1.15),
    "load_redeem_p95": ("<=", 350.0),
    "load_invariants_broken": ("<=", 0),
    "load_http_5xx": ("<=", 0),
}


# ---------------------------------------------------------------- SMS gateway


class SmsGateway:
    """Odoo's SMS API (``sms.endpoint``) answered on 127.0.0.1: every message
    is accepted and kept as the customer's phone would show it."""

    def __init__(self):
        self.messages = {}
        self.count = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, payload):
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                size = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(size) or b"{}")
                params = request.get("params") or {}
                result = []
                for message in params.get("messages", []):
                    for number in message.get("numbers", []):
                        gateway.messages[number["number"]] = message["content"]
                        gateway.count += 1
                        result.append(
                            {"uuid": number["uuid"], "state": "success", "credit": 1}
                        )
                self._reply(
                    {"jsonrpc": "2.0", "id": request.get("id"), "result": result}
                )

            def do_GET(self):
                url = urlparse(self.path)
                number = parse_qs(url.query).get("number", [""])[0]
                self._reply({"body": gateway.messages.get(number)})

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------- database


def connect(server, db):
    import psycopg2

    conn = psycopg2.connect(
        dbname=db,
        host=server["db_host"],
        port=server["db_port"],
        user=server["db_user"],
        password=server["db_password"] or None,
    )
    conn.autocommit = True
    return conn


def sql(server, db, query, params=None):
    conn = connect(server, db)
    try:
        with conn.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else []
    finally:
        conn.close()


def db_exists(server, db):
    return bool(
        sql(server, "postgres", "SELECT 1 FROM pg_database WHERE datname=%s", [db])
    )


def odoo_step(odoo_cmd, server, db, args, log_path, label):
    say(f"== {label} (log {log_path})")
    start = time.monotonic()
    cmd = [
        *odoo_cmd,
        f"--addons-path={addons_path(odoo_cmd)}",
        "-d",
        db,
        *db_cli(server),
        "--http-interface=127.0.0.1",
        f"--http-port={free_port()}",
        "--max-cron-threads=0",
        "--log-level=warn",
        "--stop-after-init",
        *args,
    ]
    with open(log_path, "w") as log:
        rc = subprocess.call(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    if rc:
        raise SystemExit(f"!! {label} failed, see {log_path}")
    say(f"   done in {time.monotonic() - start:.0f} s")


def seed(odoo_cmd, server, db, phase, out, log_path):
    say(f"== seed {phase} into {db!r} (log {log_path})")
    start = time.monotonic()
    cmd = [
        odoo_python(odoo_cmd),
        str(SEED),
        f"--phase={phase}",
        f"--out={out}",
        f"--addons-path={addons_path(odoo_cmd)}",
        *db_cli(server),
        "-d",
        db,
        "--log-level=info",
        "--log-handler=odoo.modules.loading:WARNING",
    ]
    with open(log_path, "w") as log:
        rc = subprocess.call(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    if rc:
        raise SystemExit(f"!! seed {phase} failed, see {log_path}")
    say(f"   done in {time.monotonic() - start:.0f} s")


def copy_db(server, source, target):
    """``target``: a copy of ``source``, its filestore with it."""
    say(f"== copy {source!r} to {target!r}")
    sql(server, "postgres", f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    store = Path(server["data_dir"]) / "filestore"
    shutil.rmtree(store / target, ignore_errors=True)
    if (store / source).exists():
        shutil.copytree(store / source, store / target)


def build(odoo_cmd, server, ctl, db, work):
    """Both databases, seeded. Returns the seed data (JSON)."""
    data_file = work / "seed.json"
    if db_exists(server, db) and data_file.exists():
        say(f"== reusing the seeded databases {ctl!r} and {db!r}")
        return json.loads(data_file.read_text())
    sql(server, "postgres", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    installed = work / "control-installed"
    if not (installed.exists() and db_exists(server, ctl + "_apps")):
        sql(server, "postgres", f'DROP DATABASE IF EXISTS "{ctl}_apps" WITH (FORCE)')
        odoo_step(
            odoo_cmd,
            server,
            ctl + "_apps",
            ["-i", ",".join(APPS), "--without-demo=all"],
            work / "install-control.log",
            f"install Odoo's apps into the control database {ctl!r}",
        )
        installed.touch()
    sql(server, "postgres", f'DROP DATABASE IF EXISTS "{ctl}" WITH (FORCE)')
    copy_db(server, ctl + "_apps", ctl)
    part = work / "seed.json.part"
    seed(odoo_cmd, server, ctl, "common", part, work / "seed-common.log")
    copy_db(server, ctl, db)
    odoo_step(
        odoo_cmd,
        server,
        db,
        ["-i", ",".join(ADDONS), "--without-demo=all"],
        work / "install-addons.log",
        f"install the addons into {db!r}",
    )
    seed(odoo_cmd, server, db, "addons", part, work / "seed-addons.log")
    part.rename(data_file)
    return json.loads(data_file.read_text())


# ---------------------------------------------------------------- servers


def server_command(odoo_cmd):
    """Odoo's script when on PATH: a multi-process server starts its
    websocket process again with its own script, which ``python -m odoo``
    does not give."""
    exe = shutil.which("odoo")
    return [exe] if exe else odoo_cmd


@contextmanager
def servers(odoo_cmd, server, specs, work):
    """Start one Odoo server per (name, db) of ``specs``; yield {name: url}."""
    procs, urls = [], {}
    try:
        for name, db in specs:
            port = free_port()
            log_path = work / f"server-{name}.log"
            cmd = [
                *server_command(odoo_cmd),
                f"--addons-path={addons_path(odoo_cmd)}",
                "-d",
                db,
                *db_cli(server),
                f"--db-filter=^{db}$",
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
                f"--gevent-port={free_port()}",
                "--workers=2",
                "--max-cron-threads=1",
                "--db_maxconn=6",
                "--limit-time-real=300",
                "--limit-time-cpu=120",
                "--limit-time-real-cron=900",
                "--log-level=info",
                "--log-handler=werkzeug:WARNING",
            ]
            log = open(log_path, "w")
            proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            procs.append((proc, log))
            urls[name] = (f"http://127.0.0.1:{port}", proc, log_path)
        for name, (url, proc, log_path) in urls.items():
            if not wait_for_http(proc, f"{url}/web/login", timeout=240):
                raise SystemExit(f"!! server {name} did not start, see {log_path}")
        say("== servers: " + ", ".join(f"{n} {u[0]}" for n, u in urls.items()))
        yield {name: value[0] for name, value in urls.items()}
    finally:
        for proc, _log in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, log in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            log.close()


def warm_up(urls):
    """First requests build the asset bundles: not part of the measure."""
    import urllib.request

    for url in urls:
        for path in ("/shop", "/shop/cart", "/web/login", "/my"):
            try:
                urllib.request.urlopen(url + path, timeout=300).read()
            except OSError:
                pass


# ---------------------------------------------------------------- crons


def start_crons(server, db, data):
    """Make the marketing campaign and the expiry job due now: the servers'
    cron workers take them (one of them: the job's row is locked)."""
    sql(
        server,
        db,
        "UPDATE fm_marketing_campaign SET scheduled_at = now() AT TIME ZONE 'UTC' "
        "WHERE id = %s",
        [data["campaign_id"]],
    )
    rows = sql(
        server,
        db,
        """
        UPDATE ir_cron c SET nextcall = now() AT TIME ZONE 'UTC', active = TRUE
          FROM ir_model_data d
         WHERE d.model = 'ir.cron' AND d.res_id = c.id
           AND (d.module, d.name) IN (
                   ('fm_marketing', 'fm_marketing_cron_run_campaigns'),
                   ('flexi_loyalty', 'flexi_loyalty_cron_expire'))
        RETURNING c.id
        """,
    )
    sql(server, db, "SELECT pg_notify('cron_trigger', %s)", [db])
    say(
        f"== crons due now: marketing (10,000 recipients) and expiry ({len(rows)} jobs)"
    )
    return [row[0] for row in rows]


def wait_crons(server, db, cron_ids, since, timeout=420):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = sql(
            server,
            db,
            "SELECT count(*) FROM ir_cron WHERE id = ANY(%s) AND lastcall >= %s",
            [cron_ids, since],
        )
        if rows[0][0] == len(cron_ids):
            return True
        time.sleep(5)
    return False


# ---------------------------------------------------------------- invariants


def invariants(server, db, data):
    """[(name, broken count, detail)]: each count must be 0."""
    checks = []

    def one(name, query, params=None, expect=0):
        value = sql(server, db, query, params)[0][0] or 0
        checks.append((name, abs(value - expect), value))

    race_slots = data["race_slot_ids"]
    one(
        "slots above capacity",
        """SELECT count(*) FROM fm_click_collect_slot
            WHERE booked_count > capacity AND capacity_type = 'orders'
               OR booked_minutes > capacity_minutes AND capacity_type = 'minutes'""",
    )
    one(
        "race slots: bookings counted = confirmed orders",
        """SELECT count(*) FROM fm_click_collect_slot s WHERE s.id = ANY(%s)
           AND s.booked_count <> (SELECT count(*) FROM sale_order o
               WHERE o.fm_cc_slot_id = s.id AND o.fm_cc_slot_booked
                 AND o.state = 'sale')""",
        [race_slots],
    )
    one(
        "race: confirmed orders (expect 100)",
        "SELECT count(*) FROM sale_order WHERE fm_cc_slot_id = ANY(%s) "
        "AND state = 'sale'",
        [race_slots],
        expect=100,
    )
    one(
        "redemption: members with more than one reward debit",
        """SELECT count(*) FROM (SELECT subscription_id FROM flexi_loyalty_ledger_line
             WHERE move_type = 'redeem' AND partner_id = ANY(%s)
             GROUP BY subscription_id HAVING count(*) > 1) x""",
        [data["partner_ids"][200:300]],
    )
    one(
        "redemption: carts with more than one reward line",
        """SELECT count(*) FROM (SELECT order_id FROM sale_order_line l
             JOIN sale_order o ON o.id = l.order_id
             WHERE o.partner_id = ANY(%s) AND l.flexi_loyalty_reward_id IS NOT NULL
             GROUP BY order_id HAVING count(*) > 1) x""",
        [data["partner_ids"][200:300]],
    )
    one(
        "negative balances",
        "SELECT count(*) FROM flexi_loyalty_subscription WHERE points_balance < 0",
    )
    one(
        "balance <> sum of ledger",
        """SELECT count(*) FROM flexi_loyalty_subscription m
             LEFT JOIN (SELECT subscription_id, SUM(points) AS total
                          FROM flexi_loyalty_ledger_line GROUP BY subscription_id) l
               ON l.subscription_id = m.id
            WHERE m.points_balance <> COALESCE(l.total, 0)""",
    )
    one(
        "till orders synced more than once",
        """SELECT count(*) FROM (SELECT uuid FROM pos_order WHERE session_id = ANY(%s)
             GROUP BY uuid HAVING count(*) > 1) x""",
        [[t["session_id"] for t in data["tills"]]],
    )
    one(
        "till orders earning more than once",
        """SELECT count(*) FROM (SELECT res_id FROM flexi_loyalty_ledger_line
             WHERE res_model = 'pos.order' AND move_type IN ('earn', 'pending')
             GROUP BY res_id, subscription_id HAVING count(*) > 1) x""",
    )
    one(
        "till orders missing (expect 1000)",
        "SELECT count(*) FROM pos_order WHERE session_id = ANY(%s)",
        [[t["session_id"] for t in data["tills"]]],
        expect=1000,
    )
    one(
        "till member orders without their earning",
        """SELECT count(*) FROM pos_order o WHERE o.session_id = ANY(%s)
             AND o.partner_id IS NOT NULL AND o.amount_total > 100
             AND NOT EXISTS (SELECT 1 FROM flexi_loyalty_ledger_line l
                 WHERE l.res_model = 'pos.order' AND l.res_id = o.id
                   AND l.move_type IN ('earn', 'pending'))""",
        [[t["session_id"] for t in data["tills"]]],
    )
    one(
        "campaign: recipients traced more than once",
        """SELECT count(*) FROM (SELECT partner_id FROM fm_marketing_trace
             WHERE campaign_id = %s GROUP BY partner_id HAVING count(*) > 1) x""",
        [data["campaign_id"]],
    )
    one(
        "campaign: consenting customers not traced",
        """SELECT count(*) FROM res_partner p WHERE p.id = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM fm_marketing_trace t
                 WHERE t.campaign_id = %s AND t.partner_id = p.id)""",
        [data["partner_ids"], data["campaign_id"]],
    )
    one(
        "expiry: members with expired points left",
        """SELECT count(*) FROM (SELECT subscription_id,
               SUM(points) FILTER (WHERE is_lot AND expiry_date < CURRENT_DATE) AS due,
               -SUM(points) FILTER (WHERE NOT is_lot) AS debited
             FROM flexi_loyalty_ledger_line GROUP BY subscription_id) x
            WHERE COALESCE(due, 0) - COALESCE(debited, 0) > 0""",
    )
    return checks


def outcome_checks(samples):
    """From what the Locust users saw: every checkout loser got a message,
    every member redeemed once from two tabs."""
    outcomes = {}
    for group, *_rest in samples:
        if "-outcome:" in group:
            outcomes[group] = outcomes.get(group, 0) + 1
    for group, count in sorted(outcomes.items()):
        say(f"   outcome {group}: {count}")

    def total(prefix, test=None):
        return sum(
            n
            for g, n in outcomes.items()
            if g.startswith(prefix) and (test is None or test(g))
        )

    paid = total("checkout-outcome:paid")
    told = total("checkout-outcome:refused: ", lambda g: "no message" not in g)
    checkouts = total("checkout-outcome:")
    once = total("redeem-outcome:redeemed+refused")
    return [
        (
            "checkout: customers who paid for a place (expect 100)",
            abs(paid - 100),
            paid,
        ),
        (
            "checkout: losers without a clear message",
            checkouts - paid - told,
            checkouts - paid - told,
        ),
        ("redemption: members who redeemed once (expect 100)", abs(once - 100), once),
    ]


# ---------------------------------------------------------------- figures


def p95(values):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def bench(name, value, unit, extra=""):
    target = TARGETS.get(name)
    if target:
        op, limit = target
        ok = value <= limit if op == "<=" else value >= limit
        say(
            f"BENCH {name} {value:.2f} {unit} target {op} {limit} "
            f"{'PASS' if ok else 'FAIL'}{extra}"
        )
        return ok
    say(f"BENCH {name} {value:.2f} {unit}{extra}")
    return True


def figures(samples, check_results, cron_done):
    groups = {}
    for group, ms, *_rest in samples:
        groups.setdefault(group, []).append(ms)
    fivexx = sum(1 for _g, _ms, status, *_r in samples if status >= 500 or status == 0)
    for group in sorted(groups):
        values = groups[group]
        say(
            f"INFO {group}: {len(values)} requests, median "
            f"{statistics.median(values):.0f} ms, p95 {p95(values):.0f} ms"
        )
    ok = True
    # Page cost: the first phase, visitors alone, as many on each database.
    ours = groups.get("visit:ours:pages", [])
    control = groups.get("visit:control:pages", [])
    ratio = p95(ours) / p95(control) if ours and control else float("inf")
    ok &= bench(
        "load_shop_p95_ratio",
        ratio,
        "x",
        f"  (p95 {p95(ours):.0f} ms with the addons, {p95(control):.0f} ms without,"
        f" visitors alone; with every scenario running: "
        f"{p95(groups.get('visit:ours', [])):.0f} ms vs "
        f"{p95(groups.get('visit:control', [])):.0f} ms)",
    )
    ok &= bench("load_redeem_p95", p95(groups.get("redeem:submit", [])), "ms")
    bench("load_checkout_p95", p95(groups.get("checkout", [])), "ms")
    bench("load_portal_p95", p95(groups.get("portal", [])), "ms")
    pos = [s for s in samples if s[0] == "pos:sync"]
    return ok, fivexx, groups, pos


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="9m", help="at most")
    parser.add_argument("--visitors", type=int, default=3, help="per database")
    parser.add_argument("--keep", default="", help="keep and reuse the cluster here")
    parser.add_argument(
        "--scenarios", default="", help="comma-separated user classes (all)"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, harness._raise_on_term)
    locust = VENV / "bin" / "locust"
    if not locust.exists():
        raise SystemExit(f"Locust not found in {VENV}: run `make load`.")
    odoo_cmd = odoo_command()
    if odoo_cmd is None:
        raise SystemExit("make load needs Odoo 18 (`import odoo` or `odoo` on PATH).")
    started = time.monotonic()
    REPORT.mkdir(parents=True, exist_ok=True)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="fm-load-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.keep:
        (work / "odoo-data").mkdir(exist_ok=True)
        cluster = throwaway_cluster(home=work / "pg")
    else:
        cluster = database_server()
    try:
        with cluster as server:
            if args.keep:
                server = dict(server, data_dir=str(work / "odoo-data"))
                ctl, db = "fm_load_ctl", "fm_load"
            else:
                ctl, db = unique_db(server, "fm_load_ctl"), unique_db(server, "fm_load")
                server["created"].append(ctl + "_apps")
            data = build(odoo_cmd, server, ctl, db, work)
            if args.keep:
                # The kept database stays as seeded: each run has its copy.
                sql(server, "postgres", 'DROP DATABASE IF EXISTS "fm_load_run"')
                copy_db(server, db, "fm_load_run")
                db = "fm_load_run"
            say(f"== seeded in {time.monotonic() - started:.0f} s")
            return run(odoo_cmd, server, ctl, db, data, work, args, locust, started)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(odoo_cmd, server, ctl, db, data, work, args, locust, started):
    with SmsGateway() as gateway:
        sql(
            server,
            db,
            "INSERT INTO ir_config_parameter (key, value) VALUES ('sms.endpoint', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [f"http://127.0.0.1:{gateway.port}"],
        )
        specs = [("a", db), ("b", db), ("control", ctl)]
        with servers(odoo_cmd, server, specs, work) as urls:
            warm_up(urls.values())
            config = dict(
                data,
                hosts=[urls["a"], urls["b"]],
                control=urls["control"],
                db=db,
                control_db=ctl,
                sms_gateway=f"http://127.0.0.1:{gateway.port}",
                samples=str(work / "samples.json"),
            )
            config_path = work / "locust.json"
            config_path.write_text(json.dumps(config))
            seconds = parse_duration(args.duration)
            cmd = [
                str(locust),
                "-f",
                str(ROOT / "load" / "locustfile.py"),
                "--headless",
                "--host",
                urls["a"],
                "-u",
                str(total_users(args)),
                "-r",
                "2",
                "-t",
                args.duration,
                "--stop-timeout",
                "60",
                "--html",
                str(REPORT / "report.html"),
                "--csv",
                str(REPORT / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ]
            if args.scenarios:
                cmd += args.scenarios.split(",")
            env = dict(
                os.environ,
                FM_LOAD_CONFIG=str(config_path),
                FM_LOAD_VISITORS=str(args.visitors),
            )
            say(f"== Locust for {args.duration}: {' '.join(cmd[1:])}")
            run_start = time.monotonic()
            locust_proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, start_new_session=True
            )
            try:
                cron_ids, since = [], None
                while locust_proc.poll() is None:
                    # Mid-run: the tills and the checkouts are still going.
                    if not cron_ids and time.monotonic() - run_start > min(
                        seconds / 3, 120
                    ):
                        since = sql(server, db, "SELECT now() AT TIME ZONE 'UTC'")[0][0]
                        cron_ids = start_crons(server, db, data)
                    time.sleep(1)
            finally:
                if locust_proc.poll() is None:
                    os.killpg(locust_proc.pid, signal.SIGTERM)
                    locust_proc.wait()
            say(f"== Locust done (rc={locust_proc.returncode}); waiting for the crons")
            cron_done = bool(cron_ids) and wait_crons(server, db, cron_ids, since)
            say(f"   crons finished: {cron_done}")
    return report(server, db, data, work, cron_done, started)


def report(server, db, data, work, cron_done, started):
    samples_file = work / "samples.json"
    samples = json.loads(samples_file.read_text()) if samples_file.exists() else []
    checks = invariants(server, db, data)
    say("== invariants (SQL, and what customers were told)")
    for name, broken, value in checks:
        say(f"   {'OK ' if not broken else '!! '} {name}: {value}")
    checks += outcome_checks(samples)
    broken = sum(1 for _n, b, _v in checks if b) + (0 if cron_done else 1)
    if not cron_done:
        say("   !!  crons did not finish")
    ok, fivexx, _groups, pos = figures(samples, checks, cron_done)
    ok &= bench("load_invariants_broken", broken, "checks")
    ok &= bench("load_http_5xx", fivexx, "responses")
    if pos:
        times = [s[1] for s in pos]
        bench(
            "load_pos_sync_orders_per_s",
            pos_rate(pos),
            "orders/s",
            f"  ({len(times)} orders, each sent twice; first sync p95 "
            f"{p95(times):.0f} ms; no control: the tills' loyalty needs the addons)",
        )
    say(f"INFO make load wall time {time.monotonic() - started:.0f} s")
    say(f"INFO Locust report: {REPORT / 'report.html'}")
    return 0 if ok else 1


def pos_rate(pos):
    """Orders synced per second over the tills' busy time (first sends)."""
    start = min(s[3] - s[1] / 1000.0 for s in pos)
    end = max(s[3] for s in pos)
    return len(pos) / max(end - start, 0.001)


def parse_duration(text):
    units = {"s": 1, "m": 60, "h": 3600}
    if text[-1] in units:
        return float(text[:-1]) * units[text[-1]]
    return float(text)


def total_users(args):
    # Visitors on each database, checkout, redemption, tills, portal, watcher.
    return 2 * args.visitors + 10 + 5 + 5 + 2 + 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Test and benchmark harness for the addon suite.

``harness.py test``     Odoo-free pytest suite, then (when Odoo 18 is importable)
                        a fresh database in a throwaway PostgreSQL cluster with the
                        addons installed and their tests run.
``harness.py install``  each addon installed alone with its dependencies (no tests),
                        each in its own fresh database, logs checked.
``harness.py bench``    every ``bench/*.py`` against a fresh database.
``harness.py demo``     the demo shop (``scripts/demo_data.py``) served on
                        http://localhost:8069 until Ctrl-C; ``--persist`` keeps
                        its cluster and database in ``.demo/`` for the next run.

The cluster lives in a temporary directory, listens only on a Unix socket and is
removed whatever happens (exceptions, Ctrl-C, SIGTERM). Any ERROR/CRITICAL/WARNING
line of Odoo's log fails the run unless ``tests/odoo_log_allowlist.txt`` excuses it.
"""

import argparse
import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = [
    "flexi_loyalty",
    "flexi_loyalty_pos",
    "fm_marketing",
    "fm_antiwaste",
    "fm_antiwaste_pos",
    "fm_antiwaste_marketing",
    "fm_click_collect",
    "flexi_loyalty_website_sale",
    "fm_sms_gateway",
    "fm_marketing_sms_gateway",
    "fm_marketing_pos",
    "flexi_loyalty_antiwaste",
    "flexi_loyalty_antiwaste_pos",
]
# Test-only addons (journeys across addons): tested and installed alone by
# `make test` / `make test-install`, never in the demo, the load or the bench.
TEST_ADDONS = ["test_fm_full", "test_fm_sms_gateway"]
ALLOWLIST = ROOT / "tests" / "odoo_log_allowlist.txt"
# Benchmarks compare against Odoo's own modules in the same database.
BENCH_EXTRA = ["sale_loyalty"]
DB_USER = "odoo"
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<rest>.*)$"
)
RESULT_LINE = re.compile(
    r"odoo\.tests\.result: (?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) "
    r"of (?P<run>\d+) tests"
)
SKIP_LINE = re.compile(r" INFO \S+ \S+: skipped ")
BAD_LEVELS = {"WARNING", "ERROR", "CRITICAL"}


class Counts:
    def __init__(self, passed=0, failed=0, skipped=0):
        self.passed, self.failed, self.skipped = passed, failed, skipped

    def __iadd__(self, other):
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        return self

    def line(self):
        text = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            text += f", {self.skipped} skipped"
        return text


def say(msg):
    print(msg, flush=True)


# ---------------------------------------------------------------- pytest suite


def run_pytest(extra_args):
    with tempfile.TemporaryDirectory(prefix="fm-pytest-") as tmp:
        junit = Path(tmp) / "junit.xml"
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            str(ROOT / "tests"),
            "-q",
            "-p",
            "no:cacheprovider",
            # pytest-odoo (installed for iterating on Odoo tests) would demand a
            # database for this database-free suite.
            "-p",
            "no:odoo",
            f"--junitxml={junit}",
            *extra_args,
        ]
        say("== Odoo-free suite: " + " ".join(cmd[1:4]))
        rc = subprocess.call(cmd, cwd=ROOT)
        counts = Counts()
        if junit.exists():
            for suite in ET.parse(junit).getroot().iter("testsuite"):
                total = int(suite.get("tests", 0))
                bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
                skipped = int(suite.get("skipped", 0))
                counts += Counts(total - bad - skipped, bad, skipped)
        if rc not in (0, 5) and not counts.failed:
            counts.failed += 1  # collection or usage error: never report green
        return counts


# ---------------------------------------------------------------- Odoo lookup


def odoo_command():
    """How to start Odoo 18 here, or None. Found the ordinary way only."""
    probe = "import odoo,sys;sys.exit(0 if odoo.release.version_info[0]==18 else 3)"
    if subprocess.call([sys.executable, "-c", probe], stderr=subprocess.DEVNULL) == 0:
        return [sys.executable, "-m", "odoo"]
    exe = shutil.which("odoo")
    if exe:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True)
        if out.stdout.strip().startswith("Odoo Server 18."):
            return [exe]
    return None


def odoo_python(odoo_cmd):
    """The interpreter that runs Odoo (benchmarks import odoo with it)."""
    if odoo_cmd[0] == sys.executable:
        return sys.executable
    with open(odoo_cmd[0], "rb") as script:
        first = script.readline().decode(errors="replace")
    return first[2:].strip().split()[0] if first.startswith("#!") else sys.executable


def addons_path(odoo_cmd):
    code = (
        "from odoo.tools import config;config.parse_config([]);"
        "print(config['addons_path'])"
    )
    out = subprocess.run(
        [odoo_python(odoo_cmd), "-c", code], capture_output=True, text=True, check=True
    )
    paths = [str(ROOT)] + [p for p in out.stdout.strip().split(",") if p]
    return ",".join(dict.fromkeys(paths))


# ---------------------------------------------------------------- PostgreSQL


def pg_bindir():
    if shutil.which("initdb") and shutil.which("pg_ctl"):
        return Path(shutil.which("initdb")).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(re.search(r"/(\d+)/bin/", p).group(1)),
    )
    if candidates:
        return Path(candidates[-1]).parent
    raise SystemExit(
        "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH nor under "
        "/usr/lib/postgresql/*/bin: install PostgreSQL >= 13 "
        "(apt-get install postgresql)."
    )


@contextmanager
def database_server():
    """Yield Odoo's connection options for a server that is ours to use.

    By default a private cluster in a temporary directory, on a Unix socket.
    With ``FM_PG_HOST`` set (docker compose's ``tests`` service) an existing
    server is used instead; the databases made on it are dropped at the end.
    """
    # Odoo's data dir (filestores) is private to the run as well: concurrent
    # runs never share a filestore, and none is left behind.
    data_dir = Path(tempfile.mkdtemp(prefix="fm-odoo-data-"))
    try:
        if os.environ.get("FM_PG_HOST"):
            with existing_server() as options:
                yield dict(options, data_dir=str(data_dir))
        else:
            with throwaway_cluster() as options:
                yield dict(options, data_dir=str(data_dir))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def existing_server():
    options = {
        "db_host": os.environ["FM_PG_HOST"],
        "db_port": os.environ.get("FM_PG_PORT", "5432"),
        "db_user": os.environ.get("FM_PG_USER", DB_USER),
        "db_password": os.environ.get("FM_PG_PASSWORD", ""),
    }
    created = []
    options["created"] = created
    say(f"== PostgreSQL server at {options['db_host']}:{options['db_port']}")
    try:
        yield options
    finally:
        import psycopg2  # Odoo's own driver; only needed in this mode

        conn = psycopg2.connect(
            dbname="postgres",
            host=options["db_host"],
            port=options["db_port"],
            user=options["db_user"],
            password=options["db_password"],
        )
        conn.autocommit = True
        with conn.cursor() as cr:
            for name in created:
                cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@contextmanager
def throwaway_cluster(home=None):
    """A private cluster on a Unix socket; removed at the end unless it lives
    in ``home`` (``make demo PERSIST=1``), where it is kept and reused."""
    bindir = pg_bindir()
    tmp = Path(home) if home else Path(tempfile.mkdtemp(prefix="fm-pg-"))
    data, sock = tmp / "data", tmp / "sock"
    sock.mkdir(parents=True, exist_ok=True)
    run_as = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = "postgres" if _user_exists("postgres") else "nobody"
        shutil.chown(tmp, user)
        shutil.chown(sock, user)
        run_as = ["runuser", "-u", user, "--"]
    started = False
    try:
        if not (data / "PG_VERSION").exists():
            subprocess.run(
                [
                    *run_as,
                    bindir / "initdb",
                    "-D",
                    data,
                    "-U",
                    DB_USER,
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-sync",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        opts = (
            f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off "
            "-c synchronous_commit=off -c max_connections=100"
        )
        subprocess.run(
            [
                *run_as,
                bindir / "pg_ctl",
                "-D",
                data,
                "-o",
                opts,
                "-l",
                tmp / "postgres.log",
                "-w",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        kind = f"cluster kept in {tmp}" if home else "throwaway cluster"
        say(f"== PostgreSQL {bindir.parent.name} {kind} on socket {sock}")
        yield {
            "db_host": str(sock),
            "db_port": "5432",
            "db_user": DB_USER,
            "db_password": "",
            "created": [],
        }
    finally:
        if started:
            subprocess.run(
                [
                    *run_as,
                    bindir / "pg_ctl",
                    "-D",
                    data,
                    "-m",
                    "fast" if home else "immediate",
                    "-w",
                    "stop",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        if not home:
            shutil.rmtree(tmp, ignore_errors=True)


def db_cli(server):
    args = [f"--{key}={server[key]}" for key in ("db_host", "db_port", "db_user")]
    args.append(f"--data-dir={server['data_dir']}")
    if server["db_password"]:
        args.append(f"--db_password={server['db_password']}")
    return args


def unique_db(server, name):
    """A database name of our own (a shared server may hold older runs)."""
    if os.environ.get("FM_PG_HOST"):
        name = f"{name}_{os.getpid()}"
    server["created"].append(name)
    return name


def _user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _raise_on_term(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


# ---------------------------------------------------------------- Odoo runs


def load_allowlist():
    patterns = []
    if ALLOWLIST.exists():
        for raw in ALLOWLIST.read_text().splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                patterns.append(re.compile(line))
    return patterns


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_odoo(odoo_cmd, server, db, addons, log_path, test=True, tags=None):
    cmd = [
        *odoo_cmd,
        f"--addons-path={addons_path(odoo_cmd)}",
        "-d",
        db,
        *db_cli(server),
        "-i",
        ",".join(addons),
        "--stop-after-init",
        "--http-interface=127.0.0.1",
        f"--http-port={free_port()}",
        "--max-cron-threads=0",
        "--log-level=info",
    ]
    if test:
        # Only our addons' tests: the dependencies' own suites take hours.
        tags = tags or ",".join(f"/{addon}" for addon in addons)
        cmd += ["--test-enable", f"--test-tags={tags}"]
    say(
        f"== Odoo: install {','.join(addons)} into fresh database {db!r}"
        + (" and run tests" + (f" {tags}" if tags else "") if test else "")
    )
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for line in proc.stdout:
            log.write(line)
            match = LOG_LINE.match(line)
            if match and (
                match.group("level") in BAD_LEVELS
                or "tests.result" in line
                or ("Starting " in line and "odoo.addons." in line)
            ):
                print(line.rstrip()[:400], flush=True)
        return proc.wait()


def check_log(log_path, allow):
    """Return (bad log lines, Counts of Odoo tests)."""
    bad, counts, seen_result, skipped = [], Counts(), False, 0
    lines = Path(log_path).read_text(errors="replace").splitlines()
    for line in lines:
        match = LOG_LINE.match(line)
        if not match:
            continue
        if match.group("level") in BAD_LEVELS and not any(
            p.search(line) for p in allow
        ):
            bad.append(line)
        result = RESULT_LINE.search(line)
        if result and "when loading database" in line:
            seen_result = True
            run = int(result.group("run"))
            failed = int(result.group("failed")) + int(result.group("errors"))
            counts = Counts(0, failed, 0)
            counts.passed = run - failed
        if SKIP_LINE.search(line):
            skipped += 1
    counts.passed -= skipped
    counts.skipped = skipped
    return bad, counts, seen_result


def report_bad(bad, log_path):
    say(f"!! {len(bad)} ERROR/WARNING line(s) in the Odoo log ({log_path}):")
    for line in bad[:60]:
        say("   " + line[:500])


def odoo_suite(odoo_cmd, addons, tags, keep_log):
    allow = load_allowlist()
    with database_server() as server:
        if keep_log:
            log_path = Path(keep_log)
        else:
            fd, name = tempfile.mkstemp(prefix="fm-odoo-test-", suffix=".log")
            os.close(fd)
            log_path = Path(name)
        db = unique_db(server, "fm_test")
        rc = run_odoo(odoo_cmd, server, db, addons, log_path, tags=tags)
        bad, counts, seen = check_log(log_path, allow)
        if not seen:
            say(f"!! Odoo ended (rc={rc}) without a test report; see {log_path}")
            counts.failed += 1
        if bad:
            report_bad(bad, log_path)
        # The log check is a test of its own: a warning is a failure here.
        counts += Counts(0, 1, 0) if bad else Counts(1, 0, 0)
        if rc != 0 and not counts.failed:
            counts.failed += 1
        return counts


# ---------------------------------------------------------------- commands


def cmd_test(args):
    total = run_pytest(args.pytest_args)
    odoo_cmd = odoo_command()
    if odoo_cmd is None:
        say("Odoo suite SKIPPED: Odoo 18 not installed")
    else:
        addons = args.addons.split(",") if args.addons else ADDONS + TEST_ADDONS
        total += odoo_suite(odoo_cmd, addons, args.tags, args.log)
    say(total.line())
    return 1 if total.failed else 0


def cmd_install(args):
    odoo_cmd = odoo_command()
    if odoo_cmd is None:
        say("Odoo suite SKIPPED: Odoo 18 not installed")
        say("0 passed, 0 failed, 1 skipped")
        return 0
    allow, total = load_allowlist(), Counts()
    addons = args.addons.split(",") if args.addons else ADDONS + TEST_ADDONS
    with database_server() as server:
        for addon in addons:
            log_path = Path(tempfile.gettempdir()) / f"fm-install-{addon}.log"
            db = unique_db(server, f"fm_alone_{addon}")
            rc = run_odoo(odoo_cmd, server, db, [addon], log_path, test=False)
            bad = [
                line
                for line in log_path.read_text(errors="replace").splitlines()
                if (m := LOG_LINE.match(line))
                and m.group("level") in BAD_LEVELS
                and not any(p.search(line) for p in allow)
            ]
            if bad:
                report_bad(bad, log_path)
            ok = rc == 0 and not bad
            say(f"== {addon} alone: {'OK' if ok else 'FAILED'}")
            total += Counts(1, 0, 0) if ok else Counts(0, 1, 0)
    say(total.line())
    return 1 if total.failed else 0


def cmd_bench(args):
    odoo_cmd = odoo_command()
    if odoo_cmd is None:
        say("Benchmarks SKIPPED: Odoo 18 not installed")
        return 0
    scripts = sorted((ROOT / "bench").glob("*.py"))
    if args.only:
        scripts = [s for s in scripts if args.only in s.name]
    addons = args.addons.split(",") if args.addons else ADDONS
    failed = 0
    with database_server() as server:
        log_path = Path(tempfile.gettempdir()) / "fm-bench-install.log"
        db = unique_db(server, "fm_bench")
        if run_odoo(odoo_cmd, server, db, addons + BENCH_EXTRA, log_path, test=False):
            say(f"!! install failed, see {log_path}")
            return 1
        env = dict(
            os.environ,
            FM_DB=db,
            FM_DB_ARGS=" ".join(db_cli(server)),
            FM_ADDONS_PATH=addons_path(odoo_cmd),
            PYTHONPATH=os.pathsep.join(
                filter(None, [str(ROOT / "bench"), os.environ.get("PYTHONPATH")])
            ),
        )
        for script in scripts:
            if script.name.startswith("_"):
                continue
            say(f"== bench {script.name}")
            proc = subprocess.run(
                [odoo_python(odoo_cmd), str(script)],
                env=env,
                capture_output=True,
                text=True,
            )
            for line in proc.stdout.splitlines():
                if line.startswith("BENCH ") or line.startswith("INFO "):
                    say(line)
                    failed += line.startswith("BENCH ") and line.endswith(" FAIL")
            if proc.returncode:
                failed += 1
                say(proc.stderr[-3000:])
    return 1 if failed else 0


# ---------------------------------------------------------------- demo

DEMO_HOME = Path(os.environ.get("FM_DEMO_DIR") or ROOT / ".demo")
DEMO_SCRIPT = ROOT / "scripts" / "demo_data.py"


@contextmanager
def demo_server(persist):
    """Where the demo database lives: a throwaway cluster (or the server of
    ``FM_PG_HOST``, the database dropped at the end), or with ``persist`` a
    cluster and filestore kept in ``.demo/`` (``FM_DEMO_DIR``)."""
    if not persist:
        with database_server() as server:
            yield server
        return
    DEMO_HOME.mkdir(parents=True, exist_ok=True)
    data_dir = DEMO_HOME / "odoo-data"
    data_dir.mkdir(exist_ok=True)
    if os.environ.get("FM_PG_HOST"):
        with existing_server() as options:
            yield dict(options, data_dir=str(data_dir))
    else:
        with throwaway_cluster(home=DEMO_HOME / "pg") as options:
            yield dict(options, data_dir=str(data_dir))


def port_is_free(port):
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def build_demo(odoo_cmd, server, db, log_path):
    """Run the demo script (the one docker compose runs) against ``db``."""
    cmd = [
        odoo_python(odoo_cmd),
        str(DEMO_SCRIPT),
        f"--addons-path={addons_path(odoo_cmd)}",
        *db_cli(server),
        "-d",
        db,
        "--log-level=info",
    ]
    say(f"== demo: database {db!r} (a few minutes to build; log {log_path})")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for line in proc.stdout:
            log.write(line)
            match = LOG_LINE.match(line)
            if match and (
                match.group("level") in {"ERROR", "CRITICAL"} or " fm_demo: " in line
            ):
                rest = match.group("rest").split(" fm_demo: ", 1)[-1]
                print("   " + rest.strip()[:300], flush=True)
        return proc.wait()


def wait_for_http(proc, url, timeout=180):
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def serve_demo(odoo_cmd, server, db, port, log_path):
    sys.path.insert(0, str(DEMO_SCRIPT.parent))
    import demo_data

    cmd = [
        *odoo_cmd,
        f"--addons-path={addons_path(odoo_cmd)}",
        "-d",
        db,
        *db_cli(server),
        f"--db-filter=^{db}$",
        f"--http-port={port}",
        # No scheduled jobs: queued SMS stay queued, nothing is sent anywhere.
        "--max-cron-threads=0",
        "--log-level=info",
    ]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            url = f"http://localhost:{port}"
            if not wait_for_http(proc, f"{url}/web/login"):
                say(f"!! Odoo did not start, see {log_path}")
                return 1
            say(f"\n== Fidelity Mart demo on {url}  (Odoo log: {log_path})")
            for who, login, password, path in demo_data.LOGINS:
                say(f"   {who:<16} {login:<20} {password:<12} {url}{path}")
            say(
                "   Ctrl-C stops the server"
                + (
                    " and removes the demo."
                    if not server.get("persist")
                    else "; `make demo PERSIST=1` restarts it."
                )
            )
            return proc.wait()
        except KeyboardInterrupt:
            say("\n== stopping the demo")
            return 0
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def cmd_demo(args):
    odoo_cmd = odoo_command()
    if odoo_cmd is None:
        say("make demo needs Odoo 18 (`import odoo` or `odoo` on PATH); see README.")
        return 1
    if not port_is_free(args.port):
        say(f"!! port {args.port} is busy: stop what uses it or pass PORT=<port>.")
        return 1
    os.environ["FM_DEMO_URL"] = f"http://localhost:{args.port}"
    # Ctrl-C stops the server and cleans up, even when started from a shell
    # that ignores SIGINT for its background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with demo_server(args.persist) as server:
        server["persist"] = args.persist
        if args.persist:
            db = "fm_demo"
        else:
            db = unique_db(server, "fm_demo")
        tmp = Path(tempfile.gettempdir())
        build_log = tmp / f"fm-demo-build-{os.getpid()}.log"
        if build_demo(odoo_cmd, server, db, build_log):
            say(f"!! the demo could not be built, see {build_log}")
            return 1
        return serve_demo(
            odoo_cmd, server, db, args.port, tmp / f"fm-demo-{os.getpid()}.log"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    test = sub.add_parser("test")
    test.add_argument("--addons", default="", help="comma-separated, default all five")
    test.add_argument(
        "--tags", default="", help="Odoo --test-tags, e.g. /flexi_loyalty"
    )
    # One log per run: runs side by side never write over each other's.
    test.add_argument("--log", default="")
    test.add_argument("pytest_args", nargs="*")
    install = sub.add_parser("install")
    install.add_argument("--addons", default="")
    bench = sub.add_parser("bench")
    bench.add_argument("--addons", default="")
    bench.add_argument(
        "--only", default="", help="run only bench files containing this"
    )
    demo = sub.add_parser("demo")
    demo.add_argument(
        "--persist", action="store_true", help="keep the demo in .demo/ for next time"
    )
    demo.add_argument("--port", type=int, default=8069)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _raise_on_term)
    handler = {
        "test": cmd_test,
        "install": cmd_install,
        "bench": cmd_bench,
        "demo": cmd_demo,
    }[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

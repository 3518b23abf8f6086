"""Shared plumbing for benchmarks run by ``make bench``.

The harness installs the addons into a fresh database and passes its name and
connection options in ``FM_DB``, ``FM_DB_ARGS`` and ``FM_ADDONS_PATH``. Each
benchmark opens one cursor, measures, prints ``BENCH`` lines, and rolls back
so benchmarks never see each other's data.
"""

import os
import resource
import statistics
import time
from contextlib import contextmanager

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

OPS = {"<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}


@contextmanager
def bench_env():
    config.parse_config(
        [
            f"--addons-path={os.environ['FM_ADDONS_PATH']}",
            "--log-level=warn",
            *os.environ["FM_DB_ARGS"].split(),
        ]
    )
    odoo.service.server.load_server_wide_modules()
    registry = Registry(os.environ["FM_DB"])
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        try:
            yield env
        finally:
            cr.rollback()


def report(name, value, unit, op, target):
    verdict = "PASS" if OPS[op](value, target) else "FAIL"
    print(f"BENCH {name} {value:.2f} {unit} target {op} {target} {verdict}", flush=True)


def info(text):
    print(f"INFO {text}", flush=True)


def median_ms(timings):
    return statistics.median(timings) * 1000.0


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.elapsed = time.perf_counter() - self.start

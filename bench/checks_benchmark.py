"""Time and memory of each blocking quality check on a built warehouse (no assertions).

    .venv/bin/python bench/checks_benchmark.py /path/to/warehouse/warehouse.duckdb [--only gx_fct_participations ...]
    .venv/bin/python bench/checks_benchmark.py .../p1000000/warehouse/warehouse.duckdb --scale 10   # 10M-like
    .venv/bin/python bench/checks_benchmark.py WAREHOUSE --repo /tmp/old-checkout   # an older version's checks

The warehouse file is copied first (into ``--workdir``, default a temporary directory; the copy
keeps the name ``warehouse.duckdb``), because DuckDB allows one writer and a check opens the
database read-write the way the pipeline does. Every check of ``pipelines.defs.checks`` is then
called directly, one after another in this process, with a resource pointing at the copy.

Printed per check: result, rows in the mart, wall time, CPU time (all threads; on a shared
machine it varies less than the wall time), the process's resident memory when the check
started, the highest resident memory while it ran (sampled every 5 ms from /proc), the
difference, and the rows the check fetched from DuckDB (its ``rows_fetched`` metadata). The time to import the check module and, separately, Great Expectations (paid once,
by the first check that needs it when the import is lazy) is printed first, and the load average
before and after, since the wall times are only comparable on a machine equally busy.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
os.environ.setdefault("TQDM_DISABLE", "1")  # GX draws a progress bar per validation
REPO = Path(__file__).resolve().parents[1]


def rss_bytes() -> int:
    with open("/proc/self/statm", "rb") as handle:
        return int(handle.read().split()[1]) * PAGE_SIZE


class PeakSampler:
    """Highest resident memory of this process while the block runs."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.start = self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> "PeakSampler":
        self.start = self.peak = rss_bytes()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


# Columns that identify a project, event, file or person: renamed in each copy when scaling, so that
# keys stay unique (a 16-hex key's first byte is shifted by the copy's number, identifiers get a suffix).
KEY_COLUMNS = ("participation_key", "person_key", "organisation_key")
ID_COLUMNS = ("project_id", "event_id", "source_file", "survey_id", "_source_file", "registration_id")
SCALED_RAW = ("registration_files", "registrations", "registration_quarantine")


def scale_warehouse(path: Path, factor: int) -> None:
    """Append ``factor - 1`` renamed copies of every mart that grows with the programme (one holding a
    project, event, file or person column) and of the raw registration tables, in place."""
    import duckdb

    if not 1 < factor <= 256:
        raise SystemExit("--scale must be between 2 and 256")
    con = duckdb.connect(str(path))
    tables = con.execute(
        """select table_schema, table_name, list(column_name order by ordinal_position)
           from information_schema.columns where table_schema in ('marts', 'raw')
           group by all order by all"""
    ).fetchall()
    for schema, table, columns in tables:
        if schema == "raw" and table not in SCALED_RAW:
            continue
        # a copy's key never equals its original's: the first byte moves by k (mod 256), 0 < k < 256
        replaced = [f"printf('%02x', (('0x' || substr({c}, 1, 2))::int + k) % 256) || substr({c}, 3) as {c}"
                    for c in columns if c in KEY_COLUMNS]
        replaced += [f"{c} || '-s' || k as {c}" for c in columns if c in ID_COLUMNS]
        if not replaced:
            continue
        started = time.perf_counter()
        before = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
        con.execute(f"insert into {schema}.{table} select * exclude (k) replace ({', '.join(replaced)}) "
                    f"from {schema}.{table}, range(1, {factor}) r(k)")
        print(f"  scaled {schema}.{table}: {before:,} -> {before * factor:,} rows in {time.perf_counter() - started:.1f} s")
    con.execute("checkpoint")
    con.close()


def cpu_seconds() -> float:
    """CPU time of this process, all threads (DuckDB's included): comparable on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, help="a built warehouse.duckdb (it is copied, never opened)")
    parser.add_argument("--workdir", type=Path, help="where to put the copy (default: a temporary directory)")
    parser.add_argument("--only", nargs="*", default=None, help="check names to run (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the copy")
    parser.add_argument("--scale", type=int, default=1,
                        help="multiply the marts that grow with the programme (and the raw registration tables) "
                             "in the copy by this factor first, e.g. 100 turns a 100k build into a 10M-like one")
    parser.add_argument("--repo", type=Path, default=REPO,
                        help="checkout whose checks to run (default: this one; e.g. an export of an older commit)")
    args = parser.parse_args()

    source = args.warehouse.resolve()
    if not source.is_file():
        sys.exit(f"no warehouse at {source}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="checks-bench-"))
    target = workdir / "warehouse" / "warehouse.duckdb"
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    shutil.copyfile(source, target)
    print(f"copied {source} ({source.stat().st_size / 2**20:,.0f} MB) to {target} in {time.perf_counter() - started:.1f} s")
    if args.scale > 1:
        print(f"scaling the copy by {args.scale}:")
        scale_warehouse(target, args.scale)

    sys.path.insert(0, str(args.repo.resolve()))
    os.environ.setdefault("CCI_WAREHOUSE_DB", str(target))
    rss_before_import = rss_bytes()
    started = time.perf_counter()
    import dagster as dg
    from dagster_duckdb import DuckDBResource

    from pipelines.defs import checks

    import_s = time.perf_counter() - started
    gx_loaded = "great_expectations" in sys.modules
    started = time.perf_counter()
    import great_expectations  # noqa: F401 - measured on its own: the first check pays it when lazy

    gx_s = time.perf_counter() - started
    print(f"import pipelines.defs.checks (with dagster): {import_s:.1f} s"
          f" (great_expectations {'already imported by it' if gx_loaded else 'not imported by it'});"
          f" import great_expectations afterwards: {gx_s:.1f} s; resident {_mb(rss_bytes())} MB"
          f" (was {_mb(rss_before_import)} MB)")

    print(f"load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    definitions = [*checks.mart_checks, checks.rows_reconcile_per_file, checks.every_file_loaded]
    resource = DuckDBResource(database=str(target))
    header = (f"{'check':<36} {'result':<7} {'rows':>11} {'seconds':>8} {'cpu s':>7} {'rss start MB':>13} "
              f"{'peak MB':>8} {'extra MB':>9}  fetched")
    print(header)
    print("-" * len(header))
    total_s, total_cpu, overall_peak, overall_start = 0.0, 0.0, 0, rss_bytes()
    for definition in definitions:
        name = next(iter(definition.check_keys)).name
        if args.only and name not in args.only:
            continue
        context = dg.build_asset_check_context(resources={"duckdb": resource})
        with PeakSampler() as sampler:
            started, cpu_started = time.perf_counter(), cpu_seconds()
            try:
                result = definition(context)
                outcome = "passed" if result.passed else "FAILED"
                metadata = result.metadata or {}
            except Exception as error:  # noqa: BLE001 - a benchmark reports, it does not stop
                outcome, metadata = "ERROR", {"error": str(error)[:200]}
            seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        total_s += seconds
        total_cpu += cpu
        overall_peak = max(overall_peak, sampler.peak)
        rows = metadata.get("rows")
        rows = getattr(rows, "value", rows)
        fetched = metadata.get("rows_fetched")
        fetched = getattr(fetched, "value", fetched)
        print(f"{name:<36} {outcome:<7} {rows if rows is not None else '':>11} {seconds:>8.2f} {cpu:>7.2f} "
              f"{_mb(sampler.start):>13} {_mb(sampler.peak):>8} {_mb(sampler.peak - sampler.start):>9}  "
              f"{fetched if fetched is not None else ''}")
        if outcome == "ERROR":
            print(f"    {metadata['error']}")
    print("-" * len(header))
    print(f"{'all checks':<36} {'':<7} {'':>11} {total_s:>8.2f} {total_cpu:>7.2f} {_mb(overall_start):>13} {_mb(overall_peak):>8} "
          f"{_mb(overall_peak - overall_start):>9}")
    print(f"load average (1 min): {os.getloadavg()[0]:.1f}")
    if not args.keep and args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

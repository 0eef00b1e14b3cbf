"""Per-model cost of the dbt project on one warehouse: the compiled SQL of every model run
directly in one DuckDB connection (as the floor does), each model timed, with the peak
resident memory of this process while it ran.  No assertions: it prints and optionally
writes JSON.

    # 1. compile the project against a warehouse (any built warehouse named warehouse.duckdb)
    .venv/bin/python bench/dbt_models_benchmark.py compile WAREHOUSE.duckdb TARGET_DIR
    # 2. make a bigger warehouse: the registration-side raw tables of a built one, times N
    .venv/bin/python bench/dbt_models_benchmark.py scale SOURCE.duckdb DEST_DIR --factor 10
    # 3. run every model (and optionally every data test) against a *copy* of a warehouse
    .venv/bin/python bench/dbt_models_benchmark.py run WAREHOUSE.duckdb TARGET_DIR \
        [--memory-limit 3GB] [--threads 2] [--tests] [--json out.json]

`run` replaces the warehouse's staging, intermediate and marts relations: give it a copy.  The
file must be named ``warehouse.duckdb`` (compiled SQL names the catalog "warehouse").  Peak
memory per model is the process's VmHWM after resetting it (``/proc/self/clear_refs``) before
each model; the total is the process's peak over the whole run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT = ROOT / "dbt_project"

# Raw tables whose rows are multiplied by `scale`, and the key columns suffixed per copy so keys
# stay unique.  Every other raw table (statistics, surveys, gazetteer, quarantine…) is unchanged.
SCALED = {
    "projects": ("project_id", "project_name"),
    "events": ("event_id", "project_id"),
    "registrations": ("registration_id", "event_id", "_source_file"),
    "person_identities": ("registration_id", "person_key", "organisation_key"),
    "registration_city_regions": (),  # keyed by city: unchanged
}


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def model_order(manifest: dict) -> list[dict]:
    nodes = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    order, seen = [], set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in nodes:
            return
        seen.add(uid)
        for parent in nodes[uid]["depends_on"]["nodes"]:
            visit(parent)
        order.append(nodes[uid])

    for uid in sorted(nodes):
        visit(uid)
    return order


def compile_project(warehouse: Path, target: Path) -> None:
    env = dict(os.environ, CCI_WAREHOUSE_DB=str(warehouse), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run([str(dbt), "compile", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
                    "--target-path", str(target), "--quiet"], check=True, env=env)


def scale(source: Path, dest_dir: Path, factor: int) -> Path:
    """A copy of ``source`` whose registration-side raw tables hold ``factor`` copies of their rows
    (copy k > 0 has every key suffixed with ``~k``); derived schemas are dropped."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / "warehouse.duckdb"
    if dest.exists():
        dest.unlink()
    con = duckdb.connect(str(dest))
    con.execute(f"attach '{source}' as src (read_only)")
    tables = [row[0] for row in con.execute(
        "select table_name from duckdb_tables() where database_name = 'src' and schema_name = 'raw'").fetchall()]
    con.execute("create schema raw")
    con.execute("create schema reference")
    for (table,) in con.execute("select table_name from duckdb_tables() where database_name = 'src' "
                                "and schema_name = 'reference'").fetchall():
        con.execute(f"create table reference.{table} as select * from src.reference.{table}")
    for table in tables:
        keys = SCALED.get(table)
        if not keys:
            con.execute(f"create table raw.{table} as select * from src.raw.{table}")
            continue
        columns = [row[0] for row in con.execute(f"describe src.raw.{table}").fetchall()]
        select = ", ".join(
            f"case when k = 0 then {c} else {c} || '~' || k end as {c}" if c in keys else c for c in columns)
        con.execute(f"create table raw.{table} as select {select} from src.raw.{table}, range({factor}) as t(k) "
                    f"order by k")
    counts = {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in SCALED if t in tables}
    con.close()
    print(json.dumps({"scaled": str(dest), "factor": factor, "rows": counts}))
    return dest


def run(warehouse: Path, target: Path, *, memory_limit: str | None, threads: int | None,
        temp_directory: str | None, preserve_insertion_order: bool, tests: bool, only: str | None) -> dict:
    manifest = json.loads((target / "manifest.json").read_text())
    con = duckdb.connect(str(warehouse))
    if memory_limit:
        con.execute(f"set memory_limit = '{memory_limit}'")
    if threads:
        con.execute(f"set threads = {threads}")
    con.execute(f"set temp_directory = '{temp_directory or str(warehouse) + '.tmp'}'")
    if not preserve_insertion_order:
        con.execute("set preserve_insertion_order = false")
    settings = dict(con.execute(
        "select name, value from duckdb_settings() where name in "
        "('memory_limit', 'threads', 'temp_directory', 'preserve_insertion_order')").fetchall())
    can_reset = _reset_peak()
    results = []
    started = time.perf_counter()
    for node in model_order(manifest):
        if node["config"]["materialized"] == "ephemeral":
            continue
        compiled = target / "compiled" / node["package_name"] / node["original_file_path"]
        sql = compiled.read_text(encoding="utf-8").rstrip().rstrip(";")
        relation = f'"{node["database"]}"."{node["schema"]}"."{node.get("alias") or node["name"]}"'
        kind = "view" if node["config"]["materialized"] == "view" else "table"
        con.execute(f'create schema if not exists "{node["database"]}"."{node["schema"]}"')
        _reset_peak()
        t0 = time.perf_counter()
        con.execute(f"create or replace {kind} {relation} as {sql}")
        seconds = time.perf_counter() - t0
        rows = None
        if kind == "table":
            rows = con.execute(f"select count(*) from {relation}").fetchone()[0]
        results.append({"model": node["name"], "kind": kind, "seconds": round(seconds, 3), "rows": rows,
                        "peak_rss_mb": round(_status_kb("VmHWM") / 1024) if can_reset else None})
    models_seconds = time.perf_counter() - started
    test_results = []
    if tests:
        for uid, node in sorted(manifest["nodes"].items()):
            if node["resource_type"] != "test" or not node.get("compiled_code"):
                continue
            if only and not re.search(only, node["name"]):
                continue
            _reset_peak()
            t0 = time.perf_counter()
            failures = con.execute(f"select count(*) from ({node['compiled_code'].rstrip().rstrip(';')}) as t").fetchone()[0]
            test_results.append({"test": node["name"], "seconds": round(time.perf_counter() - t0, 3),
                                 "failures": failures,
                                 "peak_rss_mb": round(_status_kb("VmHWM") / 1024) if can_reset else None})
    con.close()
    return {"warehouse": str(warehouse), "settings": settings, "models_seconds": round(models_seconds, 2),
            "tests_seconds": round(sum(t["seconds"] for t in test_results), 2),
            "models": results, "tests": test_results,
            # resetting VmHWM also resets ru_maxrss: the run's peak is the largest of the per-step peaks
            "process_peak_rss_mb": max([r["peak_rss_mb"] or 0 for r in results + test_results]
                                       + [round(_status_kb("VmHWM") / 1024)])}


def _print(report: dict, top: int) -> None:
    print(f"warehouse {report['warehouse']}  settings {report['settings']}")
    print(f"{'model':<52} {'kind':<5} {'seconds':>8} {'rows':>11} {'peak MB':>8}")
    for row in report["models"]:
        print(f"{row['model']:<52} {row['kind']:<5} {row['seconds']:>8.3f} {row['rows'] if row['rows'] is not None else '':>11} "
              f"{row['peak_rss_mb'] if row['peak_rss_mb'] is not None else '':>8}")
    print(f"models total {report['models_seconds']} s")
    if report["tests"]:
        slowest = sorted(report["tests"], key=lambda t: -t["seconds"])[:top]
        print(f"data tests: {len(report['tests'])}, total {report['tests_seconds']} s; slowest:")
        for row in slowest:
            print(f"  {row['test'][:80]:<80} {row['seconds']:>8.3f} failures={row['failures']} peak={row['peak_rss_mb']}MB")
    print(f"process peak RSS {report['process_peak_rss_mb']} MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compile")
    c.add_argument("warehouse", type=Path)
    c.add_argument("target", type=Path)
    s = sub.add_parser("scale")
    s.add_argument("source", type=Path)
    s.add_argument("dest_dir", type=Path)
    s.add_argument("--factor", type=int, default=10)
    r = sub.add_parser("run")
    r.add_argument("warehouse", type=Path)
    r.add_argument("target", type=Path)
    r.add_argument("--copy-from", type=Path, help="copy this warehouse file to WAREHOUSE first")
    r.add_argument("--memory-limit")
    r.add_argument("--threads", type=int)
    r.add_argument("--temp-directory")
    r.add_argument("--preserve-insertion-order", action="store_true")
    r.add_argument("--tests", action="store_true", help="also run every compiled data test (count of failing rows)")
    r.add_argument("--only-tests", help="regex on test names")
    r.add_argument("--top", type=int, default=15)
    r.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.command == "compile":
        compile_project(args.warehouse.resolve(), args.target.resolve())
    elif args.command == "scale":
        scale(args.source.resolve(), args.dest_dir.resolve(), args.factor)
    else:
        if args.warehouse.name != "warehouse.duckdb":
            parser.error("the warehouse file must be named warehouse.duckdb")
        if args.copy_from:
            shutil.copyfile(args.copy_from, args.warehouse)
        report = run(args.warehouse.resolve(), args.target.resolve(), memory_limit=args.memory_limit,
                     threads=args.threads, temp_directory=args.temp_directory,
                     preserve_insertion_order=args.preserve_insertion_order, tests=args.tests,
                     only=args.only_tests)
        _print(report, args.top)
        if args.json:
            args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()

"""Build benchmark: the whole warehouse on programme-sized synthetic data, against a bare-DuckDB floor.

    .venv/bin/python bench/build_benchmark.py --participations 100000
    .venv/bin/python bench/build_benchmark.py --participations 100000 --participations 1000000
    .venv/bin/python bench/build_benchmark.py --all                 # 100k, 1M and 10M
    .venv/bin/python bench/build_benchmark.py --report-only         # rewrite docs/benchmarks.md

For each scale N (true participations) it
1. generates the programme (``pipelines.demo.scale.generate_programme``) into
   ``<work dir>/p<N>/`` — or reuses the set already there;
2. runs the real Dagster job ``warehouse_refresh`` in-process (as ``cci run`` does) from raw
   files to published marts, dashboards and exports, with an empty warehouse (no registration
   file loaded yet), and reports wall time, the peak resident memory of the process tree and the
   time of each stage from the run's step statistics;
3. times identity resolution on its own (``resolve_warehouse``, as the asset runs it, on the
   built raw.registrations, into a scratch schema);
4. runs the floor (``benchmark_floor``: the same raw files and compiled dbt models in one
   DuckDB connection) and prints build / floor;
5. times typical researcher queries on the published marts (median of ``--query-runs``);
6. adds one new event's export (``--incremental-rows``, 10,000 by default) and times the
   rebuild to updated marts on the existing warehouse (the loader reads only the new file),
   compares the release it published with the one before, mart by mart (``release_changes``:
   rows and projects changed — what an incremental build would have to rewrite), then restores
   the generated set.

Every phase runs as a child process watched for memory (``--memory-limit-gb``) and time
(``--phase-timeout-min``); a phase that is stopped is reported with how far it got.  Results
go to ``bench/results/p<N>.json`` and ``docs/benchmarks.md`` is regenerated from all stored
results.  Figures only: nothing here asserts a goal.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

PHASE_STARTED = time.perf_counter()
BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path[:0] = [str(BENCH_DIR), str(REPO_ROOT)]

from benchmark_support import (  # noqa: E402
    PhaseRun,
    classify_steps,
    machine,
    median,
    run_phase,
    self_peak_rss_gb,
    stage_peak_gb,
    stage_seconds,
)

SCALES_ALL = (100_000, 1_000_000, 10_000_000)
DEFAULT_WORK_DIR = Path(os.environ.get("TMPDIR", "/tmp")) / "cci-build-benchmark"
RESULTS_DIR = BENCH_DIR / "results"
DOCS = REPO_ROOT / "docs" / "benchmarks.md"

# Typical researcher queries: (name, tables they need, SQL).
QUERIES = (
    ("indicator by quarter and country (one project)", ("fct_indicator_values",),
     "select period_id, disaggregation_value, value from fct_indicator_values "
     "where project_id = 'JC' and indicator_code = 'unique_participants' and period_type = 'quarter' "
     "and disaggregation = 'country' order by period_id, disaggregation_value"),
    ("indicator by year and target group (all projects)", ("fct_indicator_values",),
     "select period_id, disaggregation_value, sum(value) as value, count(distinct project_id) as projects "
     "from fct_indicator_values where indicator_code = 'participations' and period_type = 'year' "
     "and disaggregation = 'target_group' group by 1, 2 order by 1, 2"),
    ("participations by project and month (fact scan)", ("fct_participations",),
     "select project_id, date_trunc('month', participated_on) as month, count(*) as participations, "
     "count(distinct person_key) as persons from fct_participations group by 1, 2 order by 1, 2"),
    # the same question answered where the warehouse computes it (all persons, not only the
    # research-consented ones of the fact table)
    ("participations and unique participants by project and month (indicator mart)", ("fct_indicator_values",),
     "select project_id, period_id, "
     "sum(case when indicator_code = 'participations' then value end) as participations, "
     "sum(case when indicator_code = 'unique_participants' then value end) as persons "
     "from fct_indicator_values where period_type = 'month' and disaggregation = 'total' "
     "and indicator_code in ('participations', 'unique_participants') group by 1, 2 order by 1, 2"),
    ("regional context joined with regions (one project)", ("fct_regional_context", "dim_regions"),
     "select r.name_en, c.year, sum(c.participants) as participants, max(c.participants_per_100k) as per_100k "
     "from fct_regional_context as c join dim_regions as r using (region_code) "
     "where c.project_id = 'JC' group by 1, 2 order by 1, 2"),
    ("cross-border participations by event country and region level", ("fct_participations", "dim_events"),
     "select e.country_code, p.is_cross_border, count(*) from fct_participations as p "
     "join dim_events as e using (event_id) group by 1, 2 order by 1, 2"),
)


# ====================================================================== phases (child processes)


def _phase_generate(args: argparse.Namespace) -> dict:
    from pipelines.demo.scale import generate_programme

    from pipelines.demo.scale import read_ground_truth

    summary = generate_programme(args.data_dir, args.participations, seed=args.seed)
    seconds = summary.seconds if summary.generated else read_ground_truth(args.data_dir).get("generation_seconds")
    return {"generated": summary.generated, "seconds": round(seconds, 2) if seconds is not None else None,
            "shape": vars(summary.shape), "registration_files": summary.registration_files,
            "xlsx_files": summary.xlsx_files, "registration_rows": summary.registration_rows,
            "unique_participants": summary.unique_participants, "participations": summary.participations,
            "raw_bytes": sum(p.stat().st_size for p in (Path(args.data_dir) / "raw").rglob("*") if p.is_file()),
            **self_peak_rss_gb()}


def _phase_build(args: argparse.Namespace) -> dict:
    """The job as `cci run` runs it, on a persistent instance so that a stopped run keeps its step stats."""
    from pipelines import settings

    settings.export_environment(args.data_dir)
    settings.warehouse_db().parent.mkdir(parents=True, exist_ok=True)
    import dagster as dg

    from pipelines.dbt_project import cci_dbt_project

    started_prepare = time.perf_counter()
    # Parse the dbt project first (`cci prepare`): the manifest Dagster loads must match the models.
    cci_dbt_project.preparer.prepare(cci_dbt_project)
    prepared_at = time.perf_counter()
    prepare_seconds = prepared_at - started_prepare
    from pipelines.definitions import defs

    imported = time.perf_counter()
    definitions_seconds_ = imported - prepared_at  # importing the code location
    instance = dg.DagsterInstance.get()
    run_config = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    launched = time.time()
    if args.to_published:
        # everything but what reads the published marts (dashboards, deliveries): the same dbt
        # build as the whole job (a subset would leave models unbuilt whose tests dbt still runs)
        job = defs.resolve_implicit_global_asset_job_def()
        keys = (dg.AssetSelection.all() - dg.AssetSelection.assets("published_marts").downstream(include_self=False)
                ).resolve(defs.resolve_asset_graph())
        result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config,
                                        asset_selection=sorted(keys))
    else:
        result = defs.resolve_job_def("warehouse_refresh").execute_in_process(
            instance=instance, raise_on_error=False, run_config=run_config)
    finished = time.perf_counter()
    out = run_report(instance, result.run_id)
    first_step = out["first_step_start"]
    out.update(success=result.success, prepare_seconds=round(prepare_seconds, 2),
               launch_seconds=round(first_step - launched, 2) if first_step else None,
               definitions_seconds=round(definitions_seconds_, 2),
               imports_seconds=round(started_prepare - PHASE_STARTED, 2),
               job_seconds=round(finished - imported, 2), **self_peak_rss_gb())
    out["truth_check"] = truth_check(Path(args.data_dir)) if result.success else None
    return out


def run_report(instance, run_id: str) -> dict:
    """Step timings, stages and failed checks of a run, from the instance's event log."""
    from dagster import DagsterEventType

    stats = instance.get_run_step_stats(run_id)
    steps = [{"step_key": s.step_key, "status": s.status.value if s.status else None,
              "start": s.start_time, "end": s.end_time,
              "seconds": round(s.end_time - s.start_time, 3) if s.start_time and s.end_time else None}
             for s in stats]
    kinds: dict[str, set[str]] = {}
    materialised: dict[str, list[str]] = {}
    failed_checks = []
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        kinds.setdefault(event.step_key, set()).add(event.event_type_value)
        if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            materialised.setdefault(event.step_key, []).append(event.asset_key.to_user_string())
        if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION and not event.event_specific_data.passed:
            failed_checks.append(f"{event.event_specific_data.asset_key.to_user_string()}:"
                                 f"{event.event_specific_data.check_name}")
    stages = classify_steps(steps, kinds, materialised)
    run = instance.get_run_record_by_id(run_id)
    started = min((s["start"] for s in steps if s["start"]), default=None)
    publish_end = max((s["end"] for s in steps if s["end"] and stages.get(s["step_key"]) == "publish"), default=None)
    return {
        "run_id": run_id,
        "steps": [s | {"stage": stages.get(s["step_key"])} for s in sorted(steps, key=lambda s: s["start"] or 0)],
        "stages": stage_seconds(steps, stages),
        "to_published_seconds": round(publish_end - started, 2) if publish_end and started else None,
        "run_created": run.create_timestamp.timestamp() if run else None,
        "first_step_start": started,
        "failed_checks": failed_checks,
        "dbt_target": _dbt_target(run_id),
    }


def _dbt_target(run_id: str) -> str | None:
    """The target directory dagster-dbt gave this run's dbt invocation (compiled SQL, manifest)."""
    from pipelines.dbt_project import cci_dbt_project

    target = Path(cci_dbt_project.project_dir) / "target"
    candidates = sorted(target.glob(f"*-{run_id[:7]}-*"), key=lambda p: p.stat().st_mtime)
    return str(candidates[-1]) if candidates else None


def truth_check(data_dir: Path) -> dict:
    """The published headline figures against the generator's ground truth."""
    import duckdb

    from pipelines.demo.scale import read_ground_truth

    truth = read_ground_truth(data_dir)
    con = duckdb.connect(str(data_dir / "marts" / "current" / "marts.duckdb"), read_only=True)
    try:
        found = dict(con.execute(
            "select project_id, value from fct_indicator_values where indicator_code = 'unique_participants' "
            "and period_type = 'project_to_date' and disaggregation = 'total'").fetchall())
        participations = dict(con.execute(
            "select project_id, value from fct_indicator_values where indicator_code = 'participations' "
            "and period_type = 'project_to_date' and disaggregation = 'total'").fetchall())
    except duckdb.Error as error:
        return {"error": str(error)[:200]}
    finally:
        con.close()
    projects = truth["projects"]
    unique_ok = sum(1 for p, t in projects.items() if found.get(p) == t["unique_participants"])
    part_ok = sum(1 for p, t in projects.items() if participations.get(p) == t["participations"])
    return {"projects": len(projects), "unique_participants_exact": unique_ok, "participations_exact": part_ok,
            "unique_participants_published": sum(int(v) for v in found.values()),
            "unique_participants_truth": sum(t["unique_participants"] for t in projects.values()),
            "participations_published": sum(int(v) for v in participations.values()),
            "participations_truth": sum(t["participations"] for t in projects.values())}


def _phase_identity(args: argparse.Namespace) -> dict:
    import duckdb

    from benchmark_support import memory_watch, tree_rss_bytes
    from pipelines import privacy, settings
    from pipelines.registrations.identity import resolve_warehouse

    settings.export_environment(args.data_dir)
    secret = privacy.secret()
    # as the asset does, with its memory limit; written to a scratch schema, dropped after
    con = duckdb.connect(str(settings.warehouse_db()), config={"memory_limit": settings.ingest_duckdb_memory_limit()})
    stop, peak = memory_watch(os.getpid())
    before = tree_rss_bytes(os.getpid())
    started = time.perf_counter()
    try:
        stats = resolve_warehouse(con, secret, assignments_table="bench_identity.person_identities",
                                  evidence_table="bench_identity.person_match_evidence")
        seconds = time.perf_counter() - started
    finally:
        stop.set()
        con.execute("drop schema if exists bench_identity cascade")
        con.close()
    return {"seconds": round(seconds, 2), "rows": stats["rows"], "persons": stats["persons"], "links": stats["links"],
            "comparisons": stats.get("comparisons"), "largest_fuzzy_block": stats.get("largest_fuzzy_block"),
            "rss_before_gb": round(before / 1024**3, 3), "peak_during_gb": round(peak[0] / 1024**3, 3),
            "added_gb": round((peak[0] - before) / 1024**3, 3), **self_peak_rss_gb()}


def _phase_floor(args: argparse.Namespace) -> dict:
    from benchmark_floor import run_floor
    from pipelines import privacy, settings

    settings.export_environment(args.data_dir)
    out = run_floor(Path(args.data_dir), settings.warehouse_db(), Path(args.dbt_target),
                    Path(args.data_dir) / "floor", privacy.secret(),
                    reference_db=Path(args.reference_db) if args.reference_db else None)
    return {**out, **self_peak_rss_gb()}


def _phase_queries(args: argparse.Namespace) -> dict:
    import duckdb

    database = Path(args.data_dir) / "marts" / "current" / "marts.duckdb"
    opened = time.perf_counter()
    con = duckdb.connect(str(database), read_only=True)
    open_ms = (time.perf_counter() - opened) * 1000
    tables = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    results = []
    for name, needs, sql in QUERIES:
        if not set(needs) <= tables:
            results.append({"name": name, "skipped": f"needs {', '.join(sorted(set(needs) - tables))}"})
            continue
        rows = len(con.execute(sql).fetchall())  # warm-up (and the row count)
        times = []
        for _ in range(args.query_runs):
            started = time.perf_counter()
            con.execute(sql).fetchall()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        results.append({"name": name, "rows": rows, "median_ms": round(median(times), 2),
                        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
                        "runs": args.query_runs, "sql": sql})
    sizes = {row[0]: row[1] for row in con.execute(
        "select table_name, estimated_size from duckdb_tables() where table_name in "
        "('fct_participations', 'fct_indicator_values')").fetchall()}
    con.close()
    return {"open_ms": round(open_ms, 2), "queries": results, "table_rows": sizes,
            "database_mb": round(database.stat().st_size / 1024**2, 1)}


def _phase_changes(args: argparse.Namespace) -> dict:
    """The published release against the one before it (after the incremental build: what one new
    event changed, mart by mart)."""
    from release_changes import previous_release, release_changes

    after = (Path(args.data_dir) / "marts" / "current").resolve()
    before = previous_release(after)
    if before is None:
        raise SystemExit(f"no release before {after.name} to compare with")
    started = time.perf_counter()
    tables = release_changes(before, after)
    return {"before": before.name, "after": after.name, "seconds": round(time.perf_counter() - started, 2),
            "tables": tables}


PHASES = {"generate": _phase_generate, "build": _phase_build, "identity": _phase_identity, "floor": _phase_floor,
          "queries": _phase_queries, "changes": _phase_changes}


# ====================================================================== driver


def benchmark_scale(participations: int, args: argparse.Namespace) -> dict:
    data_dir = args.work_dir / f"p{participations}"
    logs = args.work_dir / "logs" / f"p{participations}"
    logs.mkdir(parents=True, exist_ok=True)
    env = _environment(args.work_dir, data_dir)
    common = {"memory_limit_gb": args.memory_limit_gb, "timeout_s": args.phase_timeout_min * 60, "env": env}
    from benchmark_floor import duckdb_settings

    if args.rerun:
        # phases of the recorded build, run again on its warehouse and marts (which must be there)
        record = json.loads((RESULTS_DIR / f"p{participations}.json").read_text(encoding="utf-8"))
        record.setdefault("reruns", {})
    else:
        record = {"participations": participations, "started_at": _now(), "data_dir": str(data_dir),
                  "machine": machine(), "phases": {},
                  # the dbt profile's, as the build and the floor run with it
                  "duckdb_memory_limit": duckdb_settings().get("memory_limit"),
                  "to_published_only": bool(args.to_published)}
    build_args = ["--to-published"] if args.to_published else []

    def phase(name: str, extra: list[str], label: str | None = None) -> PhaseRun:
        label = label or name
        print(f"[p{participations}] {label} …", flush=True)
        run = run_phase(name, ["--data-dir", str(data_dir), *extra], result_file=logs / f"{label}.json",
                        log_file=logs / f"{label}.log", **common)
        record["phases"][label] = run.to_dict()
        if name == "build" and run.result.get("steps"):
            record["phases"][label]["stage_peak_gb"] = stage_peak_gb(run.result["steps"], run.samples)
        state = "ok" if run.returncode == 0 else f"FAILED ({run.stopped or run.returncode}; log {run.log})"
        print(f"[p{participations}] {label}: {run.seconds:.1f} s, peak {run.peak_tree_rss_gb:.2f} GB, {state}",
              flush=True)
        _save(record)
        return run

    if args.rerun:
        rerun_args = {"identity": [], "changes": [], "queries": ["--query-runs", str(args.query_runs)],
                      "floor": ["--dbt-target", str(record["phases"]["build"]["result"].get("dbt_target"))]}
        for name in args.rerun:
            phase(name, rerun_args[name], label="incremental_changes" if name == "changes" else None)
            record["reruns"][name] = _now()
        _save(record)
        return record
    generated = phase("generate", ["--participations", str(participations), "--seed", str(args.seed)])
    if generated.returncode != 0:
        return record
    _reset_outputs(data_dir)
    build = phase("build", build_args)
    if build.stopped:
        record["phases"]["build"]["result"] = _stopped_run_report(args.work_dir)
        record["phases"]["build"]["result"]["last_dbt_node"] = _last_dbt_node(Path(build.log))
        record["phases"]["build"]["stage_peak_gb"] = stage_peak_gb(
            record["phases"]["build"]["result"].get("steps", []), build.samples)
        _save(record)
    if _ingested(data_dir):
        phase("identity", [])
    # A build stopped after dbt (or after publishing) still gives the floor and the queries their inputs.
    build_result = record["phases"]["build"]["result"]
    done = {s["step_key"] for s in build_result.get("steps", []) if s.get("status") == "SUCCESS"}
    target = build_result.get("dbt_target")
    if not args.skip_floor and target and "cci_dbt_models" in done:
        phase("floor", ["--dbt-target", target])
    elif not args.skip_floor and "raw_registrations" in done and (reference := _reference_build(participations)):
        # the build stopped before dbt: take the compiled models (data-independent) and the tables
        # it had not written yet from a smaller complete build
        record["floor_reference"] = reference
        phase("floor", ["--dbt-target", reference["dbt_target"], "--reference-db", reference["warehouse"]])
    if "published_marts" in done:
        phase("queries", ["--query-runs", str(args.query_runs)])
    if build_result.get("success") and not args.skip_incremental:
        _incremental(participations, data_dir, args, record, phase, build_args)
    record["finished_at"] = _now()
    _save(record)
    return record


def _reference_build(participations: int) -> dict | None:
    """The largest smaller scale whose build completed and whose warehouse and dbt target still exist."""
    best = None
    for path in RESULTS_DIR.glob("p*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        build = record.get("phases", {}).get("build", {}).get("result", {})
        warehouse = Path(record["data_dir"]) / "warehouse" / "warehouse.duckdb"
        target = build.get("dbt_target")
        if (record["participations"] < participations and build.get("success") and target
                and Path(target).exists() and warehouse.exists()
                and (best is None or record["participations"] > best["participations"])):
            best = {"participations": record["participations"], "dbt_target": target, "warehouse": str(warehouse)}
    return best


def _incremental(participations: int, data_dir: Path, args: argparse.Namespace, record: dict, phase,
                 build_args: list[str]) -> None:
    """Add one event's export, rebuild on the existing warehouse, then put the generated set back."""
    from pipelines.demo.scale import GROUND_TRUTH_DIR, add_event_export

    backup = args.work_dir / "backup" / f"p{participations}"
    shutil.rmtree(backup, ignore_errors=True)
    backup.mkdir(parents=True)
    shutil.copy2(data_dir / "raw" / "events" / "events.csv", backup / "events.csv")
    shutil.copytree(data_dir / GROUND_TRUTH_DIR, backup / GROUND_TRUTH_DIR)
    added = add_event_export(data_dir, rows=args.incremental_rows, seed=args.seed)
    record["incremental_event"] = vars(added)
    try:
        if phase("build", build_args, label="incremental_build").returncode == 0:
            phase("changes", [], label="incremental_changes")
    finally:
        shutil.rmtree(data_dir / "raw" / "registrations" / added.event_id, ignore_errors=True)
        shutil.copy2(backup / "events.csv", data_dir / "raw" / "events" / "events.csv")
        shutil.rmtree(data_dir / GROUND_TRUTH_DIR)
        shutil.copytree(backup / GROUND_TRUTH_DIR, data_dir / GROUND_TRUTH_DIR)
        shutil.rmtree(backup, ignore_errors=True)


def _stopped_run_report(work_dir: Path) -> dict:
    """How far a stopped build got, from the persistent Dagster instance it ran on."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(work_dir / "dagster_home")
    instance = dg.DagsterInstance.get()
    runs = instance.get_runs(limit=1)
    if not runs:
        return {"success": False}
    out = run_report(instance, runs[0].run_id)
    out["success"] = False
    return out


def _last_dbt_node(log: Path) -> str | None:
    """The last model or test dbt started, from a phase's log (where a stopped build was)."""
    started = re.findall(r"START (?:sql \w+ model|test|unit_test) (\S+)", log.read_text(errors="replace"))
    return started[-1] if started else None


def _ingested(data_dir: Path) -> bool:
    import duckdb

    database = data_dir / "warehouse" / "warehouse.duckdb"
    if not database.exists():
        return False
    try:
        con = duckdb.connect(str(database), read_only=True)
        count = con.execute("select count(*) from raw.registrations").fetchone()[0]
        con.close()
        return count > 0
    except duckdb.Error:
        return False


def _reset_outputs(data_dir: Path) -> None:
    """A cold build: no warehouse (so no loaded registration file), no published marts, dashboards or exports."""
    for sub in ("warehouse", "marts", "dashboards", "exports", "floor"):
        shutil.rmtree(data_dir / sub, ignore_errors=True)


def _environment(work_dir: Path, data_dir: Path) -> dict[str, str]:
    from pipelines import privacy

    env = dict(os.environ)
    secret = work_dir / "secret.key"
    if not secret.exists():
        privacy.create_secret(secret)
    home = work_dir / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    env.update(CCI_SECRET_FILE=str(secret), DAGSTER_HOME=str(home), CCI_DATA_DIR=str(data_dir),
               TQDM_DISABLE="1", PYTHONUNBUFFERED="1")
    env.pop("CCI_WAREHOUSE_DB", None)
    return env


def _save(record: dict) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"p{record['participations']}.json"
    path.write_text(json.dumps(record, indent=1, default=str) + "\n", encoding="utf-8")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participations", type=int, action="append", help="a scale (repeatable)")
    parser.add_argument("--all", action="store_true", help="100k, 1M and 10M participations")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR,
                        help=f"where generated sets and builds live (default {DEFAULT_WORK_DIR})")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--query-runs", type=int, default=20)
    parser.add_argument("--incremental-rows", type=int, default=10_000)
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--skip-incremental", action="store_true")
    parser.add_argument("--memory-limit-gb", type=float, default=18.0, help="stop a phase whose process tree exceeds this")
    parser.add_argument("--phase-timeout-min", type=float, default=240.0, help="stop a phase running longer")
    parser.add_argument("--to-published", action="store_true",
                        help="builds stop at the published marts: no dashboards and no funder deliveries (they "
                             "have their own benchmarks, bench/dashboards_benchmark.py and bench/exports_benchmark.py)")
    parser.add_argument("--report-only", action="store_true", help="only rewrite docs/benchmarks.md")
    parser.add_argument("--rerun", type=lambda v: v.split(","), default=None, metavar="PHASES",
                        help="run these of identity,floor,queries,changes again on the recorded build of each "
                             "scale (its warehouse and marts must still be there) and update its record; changes "
                             "compares the latest release with the one before, as after the incremental build")
    # a phase run by the driver in a child process
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dbt-target", help=argparse.SUPPRESS)
    parser.add_argument("--reference-db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        if args.participations:
            args.participations = args.participations[0]
        result = PHASES[args.phase](args)
        args.result_file.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
        return 0

    from benchmark_report import write_report

    if args.rerun and not set(args.rerun) <= {"identity", "floor", "queries", "changes"}:
        parser.error("--rerun takes identity, floor, queries and changes")
    if not args.report_only:
        scales = sorted(set((args.participations or []) + (list(SCALES_ALL) if args.all else [])))
        if not scales:
            parser.error("give --participations N (repeatable), --all or --report-only")
        args.work_dir.mkdir(parents=True, exist_ok=True)
        for participations in scales:
            benchmark_scale(participations, args)
    path = write_report(RESULTS_DIR, DOCS)
    print(f"report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Funder deliveries at scale: time and peak memory of the ``indicator_exports`` work.

For one published release (``--release``: a release directory, or a data directory with
``marts/current``), optionally replicated ``--scale`` times with suffixed project, event and
source-file ids (100 projects × 10 = 1 000 projects), in a scratch directory:

  (a) first full export: every delivery due, into an empty exports directory;
  (b) unchanged rerun: a rebuild with the same data (a new release: new build id, same rows);
  (c) one project changed: a rebuild where one project's indicator rows differ in one month.

Each step runs in its own process (as the Dagster asset would, with the state file in
``<data>/cache``) and reports its wall time, peak RSS (the process's own high-water mark), the
deliveries per action and the files written. Nothing is asserted; the input release is never
written to.

    .venv/bin/python bench/exports_benchmark.py --release /tmp/cci-bench/p1000000 --scale 10
    .venv/bin/python bench/exports_benchmark.py --release data --steps a,b,c --work /tmp/exports-bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The marts the deliveries read, rewritten by --scale and by the rebuilds; the others are linked.
EXPORT_MARTS = ("fct_indicator_values", "dim_projects", "dim_indicators", "fct_indicator_achievement",
                "fct_data_quality", "dim_events", "build_source_files", "build_metadata")


def _release_dir(path: Path) -> Path:
    path = Path(path)
    if (path / "marts" / "current").exists():
        return (path / "marts" / "current").resolve()
    return path.resolve()


def _suffix(expr: pl.Expr, k: int) -> pl.Expr:
    return expr if k == 0 else expr + pl.lit(f"-R{k}")


def _source_path(k: int) -> pl.Expr:
    """registrations/<event>/<file> → registrations/<event>-R<k>/<file>; other files once."""
    parts = pl.col("source_file").str.split("/")
    is_event_file = (parts.list.len() >= 3) & (parts.list.get(0, null_on_oob=True) == "registrations")
    renamed = pl.concat_str([pl.lit("registrations/"), parts.list.get(1, null_on_oob=True), pl.lit(f"-R{k}/"),
                             parts.list.slice(2).list.join("/")])
    return pl.when(is_event_file & pl.lit(k > 0)).then(renamed).otherwise(pl.col("source_file"))


def make_release(source: Path, target: Path, *, scale: int, build_id: str) -> Path:
    """A copy of ``source`` with ``scale`` replicas of every project; other marts are symlinked."""
    target.mkdir(parents=True)
    for path in sorted(source.glob("*")):
        if path.suffix == ".parquet" and path.stem in EXPORT_MARTS:
            continue
        (target / path.name).symlink_to(path)
    scan = {name: pl.scan_parquet(source / f"{name}.parquet") for name in EXPORT_MARTS
            if (source / f"{name}.parquet").exists()}
    by_project = {"fct_indicator_values", "dim_projects", "fct_indicator_achievement", "fct_data_quality", "dim_events"}
    for name, frame in scan.items():
        out = target / f"{name}.parquet"
        if name == "build_metadata":
            frame.with_columns(pl.lit(build_id).alias("build_id")).sink_parquet(out)
        elif name == "build_source_files":
            parts = [frame.with_columns(_source_path(k).alias("source_file")) for k in range(scale)]
            pl.concat(parts).unique("source_file", keep="first", maintain_order=True).sink_parquet(out)
        elif name in by_project:
            columns = frame.collect_schema().names()
            parts = []
            for k in range(scale):
                replica = frame.with_columns(_suffix(pl.col("project_id"), k))
                if "event_id" in columns:
                    replica = replica.with_columns(_suffix(pl.col("event_id"), k))
                if name == "fct_data_quality":
                    replica = replica.with_columns(_source_path(k).alias("source_file"))
                if name == "dim_projects":
                    replica = replica.with_columns(_suffix(pl.col("project_name"), k))
                parts.append(replica)
            pl.concat(parts).sink_parquet(out, row_group_size=122_880)
        else:
            frame.sink_parquet(out)
    return target


def rebuild(previous: Path, target: Path, *, build_id: str, change_project: str | None = None) -> Path:
    """A new release with the rows of ``previous``; with ``change_project``, that project's unique
    participants in one month are one higher (a correction of one event's registrations)."""
    target.mkdir(parents=True)
    for path in sorted(previous.glob("*")):
        if path.name in ("build_metadata.parquet", "fct_indicator_values.parquet"):
            continue
        (target / path.name).symlink_to(path.resolve())
    pl.scan_parquet(previous / "build_metadata.parquet").with_columns(
        pl.lit(build_id).alias("build_id")).sink_parquet(target / "build_metadata.parquet")
    values = pl.scan_parquet(previous / "fct_indicator_values.parquet")
    if change_project is None:
        (target / "fct_indicator_values.parquet").symlink_to((previous / "fct_indicator_values.parquet").resolve())
        return target
    month = (values.filter((pl.col("project_id") == change_project) & (pl.col("period_type") == "month"))
             .select(pl.col("period_id").min()).collect().item())
    hit = ((pl.col("project_id") == change_project) & (pl.col("period_type") == "month")
           & (pl.col("period_id") == month) & (pl.col("indicator_code") == "unique_participants"))
    values.with_columns(pl.when(hit).then(pl.col("value") + 1).otherwise(pl.col("value")).alias("value")) \
        .sink_parquet(target / "fct_indicator_values.parquet", row_group_size=122_880)
    return target


def _publish(data_dir: Path, release: Path) -> None:
    link = data_dir / "marts" / "current"
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink():
        link.unlink()
    link.symlink_to(release, target_is_directory=True)


def _snapshot(exports: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for root, _, names in os.walk(exports):
        for name in names:
            stat = os.stat(os.path.join(root, name))
            out[os.path.join(root, name)] = (stat.st_ino, stat.st_mtime_ns)
    return out


def run_step(data_dir: Path, as_of: dt.date) -> dict:
    """One export in a child process (the asset's call); its time, peak RSS and results."""
    code = f"""
import datetime as dt, json, resource, sys, time
from collections import Counter
from pathlib import Path
from pipelines.exports.deliver import write_deliveries
from pipelines.exports.source import MartSource
from pipelines.exports.state import STATE_FILE
data = Path({str(data_dir)!r})
started = time.perf_counter()
results = write_deliveries(MartSource.from_release((data / 'marts' / 'current').resolve()), data / 'exports',
                           as_of=dt.date.fromisoformat({as_of.isoformat()!r}), state_path=data / STATE_FILE)
print(json.dumps({{"seconds": time.perf_counter() - started, "actions": Counter(r.action for r in results),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    before = _snapshot(data_dir / "exports")
    started = time.perf_counter()
    process = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(process.stderr[-3000:])
    report = json.loads(process.stdout.strip().splitlines()[-1])
    after = _snapshot(data_dir / "exports")
    report["wall_seconds"] = wall
    report["files_written"] = sum(1 for path, sig in after.items() if before.get(path) != sig)
    report["bytes_total"] = sum(os.path.getsize(p) for p in after)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--release", type=Path, required=True,
                        help="a published release directory, or a data directory with marts/current")
    parser.add_argument("--scale", type=int, default=1, help="replicate every project this many times")
    parser.add_argument("--work", type=Path, default=None, help="scratch directory (default: a new temp dir)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2100, 1, 1),
                        help="deliver every period finished before this date (default: all of them)")
    parser.add_argument("--steps", default="a,b,c", help="which of a (first), b (unchanged), c (one changed)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args(argv)

    source = _release_dir(args.release)
    work = args.work or Path(tempfile.mkdtemp(prefix="cci-exports-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    releases = data / "marts" / "releases"
    if data.exists():
        shutil.rmtree(data)
    steps = set(args.steps.split(","))
    try:
        started = time.perf_counter()
        first = make_release(source, releases / "r1", scale=args.scale, build_id="bench-r1")
        projects = pl.read_parquet(first / "dim_projects.parquet")["project_id"].sort().to_list()
        rows = pl.scan_parquet(first / "fct_indicator_values.parquet").select(pl.len()).collect().item()
        print(f"release {source} × {args.scale}: {len(projects)} projects, {rows:,} indicator rows "
              f"(prepared in {time.perf_counter() - started:.1f} s) in {work}")
        (data / "raw").mkdir(parents=True)
        _publish(data, first)
        reports = {}
        if "a" in steps:
            reports["(a) first full export"] = run_step(data, args.as_of)
        if "b" in steps:
            _publish(data, rebuild(first, releases / "r2", build_id="bench-r2"))
            reports["(b) unchanged rerun"] = run_step(data, args.as_of)
        if "c" in steps:
            changed = projects[len(projects) // 2]
            previous = (data / "marts" / "current").resolve()
            _publish(data, rebuild(previous, releases / "r3", build_id="bench-r3", change_project=changed))
            reports[f"(c) one project changed ({changed})"] = run_step(data, args.as_of)
        print(f"{'step':<40} {'seconds':>9} {'peak RSS MB':>12} {'files written':>14}  deliveries")
        for label, report in reports.items():
            actions = ", ".join(f"{k} {v}" for k, v in sorted(report["actions"].items()))
            print(f"{label:<40} {report['seconds']:>9.1f} {report['peak_rss_mb']:>12.0f} "
                  f"{report['files_written']:>14}  {actions}")
        if reports:
            last = list(reports.values())[-1]
            print(f"exports on disk: {last['bytes_total'] / 1e9:.2f} GB")
        print(f"benchmark process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

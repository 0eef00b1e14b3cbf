"""Time and peak memory of the dashboards on a published release (no assertions).

    .venv/bin/python bench/dashboards_benchmark.py DATA_DIR [--out DIR] [--languages en,ru]
    .venv/bin/python bench/dashboards_benchmark.py --scale 100 --from DATA_DIR --to NEW_DATA_DIR

The first form measures, each in its own child process (so that a peak is its own):

* ``snapshots``: what the Dagster asset ``dashboard_snapshots`` does (open the release, write every
  snapshot file), with the number of files and their total size;
* ``app``: what ``cci dashboards`` does before and while answering (open the release, build the
  app's layout, render the programme overview and one project's six pages, then the same again
  from the cache).

``DATA_DIR`` is a data directory with ``marts/current`` (a published release); nothing is written
into it (the snapshots go to ``--out``, a temporary directory by default).

The second form writes a scaled copy of a release for measuring at sizes no build has made yet:
every project with its events, persons, organisations, participations, indicator values, files
and follow-up rows is replicated ``--scale`` times under suffixed ids (``CCI-0002`` →
``CCI-0002.001`` …; copy 0 keeps the original ids). Programme-wide marts (regions, statistics,
policy survey, indicator catalogue) are kept once. Rows are written copy-inner (each original
row followed by its copies), so no project is clustered in the Parquet row groups.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# --- scaled copies ------------------------------------------------------------------------------

#: Columns that carry a per-project id, suffixed in every copy.
ID_COLUMNS = ("project_id", "event_id", "person_key", "participation_key", "organisation_key")
#: Marts kept once (programme-wide), not replicated.
ONCE = {"build_metadata", "dim_indicators", "dim_regions", "fct_regional_statistics", "fct_policy_scores",
        "fct_policy_index", "fct_policy_comparisons"}


def _suffix(column: str) -> str:
    return f"case when k = 0 or {column} is null then {column} else {column} || printf('.%03d', k) end"


def scale_release(source: Path, target: Path, copies: int) -> Path:
    """Write ``copies`` × every project of ``source``'s published release into a new data
    directory ``target`` (``marts/current`` → ``marts/releases/<id>-x<copies>``); return the release."""
    import duckdb

    release = (Path(source) / "marts" / "current").resolve()
    out = Path(target) / "marts" / "releases" / f"{release.name}-x{copies}"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    con = duckdb.connect()
    con.execute("set memory_limit = '2GB'")
    con.execute("set preserve_insertion_order = false")
    for path in sorted(release.glob("*.parquet")):
        name = path.stem
        columns = [row[0] for row in con.execute(f"describe select * from read_parquet('{path}')").fetchall()]
        dest = out / path.name
        if name in ONCE or copies == 1:
            shutil.copy(path, dest)
            continue
        replaced = [f"{_suffix(c)} as {c}" for c in ID_COLUMNS if c in columns]
        if name == "fct_indicator_values":
            replaced.append(f"case when disaggregation = 'event' then {_suffix('disaggregation_value')} "
                            "else disaggregation_value end as disaggregation_value")
        if name == "dim_projects":
            replaced.append("case when k = 0 then project_name else project_name || printf(' #%03d', k) end as project_name")
        if name in ("fct_data_quality", "build_source_files"):
            # registrations/<event>/<file>: the copy's event folder
            replaced.append("case when k = 0 or source_file not like 'registrations/%/%' then source_file "
                            "else regexp_replace(source_file, '^registrations/([^/]+)/', "
                            "'registrations/\\1' || printf('.%03d', k) || '/') end as source_file")
        select = "select t.* replace (" + ", ".join(replaced) + ")" if replaced else "select t.*"
        keep = "true"
        if name == "fct_regional_context":
            keep = "k = 0 or project_id <> 'ALL'"
        elif name == "fct_data_quality":
            keep = "k = 0 or source = 'registrations'"
        elif name == "build_source_files":
            keep = "k = 0 or source_file like 'registrations/%'"
        query = (f"{select} from read_parquet('{path}') as t, "
                 f"(select range as k from range({copies})) as c where {keep}")
        con.execute(f"copy ({query}) to '{dest}' (format parquet, compression zstd)")
    link = Path(target) / "marts" / "current"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(Path("releases") / out.name)
    return out


# --- measuring ----------------------------------------------------------------------------------


def _peak_gb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 3)


class _Sampler:
    """Resident memory of this process sampled every 50 ms (ru_maxrss is a whole-life peak)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            with open("/proc/self/statm") as handle:
                self.peak = max(self.peak, int(handle.read().split()[1]) * page)
            self._stop.wait(0.05)

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _phase_snapshots(data_dir: Path, out: Path, languages: tuple[str, ...]) -> dict:
    started = time.perf_counter()
    from dashboards.data import load_dataset
    from dashboards.snapshots import write_snapshots

    imported = time.perf_counter()
    with _Sampler() as sampler:
        dataset = load_dataset(data_dir)
        opened = time.perf_counter()
        written = write_snapshots(dataset, out, languages=languages)
        done = time.perf_counter()
    files = [p for p in out.rglob("*") if p.is_file()]
    return {
        "import_seconds": round(imported - started, 2), "open_seconds": round(opened - imported, 2),
        "write_seconds": round(done - opened, 2), "total_seconds": round(done - started, 2),
        "peak_rss_gb": round(sampler.peak / 1024**3, 3), "max_rss_gb": _peak_gb(),
        "files": len(files), "written": len(written), "megabytes": round(sum(p.stat().st_size for p in files) / 1e6, 1),
        "largest_file_mb": round(max((p.stat().st_size for p in files), default=0) / 1e6, 2),
    }


def _phase_app(data_dir: Path) -> dict:
    started = time.perf_counter()
    from dashboards.app import create_app, load_store_dataset
    from dashboards.data import Filters
    from dashboards.pages import all_pages

    imported = time.perf_counter()
    timings: dict[str, float] = {}
    with _Sampler() as sampler:
        app = create_app(data_dir)
        dataset = load_store_dataset(app)
        app.layout()  # what the first request builds
        opened = time.perf_counter()
        timings["open_and_layout"] = opened - imported
        for attempt in ("first", "cached"):
            t = time.perf_counter()
            for page in all_pages():
                page.build(dataset, Filters(project_id=None), "en")
            timings[f"programme_pages_{attempt}"] = time.perf_counter() - t
            project = dataset.projects()["project_id"][0]
            t = time.perf_counter()
            for page in all_pages():
                page.build(dataset, Filters(project_id=project), "en")
            timings[f"project_pages_{attempt}"] = time.perf_counter() - t
            t = time.perf_counter()
            for page in all_pages():
                page.build(dataset, Filters(project_id=project, period="year:" + _a_year(dataset, project),
                                            countries=("FI",)), "en")
            timings[f"project_pages_filtered_{attempt}"] = time.perf_counter() - t
    return {"import_seconds": round(imported - started, 2),
            **{k: round(v, 2) for k, v in timings.items()},
            "peak_rss_gb": round(sampler.peak / 1024**3, 3), "max_rss_gb": _peak_gb()}


def _a_year(dataset, project_id: str) -> str:
    project = dataset.project(project_id)
    return str(project["start_date"].year)


def _release_shape(data_dir: Path) -> dict:
    import duckdb

    release = (Path(data_dir) / "marts" / "current").resolve()
    con = duckdb.connect()
    shape = {"release": str(release), "parquet_mb": round(sum(p.stat().st_size for p in release.glob("*.parquet")) / 1e6, 1)}
    for mart in ("dim_projects", "dim_events", "fct_participations", "fct_indicator_values"):
        path = release / f"{mart}.parquet"
        if path.exists():
            shape[mart] = con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]
    return shape


def _child(phase: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, str(args.data_dir), "--phase", phase, "--out", str(args.out),
               "--languages", args.languages]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-5:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", nargs="?", type=Path, help="data directory with marts/current")
    parser.add_argument("--out", type=Path, help="where the snapshots go (default: a temporary directory)")
    parser.add_argument("--languages", default="en,ru")
    parser.add_argument("--phase", choices=("snapshots", "app"), help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, help="write a scaled copy: every project this many times")
    parser.add_argument("--from", dest="source", type=Path, help="data directory to scale")
    parser.add_argument("--to", dest="target", type=Path, help="new data directory for the scaled copy")
    args = parser.parse_args(argv)

    if args.scale:
        if not args.source or not args.target:
            parser.error("--scale needs --from and --to")
        started = time.perf_counter()
        release = scale_release(args.source, args.target, args.scale)
        print(json.dumps({"scaled_release": str(release), "seconds": round(time.perf_counter() - started, 1),
                          **_release_shape(args.target)}, indent=1))
        return 0
    if args.data_dir is None:
        parser.error("a data directory is needed")
    languages = tuple(lang for lang in args.languages.split(",") if lang)
    if args.phase:
        result = _phase_snapshots(args.data_dir, args.out, languages) if args.phase == "snapshots" else _phase_app(args.data_dir)
        print(json.dumps(result))
        return 0

    temporary = None
    if args.out is None:
        temporary = tempfile.mkdtemp(prefix="cci-dashboards-bench-")
        args.out = Path(temporary)
    try:
        report = {"data": _release_shape(args.data_dir), "snapshots": _child("snapshots", args),
                  "app": _child("app", args)}
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What the build benchmark needs besides the pipeline: the machine, memory of a process tree,
phases run as child processes, and Dagster step timings grouped into stages.

Each phase (generate, build, identity, floor, queries, incremental) runs in its own Python
process so that its peak memory is its own; the driver samples the resident memory of the
child and all of its descendants (dbt, parse workers) from /proc and stops a phase that
exceeds a memory limit or a time limit, so a benchmark cannot starve the machine.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# Dagster steps, grouped into the stages of a build (by what they materialise or check).
STAGES = ("startup", "ingest", "identity", "dbt", "checks", "publish", "dashboards", "exports", "other")


def machine() -> dict:
    """CPU model, cores, memory and library versions, for the report."""
    import duckdb
    import polars

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {"python": platform.python_version(), "duckdb": duckdb.__version__, "polars": polars.__version__}
    for name in ("dagster", "dbt-core", "dbt-duckdb", "great-expectations"):
        try:
            from importlib import metadata

            versions[name] = metadata.version(name)
        except Exception:  # noqa: BLE001 - a missing package is reported as absent
            versions[name] = "absent"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory_gb, "os": platform.platform(),
            "versions": versions}


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read().decode(errors="replace")
        except OSError:
            continue
        # the command may contain spaces and parentheses: fields follow the last ')'
        fields = stat[stat.rfind(")") + 2:].split()
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all of its descendants."""
    tree = _children()
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE_SIZE
        except OSError:
            continue
        pending += tree.get(current, [])
    return total


@dataclass
class PhaseRun:
    """The outcome of one phase run as a child process."""

    name: str
    returncode: int | None
    seconds: float
    peak_tree_rss_gb: float
    stopped: str | None = None  # "memory" or "time" when the driver stopped it
    result: dict = field(default_factory=dict)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    log: str = ""
    samples: list[tuple[float, int]] = field(default_factory=list)  # (epoch seconds, tree RSS bytes)

    def to_dict(self) -> dict:
        return {"name": self.name, "returncode": self.returncode, "seconds": round(self.seconds, 2),
                "peak_tree_rss_gb": round(self.peak_tree_rss_gb, 3), "stopped": self.stopped,
                "load_before": self.load_before, "load_after": self.load_after, "log": self.log,
                "result": self.result}


def run_phase(name: str, args: list[str], *, result_file: Path, log_file: Path, memory_limit_gb: float,
              timeout_s: float, env: dict[str, str] | None = None, poll_s: float = 0.25) -> PhaseRun:
    """Run ``python bench/build_benchmark.py --phase …`` and watch its process tree."""
    result_file.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).with_name("build_benchmark.py")), "--phase", name, *args,
               "--result-file", str(result_file)]
    load_before = os.getloadavg()
    started = time.perf_counter()
    with open(log_file, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)  # its own process group, to stop it whole
    peak, stopped = 0, None
    samples: list[tuple[float, int]] = []
    limit = memory_limit_gb * 1024**3
    while process.poll() is None:
        rss = tree_rss_bytes(process.pid)
        peak = max(peak, rss)
        samples.append((time.time(), rss))
        elapsed = time.perf_counter() - started
        if rss > limit:
            stopped = "memory"
        elif elapsed > timeout_s:
            stopped = "time"
        if stopped:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            break
        time.sleep(poll_s)
    seconds = time.perf_counter() - started
    result = json.loads(result_file.read_text()) if result_file.exists() else {}
    run = PhaseRun(name, process.returncode, seconds, peak / 1024**3, stopped, result, load_before,
                   os.getloadavg(), str(log_file))
    run.samples = samples
    return run


def self_peak_rss_gb() -> dict:
    """Peak resident memory of this process and of its (finished) children, from getrusage."""
    import resource

    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"self_peak_gb": round(self_kb / 1024**2, 3), "largest_child_peak_gb": round(children_kb / 1024**2, 3)}


def classify_steps(step_stats: list[dict], event_kinds: dict[str, set[str]],
                   materialised: dict[str, list[str]]) -> dict[str, str]:
    """Stage of each Dagster step, from what it materialises (or, for checks, that it only checks)."""
    stages = {}
    for step in step_stats:
        key = step["step_key"]
        assets = materialised.get(key, [])
        kinds = event_kinds.get(key, set())
        if not assets and "ASSET_CHECK_EVALUATION" in kinds:
            stages[key] = "checks"
        elif any(a == "raw/person_identities" for a in assets):
            stages[key] = "identity"
        elif any(a.startswith("raw/") for a in assets):
            stages[key] = "ingest"
        elif any(a.split("/")[0] in ("staging", "intermediate", "marts", "reference") for a in assets):
            stages[key] = "dbt"
        elif any("publish" in a for a in assets):
            stages[key] = "publish"
        elif any("dashboard" in a for a in assets):
            stages[key] = "dashboards"
        elif any("export" in a for a in assets):
            stages[key] = "exports"
        else:
            stages[key] = "other"
    return stages


def stage_peak_gb(steps: list[dict], samples: list[tuple[float, int]]) -> dict[str, float]:
    """The highest tree RSS sampled while each stage's steps ran (steps carry start/end epochs)."""
    peaks: dict[str, float] = {}
    for step in steps:
        if not step.get("start"):
            continue
        end = step.get("end") or float("inf")
        inside = [rss for t, rss in samples if step["start"] <= t <= end]
        if inside:
            stage = step.get("stage") or "other"
            peaks[stage] = max(peaks.get(stage, 0.0), round(max(inside) / 1024**3, 2))
    return peaks


def stage_seconds(steps: list[dict], stages: dict[str, str]) -> dict[str, float]:
    totals = {stage: 0.0 for stage in STAGES}
    for step in steps:
        if step.get("seconds") is not None:
            totals[stages.get(step["step_key"], "other")] += step["seconds"]
    return {k: round(v, 2) for k, v in totals.items()}


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class Stopwatch:
    """Named lap times."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._started = time.perf_counter()

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        self.laps[name] = round(now - self._started, 3)
        self._started = now
        return self.laps[name]


def memory_watch(pid: int, interval: float = 0.2) -> tuple[threading.Event, list[int]]:
    """Sample a process tree's resident memory in a thread; returns (stop event, [peak bytes])."""
    stop = threading.Event()
    peak = [0]

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss_bytes(pid))
            stop.wait(interval)

    threading.Thread(target=sample, daemon=True).start()
    return stop, peak

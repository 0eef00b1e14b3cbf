"""Writing the deliveries due: the one entry point of the Dagster asset and the `cci` commands.

Cost follows what changed:

1. With a state file (:mod:`pipelines.exports.state`), projects whose inputs have the fingerprint
   recorded by the last run, and whose deliveries are still on disk as they were left, are not
   loaded at all.
2. The other projects are loaded in batches of at most ``batch_rows`` rows of
   ``fct_indicator_values`` (a Parquet scan with projection and predicate pushdown), and their
   contents are built for the whole batch at once (:class:`~pipelines.exports.content.ContentBuilder`).
3. Each delivery's content key is compared with the key in its latest manifest: equal, nothing
   is rendered.
4. The rest is rendered a project at a time by the vectorised renderers: compared with the
   latest version where there is one (rendered with its own provenance, the CSV first: a manifest
   written before content keys existed is matched this way), and written where it differs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import polars as pl

from pipelines.exports.content import (
    ContentBuilder, DeliveryContent, Provenance, SourceScope, content_keys, project_record,
)
from pipelines.exports.periods import ReportingPeriod, due_periods, reporting_period
from pipelines.exports.source import MartSource
from pipelines.exports.state import ExportState, global_key
from pipelines.exports.store import WriteResult, write_deliveries_of

#: Rows of ``fct_indicator_values`` loaded at a time (a project is never split). About 0.4 GB
#: of frames at the peak, whatever the size of the programme.
BATCH_ROWS = 400_000

__all__ = ["BATCH_ROWS", "build_provenance", "periods_to_deliver", "write_deliveries", "write_project"]


def build_provenance(marts: Mapping[str, pl.DataFrame] | MartSource) -> tuple[Provenance, bool]:
    """The build's provenance (id, every source file) and whether its data is synthetic."""
    source = MartSource.of(marts)
    info = source.table("build_metadata").row(0, named=True)
    files = source.table("build_source_files")
    sources = () if files is None else tuple(
        (str(r["source_file"]), str(r["sha256"]), int(r["bytes"]))
        for r in files.sort("source_file").iter_rows(named=True)
    )
    return Provenance(build_id=str(info["build_id"]), source_files=sources), bool(info["is_synthetic"])


def project_provenances(small: Mapping[str, pl.DataFrame], build_id: str) -> Callable[[str], Provenance]:
    """Per project, the build's provenance with the source files that concern it (see
    :class:`~pipelines.exports.content.SourceScope`); every file when ``dim_events`` is not published."""
    files = small.get("build_source_files")
    events = small.get("dim_events")
    if files is None:
        files = pl.DataFrame(schema={"source_file": pl.String, "sha256": pl.String, "bytes": pl.Int64})
    files = files.sort("source_file")
    everything = tuple((str(p), str(s), int(b)) for p, s, b in files.select("source_file", "sha256", "bytes").iter_rows())
    if events is None or not {"event_id", "project_id"} <= set(events.columns):
        return lambda project_id: Provenance(build_id=build_id, source_files=everything)
    known = frozenset(str(e) for e in events["event_id"].drop_nulls().to_list())
    by_project = {str(pid): frozenset(str(e) for e in ids) for pid, ids in
                  events.drop_nulls("project_id").group_by("project_id").agg("event_id").iter_rows()}
    parts = pl.col("source_file").cast(pl.String).str.split("/")
    folder = (pl.when((parts.list.len() >= 3) & (parts.list.get(0, null_on_oob=True) == "registrations"))
              .then(parts.list.get(1, null_on_oob=True)))
    tagged = files.with_columns(folder.alias("_event")).join(
        events.select(pl.col("event_id").cast(pl.String).alias("_event"), pl.col("project_id").cast(pl.String).alias("_owner")),
        on="_event", how="left", maintain_order="left")
    shared = tagged.filter(pl.col("_owner").is_null())
    own = {key[0]: part for key, part in tagged.filter(pl.col("_owner").is_not_null())
           .partition_by("_owner", as_dict=True, maintain_order=True).items()}
    shared_rows = list(shared.select("source_file", "sha256", "bytes").iter_rows())

    def provenance(project_id: str) -> Provenance:
        rows = shared_rows
        if project_id in own:
            rows = sorted(rows + list(own[project_id].select("source_file", "sha256", "bytes").iter_rows()),
                          key=lambda r: r[0])
        return Provenance(build_id=build_id, source_files=tuple((str(p), str(s), int(b)) for p, s, b in rows),
                          scope=SourceScope(by_project.get(project_id, frozenset()), known))

    return provenance


def periods_to_deliver(project: dict, *, as_of: dt.date, period_id: str | None = None) -> list[ReportingPeriod]:
    """Every period due by ``as_of``, or only ``period_id`` (ValueError if it is not due yet)."""
    if not period_id:
        return due_periods(project["start_date"], project["end_date"], as_of)
    period = reporting_period(period_id, project["start_date"], project["end_date"])
    if period.due_on > as_of:
        raise ValueError(
            f"{project['project_id']} {period.period_id} is not finished: its delivery is due on {period.due_on}")
    return [period]


def write_project(exports_root: Path, contents: list[DeliveryContent], provenance: Provenance) -> list[WriteResult]:
    """Write (or keep) one project's deliveries: keys first, then only what differs is rendered."""
    return write_deliveries_of(exports_root, contents, content_keys(contents), lambda _: provenance)


def _batches(project_ids: list[str], rows: Mapping[str, int], limit: int) -> list[list[str]]:
    batches: list[list[str]] = []
    current: list[str] = []
    size = 0
    for pid in project_ids:
        count = rows.get(pid, 0)
        if current and size + count > limit:
            batches.append(current)
            current, size = [], 0
        current.append(pid)
        size += count
    if current:
        batches.append(current)
    return batches


def write_deliveries(
    marts: Mapping[str, pl.DataFrame] | MartSource,
    exports_root: Path,
    *,
    as_of: dt.date,
    project_id: str | None = None,
    period_id: str | None = None,
    iati_config: dict | None = None,
    state_path: Path | None = None,
    batch_rows: int = BATCH_ROWS,
) -> list[WriteResult]:
    """Write the deliveries due by ``as_of`` (optionally one project, one period) from published marts.

    ``marts`` is a :class:`MartSource` (a published release, read lazily) or a dict of frames.
    ``state_path``: the state file that lets a rerun skip unchanged projects (None: no state;
    every due delivery's content is computed and compared with its manifest).
    """
    source = MartSource.of(marts)
    small = source.small_tables()
    info = small["build_metadata"].row(0, named=True)
    is_synthetic = bool(info["is_synthetic"])
    projects = small["dim_projects"]
    project_ids = [project_id] if project_id else sorted(str(p) for p in projects["project_id"].to_list())
    plan = {pid: periods_to_deliver(project_record(projects, pid), as_of=as_of, period_id=period_id)
            for pid in project_ids}
    provenance_of = project_provenances(small, str(info["build_id"]))

    results: dict[str, list[WriteResult]] = {}
    state: ExportState | None = None
    digests: dict[str, str] = {}
    if state_path is not None:
        state = ExportState(state_path, exports_root, global_key(
            source.table_digest("dim_indicators"), is_synthetic, iati_config or {}))
        digests = source.project_digests()
        for pid in project_ids:
            fresh = state.fresh(pid, digests.get(pid, ""), [p.period_id for p in plan[pid]])
            if fresh is not None:
                results[pid] = fresh
    todo = [pid for pid in project_ids if pid not in results and plan[pid]]
    for pid in project_ids:
        if not plan[pid]:
            results[pid] = []
    if todo:
        builder = ContentBuilder(small, is_synthetic=is_synthetic, iati_config=iati_config)
        for batch in _batches(todo, source.project_row_counts(), batch_rows):
            contents = builder.build(source.indicator_values(batch), {pid: plan[pid] for pid in batch})
            for pid in batch:
                results[pid] = write_project(exports_root, contents.pop(pid), provenance_of(pid))
                if state is not None:
                    state.record(pid, digests.get(pid, ""), results[pid])
    if state is not None:
        state.save()
    return [result for pid in project_ids for result in results[pid]]

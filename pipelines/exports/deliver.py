"""Writing the deliveries due: the one entry point of the Dagster asset and the `cci` commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from pipelines.exports.content import Provenance, build_deliveries, project_record
from pipelines.exports.periods import ReportingPeriod, due_periods, reporting_period
from pipelines.exports.store import WriteResult, write_delivery

__all__ = ["build_provenance", "periods_to_deliver", "write_deliveries"]


def build_provenance(marts: dict[str, pl.DataFrame]) -> tuple[Provenance, bool]:
    """The build's provenance (id, source files) and whether its data is synthetic."""
    info = marts["build_metadata"].row(0, named=True)
    files = marts.get("build_source_files")
    sources = () if files is None else tuple(
        (str(r["source_file"]), str(r["sha256"]), int(r["bytes"]))
        for r in files.sort("source_file").iter_rows(named=True)
    )
    return Provenance(build_id=str(info["build_id"]), source_files=sources), bool(info["is_synthetic"])


def periods_to_deliver(project: dict, *, as_of: dt.date, period_id: str | None = None) -> list[ReportingPeriod]:
    """Every period due by ``as_of``, or only ``period_id`` (ValueError if it is not due yet)."""
    if not period_id:
        return due_periods(project["start_date"], project["end_date"], as_of)
    period = reporting_period(period_id, project["start_date"], project["end_date"])
    if period.due_on > as_of:
        raise ValueError(
            f"{project['project_id']} {period.period_id} is not finished: its delivery is due on {period.due_on}")
    return [period]


def write_deliveries(
    marts: dict[str, pl.DataFrame],
    exports_root: Path,
    *,
    as_of: dt.date,
    project_id: str | None = None,
    period_id: str | None = None,
    iati_config: dict | None = None,
) -> list[WriteResult]:
    """Write the deliveries due by ``as_of`` (optionally one project, one period) from published marts."""
    provenance, is_synthetic = build_provenance(marts)
    projects = marts["dim_projects"]
    project_ids = [project_id] if project_id else sorted(projects["project_id"].to_list())
    results: list[WriteResult] = []
    for pid in project_ids:
        project = project_record(projects, pid)
        periods = periods_to_deliver(project, as_of=as_of, period_id=period_id)
        for content in build_deliveries(marts, project_id=pid, periods=periods, is_synthetic=is_synthetic,
                                        iati_config=iati_config):
            results.append(write_delivery(exports_root, content, provenance))
    return results

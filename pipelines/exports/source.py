"""Reading the published marts for the deliveries: only the tables, columns and rows they need.

The deliveries read seven marts. Six are small (one row per project, indicator, source file or
event) and are read whole, with only the columns used. ``fct_indicator_values`` is large (about
28 000 rows per project) and is never read whole: :meth:`MartSource.indicator_values` scans the
Parquet file for a batch of projects (projection and predicate pushdown), and
:meth:`MartSource.project_digests` fingerprints every project's slice of every input in one
streaming DuckDB aggregate, so that a rerun can tell which projects changed without loading them.
``fct_participations`` and the other marts are not opened at all.

A :class:`MartSource` wraps either a published release directory (the Dagster asset, the ``cci``
commands) or a dict of polars frames (tests, callers that already hold the marts).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb
import polars as pl

#: Columns of ``fct_indicator_values`` the deliveries read.
INPUT_COLUMNS = [
    "project_id", "indicator_code", "indicator_name", "unit", "period_type", "period_id",
    "period_start", "period_end", "disaggregation", "disaggregation_value", "value", "target",
    "achievement_pct", "is_small_cell",
]
#: Read too where the mart has them: ``n`` (the units behind a value: suppression) and the
#: indicator's Russian name and type (definitions, when the catalogue lacks them).
OPTIONAL_INPUT_COLUMNS = ["n", "indicator_name_ru", "indicator_type"]

#: The small marts and the columns read from them (None: every column; they are one row per
#: project or indicator).
SMALL_TABLES: dict[str, list[str] | None] = {
    "dim_projects": None,
    "dim_indicators": None,
    "build_metadata": ["build_id", "is_synthetic"],
    "build_source_files": ["source_file", "sha256", "bytes"],
    "dim_events": ["event_id", "project_id"],
    "fct_indicator_achievement": ["project_id", "indicator_code", "baseline", "period_type"],
    "fct_data_quality": ["source", "source_file", "project_id", "rows_read", "rows_loaded",
                         "quarantine_reason", "quarantined_rows", "file_status", "is_reconciled"],
}
#: Per-project inputs of a delivery's content besides ``fct_indicator_values`` (their digests
#: decide, with it, whether a project needs its deliveries recomputed).
PROJECT_TABLES = ("dim_projects", "fct_indicator_achievement", "fct_data_quality")

__all__ = ["INPUT_COLUMNS", "MartSource", "OPTIONAL_INPUT_COLUMNS"]


class MartSource:
    """The published marts as lazy frames; see the module docstring."""

    def __init__(self, tables: Mapping[str, pl.LazyFrame], parquet: Mapping[str, Path] | None = None) -> None:
        self._tables = dict(tables)
        self._parquet = dict(parquet or {})
        self._cache: dict[str, pl.DataFrame | None] = {}

    @classmethod
    def from_release(cls, release: Path) -> MartSource:
        """A published release directory (``marts/current``): one ``<mart>.parquet`` per mart."""
        release = Path(release)
        files = {p.stem: p for p in sorted(release.glob("*.parquet"))}
        if "fct_indicator_values" not in files:
            raise FileNotFoundError(f"{release} has no fct_indicator_values.parquet")
        return cls({name: pl.scan_parquet(path) for name, path in files.items()}, files)

    @classmethod
    def from_frames(cls, marts: Mapping[str, pl.DataFrame]) -> MartSource:
        return cls({name: frame.lazy() for name, frame in marts.items()})

    @classmethod
    def of(cls, marts: MartSource | Mapping[str, pl.DataFrame]) -> MartSource:
        return marts if isinstance(marts, MartSource) else cls.from_frames(marts)

    def has(self, name: str) -> bool:
        return name in self._tables

    def columns(self, name: str) -> list[str]:
        return self._tables[name].collect_schema().names() if name in self._tables else []

    def table(self, name: str) -> pl.DataFrame | None:
        """A small mart with the columns the deliveries use (None when not published)."""
        if name not in self._cache:
            if name not in self._tables:
                self._cache[name] = None
            else:
                wanted = SMALL_TABLES.get(name)
                frame = self._tables[name]
                if wanted is not None:
                    frame = frame.select([c for c in wanted if c in self.columns(name)])
                if name == "fct_data_quality" and "source" in self.columns(name):
                    frame = frame.filter(pl.col("source") == "registrations")
                self._cache[name] = frame.collect()
        return self._cache[name]

    def small_tables(self) -> dict[str, pl.DataFrame]:
        """Every small mart that is published, as a dict (the shape the catalogue functions take)."""
        return {name: frame for name in SMALL_TABLES if (frame := self.table(name)) is not None}

    def indicator_columns(self) -> list[str]:
        present = self.columns("fct_indicator_values")
        missing = [c for c in INPUT_COLUMNS if c not in present]
        if missing:
            raise ValueError(f"fct_indicator_values lacks columns {missing}")
        return INPUT_COLUMNS + [c for c in OPTIONAL_INPUT_COLUMNS if c in present]

    def indicator_values(self, project_ids: Iterable[str]) -> pl.DataFrame:
        """The rows of ``project_ids`` with the columns the deliveries read, in the mart's order."""
        ids = sorted(set(project_ids))
        return (self._tables["fct_indicator_values"].select(self.indicator_columns())
                .filter(pl.col("project_id").is_in(ids)).collect())

    def project_row_counts(self) -> dict[str, int]:
        """Rows of ``fct_indicator_values`` per project (reads the project_id column only)."""
        counts = self._tables["fct_indicator_values"].group_by("project_id").len().collect()
        return dict(zip(counts["project_id"].to_list(), counts["len"].to_list(), strict=True))

    def project_digests(self) -> dict[str, str]:
        """Per project, a fingerprint of every input row of its deliveries' content.

        Sums of DuckDB row hashes (two seeds) with the row count, per table: independent of row
        order, streamed over the Parquet file. The hash function belongs to the DuckDB version,
        so the fingerprint is a cache key only (see ``pipelines/exports/state.py``), never a
        delivered value.
        """
        parts: dict[str, list[str]] = {}
        con = duckdb.connect()
        try:
            con.execute("set threads to 2")
            for name in ("fct_indicator_values", *PROJECT_TABLES):
                if name not in self._tables:
                    continue
                columns = (self.indicator_columns() if name == "fct_indicator_values"
                           else [c for c in (SMALL_TABLES[name] or self.columns(name)) if c in self.columns(name)])
                if "project_id" not in columns:
                    continue
                relation = self._relation(con, name, columns)
                quoted = ", ".join(f'"{c}"' for c in columns)
                rows = con.execute(
                    f"select project_id, count(*), sum(hash({quoted}))::varchar, "
                    f"sum(hash({quoted}, 'cci'))::varchar from {relation} group by project_id"
                ).fetchall()
                for project_id, count, first, second in rows:
                    parts.setdefault(str(project_id), []).append(f"{name}:{count}:{first}:{second}")
                con.execute(f"drop view if exists {relation}")
        finally:
            con.close()
        return {pid: hashlib.sha256("|".join(sorted(items)).encode()).hexdigest() for pid, items in parts.items()}

    def table_digest(self, name: str) -> str:
        """A fingerprint of a whole small mart (the catalogue), for the same cache."""
        frame = self.table(name)
        if frame is None:
            return "absent"
        text = json.dumps([frame.columns, [str(t) for t in frame.dtypes], frame.rows()], default=str,
                          ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _relation(self, con: duckdb.DuckDBPyConnection, name: str, columns: list[str]) -> str:
        view = f"_cci_{name}"
        if name in self._parquet:
            path = str(self._parquet[name]).replace("'", "''")
            con.execute(f"create or replace temp view {view} as select * from read_parquet('{path}')")
        else:
            frame = self._tables[name].select(columns).collect()
            if name == "fct_data_quality" and "source" in frame.columns:
                frame = frame.filter(pl.col("source") == "registrations")
            con.register(view, frame.to_arrow())
            return view
        if name == "fct_data_quality" and "source" in self.columns(name):
            con.execute(f"create or replace temp view {view}_f as select * from {view} where source = 'registrations'")
            return f"{view}_f"
        return view

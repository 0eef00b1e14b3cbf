"""What the dashboards read, and the page filters.

:func:`load_dataset` opens the published marts (``data/marts/current``: never the live build
database) as DuckDB views over their Parquet files, and any boundary files. Nothing is read
whole: pages ask :class:`Dataset` for what they draw (:meth:`Dataset.query`), so projections,
filters and group-bys run in DuckDB over the files, and only aggregates or one project's rows
come back as polars frames. Answers are cached per release (a bounded LRU), so the app
answers a filter selection it has seen before without reading again.

:class:`Filters` holds the choices of the filter bar (project, reporting period, participant
countries, target groups); ``project_id=None`` is the whole programme. The functions below narrow
one project's frames to them, so that every chart of a page shows the same selection.

Official indicators (``fct_indicator_values``) count every participant; the person-level marts
(``fct_participations``) hold research-consented participants only. A country or target-group
filter can only be applied to person-level rows, so a page so filtered counts from those, and
says so; unfiltered, it shows the official numbers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import gzip
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from dashboards import figures, theme

PTD_VALUE = "project_to_date:PTD"
#: Where a boundary file for the regions map is looked for, under the data directory.
BOUNDARY_DIR = Path("raw") / "statistics" / "geo"
#: DuckDB settings of the dashboards' connection: two threads, and a memory limit that keeps
#: the whole process (DuckDB + Python + Plotly) well under 1.5 GB; DuckDB spills beyond it.
#: Rows keep the files' order (answers are small; the same release always draws the same pages).
DUCKDB_SETTINGS = {"threads": 2, "memory_limit": "640MB", "preserve_insertion_order": True}
#: How much query results the cache of a release holds (estimated polars size).
CACHE_BYTES = 160 * 1024**2


@dataclass(frozen=True)
class Filters:
    """The filter bar. ``project_id`` None is the whole programme. ``period`` is
    ``<period_type>:<period_id>`` as in ``fct_indicator_values`` (``project_to_date:PTD``,
    ``year:2016``, ``quarter:2016Q3``, ``month:2016-09``); empty ``countries`` /
    ``target_groups`` mean all."""

    project_id: str | None = None
    period: str = PTD_VALUE
    countries: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()

    @property
    def period_type(self) -> str:
        return self.period.split(":", 1)[0]

    @property
    def period_id(self) -> str:
        return self.period.split(":", 1)[1] if ":" in self.period else "PTD"

    @property
    def whole_project(self) -> bool:
        return self.period_type == figures.PTD

    @property
    def filters_people(self) -> bool:
        """Whether a country or target-group filter is set (counts then come from person-level rows)."""
        return bool(self.countries or self.target_groups)


class Dataset:
    """One published release, queried in place: a DuckDB connection with one view per mart (or,
    for tests, one table per given frame), the build information and boundary features.

    :meth:`query` runs SQL on the marts and caches the answer; :meth:`mart` returns a whole mart
    and is meant for the small ones (projects, indicators catalogue, survey, regions)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, boundaries: dict | None = None, release: str = "",
                 cache_bytes: int = CACHE_BYTES):
        self._con = con
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._cached_bytes = 0
        self.boundaries = boundaries
        self.release = release
        self.tables: dict[str, tuple[str, ...]] = {
            name: tuple(c[0] for c in con.execute(f'describe "{name}"').fetchall())
            for (name,) in con.execute("select table_name from information_schema.tables "
                                       "where table_schema = 'main' order by 1").fetchall()
        }
        info = self.mart("build_metadata")
        row = info.row(0, named=True) if info is not None and info.height else {}
        self.build_id = str(row.get("build_id") or "unknown")
        self.built_at = _built_at(row.get("built_at"))
        self.is_synthetic = bool(row.get("is_synthetic"))

    # --- reading -----------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        return name in self.tables

    def columns(self, name: str) -> tuple[str, ...]:
        return self.tables.get(name, ())

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self._con.cursor()
        return cursor

    def query(self, sql: str, params: tuple | list = ()) -> pl.DataFrame:
        """The answer of ``sql`` (``?`` placeholders, ``params``) as a polars frame, cached."""
        key = (sql, tuple(params))
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        frame = self.query_uncached(sql, params)
        self._store(key, frame)
        return frame

    def query_uncached(self, sql: str, params: tuple | list = ()) -> pl.DataFrame:
        """The answer of ``sql``, not kept (for reads that are split and primed)."""
        return self._cursor().sql(sql, params=list(params) or None).pl()

    def memo(self, key: tuple, compute: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        """A frame derived from query answers (e.g. the status of every project), computed once
        per release and kept in the same bounded cache."""
        key = ("memo", *key)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        frame = compute()
        self._store(key, frame)
        return frame

    def _store(self, key: tuple, frame: pl.DataFrame) -> None:
        size = frame.estimated_size()
        with self._lock:
            if key not in self._cache and size <= self._cache_bytes // 4:
                self._cache[key] = frame
                self._cached_bytes += size
                while self._cached_bytes > self._cache_bytes and self._cache:
                    _, dropped = self._cache.popitem(last=False)
                    self._cached_bytes -= dropped.estimated_size()

    def prime(self, sql: str, params: tuple | list, frame: pl.DataFrame) -> None:
        """Cache ``frame`` as the answer of ``sql`` with ``params`` (read together with others in
        one scan: see :func:`dashboards.queries.prefetch_projects`)."""
        self._store((sql, tuple(params)), frame)

    def mart(self, name: str) -> pl.DataFrame | None:
        """A whole mart (None when the release has no such mart). For small marts only: the
        large ones (participations, indicator values, events, data quality) are queried."""
        if not self.has(name):
            return None
        return self.query(f'select * from "{name}"')

    # --- build ---------------------------------------------------------------------------------

    @property
    def as_of(self) -> dt.date | None:
        return self.built_at.date() if self.built_at else None

    def projects(self) -> pl.DataFrame:
        projects = self.mart("dim_projects")
        if projects is None:
            return pl.DataFrame(schema={"project_id": pl.String, "project_name": pl.String})
        return figures._with_date_column(figures._with_date_column(projects, "start_date"), "end_date").sort("project_id")

    def project(self, project_id: str | None) -> dict | None:
        if project_id is None:
            return None
        rows = self.projects().filter(pl.col("project_id") == project_id)
        return rows.row(0, named=True) if not rows.is_empty() else None

    def close(self) -> None:
        self._con.close()


def _built_at(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    for name, value in DUCKDB_SETTINGS.items():
        con.execute(f"set {name} = {value!r}" if isinstance(value, str) else f"set {name} = {str(value).lower()}")
    return con


def dataset_from_marts(marts: dict[str, pl.DataFrame], *, boundaries: dict | None = None, release: str = "") -> Dataset:
    """A :class:`Dataset` over mart frames given in memory (tests): each becomes a DuckDB table.
    ``build_metadata`` gives the build id, time and the synthetic flag; without it the build
    counts as synthetic-unknown = not synthetic."""
    con = _connect()
    for name, frame in marts.items():
        con.register("_incoming", frame.to_arrow())
        con.execute(f'create table "{name}" as select * from _incoming')
        con.unregister("_incoming")
    return Dataset(con, boundaries=boundaries, release=release)


def open_release(release: Path, *, boundaries: dict | None = None) -> Dataset:
    """A :class:`Dataset` over a release directory: one view per ``<mart>.parquet``, read in place."""
    con = _connect()
    for path in sorted(Path(release).glob("*.parquet")):
        literal = str(path).replace("'", "''")
        con.execute(f"create view \"{path.stem}\" as select * from read_parquet('{literal}')")
    return Dataset(con, boundaries=boundaries, release=str(release))


def load_boundaries(data_dir: Path) -> dict | None:
    """Every GeoJSON feature (``*.geojson`` or ``*.geojson.gz``) under ``<data>/raw/statistics/geo/``,
    keyed by ``properties.NUTS_ID`` when merged; None when there is no boundary file."""
    folder = data_dir / BOUNDARY_DIR
    if not folder.is_dir():
        return None
    features = []
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".geojson.gz"):
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                content = json.load(handle)
        elif path.name.endswith((".geojson", ".json")):
            content = json.loads(path.read_text(encoding="utf-8"))
        else:
            continue
        features += content.get("features", [])
    return {"type": "FeatureCollection", "features": features} if features else None


def load_dataset(data_dir: Path | None = None) -> Dataset:
    """The current published release of ``data_dir`` (default: the configured data directory)."""
    from pipelines import settings

    data = Path(data_dir) if data_dir is not None else settings.data_dir()
    link = data / "marts" / "current"
    if not link.exists():
        raise FileNotFoundError(f"No published marts at {link}. Build them first with `cci run` (or `make demo`).")
    return open_release(link.resolve(), boundaries=load_boundaries(data))


# --- periods -----------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_bounds(period_type: str, period_id: str, project: dict | None) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of a reporting period, clipped to the project's dates."""
    start = figures._as_date(project.get("start_date")) if project else None
    end = figures._as_date(project.get("end_date")) if project else None
    if period_type == figures.PTD or period_id == "PTD":
        return start, end
    if period_type == "year":
        first, last = dt.date(int(period_id), 1, 1), dt.date(int(period_id), 12, 31)
    elif period_type == "quarter":
        year, quarter = (int(p) for p in period_id.split("Q"))
        first, last = dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    else:
        year, month = (int(p) for p in period_id.split("-")[:2])
        first, last = dt.date(year, month, 1), _month_end(year, month)
    if start is not None:
        first = max(first, start)
    if end is not None:
        last = min(last, end)
    return first, last


def period_options(dataset: Dataset, project_id: str | None, lang: str = "en") -> list[dict]:
    """Dropdown options for the period filter: the whole project (or programme), then its
    years, quarters and months (a project's: those of ``fct_indicator_values``, else those its
    dates span; the programme's: those its projects' dates span)."""
    from dashboards import queries

    options = [{"label": theme.text("whole_project" if project_id else "whole_programme", lang), "value": PTD_VALUE}]
    ids: dict[str, set[str]] = {"year": set(), "quarter": set(), "month": set()}
    if project_id is not None:
        project = dataset.project(project_id)
        for period_type, period_id in queries.project_period_ids(dataset, project_id).iter_rows():
            ids[period_type].add(period_id)
        spans = [(project["start_date"], project["end_date"])] if project is not None and not any(ids.values()) else []
    else:
        projects = dataset.projects()
        spans = []
        if projects.height and "start_date" in projects.columns:
            starts, ends = projects["start_date"].drop_nulls(), projects["end_date"].drop_nulls()
            if starts.len() and ends.len():
                spans = [(starts.min(), ends.max())]
    for start, end in spans:
        start, end = figures._as_date(start), figures._as_date(end)
        day = dt.date(start.year, start.month, 1)
        while day <= end:
            ids["month"].add(f"{day.year}-{day.month:02d}")
            ids["quarter"].add(f"{day.year}Q{(day.month - 1) // 3 + 1}")
            ids["year"].add(str(day.year))
            day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    for period_type in ("year", "quarter", "month"):
        for period_id in sorted(ids[period_type]):
            options.append({"label": figures.period_label(period_type, period_id, lang),
                            "value": f"{period_type}:{period_id}"})
    return options


def as_of_month(dataset: Dataset, filters: Filters) -> str | None:
    """The month whose cumulative values answer "where did the project stand at the end of the
    selected period" (None for the whole project: its project-to-date values)."""
    if filters.whole_project:
        return None
    _, last = period_bounds(filters.period_type, filters.period_id, dataset.project(filters.project_id))
    if last is None:
        return None
    if dataset.as_of is not None and last > dataset.as_of:
        last = dataset.as_of
    return f"{last.year}-{last.month:02d}"


# --- narrowing mart frames ---------------------------------------------------------------------


def filter_participations(
    participations: pl.DataFrame, filters: Filters, *, bounds: tuple[dt.date | None, dt.date | None] | None = None
) -> pl.DataFrame:
    """Rows of ``fct_participations`` of the filter's project, countries and target groups, and
    (when ``bounds`` is given) dated within them."""
    rows = participations
    if filters.project_id is not None:
        rows = rows.filter(pl.col("project_id") == filters.project_id)
    if filters.countries:
        rows = rows.filter(pl.col("country_code").is_in(list(filters.countries)))
    if filters.target_groups:
        rows = rows.filter(pl.col("target_group").is_in(list(filters.target_groups)))
    if bounds is not None and not rows.is_empty():
        rows = figures._with_date_column(rows, "participated_on")
        first, last = bounds
        if first is not None:
            rows = rows.filter(pl.col("participated_on") >= first)
        if last is not None:
            rows = rows.filter(pl.col("participated_on") <= last)
    return rows


def events_in_period(events: pl.DataFrame, filters: Filters, bounds: tuple[dt.date | None, dt.date | None],
                     participations: pl.DataFrame | None = None) -> pl.DataFrame:
    """``dim_events`` of the project that started within ``bounds``. With a people filter, the
    ``participations`` column is recounted from the (already filtered) ``participations``."""
    rows = events
    if filters.project_id is not None:
        rows = rows.filter(pl.col("project_id") == filters.project_id)
    rows = figures._with_date_column(rows, "start_date")
    first, last = bounds
    if first is not None:
        rows = rows.filter(pl.col("start_date") >= first)
    if last is not None:
        rows = rows.filter(pl.col("start_date") <= last)
    if filters.filters_people and participations is not None:
        counts = participations.group_by("event_id").agg(pl.len().cast(pl.Int64).alias("counted"))
        rows = rows.join(counts, on="event_id", how="left").with_columns(
            pl.col("counted").fill_null(0).alias("participations")).drop("counted")
    return rows


def indicators_from_participations(
    participations: pl.DataFrame,
    events: pl.DataFrame,
    project: dict,
    *,
    period_type: str,
    period_id: str,
    bounds: tuple[dt.date | None, dt.date | None],
) -> pl.DataFrame:
    """Rows shaped like ``fct_indicator_values`` for one project and period, counted from
    (filtered) ``fct_participations`` rows dated within ``bounds``: unique participants,
    participations, organisations and cross-border participations (total, by target group and
    by country), and events held (from ``dim_events``). No targets: they are set for everyone."""
    rows = participations.filter(pl.col("project_id") == project["project_id"])
    rows = figures._with_date_column(rows, "participated_on") if not rows.is_empty() else rows
    first, last = bounds
    if first is not None and not rows.is_empty():
        rows = rows.filter(pl.col("participated_on") >= first)
    if last is not None and not rows.is_empty():
        rows = rows.filter(pl.col("participated_on") <= last)
    held = events_in_period(events, Filters(project_id=project["project_id"]), bounds).height
    out = []

    def add(code: str, unit: str, disaggregation: str, cell: str, value: float) -> None:
        out.append({
            "project_id": project["project_id"], "indicator_code": code,
            "indicator_name": theme.label("indicator", code), "unit": unit,
            "period_type": period_type, "period_id": period_id, "period_start": first, "period_end": last,
            "disaggregation": disaggregation, "disaggregation_value": cell, "value": float(value),
            "target": None, "achievement_pct": None,
            "is_small_cell": unit in ("persons", "participations") and 0 < value < theme.SMALL_CELL_THRESHOLD,
        })

    add("unique_participants", "persons", "total", "total", rows["person_key"].n_unique() if rows.height else 0)
    add("participations", "participations", "total", "total", rows.height)
    add("events_held", "events", "total", "total", held)
    organisations = rows["organisation_key"].drop_nulls().n_unique() if rows.height else 0
    add("organisations_participating", "organisations", "total", "total", organisations)
    add("cross_border_participations", "participations", "total", "total",
        int(rows["is_cross_border"].sum()) if rows.height else 0)
    for disaggregation in ("target_group", "country"):
        column = "target_group" if disaggregation == "target_group" else "country_code"
        if rows.is_empty():
            continue
        grouped = rows.group_by(column).agg(pl.col("person_key").n_unique().alias("persons"), pl.len().alias("n"))
        for cell, persons, n in grouped.iter_rows():
            add("unique_participants", "persons", disaggregation, cell or "unknown", persons)
            add("participations", "participations", disaggregation, cell or "unknown", n)
    schema = {
        "project_id": pl.String, "indicator_code": pl.String, "indicator_name": pl.String, "unit": pl.String,
        "period_type": pl.String, "period_id": pl.String, "period_start": pl.Date, "period_end": pl.Date,
        "disaggregation": pl.String, "disaggregation_value": pl.String, "value": pl.Float64,
        "target": pl.Float64, "achievement_pct": pl.Float64, "is_small_cell": pl.Boolean,
    }
    return pl.DataFrame(out, schema=schema)


def cumulative_from_participations(participations: pl.DataFrame, project: dict) -> pl.DataFrame:
    """Rows shaped like ``fct_participants_cumulative`` (no trajectory) from filtered
    ``fct_participations``: distinct persons whose first participation is on or before each
    month end of the project."""
    start = figures._as_date(project["start_date"])
    end = figures._as_date(project["end_date"])
    rows = participations.filter(pl.col("project_id") == project["project_id"])
    firsts: list[dt.date] = []
    if not rows.is_empty():
        rows = figures._with_date_column(rows, "participated_on")
        firsts = rows.group_by("person_key").agg(pl.col("participated_on").min())["participated_on"].to_list()
    month_ends, counts = [], []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        month_end = _month_end(day.year, day.month)
        month_ends.append(month_end)
        counts.append(sum(1 for f in firsts if f <= month_end))
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return pl.DataFrame({
        "project_id": [project["project_id"]] * len(month_ends), "month_end": month_ends,
        "cumulative_unique_participants": counts, "target_trajectory": [None] * len(month_ends),
    }, schema={"project_id": pl.String, "month_end": pl.Date, "cumulative_unique_participants": pl.Int64,
               "target_trajectory": pl.Float64})

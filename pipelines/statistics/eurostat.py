"""Eurostat bulk TSV and SDMX-CSV ("linear") files, and downloading them.

Both layouts carry the same observations. The bulk TSV is wide: one row per key
(``unit,sex,age,geo``), one column per period, and a cell holds the value with its status
flag glued on after a space (``177.3 b``, ``: u``, ``:``). The SDMX-CSV is long: one row per
observation with ``OBS_VALUE`` and ``OBS_FLAG``. Eurostat leaves an observation out of
SDMX-CSV when it is ``:`` without a flag; the TSV reader drops those cells too (unless
``keep_missing=True``), and neither keeps ``freq``, so both give identical tidy rows.

The population SDMX-CSV is 50 MB unpacked, so it is read by DuckDB straight from the
(gzipped) file, with no Python loop over rows; the TSV is reshaped with polars.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import urllib.request
from pathlib import Path
from typing import IO, Callable, Literal

import duckdb
import polars as pl

from pipelines.statistics.detect import (
    EUROSTAT_SDMX_CSV,
    EUROSTAT_TSV,
    detect_format,
    unknown_format,
)
from pipelines.statistics.sources import Source, open_source
from pipelines.statistics.tidy import (
    StatisticsFormatError,
    StatisticsTable,
    dataset_code_from_path,
    finalise,
    normalise_period,
)

REGION_DIMENSIONS = ("geo",)
"""Dimension names that hold the region; without one, the last key dimension is used."""
DROPPED_DIMENSIONS = ("freq",)
"""Never a dimension: the period string already says the frequency."""

SDMX_NON_DIMENSIONS = frozenset(
    {
        "DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION",
        "LAST UPDATE", "LAST_UPDATE", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG",
        "OBS_STATUS", "CONF_STATUS",
    }
)  # fmt: skip

# A TSV cell: optional number or ':', then optional status letters; all else is an error.
_TSV_CELL = r"^(:|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)?\s*([A-Za-z]*)$"
_DATAFLOW_CODE = r"^(?:[^:]*:)?([^(]+)"


# --- bulk TSV --------------------------------------------------------------------------


def read_eurostat_tsv(
    path: Path | str | Source,
    *,
    dataset: str | None = None,
    keep_missing: bool = False,
) -> StatisticsTable:
    """Read a Eurostat bulk TSV, gzipped or not, whatever its name.

    Handles ``unit,geo\\time`` and ``freq,unit,geo\\TIME_PERIOD`` headers, any number of
    key dimensions, years in either order, trailing spaces, flags glued to values and
    monthly/quarterly columns (``2016M03`` → ``2016-03``, ``2016Q1``). ``dataset`` defaults
    to the file name without extensions (the TSV itself does not name its dataset).
    """
    source = path if isinstance(path, Source) else open_source(path)
    key_header = source.first_line().split("\t", 1)[0].strip()
    if "\\" not in key_header:
        raise unknown_format(source, f"its first header cell {key_header!r} has no '\\time'")
    key_part, _time_name = key_header.split("\\", 1)
    key_dimensions = [name.strip() for name in key_part.split(",")]
    region_dimension = _region_dimension(key_dimensions)
    dimensions = [
        name
        for name in key_dimensions
        if name != region_dimension and name not in DROPPED_DIMENSIONS
    ]

    wide = pl.read_csv(
        source.read_bytes(),
        separator="\t",
        has_header=True,
        infer_schema=False,
        quote_char=None,
        encoding="utf8-lossy",
    )
    key_column, *period_columns = wide.columns
    wide = wide.rename({name: name.strip() for name in period_columns})
    period_columns = [name.strip() for name in period_columns]
    if not period_columns:
        raise unknown_format(source, "it has no period columns")

    parts = pl.col(key_column).str.split(",")
    bad_keys = wide.filter(parts.list.len() != len(key_dimensions))
    if bad_keys.height:
        raise StatisticsFormatError(
            f"{source.path}: {bad_keys.height} row keys do not have the {len(key_dimensions)} "
            f"parts {key_dimensions}, e.g. {bad_keys.item(0, key_column)!r}"
        )
    wide = wide.with_columns(
        parts.list.get(i).str.strip_chars().alias(name) for i, name in enumerate(key_dimensions)
    ).drop(key_column)

    long = wide.unpivot(
        index=key_dimensions, on=period_columns, variable_name="period", value_name="cell"
    )
    cell = pl.col("cell").fill_null("").str.strip_chars()
    long = long.with_columns(cell.str.extract_groups(_TSV_CELL).alias("parts"))
    unparsed = long.filter(pl.col("parts").struct.field("2").is_null())  # regex did not match
    if unparsed.height:
        example = unparsed.row(0, named=True)
        raise StatisticsFormatError(
            f"{source.path}: {unparsed.height} cells are neither a number nor ':' with an "
            f"optional flag, e.g. {example['cell'].strip()!r} in period {example['period']!r}"
        )
    number = pl.col("parts").struct.field("1")
    letters = pl.col("parts").struct.field("2")
    long = long.select(
        *[pl.col(name) for name in dimensions],
        pl.col(region_dimension).alias("region"),
        normalise_period(pl.col("period")).alias("period"),
        pl.when(number == ":").then(None).otherwise(number).cast(pl.Float64).alias("value"),
        pl.when(letters == "").then(None).otherwise(letters).alias("flag"),
    )
    if not keep_missing:
        long = long.filter(pl.col("value").is_not_null() | pl.col("flag").is_not_null())
    return finalise(
        long,
        dataset=dataset or dataset_code_from_path(source.path),
        source_format=EUROSTAT_TSV,
        dimensions=dimensions,
        source_path=source.path,
    )


def _region_dimension(dimensions: list[str]) -> str:
    for name in dimensions:
        if name.lower() in REGION_DIMENSIONS:
            return name
    return dimensions[-1]


# --- SDMX-CSV --------------------------------------------------------------------------


def read_eurostat_sdmx_csv(
    path: Path | str | Source,
    *,
    dataset: str | None = None,
    keep_missing: bool = False,
) -> StatisticsTable:
    """Read a Eurostat SDMX-CSV (1.0 ``DATAFLOW,…`` or 2.0 ``STRUCTURE,…``), gzipped or not.

    The dataset code comes from the dataflow (``ESTAT:DEMO_R_PJANAGGR3(1.0)`` →
    ``demo_r_pjanaggr3``); ``freq`` and the bookkeeping columns are dropped. A ``C`` in
    ``CONF_STATUS`` becomes flag ``c``, as the TSV writes ``: c``.
    """
    source = path if isinstance(path, Source) else open_source(path)
    if source.container != "text":
        raise unknown_format(source, "SDMX-CSV must be a plain or gzipped CSV file")
    connection = duckdb.connect()
    try:
        relation = connection.read_csv(
            str(source.path),
            header=True,
            all_varchar=True,
            delimiter=",",
            quotechar='"',
            compression="gzip" if source.compressed else "none",
        )
        columns = relation.columns
        flow_column = next((c for c in ("DATAFLOW", "STRUCTURE_ID") if c in columns), None)
        missing = [c for c in ("TIME_PERIOD", "OBS_VALUE") if c not in columns]
        if flow_column is None or missing:
            raise unknown_format(source, f"SDMX-CSV columns expected, found {columns}")
        key_dimensions = [
            c for c in columns if c not in SDMX_NON_DIMENSIONS and c not in DROPPED_DIMENSIONS
        ]
        if not key_dimensions:
            raise unknown_format(source, f"no dimension columns among {columns}")
        region_dimension = _region_dimension(key_dimensions)
        dimensions = [c for c in key_dimensions if c != region_dimension]
        flag = _sql_flag(columns)
        query = f"""
            SELECT lower(trim(regexp_extract({_q(flow_column)}, '{_DATAFLOW_CODE}', 1))) AS dataset,
                   {", ".join(f"trim({_q(c)}) AS {_q(c)}" for c in dimensions)}
                   {"," if dimensions else ""}
                   trim({_q(region_dimension)}) AS region,
                   trim("TIME_PERIOD") AS period,
                   CAST(nullif(trim("OBS_VALUE"), '') AS DOUBLE) AS value,
                   {flag} AS flag
            FROM relation
        """
        if not keep_missing:
            query = f"SELECT * FROM ({query}) WHERE value IS NOT NULL OR flag IS NOT NULL"
        try:
            frame = connection.sql(query).pl()
        except duckdb.Error as error:
            message = f"{source.path}: cannot read as SDMX-CSV: {error}"
            raise StatisticsFormatError(message) from error
    finally:
        connection.close()

    codes = frame.get_column("dataset").unique().drop_nulls().to_list()
    if len(codes) > 1:
        raise StatisticsFormatError(
            f"{source.path}: holds several dataflows {sorted(codes)}; split it per dataset"
        )
    code = dataset or (codes[0] if codes else dataset_code_from_path(source.path))
    frame = frame.with_columns(
        pl.lit(code).alias("dataset"), normalise_period(pl.col("period")).alias("period")
    )
    return finalise(
        frame,
        dataset=code,
        source_format=EUROSTAT_SDMX_CSV,
        dimensions=dimensions,
        source_path=source.path,
    )


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sql_flag(columns: list[str]) -> str:
    obs_flag = "coalesce(trim(\"OBS_FLAG\"), '')" if "OBS_FLAG" in columns else "''"
    if "CONF_STATUS" not in columns:
        return f"nullif({obs_flag}, '')"
    confidential = (
        "CASE WHEN upper(trim(\"CONF_STATUS\")) = 'C' AND position('c' IN "
        f"{obs_flag}) = 0 THEN 'c' ELSE '' END"
    )
    return f"nullif({obs_flag} || {confidential}, '')"


# --- download --------------------------------------------------------------------------

EUROSTAT_API = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data"
FETCH_FORMATS: dict[str, tuple[str, str, str]] = {
    # fmt: (API format parameter, file name suffix, expected detected format)
    "tsv": ("TSV", ".tsv.gz", EUROSTAT_TSV),
    "sdmx-csv": ("SDMX-CSV", "_linear.csv.gz", EUROSTAT_SDMX_CSV),
}
_DATASET_CODE = re.compile(r"^[A-Za-z0-9_$-]+$")

Opener = Callable[[str], IO[bytes]]
"""Opens a URL and returns a readable binary stream (usable as a context manager)."""


def eurostat_url(dataset: str, fmt: Literal["tsv", "sdmx-csv"] = "tsv") -> str:
    """The bulk download URL of ``dataset`` (gzip-compressed) in ``fmt``."""
    if not _DATASET_CODE.match(dataset):
        raise ValueError(f"not a Eurostat dataset code: {dataset!r}")
    if fmt not in FETCH_FORMATS:
        raise ValueError(f"fmt must be one of {sorted(FETCH_FORMATS)}, not {fmt!r}")
    api_format = FETCH_FORMATS[fmt][0]
    return f"{EUROSTAT_API}/{dataset}?format={api_format}&compressed=true"


def fetch_eurostat(
    dataset: str,
    dest_dir: Path | str,
    fmt: Literal["tsv", "sdmx-csv"] = "tsv",
    *,
    opener: Opener | None = None,
    timeout: float = 300.0,
) -> Path:
    """Download ``dataset`` from the Eurostat API into ``dest_dir`` and return the path.

    The file (``<dataset>.tsv.gz`` or ``<dataset>_linear.csv.gz``) is written to a
    temporary name, checked to really be the requested format (the API answers some errors
    with an HTML or JSON page), and only then moved over any previous copy, so a failed or
    partial download never replaces good data. ``opener`` replaces ``urllib`` (tests).
    """
    url = eurostat_url(dataset, fmt)
    _api_format, suffix, expected = FETCH_FORMATS[fmt]
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / f"{dataset.lower()}{suffix}"
    open_url = opener or (lambda address: _urlopen(address, timeout))
    handle, temporary_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=dest_dir
    )
    temporary = Path(temporary_name)
    try:
        with os.fdopen(handle, "wb") as out, open_url(url) as response:
            shutil.copyfileobj(response, out)
            out.flush()
            os.fsync(out.fileno())
        try:
            found = detect_format(open_source(temporary))
        except StatisticsFormatError as error:
            raise StatisticsFormatError(f"{url} did not return a {fmt} file: {error}") from error
        if found != expected:
            raise StatisticsFormatError(f"{url} returned {found}, expected {expected}")
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _urlopen(url: str, timeout: float) -> IO[bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": "cci-impact-warehouse"})
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (fixed https URL)

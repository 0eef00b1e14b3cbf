"""The one tidy shape every statistics parser returns.

Eurostat, Rosstat and the ECB publish the same kind of thing (a number for a region, a
period and a few classifying dimensions) in very different layouts. Every parser in this
package turns its layout into a :class:`StatisticsTable` whose ``rows`` have one shape::

    dataset | <one str column per dimension> | region | period | value | flag

* ``dataset``: the publisher's dataset code (``nama_10r_2gdp``) or a slug of the file name.
* dimension columns: str, in the order of ``StatisticsTable.dimensions``. Eurostat's
  ``freq`` is never a dimension (the period string already says the frequency), so a bulk
  TSV and the SDMX-CSV of the same dataset give identical rows.
* ``region``: the code as the source writes it (NUTS ``DK01``, Eurostat ``EL``); Rosstat
  names are mapped to ISO 3166-2 ``RU-MUR`` or the documented aggregate codes of
  :mod:`pipelines.statistics.regions`. Null only for series without geography (ECB rates).
* ``period``: str: ``2016``, ``2016S1``, ``2016Q1``, ``2016-03``, ``2016-03-01``, or an
  ISO 8601 month interval ``2016-01/2016-09`` for spans with no shorter name.
* ``value``: Float64, null when the source marks the observation missing but still says
  something about it (a flag).
* ``flag``: str, null when none: Eurostat status letters (``b``, ``e``, ``p``, ``u``,
  ``bu``...); ``c`` for confidential; ``-`` for Rosstat's "no such phenomenon".

An observation the source marks as missing *without* any flag (Eurostat ``:``, Rosstat
``…``) says nothing, so it gets no row, unless a reader is called with
``keep_missing=True``. That is also what Eurostat's SDMX-CSV does.

For loading many datasets into one warehouse table, :meth:`StatisticsTable.long_rows`
folds the dataset-specific dimension columns into one ``dimensions`` key string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import polars as pl

RESERVED_COLUMNS = ("dataset", "region", "period", "value", "flag")

LONG_SCHEMA: dict[str, pl.DataType] = {
    "dataset": pl.String(),
    "source_format": pl.String(),
    "dimensions": pl.String(),
    "region": pl.String(),
    "period": pl.String(),
    "value": pl.Float64(),
    "flag": pl.String(),
    "unit": pl.String(),
}
"""The fixed schema of :meth:`StatisticsTable.long_rows` (one warehouse table for all)."""


class StatisticsFormatError(ValueError):
    """A file is not (or not entirely) in a shape this package can read."""


@dataclass(frozen=True)
class StatisticsTable:
    """One dataset read from one file, in the tidy shape described in the module docstring."""

    dataset: str
    source_format: str
    dimensions: list[str]
    rows: pl.DataFrame
    source_path: Path | None = None
    title: str | None = None
    unit: str | None = None
    """The table-wide unit when the file states one outside the data (Rosstat title rows,
    the ECB's "per euro"); Eurostat carries its unit as the ``unit`` dimension instead."""
    notes: list[str] = field(default_factory=list)

    def long_rows(self) -> pl.DataFrame:
        """The rows in :data:`LONG_SCHEMA`: dimensions folded into ``"k1=v1|k2=v2"``.

        Keys are sorted, so the string is stable whatever column order a format uses.
        ``%``, ``|`` and ``=`` inside values are percent-encoded to keep the key parseable.
        ``unit`` is the ``unit`` dimension where there is one, else :attr:`unit`.
        """
        return long_rows(self)


def long_rows(table: StatisticsTable) -> pl.DataFrame:
    """See :meth:`StatisticsTable.long_rows`."""
    parts = [
        pl.concat_str([pl.lit(f"{_encode_key(name)}="), _encode_value(pl.col(name))])
        for name in sorted(table.dimensions)
    ]
    dimensions = pl.concat_str(parts, separator="|") if parts else pl.lit("")
    unit = pl.col("unit") if "unit" in table.dimensions else pl.lit(table.unit, dtype=pl.String)
    return table.rows.select(
        pl.col("dataset"),
        pl.lit(table.source_format, dtype=pl.String).alias("source_format"),
        dimensions.alias("dimensions"),
        pl.col("region"),
        pl.col("period"),
        pl.col("value"),
        pl.col("flag"),
        unit.alias("unit"),
    ).cast(LONG_SCHEMA)


def concat_long_rows(tables: Iterable[StatisticsTable]) -> pl.DataFrame:
    """All tables' :meth:`~StatisticsTable.long_rows` stacked into one frame."""
    frames = [table.long_rows() for table in tables]
    if not frames:
        return pl.DataFrame(schema=LONG_SCHEMA)
    return pl.concat(frames, how="vertical")


def _encode_key(name: str) -> str:
    return name.replace("%", "%25").replace("|", "%7C").replace("=", "%3D")


def _encode_value(expr: pl.Expr) -> pl.Expr:
    return (
        expr.fill_null("")
        .str.replace_all("%", "%25", literal=True)
        .str.replace_all("|", "%7C", literal=True)
        .str.replace_all("=", "%3D", literal=True)
    )


def finalise(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    dataset: str,
    source_format: str,
    dimensions: Iterable[str],
    source_path: Path | None = None,
    title: str | None = None,
    unit: str | None = None,
    notes: Iterable[str] = (),
) -> StatisticsTable:
    """Give a parser's frame the tidy column order and types, sort it, check its key.

    ``frame`` must hold the dimension columns, ``region``, ``period``, ``value``, ``flag``
    and optionally ``dataset``. Rows are sorted by dimensions, region and period so that two
    formats of one dataset compare equal row by row. A duplicated key (dimensions, region,
    period) means the file was misread, so it raises instead of loading ambiguous numbers.
    """
    dimensions = list(dimensions)
    clash = [name for name in dimensions if name in RESERVED_COLUMNS]
    if clash:
        raise StatisticsFormatError(
            f"{source_path or dataset}: dimension names {clash} clash with the tidy columns "
            f"{list(RESERVED_COLUMNS)}"
        )
    lazy = frame.lazy()
    if "dataset" not in lazy.collect_schema().names():
        lazy = lazy.with_columns(pl.lit(dataset).alias("dataset"))
    key = [*dimensions, "region", "period"]
    rows = (
        lazy.select(
            pl.col("dataset").cast(pl.String),
            *[pl.col(name).cast(pl.String) for name in dimensions],
            pl.col("region").cast(pl.String),
            pl.col("period").cast(pl.String),
            pl.col("value").cast(pl.Float64),
            pl.col("flag").cast(pl.String),
        )
        .sort(key, nulls_last=True)
        .collect()
    )
    duplicated = rows.select(key).is_duplicated()
    if duplicated.any():
        example = rows.filter(duplicated).row(0, named=True)
        raise StatisticsFormatError(
            f"{source_path or dataset}: {int(duplicated.sum())} rows share a key "
            f"(dimensions, region, period), e.g. {example}"
        )
    return StatisticsTable(
        dataset=dataset,
        source_format=source_format,
        dimensions=dimensions,
        rows=rows,
        source_path=source_path,
        title=title,
        unit=unit,
        notes=list(notes),
    )


# --- periods ---------------------------------------------------------------------------

_PERIOD_REWRITES: tuple[tuple[str, str], ...] = (
    (r"^(\d{4})M(\d{2})D(\d{2})$", "${1}-${2}-${3}"),  # old Eurostat daily: 2016M03D01
    (r"^(\d{4})M(\d{2})$", "${1}-${2}"),  # Eurostat monthly: 2016M03
    (r"^(\d{4})-?([QSW])(\d{1,2})$", "${1}${2}${3}"),  # 2016-Q1, 2016Q1, 2016-S1, 2016W05
)


def normalise_period(expr: pl.Expr) -> pl.Expr:
    """Eurostat/ECB period spellings to the tidy ones (``2016M03`` → ``2016-03``)."""
    out = expr.cast(pl.String).str.strip_chars()
    for pattern, replacement in _PERIOD_REWRITES:
        out = out.str.replace(pattern, replacement)
    return out


def span_period(year: int, first_month: int, last_month: int) -> str:
    """The shortest tidy name of the months ``first_month..last_month`` of ``year``.

    Whole year ``2015``, half year ``2015S1``, quarter ``2015Q2``, month ``2015-03``; any
    other span is the ISO 8601 interval ``2015-01/2015-09``.
    """
    if not 1 <= first_month <= last_month <= 12:
        raise ValueError(f"not a span of months: {first_month}..{last_month}")
    if (first_month, last_month) == (1, 12):
        return f"{year}"
    if (first_month, last_month) in ((1, 6), (7, 12)):
        return f"{year}S{1 if first_month == 1 else 2}"
    if last_month - first_month == 2 and first_month % 3 == 1:
        return f"{year}Q{(first_month + 2) // 3}"
    if first_month == last_month:
        return f"{year}-{first_month:02d}"
    return f"{year}-{first_month:02d}/{year}-{last_month:02d}"


# --- names -----------------------------------------------------------------------------

_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya",
    }
)  # fmt: skip


def dataset_code_from_path(path: Path) -> str:
    """A dataset code from a file name: ``nama_10r_2gdp.tsv.gz`` → ``nama_10r_2gdp``.

    Cyrillic is transliterated and anything but letters, digits and ``-`` becomes ``_``,
    so Rosstat's «365-367 численность работников….xls» gets an ASCII code.
    """
    stem = path.name.split(".")[0] or path.stem
    text = unicodedata.normalize("NFKC", stem).lower().translate(_CYRILLIC_TO_LATIN)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9-]+", "_", text).strip("_") or "dataset"

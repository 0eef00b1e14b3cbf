"""One entry point for every statistics file: detect the format, dispatch, convert.

``read_statistics_file`` looks at the bytes (gzip/zip/OLE2 magic, first text line), not
at the file name, and hands the file to the matching parser. Every parser returns the
same tidy :class:`~pipelines.statistics.tidy.StatisticsTable`, so callers (the ingest
assets, ``cci stats-convert``) never branch on the format.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipelines.statistics import detect
from pipelines.statistics.ecb import read_ecb_table
from pipelines.statistics.eurostat import read_eurostat_sdmx_csv, read_eurostat_tsv
from pipelines.statistics.jsonstat import read_jsonstat
from pipelines.statistics.rosstat import read_fedstat_csv, read_rosstat_table
from pipelines.statistics.sources import open_source
from pipelines.statistics.tidy import StatisticsTable

OUTPUT_SUFFIXES = (".csv", ".parquet")


def detect_statistics_format(path: Path | str) -> str:
    """The format name ``read_statistics_file`` would use (see :mod:`.detect`)."""
    return detect.detect_format(open_source(path))


def read_statistics_file(
    path: Path | str,
    *,
    dataset: str | None = None,
    sheet: str | None = None,
    keep_missing: bool = False,
) -> StatisticsTable:
    """Read any supported statistics file into the tidy shape.

    ``dataset`` overrides the dataset code (otherwise taken from the file's content or
    name); ``sheet`` picks a workbook sheet for Rosstat tables; ``keep_missing`` keeps
    observations marked missing without a flag (as null values). Raises
    :class:`~pipelines.statistics.tidy.StatisticsFormatError` naming the file and the
    expected formats when the content is not recognised.
    """
    source = open_source(path)
    found = detect.detect_format(source)
    if found == detect.EUROSTAT_TSV:
        return read_eurostat_tsv(source, dataset=dataset, keep_missing=keep_missing)
    if found == detect.EUROSTAT_SDMX_CSV:
        return read_eurostat_sdmx_csv(source, dataset=dataset, keep_missing=keep_missing)
    if found == detect.JSON_STAT:
        return read_jsonstat(source, dataset=dataset, keep_missing=keep_missing)
    if found in (detect.ROSSTAT_XLS, detect.ROSSTAT_XLSX):
        return read_rosstat_table(source, dataset=dataset, sheet=sheet, keep_missing=keep_missing)
    if found == detect.FEDSTAT_CSV:
        return read_fedstat_csv(source, dataset=dataset, keep_missing=keep_missing)
    if found == detect.ECB_EUROFXREF:
        return read_ecb_table(source)
    raise detect.unknown_format(source, f"no reader for {found}")  # pragma: no cover


def convert_file(
    path: Path | str,
    output: Path | str,
    *,
    dataset: str | None = None,
    sheet: str | None = None,
    keep_missing: bool = False,
) -> StatisticsTable:
    """Read ``path`` and write its tidy rows to ``output`` (``.csv`` or ``.parquet``).

    The file is written to a temporary name beside ``output`` and moved into place, so a
    failed conversion never leaves a half-written file. Returns the table that was
    written; the keyword arguments are those of :func:`read_statistics_file`.
    """
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise ValueError(f"output must end in one of {OUTPUT_SUFFIXES}, not {output.name!r}")
    table = read_statistics_file(path, dataset=dataset, sheet=sheet, keep_missing=keep_missing)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(
        prefix=f".{output.name}.", suffix=".part", dir=output.parent
    )
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        if suffix == ".csv":
            table.rows.write_csv(temporary)
        else:
            table.rows.write_parquet(temporary)
        os.replace(temporary, output)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return table

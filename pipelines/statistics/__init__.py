"""Generic statistics parsers and the region code dimension.

Read any supported file with :func:`read_statistics_file`; every format (Eurostat bulk
TSV, SDMX-CSV and JSON-stat; Rosstat .xls/.xlsx tables and fedstat CSV exports; the
ECB's reference rates) comes back as a :class:`StatisticsTable` in one tidy shape (see
:mod:`pipelines.statistics.tidy`). Regions are coded by :mod:`pipelines.statistics.regions`.
"""

from pipelines.statistics.ecb import (
    annual_average_rates,
    average_rates,
    monthly_average_rates,
    read_ecb_rates,
)
from pipelines.statistics.eurostat import fetch_eurostat, read_eurostat_sdmx_csv, read_eurostat_tsv
from pipelines.statistics.jsonstat import read_jsonstat
from pipelines.statistics.reader import convert_file, detect_statistics_format, read_statistics_file
from pipelines.statistics.regions import (
    map_nuts,
    map_nuts_relations,
    match_russian_region,
    normalise_region_code,
    nuts_correspondence,
    region_dimension,
)
from pipelines.statistics.rosstat import read_fedstat_csv, read_rosstat_table
from pipelines.statistics.tidy import (
    LONG_SCHEMA,
    StatisticsFormatError,
    StatisticsTable,
    concat_long_rows,
    long_rows,
)

__all__ = [
    "LONG_SCHEMA",
    "StatisticsFormatError",
    "StatisticsTable",
    "annual_average_rates",
    "average_rates",
    "concat_long_rows",
    "convert_file",
    "detect_statistics_format",
    "fetch_eurostat",
    "long_rows",
    "map_nuts",
    "map_nuts_relations",
    "match_russian_region",
    "monthly_average_rates",
    "normalise_region_code",
    "nuts_correspondence",
    "read_ecb_rates",
    "read_eurostat_sdmx_csv",
    "read_eurostat_tsv",
    "read_fedstat_csv",
    "read_jsonstat",
    "read_rosstat_table",
    "read_statistics_file",
    "region_dimension",
]

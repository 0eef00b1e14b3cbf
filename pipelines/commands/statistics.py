"""`cci stats-convert` and `cci stats-fetch`: regional statistics files from the command line.

    cci stats-convert FILE [-o OUT.csv|OUT.parquet] [--dataset CODE] [--sheet NAME] [--keep-missing]
    cci stats-fetch DATASET [--format tsv|sdmx-csv] [--dest DIR] [--data-dir DIR]

`stats-convert` reads any file the parsers know (Eurostat TSV/SDMX-CSV/JSON-stat, Rosstat
xls/xlsx, fedstat CSV, ECB rates) into the tidy shape and writes it; `stats-fetch` downloads a
Eurostat dataset into `raw/statistics/eurostat/`, where the next `cci run` picks it up.
"""

from __future__ import annotations

import argparse
import urllib.error
from collections import Counter
from pathlib import Path

from pipelines import settings
from pipelines.cli_support import CliError, add_data_dir, configure

FETCH_FORMATS = ("tsv", "sdmx-csv")


def summarise(table) -> list[str]:
    """A few lines a person can check a conversion by: what was read, how much, which flags."""
    rows = table.rows
    regions = rows.get_column("region").drop_nulls()
    periods = sorted(rows.get_column("period").drop_nulls().unique().to_list())
    flags = Counter(flag for flag in rows.get_column("flag").to_list() if flag)
    lines = [
        f"dataset {table.dataset} ({table.source_format}): {rows.height} observations",
        f"  regions {regions.n_unique()}, periods {len(periods)}"
        + (f" ({periods[0]} – {periods[-1]})" if periods else ""),
    ]
    if table.title:
        lines.append(f"  title: {table.title}")
    if table.dimensions:
        lines.append(f"  dimensions: {', '.join(table.dimensions)}")
    if table.unit:
        lines.append(f"  unit: {table.unit}")
    lines.append("  flags: " + (", ".join(f"{flag} {n}" for flag, n in sorted(flags.items())) or "none"))
    missing_values = rows.get_column("value").null_count()
    if missing_values:
        lines.append(f"  observations without a value (flagged): {missing_values}")
    return lines


def cmd_stats_convert(args: argparse.Namespace) -> int:
    from pipelines.statistics import StatisticsFormatError, convert_file
    from pipelines.statistics.tidy import dataset_code_from_path

    source = Path(args.file)
    if not source.is_file():
        raise CliError(f"{source}: no such file")
    output = Path(args.output) if args.output else Path.cwd() / f"{args.dataset or dataset_code_from_path(source)}.csv"
    if output.suffix.lower() not in (".csv", ".parquet"):
        raise CliError(f"{output}: the output must end in .csv or .parquet")
    if output.resolve() == source.resolve():
        raise CliError(f"{output}: the output would overwrite the input")
    try:
        table = convert_file(source, output, dataset=args.dataset, sheet=args.sheet, keep_missing=args.keep_missing)
    except StatisticsFormatError as error:
        raise CliError(str(error)) from error
    except (ValueError, KeyError) as error:
        raise CliError(f"{source}: {error}") from error
    for line in summarise(table):
        print(line)
    print(f"wrote {output}")
    return 0


def cmd_stats_fetch(args: argparse.Namespace) -> int:
    configure(args)
    from pipelines.statistics import StatisticsFormatError, fetch_eurostat, read_statistics_file

    dest = Path(args.dest) if args.dest else settings.raw_dir() / "statistics" / "eurostat"
    try:
        path = fetch_eurostat(args.dataset, dest, args.format)
    except ValueError as error:  # StatisticsFormatError is one: the answer was not the data
        raise CliError(str(error)) from error
    except urllib.error.HTTPError as error:
        raise CliError(f"Eurostat answered {error.code} {error.reason} for {args.dataset}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise CliError(f"could not download {args.dataset}: {reason}") from error
    try:
        table = read_statistics_file(path)
    except StatisticsFormatError as error:
        raise CliError(f"{path} was downloaded but cannot be read: {error}") from error
    print(f"downloaded {path} ({path.stat().st_size:,} bytes)")
    for line in summarise(table):
        print(line)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    convert = subparsers.add_parser(
        "stats-convert",
        help="read a Eurostat/Rosstat/fedstat/ECB file and write its tidy rows (CSV or Parquet)",
        description="Detects the format from the content, converts it to the tidy shape "
                    "(dataset, dimensions, region, period, value, flag) and prints a summary.",
    )
    convert.add_argument("file", help="the statistics file (any supported format, gzip or zip allowed)")
    convert.add_argument("-o", "--output", help="OUT.csv or OUT.parquet (default: ./<dataset>.csv)")
    convert.add_argument("--dataset", help="dataset code to use instead of the one found in the file")
    convert.add_argument("--sheet", help="workbook sheet of a Rosstat table (default: the first with data)")
    convert.add_argument("--keep-missing", action="store_true",
                         help="keep observations marked missing without a flag, as null values")
    convert.set_defaults(handler=cmd_stats_convert)

    fetch = subparsers.add_parser(
        "stats-fetch",
        help="download a Eurostat dataset into raw/statistics/eurostat/",
        description="Downloads DATASET from the Eurostat API; the file replaces an older copy only "
                    "when the answer really is the requested format.",
    )
    fetch.add_argument("dataset", help="Eurostat dataset code, e.g. demo_r_pjanaggr3")
    fetch.add_argument("--format", choices=FETCH_FORMATS, default="tsv", help="bulk TSV (default) or SDMX-CSV")
    fetch.add_argument("--dest", help="directory to write to (default: <data dir>/raw/statistics/eurostat)")
    add_data_dir(fetch)
    fetch.set_defaults(handler=cmd_stats_fetch)

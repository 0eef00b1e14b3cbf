"""`cci export`, `cci close-period`, `cci deliveries`: funder deliveries from the published marts.

    cci export JC 2016Q1          write (or keep) one delivery; without PERIOD every one due
    cci close-period JC 2016Q1    freeze the latest version; later corrections become v2, v3, …
    cci deliveries JC             list the project's deliveries, versions and states
"""

from __future__ import annotations

import argparse
import datetime as dt

from pipelines import settings
from pipelines.cli_support import CliError, add_data_dir, configure


def cmd_export(args: argparse.Namespace) -> int:
    configure(args)
    from pipelines import publish
    from pipelines.defs.exports import today_for_deliveries
    from pipelines.exports.content import load_iati_config
    from pipelines.exports.deliver import write_deliveries
    from pipelines.exports.source import MartSource
    from pipelines.exports.state import STATE_FILE

    as_of = args.as_of or today_for_deliveries()
    source = MartSource.from_release(publish.current_release())
    try:
        results = write_deliveries(
            source, settings.exports_dir(), as_of=as_of, project_id=args.project,
            period_id=args.period, iati_config=load_iati_config(settings.raw_dir()),
            state_path=settings.data_dir() / STATE_FILE,
        )
    except ValueError as error:
        raise CliError(str(error)) from error
    if not results:
        print(f"{args.project}: no reporting period is finished as of {as_of}")
    for result in results:
        print(f"{result.project_id} {result.period_id}: v{result.version} {result.action.replace('_', ' ')}"
              f"  {result.path}")
    return 0


def cmd_close_period(args: argparse.Namespace) -> int:
    configure(args)
    from pipelines.exports.periods import period_kind
    from pipelines.exports.store import close_period

    try:
        period_kind(args.period)
        version, newly = close_period(settings.exports_dir(), args.project, _normalise(args.period))
    except ValueError as error:
        raise CliError(str(error)) from error
    state = "closed" if newly else "was already closed"
    print(f"{args.project} {_normalise(args.period)}: v{version} {state}; "
          f"a later correction will be delivered as v{version + 1} with a change log")
    return 0


def cmd_deliveries(args: argparse.Namespace) -> int:
    configure(args)
    from pipelines.exports.store import delivery_states

    states = delivery_states(settings.exports_dir(), args.project)
    if not states:
        raise CliError(f"no deliveries for {args.project} in {settings.exports_dir()}: run `cci run` or `cci export`")
    print(f"{'period':<9} {'version':<8} {'state':<7} {'closed':<10} {'suppressed':>10}  build")
    for s in states:
        closed = ",".join(f"v{v}" for v in s.closed_versions) or "-"
        suppressed = "" if s.suppressed_cells is None else str(s.suppressed_cells)
        print(f"{s.period_id:<9} {'v' + str(s.latest_version):<8} {'closed' if s.is_closed else 'open':<7} "
              f"{closed:<10} {suppressed:>10}  {s.build_id}")
    return 0


def _normalise(period: str) -> str:
    text = period.strip()
    return text.lower() if text.lower() == "final" else text.upper()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}") from error


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser(
        "export", help="write funder deliveries (XLSX, CSV, IATI XML) from the published marts")
    export.add_argument("project", help="project id, e.g. JC")
    export.add_argument("period", nargs="?", default=None,
                        help="YYYY-MM, YYYYQn or final (default: every period finished by --as-of)")
    export.add_argument("--as-of", type=_date, default=None,
                        help="deliver periods finished before this date (default: today, Europe/Helsinki)")
    add_data_dir(export)
    export.set_defaults(handler=cmd_export)

    close = subparsers.add_parser(
        "close-period", help="freeze a delivery: later corrections become a new version with a change log")
    close.add_argument("project")
    close.add_argument("period", help="YYYY-MM, YYYYQn or final")
    add_data_dir(close)
    close.set_defaults(handler=cmd_close_period)

    listing = subparsers.add_parser("deliveries", help="list a project's funder deliveries and their versions")
    listing.add_argument("project")
    add_data_dir(listing)
    listing.set_defaults(handler=cmd_deliveries)

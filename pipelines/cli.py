"""`cci`: the command line for what users of the warehouse do.

    cci run [--data-dir DIR]         build everything: ingest, dbt, checks, publish, dashboards, exports
    cci sql "SELECT …"               read-only SQL on the published marts
    cci demo-data [--data-dir DIR] [--scale N]   write the synthetic demo raw files (or a programme of N)
    cci init-secret                  create the HMAC secret for pseudonymous keys (outside the repository)
    cci prepare                      parse the dbt project (the manifest Dagster loads)
    cci docs [--serve]               build (and serve) the dbt documentation: the data dictionary

Domain commands (checking a file, erasure, statistics conversion, …) live in
`pipelines/commands/`. Every command exits non-zero with a one-line reason when it fails.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path

import pipelines.commands
from pipelines import settings
from pipelines.cli_support import CliError, add_data_dir, configure


def _dbt(args: list[str]) -> None:
    from dagster_dbt import DbtCliResource

    from pipelines.dbt_project import cci_dbt_project

    DbtCliResource(project_dir=cci_dbt_project).cli(args, raise_on_error=True).wait()


def cmd_prepare(args: argparse.Namespace) -> int:
    configure(args)
    from pipelines.dbt_project import cci_dbt_project

    cci_dbt_project.preparer.prepare(cci_dbt_project)
    print(f"dbt manifest ready: {cci_dbt_project.manifest_path}")
    return 0


def _ensure_manifest() -> None:
    from pipelines.dbt_project import cci_dbt_project

    if not cci_dbt_project.manifest_path.exists():
        cci_dbt_project.preparer.prepare(cci_dbt_project)


def cmd_init_secret(args: argparse.Namespace) -> int:
    from pipelines import privacy

    path = settings.secret_file()
    existed = path.exists()
    privacy.create_secret(path)
    print(f"HMAC secret {'already present' if existed else 'created'}: {path}")
    return 0


def _participations(text: str) -> int:
    from pipelines.demo.scale import ProgrammeShape

    value = int(text.replace("_", "").replace(",", ""))
    try:
        ProgrammeShape.for_participations(value)  # the generator's own bounds
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


def cmd_demo_data(args: argparse.Namespace) -> int:
    data = configure(args)
    if args.scale:
        # a programme of many projects for benchmarks and scale tests (1 project per 10,000)
        from pipelines.demo.scale import generate_programme

        programme = generate_programme(data, args.scale, seed=args.seed, overwrite=args.overwrite)
        summary = (f"{programme.shape.projects:,} projects, {programme.shape.events:,} events, "
                   f"{programme.registration_files:,} registration files, {programme.registration_rows:,} rows, "
                   f"{programme.participations:,} participations of {programme.unique_participants:,} persons"
                   + ("" if programme.generated else " (already there)"))
    else:
        from pipelines.demo.generator import generate_demo_data

        summary = generate_demo_data(data, seed=args.seed, overwrite=args.overwrite)
    print(f"Synthetic demo data in {data / 'raw'} (ground truth: {data / 'ground_truth'})")
    print(summary)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    data = configure(args)
    if not settings.raw_dir().is_dir():
        raise CliError(f"No raw data at {settings.raw_dir()}: add files (see data/raw/README.md) or run `cci demo-data`")
    if not settings.secret_file().exists():
        raise CliError(f"no HMAC secret at {settings.secret_file()}: create one with `cci init-secret`")
    home = os.environ.get("DAGSTER_HOME")
    if home and not Path(home).is_dir():
        raise CliError(f"DAGSTER_HOME {home} is not a directory: create it (`make demo` and `make ui` do) "
                       "or unset DAGSTER_HOME for a run without history")
    settings.warehouse_db().parent.mkdir(parents=True, exist_ok=True)
    _ensure_manifest()

    import dagster as dg

    from pipelines.definitions import defs

    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("warehouse_refresh")
    log_level = "DEBUG" if args.verbose else "WARNING"
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
    )
    failed_checks = [
        event.event_specific_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION" and not event.event_specific_data.passed
    ]
    for evaluation in failed_checks:
        print(f"check failed: {evaluation.asset_key.to_user_string()} {evaluation.check_name}", file=sys.stderr)
    if not result.success:
        failed_steps = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        raise CliError(
            f"build failed (steps: {', '.join(failed_steps) or 'none'}; "
            f"checks: {len(failed_checks)} failed); the previously published marts are unchanged"
        )
    print_summary(data)
    return 0


def print_summary(data: Path) -> None:
    from pipelines import publish

    marts = publish.read_published(["dim_projects", "fct_indicator_values", "build_metadata"])
    info = marts["build_metadata"].row(0, named=True)
    indicators = marts["fct_indicator_values"]
    banner = "  [SYNTHETIC DEMO DATA]" if info["is_synthetic"] else ""
    print(f"\nBuild {info['build_id']}{banner}")
    for project in marts["dim_projects"].iter_rows(named=True):
        ptd = indicators.filter(
            (indicators["project_id"] == project["project_id"])
            & (indicators["period_type"] == "project_to_date")
            & (indicators["disaggregation"] == "total")
        )
        values = {row["indicator_code"]: row for row in ptd.iter_rows(named=True)}
        unique = values.get("unique_participants", {})
        target = project["participant_target"]
        status = ""
        if target:
            status = "target reached" if unique.get("value", 0) >= target else "below target"
        print(f"  {project['project_id']} {project['project_name']} ({project['start_date']} – {project['end_date']})")
        print(
            f"    unique participants {int(unique.get('value', 0))} / target {target} "
            f"({unique.get('achievement_pct')} %, {status})"
        )
        for code in ("participations", "events_held", "organisations_participating", "cross_border_participations"):
            if code in values:
                print(f"    {values[code]['indicator_name'].lower()}: {int(values[code]['value'])}")
    release = publish.current_release()
    print(f"\nMarts:      {settings.published_dir()} -> {release.name} (marts.duckdb + Parquet)")
    print(f"Dashboards: {settings.dashboards_dir()}")
    print(f"Exports:    {settings.exports_dir()}")
    print('Query:      cci sql "select * from fct_indicator_values where period_type = \'project_to_date\'"')


def cmd_sql(args: argparse.Namespace) -> int:
    configure(args)
    import duckdb

    from pipelines import publish

    database = publish.current_release() / "marts.duckdb"
    con = duckdb.connect(str(database), read_only=True)
    try:
        relation = con.sql(args.query)
    except duckdb.Error as error:
        raise CliError(f"SQL error: {error}") from error
    if relation is None:
        return 0
    frame = relation.pl()
    if args.format == "csv":
        sys.stdout.write(frame.write_csv())
    elif args.format == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        import polars as pl

        with pl.Config(tbl_rows=args.max_rows, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200,
                       tbl_hide_dataframe_shape=False):
            print(frame)
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    configure(args)
    _ensure_manifest()
    _dbt(["docs", "generate"])
    if args.serve:
        _dbt(["docs", "serve", "--host", "127.0.0.1", "--port", str(args.port)])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cci", description="Impact warehouse for CCI cooperation programmes.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="build the whole warehouse (ingest → dbt → checks → publish → outputs)")
    run.add_argument("--verbose", action="store_true", help="print every Dagster event")
    add_data_dir(run)
    run.set_defaults(handler=cmd_run)

    sql = commands.add_parser("sql", help="read-only SQL on the published marts")
    sql.add_argument("query")
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sql.add_argument("--max-rows", type=int, default=50)
    add_data_dir(sql)
    sql.set_defaults(handler=cmd_sql)

    demo = commands.add_parser("demo-data", help="write the synthetic demo raw files (if absent)")
    demo.add_argument("--seed", type=int, default=2016)
    demo.add_argument("--overwrite", action="store_true", help="regenerate even if demo files exist")
    demo.add_argument("--scale", type=_participations, metavar="N",
                      help="a programme of N true participations (up to 10,000,000: N/10,000 projects, "
                           "N/100 events, N/5 persons) instead of the one-project demo")
    add_data_dir(demo)
    demo.set_defaults(handler=cmd_demo_data)

    secret = commands.add_parser("init-secret", help="create the HMAC secret if missing")
    secret.set_defaults(handler=cmd_init_secret)

    prepare = commands.add_parser("prepare", help="parse the dbt project into target/manifest.json")
    prepare.set_defaults(handler=cmd_prepare)

    docs = commands.add_parser("docs", help="build the dbt docs (data dictionary)")
    docs.add_argument("--serve", action="store_true")
    docs.add_argument("--port", type=int, default=8080)
    add_data_dir(docs)
    docs.set_defaults(handler=cmd_docs)

    for module in pkgutil.iter_modules(pipelines.commands.__path__):
        importlib.import_module(f"pipelines.commands.{module.name}").register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except CliError as error:
        print(f"cci {args.command}: {error}", file=sys.stderr)
        return 1
    except FileNotFoundError as error:
        print(f"cci {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

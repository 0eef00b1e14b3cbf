"""The registration features on the demo data, through Dagster: a malformed export among the
demo files, re-ingestion, and erasure of one person who attended two events.

One full build (the whole graph, publish included) with a broken file added; then two rebuilds
of the part of the graph the participation marts depend on (ingest → dbt → those marts and their
checks): one with nothing changed, one after `cci forget`. Expected values come from the demo
generator's ground truth and its population (which the pipeline never reads).
"""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines import privacy, settings
from pipelines.cli import main

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("registration_ingest")]

PARTICIPATION_MARTS = ("fct_indicator_values", "dim_persons", "fct_participations")
BROKEN_FILE = "registrations/JC-E04/crm_dump_2016.csv"
XLSX_EVENTS = {"JC-E02", "JC-E07", "JC-E08", "JC-E11", "NB-CCI-E04"}


def _environment(data_dir: Path, secret: Path) -> dict[str, str]:
    return {
        settings.DATA_DIR_ENV: str(data_dir),
        settings.WAREHOUSE_DB_ENV: str(data_dir / "warehouse" / "warehouse.duckdb"),
        settings.SECRET_FILE_ENV: str(secret),
    }


def _run(environment: dict[str, str], selection: dg.AssetSelection | None = None) -> dg.ExecuteInProcessResult:
    from pipelines.definitions import defs

    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        Path(environment[settings.WAREHOUSE_DB_ENV]).parent.mkdir(parents=True, exist_ok=True)
        job = defs.resolve_job_def("warehouse_refresh")
        keys = None
        if selection is not None:
            graph = defs.resolve_asset_graph()
            keys = [key for key in selection.resolve(graph) if graph.get(key).is_executable]
        return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
                                      asset_selection=keys)


def _rebuild_participation_marts(environment):
    selection = (dg.AssetSelection.assets(*[["marts", mart] for mart in PARTICIPATION_MARTS]).upstream()
                 .required_multi_asset_neighbors())
    result = _run(environment, selection)
    assert result.success, [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    return result


def _cli(environment, argv: list[str]) -> int:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        return main(argv)


def _warehouse(environment, query: str) -> pl.DataFrame:
    con = duckdb.connect(environment[settings.WAREHOUSE_DB_ENV], read_only=True)
    try:
        return con.sql(query).pl()
    finally:
        con.close()


def _unique_participants(frame: pl.DataFrame) -> dict[str, float]:
    rows = frame.filter((pl.col("indicator_code") == "unique_participants") & (pl.col("period_type") == "project_to_date")
                        & (pl.col("disaggregation") == "total"))
    return dict(zip(rows["project_id"], rows["value"]))


def _person_to_forget(seed: int) -> tuple[str, str, list[str]]:
    """From the generator's population: a consenting person who attended exactly two events of
    one project, one listed in an xlsx and one in a text export, always under the same email."""
    from pipelines.demo.generator import _stream
    from pipelines.demo.population import build_world
    from pipelines.demo.programme import EVENTS_BY_ID
    from pipelines.demo.registration_files import plan_files

    world = build_world(_stream(seed, "world"))
    rows: dict[str, list] = {}
    for registration_file in plan_files(_stream(seed, "registrations"), world.attendance, world.persons):
        for row in registration_file.rows:
            if row.kind == "person":
                rows.setdefault(row.person.person_id, []).append((registration_file.spec.event_id, row))
    for person_id in sorted(rows):
        items = rows[person_id]
        person = items[0][1].person
        events = sorted(event for event, _ in items)
        if (len(items) == 2 and len(set(events)) == 2 and person.research_consent
                and all(row.attended and row.email == person.email for _, row in items)
                and len({EVENTS_BY_ID[e].project_id for e in events}) == 1
                and len(set(events) & XLSX_EVENTS) == 1):
            return person.email, EVENTS_BY_ID[events[0]].project_id, events
    raise AssertionError("the demo population has no such person")


def _text_of(path: Path, encoding: str | None) -> str:
    """Every cell of a workbook, or the decoded text of a text export."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                         for value in row if value is not None)
    return path.read_bytes().decode(encoding or "utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipelines.demo.generator import generate_demo_data

    data_dir = tmp_path_factory.mktemp("data")
    secret = privacy.create_secret(tmp_path_factory.mktemp("secret") / "secret.key")
    generate_demo_data(data_dir, seed=2016)
    broken = data_dir / "raw" / BROKEN_FILE
    broken.write_text("Kundnummer;Kontakt;Land\n1001;2002;3\n1002;2003;3\n", encoding="utf-8")
    environment = _environment(data_dir, secret)
    result = _run(environment)
    assert result.success, [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    truth = json.loads((data_dir / "ground_truth" / "demo_ground_truth.json").read_text())
    release = (data_dir / "marts" / "current").resolve()
    return {"data_dir": data_dir, "environment": environment, "truth": truth, "release": release, "result": result}


def test_a_malformed_file_fails_alone_and_the_build_still_publishes(built):
    assert built["release"].is_dir()
    files = _warehouse(built["environment"], "select _source_file, status, error from raw.registration_files")
    failed = files.filter(pl.col("status") == "failed")
    assert failed["_source_file"].to_list() == [BROKEN_FILE]
    assert BROKEN_FILE in failed["error"][0] and "mapping.yml" in failed["error"][0]
    assert sorted(files.filter(pl.col("status") == "loaded")["_source_file"]) == sorted(built["truth"]["files"])

    evaluations = [e.event_specific_data for e in built["result"].all_events
                   if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    warning = next(e for e in evaluations if e.check_name == "every_file_loaded")
    assert not warning.passed and warning.severity == dg.AssetCheckSeverity.WARN
    assert [f["_source_file"] for f in warning.metadata["failed_files"].value] == [BROKEN_FILE]
    # every other check passed, blocking or not
    assert [e.check_name for e in evaluations if not e.passed] == ["every_file_loaded"]

    published = pl.read_parquet(built["release"] / "fct_indicator_values.parquet")
    expected = {project: float(t["unique_participants"]) for project, t in built["truth"]["projects"].items()}
    assert _unique_participants(published) == expected


def test_reingesting_the_same_files_changes_neither_raw_tables_nor_marts(built):
    environment = built["environment"]
    raw_tables = ("registrations", "registration_quarantine", "registration_files", "registrations_superseded",
                  "person_identities")

    def snapshot() -> dict[str, pl.DataFrame]:
        tables = {f"raw.{t}": _warehouse(environment, f"select * from raw.{t}").drop("_ingested_at", strict=False)
                  for t in raw_tables}
        tables |= {f"marts.{m}": _warehouse(environment, f"select * from marts.{m}") for m in PARTICIPATION_MARTS}
        return {name: frame.sort(frame.columns, nulls_last=True) for name, frame in tables.items()}

    before = snapshot()
    for mart in PARTICIPATION_MARTS:  # the warehouse still holds exactly what the full build published
        published = pl.read_parquet(built["release"] / f"{mart}.parquet")
        assert published.sort(published.columns, nulls_last=True).equals(before[f"marts.{mart}"]), mart
    _rebuild_participation_marts(environment)
    after = snapshot()
    for name, frame in before.items():
        assert after[name].equals(frame), name


def test_forgetting_a_person_of_two_events_removes_exactly_one_participant(built):
    environment, data_dir, truth = built["environment"], built["data_dir"], built["truth"]
    email, project, events = _person_to_forget(truth["seed"])
    raw_files = {p: p.read_bytes() for p in (data_dir / "raw").rglob("*") if p.is_file()}

    assert _cli(environment, ["forget", "--email", email]) == 0
    assert email not in (data_dir / "erasure" / "tombstones.csv").read_text(encoding="utf-8")
    _rebuild_participation_marts(environment)

    indicators = _warehouse(environment, "select * from marts.fct_indicator_values")
    expected = {p: float(t["unique_participants"]) for p, t in truth["projects"].items()}
    expected[project] -= 1
    assert _unique_participants(indicators) == expected
    participations = _warehouse(environment, "select count(*) as n from marts.fct_participations")["n"][0]
    consenting = [p for p in truth["persons"] if p.get("research_consent") is not False and p["events"]]
    assert participations == sum(len(p["events"]) for p in consenting) - 2
    assert _warehouse(environment, "select count(*) as n from marts.dim_persons")["n"][0] == len(consenting) - 1

    # the original files are still there and were ingested again: the rows stay out
    assert {p: p.read_bytes() for p in (data_dir / "raw").rglob("*") if p.is_file()} == raw_files
    staged = _warehouse(environment, "select lower(email) as email from raw.registrations")
    assert email not in staged["email"].to_list()
    erased = _warehouse(environment, "select event_id, raw_record from raw.registration_quarantine "
                                     "where reason_code = 'erased'")
    assert sorted(erased["event_id"]) == events and erased["raw_record"].null_count() == 2
    files = _warehouse(environment, "select sum(rows_erased) as n from raw.registration_files")
    assert files["n"][0] == 2


def test_purge_raw_removes_the_person_from_the_export_files_only(built):
    from pipelines.registrations.reader import read_registration_file
    from pipelines.registrations.versions import list_registration_files

    environment, data_dir = built["environment"], built["data_dir"]
    email, _, events = _person_to_forget(built["truth"]["seed"])
    raw = data_dir / "raw"
    exports = {path: folder for path, folder in list_registration_files(raw) if folder in events}
    columns = ["first_name", "last_name", "email", "phone", "organisation", "country_code", "registered_on", "attended"]
    before = {path: read_registration_file(path, folder, raw_root=raw) for path, folder in exports.items()}
    untouched = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file() and p not in exports}

    assert _cli(environment, ["forget", "--email", email, "--purge-raw"]) == 0
    for path, folder in exports.items():
        after = read_registration_file(path, folder, raw_root=raw)
        assert email not in after.staged["email"].to_list()
        assert email not in _text_of(path, after.file.encoding).lower()
        kept = before[path].staged.filter(pl.col("email") != email).select(columns)
        assert after.staged.select(columns).equals(kept)
        assert after.file.rows_read == before[path].file.rows_read - 1
    assert {p: p.read_bytes() for p in raw.rglob("*") if p.is_file() and p not in exports} == untouched

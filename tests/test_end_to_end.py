"""One materialisation of the whole graph on freshly generated demo data in a temporary data
directory, checked against the generator's ground truth (which the pipeline never reads)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines import privacy, settings

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("end_to_end")]


def _environment(data_dir: Path, secret: Path) -> dict[str, str]:
    return {
        settings.DATA_DIR_ENV: str(data_dir),
        settings.WAREHOUSE_DB_ENV: str(data_dir / "warehouse" / "warehouse.duckdb"),
        settings.SECRET_FILE_ENV: str(secret),
    }


def _build(environment: dict[str, str]) -> dg.ExecuteInProcessResult:
    from pipelines.definitions import defs

    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        Path(environment[settings.WAREHOUSE_DB_ENV]).parent.mkdir(parents=True, exist_ok=True)
        job = defs.resolve_job_def("warehouse_refresh")
        return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipelines.demo.generator import generate_demo_data

    data_dir = tmp_path_factory.mktemp("data")
    secret = privacy.create_secret(tmp_path_factory.mktemp("secret") / "secret.key")
    generate_demo_data(data_dir, seed=2016)
    environment = _environment(data_dir, secret)
    result = _build(environment)
    assert result.success, [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    truth = json.loads((data_dir / "ground_truth" / "demo_ground_truth.json").read_text())
    release = (data_dir / "marts" / "current").resolve()
    return {"data_dir": data_dir, "environment": environment, "truth": truth, "release": release, "result": result}


def _published(built, table: str) -> pl.DataFrame:
    return pl.read_parquet(built["release"] / f"{table}.parquet")


def test_unique_participants_per_project_match_the_ground_truth(built):
    indicators = _published(built, "fct_indicator_values")
    for project_id, truth in built["truth"]["projects"].items():
        row = indicators.filter(
            (pl.col("project_id") == project_id)
            & (pl.col("indicator_code") == "unique_participants")
            & (pl.col("period_type") == "project_to_date")
            & (pl.col("disaggregation") == "total")
        )
        assert row.height == 1
        assert row["value"][0] == truth["unique_participants"]
        assert row["target"][0] == truth["participant_target"]
        assert row["achievement_pct"][0] == pytest.approx(100 * truth["unique_participants"] / truth["participant_target"], abs=0.05)


def test_joining_creativity_is_shown_against_its_200_participant_target(built):
    projects = _published(built, "dim_projects")
    jc = projects.filter(pl.col("project_id") == "JC").row(0, named=True)
    assert jc["participant_target"] == 200
    assert str(jc["start_date"]).startswith("2016-02") and str(jc["end_date"]).startswith("2017-04")
    assert built["truth"]["projects"]["JC"]["unique_participants"] > 200


def test_participations_per_event_match_the_ground_truth(built):
    events = _published(built, "dim_events")
    observed = dict(zip(events["event_id"], events["participations"]))
    expected = {event_id: truth["participations"] for event_id, truth in built["truth"]["events"].items()}
    assert observed == expected


def test_participations_and_events_indicators_match_the_ground_truth(built):
    indicators = _published(built, "fct_indicator_values").filter(
        (pl.col("period_type") == "project_to_date") & (pl.col("disaggregation") == "total")
    )
    for project_id, truth in built["truth"]["projects"].items():
        values = dict(
            zip(*indicators.filter(pl.col("project_id") == project_id).select("indicator_code", "value").to_dict().values())
        )
        assert values["participations"] == truth["participations"]
        assert values["events_held"] == truth["events"]


def test_disaggregation_by_target_group_adds_up_to_the_truth(built):
    indicators = _published(built, "fct_indicator_values").filter(
        (pl.col("indicator_code") == "unique_participants")
        & (pl.col("period_type") == "project_to_date")
        & (pl.col("disaggregation") == "target_group")
    )
    for project_id, truth in built["truth"]["projects"].items():
        cells = indicators.filter(pl.col("project_id") == project_id)
        observed = dict(zip(cells["disaggregation_value"], cells["value"]))
        expected = {group: float(n) for group, n in truth["unique_participants_by_target_group"].items() if n}
        assert observed == expected


def test_person_level_marts_leave_out_persons_who_refused_research_use(built):
    truth_persons = built["truth"]["persons"]
    consenting = [p for p in truth_persons if p.get("research_consent") is not False and p["events"]]
    persons = _published(built, "dim_persons")
    assert persons.height == len(consenting)
    participations = _published(built, "fct_participations")
    assert participations.height == sum(len(p["events"]) for p in consenting)


def test_reconciliation_every_row_staged_or_quarantined(built):
    con = duckdb.connect(built["environment"][settings.WAREHOUSE_DB_ENV], read_only=True)
    try:
        files = con.sql("select _source_file, rows_read, rows_staged, rows_quarantined from raw.registration_files").pl()
    finally:
        con.close()
    truth_files = built["truth"]["files"]
    assert sorted(files["_source_file"]) == sorted(truth_files)
    for row in files.iter_rows(named=True):
        expected = truth_files[row["_source_file"]]
        assert row["rows_read"] == expected["rows_read"]
        assert row["rows_staged"] == expected["expected_staged"]
        assert row["rows_quarantined"] == sum(expected["expected_quarantined"].values())


def test_no_personal_data_in_published_marts_dashboards_or_exports(built):
    """Scan every published table, dashboard and export for the emails and names of the raw layer."""
    con = duckdb.connect(built["environment"][settings.WAREHOUSE_DB_ENV], read_only=True)
    try:
        people = con.sql("select email, first_name, last_name, phone from raw.registrations").pl()
    finally:
        con.close()
    emails = {e for e in people["email"].drop_nulls().to_list()}
    full_names = {
        f"{first} {last}" for first, last in zip(people["first_name"], people["last_name"]) if first and last
    }
    surnames = {last for last in people["last_name"].drop_nulls().to_list() if len(last) >= 5}
    assert emails and full_names and surnames

    published_text = []
    for parquet in built["release"].glob("*.parquet"):
        frame = pl.read_parquet(parquet)
        for column in frame.columns:
            if frame[column].dtype == pl.String:
                published_text += frame[column].drop_nulls().unique().to_list()
    cells = set(published_text)
    assert not cells & emails
    assert not cells & surnames
    assert not any("@" in cell for cell in cells)

    outputs = list((built["data_dir"] / "dashboards").rglob("*.html")) + [
        p for p in (built["data_dir"] / "exports").rglob("*") if p.suffix in {".csv"}
    ]
    assert outputs
    for path in outputs:
        text = path.read_text(encoding="utf-8", errors="ignore")
        leaked = [email for email in emails if email in text] + [name for name in full_names if name in text]
        assert not leaked, f"{path.name} contains personal data: {leaked[:3]}"


def test_dashboard_is_a_standalone_offline_page_marked_synthetic(built):
    html = (built["data_dir"] / "dashboards" / "overview.html").read_text(encoding="utf-8")
    assert "SYNTHETIC" in html.upper()
    # plotly.js is the snapshot folder's own copy beside the pages (nothing from a network)
    assert re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html) == ["plotly.min.js"]
    bundle = (built["data_dir"] / "dashboards" / "plotly.min.js").read_text(encoding="utf-8")
    assert re.search(r"plotly\.js v\d", bundle) and len(bundle) > 1_000_000
    assert "Plotly.newPlot" in html or "Plotly.react" in html


def test_exports_written_for_each_finished_month(built):
    exports = built["data_dir"] / "exports" / "JC"
    months = sorted(p.name for p in exports.iterdir() if p.is_dir() and "-" in p.name)
    # Joining Creativity ran from February 2016 to April 2017: 15 reporting months.
    assert months[0] == "2016-02" and months[-1] == "2017-04" and len(months) == 15
    csv_file = exports / "final" / "v1" / "indicators_JC_final.csv"
    rows = pl.read_csv(csv_file, infer_schema=False)
    ptd = rows.filter(
        (pl.col("indicator_code") == "unique_participants") & (pl.col("period_id") == "PTD")
        & (pl.col("disaggregation") == "total")
    )
    assert float(ptd["value"][0]) == built["truth"]["projects"]["JC"]["unique_participants"]


def test_published_duckdb_is_readable_and_carries_build_metadata(built):
    con = duckdb.connect(str(built["release"] / "marts.duckdb"), read_only=True)
    try:
        metadata = con.execute("select build_id, is_synthetic, code_version from build_metadata").fetchall()
        source_files = con.execute("select count(*) from build_source_files").fetchone()[0]
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    finally:
        con.close()
    assert metadata[0][1] is True
    assert source_files == sum(1 for p in (built["data_dir"] / "raw").rglob("*") if p.is_file())
    assert {"fct_indicator_values", "fct_participations", "dim_persons", "dim_events"} <= tables


def test_failed_run_leaves_previous_release_published(built, tmp_path):
    """Break the event registry (a duplicate event id fails dbt's unique test): nothing is published."""
    data_dir = tmp_path / "data"
    shutil.copytree(built["data_dir"], data_dir, symlinks=True)
    environment = {**built["environment"], **_environment(data_dir, Path(built["environment"][settings.SECRET_FILE_ENV]))}
    before = os.readlink(data_dir / "marts" / "current")
    snapshot = {p.name: p.read_bytes() for p in (data_dir / "marts" / "current").iterdir()}

    events_csv = data_dir / "raw" / "events" / "events.csv"
    lines = events_csv.read_text(encoding="utf-8").splitlines()
    events_csv.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")

    result = _build(environment)
    assert not result.success
    assert os.readlink(data_dir / "marts" / "current") == before
    assert {p.name: p.read_bytes() for p in (data_dir / "marts" / "current").iterdir()} == snapshot


def test_cci_sql_answers_from_the_published_marts(built, capsys, monkeypatch, restore_environment):
    from pipelines import cli

    monkeypatch.setenv(settings.SECRET_FILE_ENV, built["environment"][settings.SECRET_FILE_ENV])
    query = (
        "select project_id, value, target from fct_indicator_values where indicator_code = 'unique_participants' "
        "and period_type = 'project_to_date' and disaggregation = 'total' order by project_id"
    )
    assert cli.main(["sql", query, "--format", "csv", "--data-dir", str(built["data_dir"])]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "project_id,value,target"
    truth = built["truth"]["projects"]
    expected = [f"{p},{float(truth[p]['unique_participants'])},{float(truth[p]['participant_target'])}" for p in sorted(truth)]
    assert lines[1:] == expected
    # a mistyped query fails with one line, naming the problem
    assert cli.main(["sql", "select * from no_such_mart", "--data-dir", str(built["data_dir"])]) == 1
    assert "no_such_mart" in capsys.readouterr().err

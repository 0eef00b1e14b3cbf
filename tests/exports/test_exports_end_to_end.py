"""One build of the synthetic demo: the funder deliveries it writes, checked against the
generator's ground truth, the IATI schema, the suppression rule and the raw layer's personal data."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict

import dagster as dg
import duckdb
import polars as pl
import pytest
from lxml import etree

from pipelines import privacy, settings

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("exports_end_to_end")]

JC_PERIODS = (
    [f"2016-{m:02d}" for m in range(2, 13)] + [f"2017-{m:02d}" for m in range(1, 5)]
    + ["2016Q1", "2016Q2", "2016Q3", "2016Q4", "2017Q1", "2017Q2", "final"]
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipelines.definitions import defs
    from pipelines.demo.generator import generate_demo_data

    data_dir = tmp_path_factory.mktemp("data")
    secret = privacy.create_secret(tmp_path_factory.mktemp("secret") / "secret.key")
    generate_demo_data(data_dir, seed=2016)
    environment = {
        settings.DATA_DIR_ENV: str(data_dir),
        settings.WAREHOUSE_DB_ENV: str(data_dir / "warehouse" / "warehouse.duckdb"),
        settings.SECRET_FILE_ENV: str(secret),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        (data_dir / "warehouse").mkdir()
        result = defs.resolve_job_def("warehouse_refresh").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
        assert result.success, [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        # The same deliveries again from the published marts (the backfill job): nothing changes.
        rerun = defs.resolve_job_def("funder_deliveries").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            run_config={"ops": {"indicator_exports": {"config": {"project": "JC", "period": "2016Q3"}}}})
        assert rerun.success
    truth = json.loads((data_dir / "ground_truth" / "demo_ground_truth.json").read_text())
    release = (data_dir / "marts" / "current").resolve()
    return {"data_dir": data_dir, "exports": data_dir / "exports", "truth": truth, "release": release,
            "environment": environment, "rerun": rerun}


def _csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_every_reporting_period_of_joining_creativity_is_delivered(built):
    jc = built["exports"] / "JC"
    assert sorted(p.name for p in jc.iterdir()) == sorted(JC_PERIODS)
    for period in JC_PERIODS:
        files = sorted(p.name for p in (jc / period / "v1").iterdir())
        assert files == [f"iati-activity_JC_{period}.xml", f"indicators_JC_{period}.csv",
                         f"indicators_JC_{period}.xlsx", "manifest.json"], period
        assert not (jc / period / "closed.json").exists()


def test_final_report_matches_the_ground_truth(built):
    rows = _csv(built["exports"] / "JC" / "final" / "v1" / "indicators_JC_final.csv")
    ptd = {r["indicator_code"]: r for r in rows if r["period_type"] == "project_to_date" and r["disaggregation"] == "total"}
    truth = built["truth"]["projects"]["JC"]
    assert float(ptd["unique_participants"]["value"]) == truth["unique_participants"]
    assert float(ptd["unique_participants"]["target"]) == 200
    assert float(ptd["participations"]["value"]) == truth["participations"]
    assert float(ptd["events_held"]["value"]) == truth["events"]
    assert {r["is_synthetic"] for r in rows} == {"true"}


def test_iati_files_are_valid_iati_203(built, reference_data):
    schema = etree.XMLSchema(etree.parse(str(reference_data / "iati" / "schemas" / "iati-activities-schema.xsd")))
    files = sorted(built["exports"].glob("*/*/v*/iati-activity_*.xml"))
    assert len(files) >= len(JC_PERIODS)
    for path in files:
        assert schema.validate(etree.parse(str(path))), (path.name, schema.error_log)


def test_manifests_match_their_files(built):
    from pipelines.exports.store import verify_version

    manifests = sorted(built["exports"].glob("*/*/v*/manifest.json"))
    build_id = pl.read_parquet(built["release"] / "build_metadata.parquet")["build_id"][0]
    sources = {r["source_file"]: r["sha256"]
               for r in pl.read_parquet(built["release"] / "build_source_files.parquet").iter_rows(named=True)}
    owner = dict(pl.read_parquet(built["release"] / "dim_events.parquet").select("event_id", "project_id").iter_rows())
    # A project's delivery lists the build's files except other projects' registration folders.
    projects = {}
    for path in sources:
        parts = path.split("/")
        event_owner = owner.get(parts[1]) if parts[0] == "registrations" and len(parts) > 2 else None
        for project in ("JC", *sorted(set(owner.values()))):
            if event_owner in (None, project):
                projects.setdefault(project, set()).add(path)
    assert len(projects["JC"]) < len(sources)  # the other project's registrations are left out
    for path in manifests:
        assert verify_version(path.parent) == []
        manifest = json.loads(path.read_text(encoding="utf-8"))
        assert manifest["build_id"] == build_id
        listed = {s["source_file"]: s["sha256"] for s in manifest["source_files"]}
        assert set(listed) == projects[manifest["project_id"]]
        assert all(sources[p] == sha for p, sha in listed.items())


def test_small_cells_of_the_marts_are_suppressed_and_cannot_be_recomputed(built):
    """Every small cell of the published marts is suppressed in the final report; no breakdown that
    adds up leaves one suppressed cell alone or suppressed cells adding up to 1–4."""
    marts = pl.read_parquet(built["release"] / "fct_indicator_values.parquet").filter(pl.col("project_id") == "JC")
    catalogue = pl.read_parquet(built["release"] / "dim_indicators.parquet")
    additive = {r["indicator_code"]: set((r["additive_disaggregations"] or "").split(","))
                for r in catalogue.iter_rows(named=True)}
    truth = {(r["indicator_code"], r["period_type"], r["period_id"], r["disaggregation"], r["disaggregation_value"]): r
             for r in marts.iter_rows(named=True)}
    rows = _csv(built["exports"] / "JC" / "final" / "v1" / "indicators_JC_final.csv")
    assert rows
    tables = defaultdict(lambda: defaultdict(list))
    for r in rows:
        key = (r["indicator_code"], r["period_type"], r["period_id"], r["disaggregation"], r["disaggregation_value"])
        source = truth[key]
        if source["is_small_cell"]:
            assert r["flag"] == "suppressed" and r["value"] == "", key
        if r["flag"] == "suppressed":
            assert r["value"] == "" and r["achievement_pct"] == ""
        else:
            assert float(r["value"]) == pytest.approx(source["value"], abs=5e-5), key  # 4 decimals
        tables[key[:3]][r["disaggregation"]].append((r, source))
    checked = 0
    for table, families in tables.items():
        (total, total_source), = families["total"]
        for disaggregation, cells in families.items():
            if disaggregation == "total" or disaggregation not in additive[table[0]]:
                continue
            hidden = [source for r, source in cells if r["flag"] == "suppressed"]
            hidden_total = total["flag"] == "suppressed"
            if hidden or hidden_total:
                checked += 1
                assert len(hidden) + hidden_total != 1, (table, disaggregation)
                if not hidden_total:
                    assert not 0 < sum(s["value"] for s in hidden) < 5, (table, disaggregation)
    assert checked > 50


def test_no_personal_data_in_any_deliverable(built):
    con = duckdb.connect(built["environment"][settings.WAREHOUSE_DB_ENV], read_only=True)
    try:
        people = con.sql("select email, first_name, last_name from raw.registrations").pl()
    finally:
        con.close()
    emails = set(people["email"].drop_nulls().to_list())
    full_names = {f"{a} {b}" for a, b in zip(people["first_name"], people["last_name"], strict=True) if a and b}
    assert emails and full_names
    for path in sorted(built["exports"].rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                text = "".join(zf.read(n).decode("utf-8", "ignore") for n in zf.namelist())
        else:
            text = path.read_text(encoding="utf-8")
        assert "@" not in text.replace("xmlns", ""), path.name
        leaked = [name for name in full_names if name in text]
        assert not leaked, f"{path.name}: {leaked[:3]}"


def test_backfill_of_a_delivered_period_changes_nothing(built):
    materialization = built["rerun"].asset_materializations_for_node("indicator_exports")[0]
    assert materialization.metadata["deliveries_unchanged"].value == 1
    assert materialization.metadata["written"].value == []

"""The CSV and XLSX of a delivery, reproducibility, and the manifest's checksums."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import openpyxl
import polars as pl
from export_fixtures import PROJECTS, indicator_frame, marts_for

from pipelines.exports.content import COLUMNS, Provenance, build_deliveries, project_record
from pipelines.exports.deliver import write_deliveries
from pipelines.exports.periods import reporting_period
from pipelines.exports.store import MANIFEST, render_delivery, verify_version, write_delivery

D = dt.date
TP = project_record(PROJECTS, "TP")
PROVENANCE = Provenance(build_id="build-7", source_files=(("programme/projects.csv", "a" * 64, 518),))


def _content(period_id, marts=None, **kwargs):
    marts = marts or marts_for(indicator_frame())
    period = reporting_period(period_id, TP["start_date"], TP["end_date"])
    return build_deliveries(marts, project_id="TP", periods=[period], is_synthetic=kwargs.pop("synthetic", True),
                            **kwargs)[0]


def _csv_rows(content):
    files = render_delivery(content, PROVENANCE)
    data = files[f"indicators_{content.stem}.csv"]
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_month_delivery_holds_the_month_and_the_running_total():
    rows = _csv_rows(_content("2016-03"))
    assert list(rows[0]) == COLUMNS
    assert {(r["period_type"], r["period_id"]) for r in rows} == {("month", "2016-03"), ("cumulative", "2016-03")}
    assert {r["project_id"] for r in rows} == {"TP"} and {r["reporting_period"] for r in rows} == {"2016-03"}
    # month rows first; within them the catalogue's indicator order, totals first
    first = rows[0]
    assert (first["period_type"], first["indicator_code"], first["disaggregation"], first["value"]) == (
        "month", "unique_participants", "total", "23")
    running = next(r for r in rows if r["period_type"] == "cumulative" and r["disaggregation"] == "total")
    assert (running["value"], running["target"], running["achievement_pct"]) == ("26", "16", "162.5")
    assert (running["period_start"], running["period_end"]) == ("2016-02-01", "2016-03-31")


def test_suppressed_cells_are_flagged_and_carry_no_value():
    rows = _csv_rows(_content("2016-03"))
    by_cell = {(r["indicator_code"], r["period_type"], r["disaggregation_value"]): r for r in rows}
    for cell in [("unique_participants", "month", "education"), ("unique_participants", "month", "support_organisation"),
                 ("unique_participants", "month", "SE"), ("unique_participants", "month", "NO"),
                 ("unique_participants", "month", "RU"), ("participations", "month", "cci_business")]:
        row = by_cell[cell]
        assert (row["value"], row["achievement_pct"], row["flag"]) == ("", "", "suppressed"), cell
    assert by_cell[("unique_participants", "month", "FI")]["value"] == "10"
    assert by_cell[("events_held", "month", "RU")]["value"] == "1"  # events are not people
    assert sum(r["flag"] == "suppressed" for r in rows) == 10  # 7 in the month, 3 in the running total
    assert {r["is_synthetic"] for r in rows} == {"true"}


def test_quarter_delivery_shows_its_months_and_final_shows_everything():
    rows = _csv_rows(_content("2016Q1"))
    assert {(r["period_type"], r["period_id"]) for r in rows} == {
        ("month", "2016-02"), ("month", "2016-03"), ("quarter", "2016Q1"), ("cumulative", "2016-03")}
    quarter_total = next(r for r in rows if r["period_type"] == "quarter" and r["disaggregation"] == "total")
    assert quarter_total["flag"] == "suppressed"
    final = _csv_rows(_content("final"))
    assert {r["period_type"] for r in final} == {"month", "quarter", "project_to_date"}
    ptd = next(r for r in final if r["period_type"] == "project_to_date" and r["indicator_code"] == "unique_participants"
               and r["disaggregation"] == "total")
    assert (ptd["value"], ptd["target"], ptd["achievement_pct"]) == ("48", "40", "120")


def test_the_same_cell_is_suppressed_alike_in_every_delivery():
    def cell(rows):
        return [(r["value"], r["flag"]) for r in rows if r["period_type"] == "month" and r["period_id"] == "2016-03"]
    assert cell(_csv_rows(_content("2016-03"))) == cell(_csv_rows(_content("2016Q1"))) == cell(_csv_rows(_content("final")))


def test_interreg_codes_and_definitions_come_from_the_catalogue_mart():
    marts = marts_for(indicator_frame())
    marts["dim_indicators"] = pl.DataFrame({
        "indicator_code": ["unique_participants", "participations", "events_held"],
        "indicator_name": ["Participants (unique persons)", "Participations", "Events held"],
        "indicator_name_ru": ["Участники", "Участия", "Мероприятия"],
        "unit": ["persons", "participations", "events"],
        "counts_people": [True, True, False],
        "counting_rule": ["distinct persons over the period", "person × event", "events held"],
        "interreg_code": ["RCO81", None, None],
    })
    content = _content("2016-03", marts)
    rows = _csv_rows(content)
    assert {r["interreg_code"] for r in rows if r["indicator_code"] == "unique_participants"} == {"RCO81"}
    assert {r["interreg_code"] for r in rows if r["indicator_code"] != "unique_participants"} == {""}
    wb = openpyxl.load_workbook(io.BytesIO(render_delivery(content, PROVENANCE)[f"indicators_{content.stem}.xlsx"]))
    definitions = [[c.value for c in r] for r in wb["Definitions"].iter_rows()]
    header = definitions[0]
    first = dict(zip(header, definitions[1], strict=True))
    assert first["Code"] == "unique_participants" and first["Interreg code"] == "RCO81"
    assert first["Definition / counting rule"] == "distinct persons over the period"
    assert first["Name (ru)"] == "Участники"


def test_xlsx_layout_for_people():
    content = _content("2016-03")
    wb = openpyxl.load_workbook(io.BytesIO(render_delivery(content, PROVENANCE)[f"indicators_{content.stem}.xlsx"]))
    assert wb.sheetnames == ["Cover", "unique_participants", "participations", "events_held", "Definitions", "Notes"]
    cover = {r[0].value: r[1].value for r in wb["Cover"].iter_rows() if r[0].value}
    assert cover["Project"] == "Test project (TP)"
    assert cover["Reporting period"] == "2016-03: Month 2016-03"
    assert cover["Build id"] == "build-7"
    assert cover["Suppressed cells"] == 10
    assert cover["programme/projects.csv"] == "a" * 64  # data sources = build_source_files
    assert any("SYNTHETIC DEMO DATA" in str(c.value) for r in wb["Cover"].iter_rows() for c in r)

    ws = wb["unique_participants"]
    assert ws.freeze_panes == "A4"
    assert [c.value for c in ws[3]] == ["Period type", "Period", "Start", "End", "Breakdown", "Group", "Value",
                                        "Target", "Achievement %", "Flag"]
    table = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert table[0][:7] == ["Month", "March 2016", dt.datetime(2016, 3, 1), dt.datetime(2016, 3, 31), "Total", "", 23]
    assert ws["G4"].number_format == "#,##0" and ws["C4"].number_format == "yyyy-mm-dd"
    education = next(r for r in table if r[5] == "education")
    assert (education[6], education[9]) == ("suppressed", "suppressed")
    running = next(r for r in table if r[0] == "Cumulative" and r[4] == "Total")
    assert (running[6], running[7], running[8]) == (26, 16, 162.5)
    notes = " ".join(str(c.value) for r in wb["Notes"].iter_rows() for c in r if c.value)
    assert "Small cells" in notes and "Suppressed cells in this delivery" in notes
    assert wb.properties.created == dt.datetime(2016, 3, 31)


def test_real_data_carries_no_synthetic_notice():
    content = _content("2016-03", synthetic=False)
    files = render_delivery(content, PROVENANCE)
    with zipfile.ZipFile(io.BytesIO(files[f"indicators_{content.stem}.xlsx"])) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist())
    assert b"SYNTHETIC" not in blob
    assert b"SYNTHETIC" not in files[f"indicators_{content.stem}.csv"]
    assert b"SYNTHETIC" not in files[f"iati-activity_{content.stem}.xml"]
    assert b",false\n" in files[f"indicators_{content.stem}.csv"]


def test_two_runs_give_identical_bytes(tmp_path):
    """Whole deliveries written twice from the same inputs (once from shuffled rows) are byte-identical."""
    as_of = D(2016, 8, 1)
    first = write_deliveries(marts_for(indicator_frame()), tmp_path / "one", as_of=as_of, project_id="TP")
    shuffled = indicator_frame().sample(fraction=1.0, shuffle=True, seed=3)
    second = write_deliveries(marts_for(shuffled), tmp_path / "two", as_of=as_of, project_id="TP")
    assert [r.period_id for r in first] == ["2016-02", "2016-03", "2016Q1", "2016-04", "2016-05", "2016-06",
                                            "2016Q2", "final"]
    for a, b in zip(first, second, strict=True):
        names = sorted(p.name for p in a.path.iterdir())
        assert names == sorted(p.name for p in b.path.iterdir())
        for name in names:
            assert (a.path / name).read_bytes() == (b.path / name).read_bytes(), (a.period_id, name)


def test_manifest_checksums_match_the_files(tmp_path):
    result = write_delivery(tmp_path, _content("2016Q1"), PROVENANCE)
    manifest = json.loads((result.path / MANIFEST).read_text(encoding="utf-8"))
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == {p.name for p in result.path.iterdir()} - {MANIFEST}
    for name, entry in listed.items():
        data = (result.path / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
    assert manifest["build_id"] == "build-7" and manifest["version"] == 1
    assert manifest["source_files"] == [{"source_file": "programme/projects.csv", "sha256": "a" * 64, "bytes": 518}]
    assert (manifest["project_id"], manifest["period_id"], manifest["period_kind"]) == ("TP", "2016Q1", "quarter")
    assert verify_version(result.path) == []
    (result.path / f"indicators_TP_2016Q1.csv").write_bytes(b"tampered\n")
    assert verify_version(result.path) == ["indicators_TP_2016Q1.csv: sha256 differs from the manifest"]

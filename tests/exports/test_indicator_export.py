"""Indicator export: rows kept, small cells flagged, XLSX layout, byte-identical reruns."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import polars as pl
import pytest

from pipelines.exports import period_bounds, write_indicator_export
from pipelines.exports.indicator_export import COLUMNS

D = dt.date

PROJECTS = pl.DataFrame({
    "project_id": ["JC", "XX"],
    "project_name": ["Joining Creativity", "Other"],
    "programme": ["Nordic Council of Ministers programme", "Other"],
    "funder": ["Nordic Council of Ministers", "Other"],
    "lead_organisation": ["Karelian Resource Center of NGOs", "Other"],
    "start_date": [D(2016, 2, 1), D(2016, 1, 1)],
    "end_date": [D(2017, 4, 30), D(2016, 12, 31)],
    "participant_target": [200, 50],
})

NAMES = {"unique_participants": "Participants (unique persons)",
         "participations": "Participations in project events", "events_held": "Events held"}
UNITS = {"unique_participants": "persons", "participations": "participations",
         "events_held": "events"}


def _row(ptype, pid, start, end, code, dis, dv, value, *, target=None, pct=None, small=False,
         project="JC"):
    return {
        "project_id": project, "indicator_code": code, "indicator_name": NAMES[code],
        "unit": UNITS[code], "period_type": ptype, "period_id": pid, "period_start": start,
        "period_end": end, "disaggregation": dis, "disaggregation_value": dv,
        "value": None if value is None else float(value),
        "target": None if target is None else float(target), "achievement_pct": pct,
        "is_small_cell": small,
    }


def indicators_fixture() -> pl.DataFrame:
    feb, mar = (D(2016, 2, 1), D(2016, 2, 29)), (D(2016, 3, 1), D(2016, 3, 31))
    rows = [
        # deliberately out of order: the export sorts
        _row("year", "2016", D(2016, 1, 1), D(2016, 12, 31), "unique_participants", "total",
             "total", 180),
        _row("month", "2016-03", *mar, "unique_participants", "total", "total", 15),
        # 2 people, not flagged upstream, with a target: value AND achievement must go
        _row("month", "2016-03", *mar, "unique_participants", "target_group", "education", 2,
             target=10, pct=20.0),
        _row("month", "2016-02", *feb, "unique_participants", "total", "total", 25),
        _row("month", "2016-02", *feb, "events_held", "total", "total", 2),  # 2 events: not people
        _row("quarter", "2016Q1", D(2016, 1, 1), D(2016, 3, 31), "unique_participants", "total",
             "total", 40),
        # project-to-date snapshots as of 2016-03-31 and as of the project end
        _row("project_to_date", "PTD", D(2016, 2, 1), D(2016, 3, 31), "unique_participants",
             "total", "total", 40, target=200, pct=20.0),
        _row("project_to_date", "PTD", D(2016, 2, 1), D(2017, 4, 30), "unique_participants",
             "total", "total", 212, target=200, pct=106.0),
        _row("project_to_date", "PTD", D(2016, 2, 1), D(2017, 4, 30), "unique_participants",
             "country", "SE", 3, small=True),
        _row("project_to_date", "PTD", D(2016, 2, 1), D(2017, 4, 30), "unique_participants",
             "country", "FI", 209),
        _row("project_to_date", "PTD", D(2016, 2, 1), D(2017, 4, 30), "participations", "total",
             "total", 340.5),
        # another project
        _row("month", "2016-03", *mar, "unique_participants", "total", "total", 99, project="XX"),
    ]
    return pl.DataFrame(rows)


def _export(tmp_path, period_id, *, synthetic=True, build_id="build-7", sub="a"):
    return write_indicator_export(
        indicators_fixture(), PROJECTS, tmp_path / sub, project_id="JC", period_id=period_id,
        build_id=build_id, is_synthetic=synthetic,
    )


def _read_csv(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_file_names_and_header(tmp_path):
    csv_path, xlsx_path = _export(tmp_path, "2016Q1")
    assert csv_path.name == "indicators_JC_2016Q1.csv"
    assert xlsx_path.name == "indicators_JC_2016Q1.xlsx"
    assert csv_path.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)
    assert sorted(p.name for p in csv_path.parent.iterdir()) == [csv_path.name, xlsx_path.name]


def test_quarter_export_rows_values_and_flags(tmp_path):
    csv_path, _ = _export(tmp_path, "2016Q1")
    rows = _read_csv(csv_path)
    # period_end <= 2016-03-31: 2 Feb rows, 2 Mar rows, the quarter, the PTD snapshot as of
    # 2016-03-31. Not the year 2016, not the PTD as of 2017-04-30, not project XX.
    got = [(r["period_type"], r["period_id"], r["indicator_code"], r["disaggregation_value"],
            r["value"], r["target"], r["achievement_pct"], r["flag"]) for r in rows]
    assert got == [
        ("month", "2016-02", "unique_participants", "total", "25", "", "", ""),
        ("month", "2016-02", "events_held", "total", "2", "", "", ""),
        ("month", "2016-03", "unique_participants", "total", "15", "", "", ""),
        ("month", "2016-03", "unique_participants", "education", "", "10", "", "suppressed"),
        ("quarter", "2016Q1", "unique_participants", "total", "40", "", "", ""),
        ("project_to_date", "PTD", "unique_participants", "total", "40", "200", "20", ""),
    ]
    assert {r["project_id"] for r in rows} == {"JC"}
    first = rows[0]
    assert (first["period_start"], first["period_end"]) == ("2016-02-01", "2016-02-29")
    assert first["indicator_name"] == "Participants (unique persons)"
    assert first["unit"] == "persons"


def test_final_export_keeps_latest_ptd_snapshot_and_suppresses(tmp_path):
    csv_path, _ = _export(tmp_path, "2017")
    rows = _read_csv(csv_path)
    ptd = [r for r in rows if r["period_type"] == "project_to_date"]
    assert [(r["indicator_code"], r["disaggregation_value"], r["value"], r["flag"]) for r in ptd] == [
        ("unique_participants", "total", "212", ""),
        ("unique_participants", "FI", "209", ""),
        ("unique_participants", "SE", "", "suppressed"),
        ("participations", "total", "340.5", ""),
    ]
    assert ptd[0]["achievement_pct"] == "106"
    assert ptd[0]["period_end"] == "2017-04-30"
    assert len(rows) == 4 + 1 + 1 + 4  # months, quarter, year, PTD
    # the suppressed count of 3 appears nowhere in the file
    assert ",3," not in csv_path.read_text(encoding="utf-8")


def test_zero_count_is_written_not_suppressed(tmp_path):
    apr = (D(2016, 4, 1), D(2016, 4, 30))
    frame = pl.concat([indicators_fixture(), pl.DataFrame([
        _row("month", "2016-04", *apr, "unique_participants", "total", "total", 0)])])
    paths = write_indicator_export(frame, PROJECTS, tmp_path, project_id="JC",
                                   period_id="2016-04", build_id="b", is_synthetic=False)
    april = [r for r in _read_csv(paths[0]) if r["period_id"] == "2016-04"]
    assert [(r["value"], r["flag"]) for r in april] == [("0", "")]


def test_csv_parses_back_with_polars(tmp_path):
    csv_path, _ = _export(tmp_path, "2016")
    frame = pl.read_csv(csv_path, infer_schema_length=0)
    assert frame.columns == COLUMNS
    assert frame.height == 7
    suppressed = frame.filter(pl.col("flag") == "suppressed")
    assert suppressed.height == 1
    assert suppressed["value"].to_list() == [None]


def test_xlsx_layout(tmp_path):
    _, xlsx_path = _export(tmp_path, "2016Q1")
    wb = openpyxl.load_workbook(xlsx_path)
    assert wb.sheetnames == ["Cover", "Indicators"]
    ws = wb["Indicators"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == COLUMNS
    assert ws.max_row == 1 + 6
    col = {name: i + 1 for i, name in enumerate(COLUMNS)}
    row = 2
    assert ws.cell(row, col["value"]).value == 25
    assert ws.cell(row, col["value"]).number_format == "#,##0"
    assert ws.cell(row, col["period_end"]).value == dt.datetime(2016, 2, 29)
    assert ws.cell(row, col["period_end"]).number_format == "yyyy-mm-dd"
    assert ws.column_dimensions["C"].width > 20
    sup = 5  # 4th data row
    assert ws.cell(sup, col["flag"]).value == "suppressed"
    assert ws.cell(sup, col["value"]).value is None
    assert ws.cell(sup, col["achievement_pct"]).value is None
    ptd = 7
    assert ws.cell(ptd, col["achievement_pct"]).value == 20
    assert ws.cell(ptd, col["achievement_pct"]).number_format == "0.0"

    cover_text = "\n".join(
        str(c.value) for r in wb["Cover"].iter_rows() for c in r if c.value is not None)
    assert "Joining Creativity (JC)" in cover_text
    assert "2016Q1" in cover_text and "build-7" in cover_text
    assert "SYNTHETIC DEMO DATA" in cover_text
    assert wb.properties.created == dt.datetime(2016, 3, 31)


def test_xlsx_without_synthetic_notice(tmp_path):
    csv_path, xlsx_path = _export(tmp_path, "2016Q1", synthetic=False)
    with zipfile.ZipFile(xlsx_path) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist())
    assert b"SYNTHETIC" not in blob
    assert b"SYNTHETIC" not in csv_path.read_bytes()


def test_two_runs_are_byte_identical(tmp_path):
    first = _export(tmp_path, "2016Q1", sub="one")
    second = _export(tmp_path, "2016Q1", sub="two")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    # and input row order does not matter
    shuffled = write_indicator_export(
        indicators_fixture().reverse(), PROJECTS, tmp_path / "three", project_id="JC",
        period_id="2016Q1", build_id="build-7", is_synthetic=True)
    for a, b in zip(first, shuffled, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_rerun_overwrites_in_place(tmp_path):
    first = _export(tmp_path, "2016Q1", build_id="b1")
    second = _export(tmp_path, "2016Q1", build_id="b2")
    assert first == second
    wb = openpyxl.load_workbook(io.BytesIO(second[1].read_bytes()))
    assert any(c.value == "b2" for r in wb["Cover"].iter_rows() for c in r)
    assert len(list(first[0].parent.iterdir())) == 2


def test_string_dates_are_accepted(tmp_path):
    frame = indicators_fixture().with_columns(pl.col("period_start", "period_end").cast(pl.String))
    paths = write_indicator_export(frame, PROJECTS, tmp_path, project_id="JC",
                                   period_id="2016Q1", build_id="b", is_synthetic=False)
    assert len(_read_csv(paths[0])) == 6


def test_unknown_project_and_bad_ids(tmp_path):
    with pytest.raises(ValueError, match="not in dim_projects"):
        write_indicator_export(indicators_fixture(), PROJECTS, tmp_path, project_id="NOPE",
                               period_id="2016", build_id="b", is_synthetic=True)
    with pytest.raises(ValueError, match="unsafe"):
        write_indicator_export(indicators_fixture(), PROJECTS, tmp_path, project_id="../JC",
                               period_id="2016", build_id="b", is_synthetic=True)
    with pytest.raises(ValueError):
        write_indicator_export(indicators_fixture(), PROJECTS, tmp_path, project_id="JC",
                               period_id="PTD", build_id="b", is_synthetic=True)


@pytest.mark.parametrize(
    ("period_id", "bounds"),
    [
        ("2016-03", (D(2016, 3, 1), D(2016, 3, 31))),
        ("2016-02", (D(2016, 2, 1), D(2016, 2, 29))),  # leap year
        ("2017-02", (D(2017, 2, 1), D(2017, 2, 28))),
        ("2016Q1", (D(2016, 1, 1), D(2016, 3, 31))),
        ("2016Q2", (D(2016, 4, 1), D(2016, 6, 30))),
        ("2016Q4", (D(2016, 10, 1), D(2016, 12, 31))),
        ("2016", (D(2016, 1, 1), D(2016, 12, 31))),
    ],
)
def test_period_bounds(period_id, bounds):
    assert period_bounds(period_id) == bounds


@pytest.mark.parametrize("bad", ["2016-13", "2016-00", "2016Q5", "2016Q0", "16", "PTD", "", "2016-3"])
def test_period_bounds_rejects(bad):
    with pytest.raises(ValueError):
        period_bounds(bad)

"""The optional targets file raw/programme/indicator_targets.csv: read as text with lineage,
absent means no extra targets, and a malformed row fails with its row number."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from pipelines.defs import programme
from pipelines.defs.programme import IndicatorTargetsError, read_indicator_targets


def _write(raw, text: str):
    path = raw / "programme" / "indicator_targets.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_absent_file_gives_an_empty_table_with_every_column(tmp_path):
    frame = read_indicator_targets(tmp_path)
    assert frame.height == 0
    assert {"project_id", "indicator_code", "period_type", "period_id", "target", "baseline", "note",
            "_source_file", "_source_row", "_file_hash", "_ingested_at"} <= set(frame.columns)


def test_rows_are_read_as_written_with_their_row_numbers(tmp_path):
    _write(tmp_path, "project_id,indicator_code,period_type,period_id,target\n"
                     "JC,unique_participants,project_to_date,,200\n"
                     "JC,participations,quarter,2016q3,120\n")
    frame = read_indicator_targets(tmp_path)
    assert frame["target"].to_list() == ["200", "120"]
    assert frame["period_id"].to_list() == [None, "2016q3"]
    assert frame["baseline"].to_list() == [None, None]  # optional column added
    assert frame["_source_row"].to_list() == [2, 3]
    assert set(frame["_source_file"]) == {"programme/indicator_targets.csv"}


@pytest.mark.parametrize(("row", "message"), [
    ("JC,participations,year,2016,three hundred,,", "row 3: target 'three hundred' is not a number"),
    ("JC,participations,year,2016Q1,300,,", "row 3: period_id '2016Q1' does not fit period_type year"),
    ("JC,participations,month,2016-13,30,,", "row 3: period_id '2016-13' does not fit period_type month"),
    ("JC,participations,semester,2016H1,30,,", "row 3: period_type 'semester' is not one of"),
    ("JC,participations,year,2016,30,about 5,", "row 3: baseline 'about 5' is not a number"),
    (",participations,year,2016,30,,", "row 3: project_id is empty"),
])
def test_a_malformed_row_is_named(tmp_path, row, message):
    _write(tmp_path, "project_id,indicator_code,period_type,period_id,target,baseline,note\n"
                     "JC,unique_participants,project_to_date,PTD,200,,registry\n" + row + "\n")
    with pytest.raises(IndicatorTargetsError, match=message.replace("(", r"\(")):
        read_indicator_targets(tmp_path)


def test_missing_required_column_is_reported(tmp_path):
    _write(tmp_path, "project_id,indicator_code,period_id,target\nJC,participations,2016,3\n")
    with pytest.raises(IndicatorTargetsError, match=r"missing columns \['period_type'\]"):
        read_indicator_targets(tmp_path)


def test_asset_replaces_the_raw_table(tmp_path, monkeypatch):
    data = tmp_path / "data"
    _write(data / "raw", "project_id,indicator_code,period_type,period_id,target\nJC,participations,year,2016,300\n")
    monkeypatch.setenv("CCI_DATA_DIR", str(data))
    database = tmp_path / "w.duckdb"
    context = dg.build_asset_context(resources={"duckdb": DuckDBResource(database=str(database))})
    result = programme.raw_indicator_targets(context)
    assert result.metadata["rows"] == 1
    con = duckdb.connect(str(database), read_only=True)
    try:
        assert con.execute("select project_id, target from raw.indicator_targets").fetchall() == [("JC", "300")]
    finally:
        con.close()

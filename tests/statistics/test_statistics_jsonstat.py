"""JSON-stat 1.x (Eurostat's wrapped file) and 2.0 (hand-written fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.statistics import StatisticsFormatError, read_statistics_file

MISSING = "no row"


@pytest.mark.reference_data
def test_eurostat_json_stat_1(reference_data: Path, cell) -> None:
    table = read_statistics_file(reference_data / "eurostat" / "eurostat-name_gpd_c.json")
    assert (table.dataset, table.source_format) == ("nama_gdp_c", "jsonstat")
    assert table.dimensions == ["unit", "indic_na"]
    assert table.title == "GDP and main components - Current prices"
    rows = table.rows
    key = {"unit": "EUR_HAB", "indic_na": "B1GM"}
    # Read with plain json: flat index = geo_index * 69 + time_index (69 years 1946-2014),
    # e.g. NO is geo 33 and 2013 is time 67 -> index 2344: value 75900, status null.
    assert cell(rows, **key, region="NO", period="2013") == (75900.0, None)
    assert cell(rows, **key, region="DK", period="1995") == (26600.0, None)
    assert cell(rows, **key, region="EE", period="1995") == (2000.0, None)
    # index 2050 (LV, 1995): value 1500, status "b"
    assert cell(rows, **key, region="LV", period="1995") == (1500.0, "b")
    # index 2345 (NO, 2014): value null, status ":" -> missing without information: no row
    assert cell(rows, **key, region="NO", period="2014") == MISSING
    assert cell(rows, **key, region="FI", period="2014") == MISSING


def _write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


JSONSTAT_2 = {
    "version": "2.0",
    "class": "dataset",
    "label": "Employment in cultural sectors",
    "source": "hand-written test fixture",
    "extension": {"datasetId": "CULT_EMP_X"},
    "id": ["freq", "unit", "nace_r2", "geo", "time"],
    "size": [1, 1, 2, 2, 3],
    "role": {"time": ["time"], "geo": ["geo"], "metric": ["unit"]},
    "dimension": {
        "freq": {"category": {"index": {"A": 0}, "label": {"A": "Annual"}}},
        "unit": {"category": {"index": ["THS_PER"]}},
        "nace_r2": {"category": {"index": {"J58": 0, "R90": 1}}},
        "geo": {"category": {"index": {"FI1B": 0, "NO081": 1}}},
        "time": {"category": {"index": {"2019": 0, "2020": 1, "2021": 2}}},
    },
    # cells in row-major order: nace_r2 (J58, R90) x geo (FI1B, NO081) x time (2019..2021)
    "value": [4.1, 4.3, None, 2.0, 2.2, 2.4, 6.0, 6.5, 7.0, None, 3.1, 3.3],
    "status": {"2": "c", "4": "p", "9": ":"},
}


def test_json_stat_2_dense_values_and_status_object(tmp_path: Path, cell) -> None:
    table = read_statistics_file(_write(tmp_path / "cult.json", JSONSTAT_2))
    assert table.dataset == "cult_emp_x"
    assert table.dimensions == ["unit", "nace_r2"]  # freq dropped, geo/time by role
    rows = table.rows
    j58 = {"unit": "THS_PER", "nace_r2": "J58"}
    assert cell(rows, **j58, region="FI1B", period="2019") == (4.1, None)
    assert cell(rows, **j58, region="FI1B", period="2021") == (None, "c")
    assert cell(rows, **j58, region="NO081", period="2020") == (2.2, "p")
    r90 = {"unit": "THS_PER", "nace_r2": "R90"}
    assert cell(rows, **r90, region="FI1B", period="2021") == (7.0, None)
    assert cell(rows, **r90, region="NO081", period="2019") == MISSING  # null with ":"
    assert cell(rows, **r90, region="NO081", period="2021") == (3.3, None)
    assert rows.height == 11


def test_json_stat_2_sparse_values_status_string_and_array(tmp_path: Path, cell) -> None:
    sparse = {
        **JSONSTAT_2,
        "value": {"0": 4.1, "11": 3.3},
        "status": "e",
    }
    rows = read_statistics_file(_write(tmp_path / "sparse.json", sparse)).rows
    # Cells absent from a sparse "value" are not observations; the one status string
    # applies to the values that are there.
    assert rows.select("nace_r2", "region", "period", "value", "flag").rows() == [
        ("J58", "FI1B", "2019", 4.1, "e"),
        ("R90", "NO081", "2021", 3.3, "e"),
    ]
    with_array = {**JSONSTAT_2, "status": [None] * 11 + ["b"]}
    rows = read_statistics_file(_write(tmp_path / "array.json", with_array)).rows
    assert cell(rows, unit="THS_PER", nace_r2="R90", region="NO081", period="2021") == (3.3, "b")


def test_json_stat_1_bundle_and_monthly_time(tmp_path: Path, cell) -> None:
    bundle = {
        "ei_x": {
            "label": "Monthly index",
            "value": [101.0, 102.5],
            "dimension": {
                "id": ["geo", "time"],
                "size": [1, 2],
                "role": {"geo": ["geo"], "time": ["time"]},
                "geo": {"category": {"index": {"SE": 0}}},
                "time": {"category": {"index": {"2016M01": 0, "2016M02": 1}}},
            },
        }
    }
    table = read_statistics_file(_write(tmp_path / "bundle.json", bundle))
    assert table.dataset == "ei_x" and table.dimensions == []
    assert cell(table.rows, region="SE", period="2016-02") == (102.5, None)


def test_json_stat_errors_name_the_problem(tmp_path: Path) -> None:
    two = {"a": JSONSTAT_2, "b": JSONSTAT_2}
    with pytest.raises(StatisticsFormatError, match="bundle of 2 datasets"):
        read_statistics_file(_write(tmp_path / "two.json", two))
    assert read_statistics_file(_write(tmp_path / "two.json", two), dataset="b").dataset == "b"
    wrong_size = {**JSONSTAT_2, "value": [1.0, 2.0]}
    with pytest.raises(StatisticsFormatError, match="'value' has 2 cells, the dimensions make 12"):
        read_statistics_file(_write(tmp_path / "short.json", wrong_size))
    geojson = {"type": "FeatureCollection", "features": []}
    with pytest.raises(StatisticsFormatError, match=r"geo\.json.*GeoJSON"):
        read_statistics_file(_write(tmp_path / "geo.json", geojson))
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StatisticsFormatError, match="not valid JSON"):
        read_statistics_file(tmp_path / "broken.json")

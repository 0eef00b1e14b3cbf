"""The generic entry point: detection by content, errors, the long schema, conversion."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.statistics import (
    LONG_SCHEMA,
    StatisticsFormatError,
    concat_long_rows,
    convert_file,
    detect_statistics_format,
    read_statistics_file,
)

TSV = "unit,sex,geo\\time\t2016 \t2015 \nTHS,F,EE00\t10.5 b\t: \nTHS,M,EE00\t9.5 \t9.0 \n"


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"a,b\n1,2\n", "its first line is 'a,b'"),
        (b"", "no text could be read"),
        (b"\x00\x01\x02binary", "no text could be read"),
    ],
)
def test_unknown_shapes_fail_with_the_file_and_the_expected_formats(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "mystery.csv"
    path.write_bytes(content)
    with pytest.raises(StatisticsFormatError) as raised:
        read_statistics_file(path)
    message = str(raised.value)
    assert str(path) in message and why in message
    assert "expected Eurostat bulk TSV" in message and "fedstat CSV" in message


def test_zip_with_several_files_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "Date,USD,\n")
        archive.writestr("b.csv", "Date,USD,\n")
    with pytest.raises(StatisticsFormatError, match="does not hold exactly one file"):
        read_statistics_file(path)


@pytest.mark.reference_data
@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("eurostat/eu_eurostat_variables.tsv", "input_var_short"),
        ("eurostat/eu_nuts_2_eurostat_2016.geojson.gz", "GeoJSON"),
        ("rosstat/activity_codes_classifier.csv", "group,code,name"),
    ],
)
def test_real_files_that_are_not_statistics_are_refused(reference_data: Path, name: str, why: str) -> None:
    with pytest.raises(StatisticsFormatError, match=why):
        read_statistics_file(reference_data / name)


def test_format_is_detected_from_content_not_name(tmp_path: Path) -> None:
    disguised = tmp_path / "data.csv"
    disguised.write_bytes(gzip.compress(TSV.encode()))
    assert detect_statistics_format(disguised) == "eurostat_tsv"
    sdmx = tmp_path / "download.txt"
    sdmx.write_text("DATAFLOW,LAST UPDATE,freq,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n", encoding="utf-8")
    assert detect_statistics_format(sdmx) == "eurostat_sdmx_csv"


def test_long_rows_have_one_fixed_schema(tmp_path: Path) -> None:
    path = tmp_path / "lfst_x.tsv"
    path.write_text(TSV, encoding="utf-8")
    table = read_statistics_file(path)
    long = table.long_rows()
    assert long.schema == pl.Schema(LONG_SCHEMA)
    assert long.rows() == [
        ("lfst_x", "eurostat_tsv", "sex=F|unit=THS", "EE00", "2016", 10.5, "b", "THS"),
        ("lfst_x", "eurostat_tsv", "sex=M|unit=THS", "EE00", "2015", 9.0, None, "THS"),
        ("lfst_x", "eurostat_tsv", "sex=M|unit=THS", "EE00", "2016", 9.5, None, "THS"),
    ]
    both = concat_long_rows([table, table])
    assert both.height == 6 and both.schema == long.schema


def test_long_rows_encode_separators_and_use_the_table_unit(tmp_path: Path) -> None:
    path = tmp_path / "fedstat.csv"
    path.write_text(
        "Организации (единица)\n,,,2020\n"
        "Всего,Мурманская область,Деятельность издательская | книги = печать,7\n",
        encoding="utf-8",
    )
    long = read_statistics_file(path).long_rows()
    assert long.item(0, "dimensions") == "activity=Деятельность издательская %7C книги %3D печать|dimension_1=Всего"
    assert long.item(0, "unit") == "единица"
    assert long.item(0, "region") == "RU-MUR"


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_convert_file(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / "lfst_x.tsv.gz"
    source.write_bytes(gzip.compress(TSV.encode()))
    output = tmp_path / "out" / f"lfst_x{suffix}"
    table = convert_file(source, output)
    back = pl.read_csv(output, schema=table.rows.schema) if suffix == ".csv" else pl.read_parquet(output)
    assert_frame_equal(back, table.rows)
    assert sorted(p.name for p in output.parent.iterdir()) == [output.name]


def test_convert_file_refuses_other_outputs_and_leaves_nothing_on_failure(tmp_path: Path) -> None:
    source = tmp_path / "x.tsv"
    source.write_text(TSV, encoding="utf-8")
    with pytest.raises(ValueError, match=r"\.csv"):
        convert_file(source, tmp_path / "x.xlsx")
    bad = tmp_path / "bad.tsv"
    bad.write_text("nonsense\n", encoding="utf-8")
    with pytest.raises(StatisticsFormatError):
        convert_file(bad, tmp_path / "out" / "bad.parquet")
    assert not (tmp_path / "out" / "bad.parquet").exists()

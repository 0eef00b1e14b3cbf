"""Eurostat bulk TSV, SDMX-CSV and the download helper.

Expected cells were read by hand from the raw files; each test names the command used.
"""

from __future__ import annotations

import gzip
import io
import urllib.request
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.statistics import (
    StatisticsFormatError,
    fetch_eurostat,
    read_eurostat_sdmx_csv,
    read_eurostat_tsv,
    read_statistics_file,
)
from pipelines.statistics.eurostat import eurostat_url

MISSING = "no row"
NORDIC_BALTIC = r"^(DK|EE|FI|IS|LT|LV|NO|SE)"


# --- real files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_tsv(reference_data: Path):
    return read_statistics_file(reference_data / "eurostat" / "demo_r_pjanaggr3.tsv")


@pytest.fixture(scope="module")
def demo_sdmx(reference_data: Path):
    return read_statistics_file(reference_data / "eurostat" / "demo_r_pjanaggr3_linear.csv.gz")


@pytest.mark.reference_data
def test_lfst_r_lfe2emp_values_and_flags(reference_data: Path, cell) -> None:
    table = read_statistics_file(reference_data / "eurostat" / "lfst_r_lfe2emp.tsv.gz")
    rows = table.rows
    assert (table.dataset, table.source_format) == ("lfst_r_lfe2emp", "eurostat_tsv")
    assert table.dimensions == ["unit", "sex", "age"]
    # zcat lfst_r_lfe2emp.tsv.gz | grep -P '^THS,F,Y15-24,DK\t' | cut -f1,11,12,13
    #   -> "192.8 " (2006), "177.3 b" (2005), "174.4 " (2004)
    key = {"unit": "THS", "sex": "F", "age": "Y15-24", "region": "DK"}
    assert cell(rows, **key, period="2005") == (177.3, "b")
    assert cell(rows, **key, period="2006") == (192.8, None)
    assert cell(rows, **key, period="2004") == (174.4, None)
    # ... grep -P '^THS,F,Y15-24,DK01\t' | cut -f9-13 -> "66.8 ", "61.6 ", ":", ":", ":"
    dk01 = {**key, "region": "DK01"}
    assert cell(rows, **dk01, period="2008") == (66.8, None)
    assert cell(rows, **dk01, period="2006") == MISSING  # ":" alone says nothing: no row
    # ... grep -P '^THS,F,Y15-24,FI2\t' -> 2008 ": bu", 1999 ": c" (last column)
    fi2 = {**key, "region": "FI2"}
    assert cell(rows, **fi2, period="2008") == (None, "bu")
    assert cell(rows, **fi2, period="1999") == (None, "c")
    # ... grep -P '^THS,M,Y15-24,IS00\t' -> 2005 is "12.8 b", 2015 is "14.3 "
    is00 = {"unit": "THS", "sex": "M", "age": "Y15-24", "region": "IS00"}
    assert cell(rows, **is00, period="2005") == (12.8, "b")
    assert cell(rows, **is00, period="2015") == (14.3, None)


@pytest.mark.reference_data
def test_lfst_r_lfe2en2_nace_sections(reference_data: Path, cell) -> None:
    table = read_statistics_file(reference_data / "eurostat" / "lfst_r_lfe2en2.tsv.gz")
    rows = table.rows
    assert table.dimensions == ["unit", "nace_r2", "age"]
    # zcat lfst_r_lfe2en2.tsv.gz | grep -P '^THS,A,Y15-24,DK01\t' -> ": u" x7 then ": bu" (2008)
    agri = {"unit": "THS", "nace_r2": "A", "age": "Y15-24", "region": "DK01"}
    assert cell(rows, **agri, period="2015") == (None, "u")
    assert cell(rows, **agri, period="2008") == (None, "bu")
    # ... grep -P '^THS,J,Y_GE15,FI1B\t' -> "60.6 " (2015) ... "51.2 b" (2008)
    ict = {"unit": "THS", "nace_r2": "J", "age": "Y_GE15", "region": "FI1B"}
    assert cell(rows, **ict, period="2015") == (60.6, None)
    assert cell(rows, **ict, period="2008") == (51.2, "b")
    # ... grep -P '^THS,R-U,Y_GE15,(SE11|LV00)\t' -> SE11 2015 "70.5 ", LV00 2008 "49.2 b"
    arts = {"unit": "THS", "nace_r2": "R-U", "age": "Y_GE15"}
    assert cell(rows, **arts, region="SE11", period="2015") == (70.5, None)
    assert cell(rows, **arts, region="LV00", period="2008") == (49.2, "b")


@pytest.mark.reference_data
def test_nama_10r_2gdp(reference_data: Path, cell) -> None:
    table = read_statistics_file(reference_data / "eurostat" / "nama_10r_2gdp.tsv.gz")
    rows = table.rows
    assert table.dimensions == ["unit"]
    # zcat nama_10r_2gdp.tsv.gz | grep -P '^(EUR_HAB,DK01|MIO_EUR,FI1D|MIO_EUR,NO07)\t'
    assert cell(rows, unit="EUR_HAB", region="DK01", period="2014") == (58100.0, None)
    assert cell(rows, unit="EUR_HAB", region="DK01", period="2000") == (40100.0, None)
    assert cell(rows, unit="MIO_EUR", region="FI1D", period="2013") == (40034.0, "e")
    assert cell(rows, unit="MIO_EUR", region="NO07", period="2013") == (24256.0, None)
    assert cell(rows, unit="MIO_EUR", region="NO07", period="2014") == MISSING
    assert rows.filter(pl.col("region").str.starts_with("IS")).height == 0  # IS is not in the file


@pytest.mark.reference_data
def test_demo_tsv_is_gzip_despite_its_name(reference_data: Path, demo_tsv, cell) -> None:
    path = reference_data / "eurostat" / "demo_r_pjanaggr3.tsv"
    assert path.suffix == ".tsv" and path.read_bytes()[:2] == b"\x1f\x8b"
    rows = demo_tsv.rows
    assert demo_tsv.dataset == "demo_r_pjanaggr3"
    # zcat demo_r_pjanaggr3.tsv | grep -P '^NR,F,TOTAL,(DK01|NO081)\t' | cut -f1-10
    #   DK01: 950397 (2022) ... 911415 (2016); NO081: 350719 (2022), 349360 (2021), ":" (2020)
    female = {"unit": "NR", "sex": "F", "age": "TOTAL"}
    assert cell(rows, **female, region="DK01", period="2016") == (911415.0, None)
    assert cell(rows, **female, region="NO081", period="2022") == (350719.0, None)
    assert cell(rows, **female, region="NO081", period="2021") == (349360.0, None)
    assert cell(rows, **female, region="NO081", period="2020") == MISSING
    # zcat demo_r_pjanaggr3_linear.csv.gz | grep ',NR,F,TOTAL,EE001,2015,' -> 309247,b
    assert cell(rows, **female, region="EE001", period="2015") == (309247.0, "b")
    # zcat demo_r_pjanaggr3.tsv | tr '\t' '\n' | grep '^: b' -> 3 cells, one is PL912 F 2010
    assert cell(rows, **female, region="PL912", period="2010") == (None, "b")
    # ... grep -P '^NR,T,TOTAL,NO0B2\t' -> "0 " for 2022: a real zero, not missing
    assert cell(rows, unit="NR", sex="T", age="TOTAL", region="NO0B2", period="2022") == (0.0, None)


@pytest.mark.reference_data
def test_sdmx_csv_reads_dataflow_and_drops_freq(demo_sdmx, cell) -> None:
    rows = demo_sdmx.rows
    assert (demo_sdmx.dataset, demo_sdmx.source_format) == ("demo_r_pjanaggr3", "eurostat_sdmx_csv")
    assert demo_sdmx.dimensions == ["unit", "sex", "age"]
    assert "freq" not in rows.columns
    female = {"unit": "NR", "sex": "F", "age": "TOTAL"}
    # zcat demo_r_pjanaggr3_linear.csv.gz | grep -E ',NR,F,TOTAL,DK01,2016,' -> 911415,
    assert cell(rows, **female, region="DK01", period="2016") == (911415.0, None)
    # ... | grep -E ',(bep|ep)\s*$' | head -> EU27_2020,2019,228372753,bep
    assert cell(rows, **female, region="EU27_2020", period="2019") == (228372753.0, "bep")
    # ... | grep ',NR,F,TOTAL,PL912,2010,' -> ",,b" (no value, flag b)
    assert cell(rows, **female, region="PL912", period="2010") == (None, "b")


@pytest.mark.reference_data
def test_tsv_and_sdmx_csv_of_one_dataset_give_identical_rows(demo_tsv, demo_sdmx) -> None:
    # The TSV's non-":" cells and the SDMX-CSV's rows are the same 649,023 observations
    # (counted with awk over the TSV and wc -l over the SDMX-CSV).
    assert demo_tsv.rows.height == demo_sdmx.rows.height == 649_023
    nordic_baltic = pl.col("region").str.contains(NORDIC_BALTIC)
    assert demo_tsv.rows.filter(nordic_baltic).height > 40_000
    assert_frame_equal(demo_tsv.rows, demo_sdmx.rows)


# --- own fixtures ----------------------------------------------------------------------


def test_time_period_header_ascending_years_and_freq_column(tmp_path: Path, cell) -> None:
    path = tmp_path / "nama_10r_3gdp.tsv"
    path.write_text(
        "freq,unit,geo\\TIME_PERIOD\t2014 \t2015 \t2016 \n"
        "A,EUR_HAB,FI1B\t50000 \t: \t52000 p\n"
        "A,EUR_HAB,FI1C\t: c\t31000 e\t31500 \n",
        encoding="utf-8",
    )
    table = read_statistics_file(path)
    assert table.dataset == "nama_10r_3gdp"
    assert table.dimensions == ["unit"]
    assert table.rows.columns == ["dataset", "unit", "region", "period", "value", "flag"]
    rows = table.rows
    assert cell(rows, unit="EUR_HAB", region="FI1B", period="2014") == (50000.0, None)
    assert cell(rows, unit="EUR_HAB", region="FI1B", period="2015") == MISSING
    assert cell(rows, unit="EUR_HAB", region="FI1B", period="2016") == (52000.0, "p")
    assert cell(rows, unit="EUR_HAB", region="FI1C", period="2014") == (None, "c")
    assert cell(rows, unit="EUR_HAB", region="FI1C", period="2015") == (31000.0, "e")


def test_monthly_and_quarterly_columns_are_normalised(tmp_path: Path) -> None:
    monthly = tmp_path / "ei_monthly.tsv"
    monthly.write_text("unit,geo\\time\t2016M03 \t2016M02 \nI15,SE\t101.5 \t100.9 p\n", encoding="utf-8")
    quarterly = tmp_path / "ei_quarterly.tsv"
    quarterly.write_text("unit,geo\\time\t2016Q2 \t2016Q1 \nI15,SE\t99.1 \t98.7 \n", encoding="utf-8")
    assert read_statistics_file(monthly).rows.select("period", "value", "flag").rows() == [
        ("2016-02", 100.9, "p"),
        ("2016-03", 101.5, None),
    ]
    assert read_statistics_file(quarterly).rows.get_column("period").to_list() == ["2016Q1", "2016Q2"]


def test_without_geo_the_last_key_dimension_is_the_region(tmp_path: Path) -> None:
    path = tmp_path / "custom.tsv"
    path.write_text("unit,reg\\time\t2020 \nPC,LV006\t12.5 \n", encoding="utf-8")
    table = read_statistics_file(path)
    assert table.dimensions == ["unit"]
    assert table.rows.select("unit", "region", "period", "value").row(0) == ("PC", "LV006", "2020", 12.5)


def test_gzip_is_found_by_magic_bytes_whatever_the_name(tmp_path: Path) -> None:
    text = "unit,geo\\time\t2015 \nTHS,EE00\t600.5 \n"
    named_plain = tmp_path / "lfst_x.tsv"
    named_plain.write_bytes(gzip.compress(text.encode()))
    named_gz = tmp_path / "plain.tsv.gz"
    named_gz.write_text(text, encoding="utf-8")  # .gz but not compressed
    for path in (named_plain, named_gz):
        assert read_statistics_file(path).rows.item(0, "value") == 600.5


def test_keep_missing_keeps_colon_cells_as_null(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text("unit,geo\\time\t2015 \t2014 \nTHS,EE00\t: \t5 \n", encoding="utf-8")
    assert read_statistics_file(path).rows.height == 1
    kept = read_statistics_file(path, keep_missing=True).rows
    assert kept.select("period", "value", "flag").rows() == [("2014", 5.0, None), ("2015", None, None)]


def test_bad_cells_and_duplicate_keys_fail_loudly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("unit,geo\\time\t2015 \nTHS,EE00\tn/a \n", encoding="utf-8")
    with pytest.raises(StatisticsFormatError, match=r"bad\.tsv.*'n/a'"):
        read_statistics_file(bad)
    twice = tmp_path / "twice.tsv"
    twice.write_text("unit,geo\\time\t2015 \nTHS,EE00\t1 \nTHS,EE00\t2 \n", encoding="utf-8")
    with pytest.raises(StatisticsFormatError, match="share a key"):
        read_statistics_file(twice)


def test_sdmx_csv_fixture_matches_the_same_data_as_tsv(tmp_path: Path) -> None:
    tsv = tmp_path / "demo_x.tsv"
    tsv.write_text(
        "unit,sex,geo\\time\t2021 \t2020 \nNR,F,NO082\t640000 p\t: b\nNR,F,NO081\t349360 \t: \n",
        encoding="utf-8",
    )
    sdmx = tmp_path / "demo_x_linear.csv.gz"
    sdmx.write_bytes(
        gzip.compress(
            b"DATAFLOW,LAST UPDATE,freq,unit,sex,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\r\n"
            b"ESTAT:DEMO_X(1.0),28/09/23 23:00:00,A,NR,F,NO082,2021,640000,p\r\n"
            b"ESTAT:DEMO_X(1.0),28/09/23 23:00:00,A,NR,F,NO082,2020,,b\r\n"
            b"ESTAT:DEMO_X(1.0),28/09/23 23:00:00,A,NR,F,NO081,2021,349360,\r\n"
        )
    )
    from_tsv = read_eurostat_tsv(tsv)
    from_sdmx = read_eurostat_sdmx_csv(sdmx)
    assert from_sdmx.dataset == "demo_x" == from_tsv.dataset
    assert_frame_equal(from_tsv.rows, from_sdmx.rows)
    assert from_sdmx.rows.height == 3


def test_sdmx_csv_2_with_conf_status(tmp_path: Path, cell) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "STRUCTURE,STRUCTURE_ID,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
        "dataflow,ESTAT:LFST_R_X(1.0),Q,THS,EE00,2016-Q1,12.5,,F\n"
        "dataflow,ESTAT:LFST_R_X(1.0),Q,THS,EE00,2016-Q2,,,C\n",
        encoding="utf-8",
    )
    table = read_statistics_file(path)
    assert table.dataset == "lfst_r_x"
    assert cell(table.rows, unit="THS", region="EE00", period="2016Q1") == (12.5, None)
    assert cell(table.rows, unit="THS", region="EE00", period="2016Q2") == (None, "c")


# --- download --------------------------------------------------------------------------

TSV_BYTES = gzip.compress(b"unit,geo\\time\t2015 \nTHS,EE00\t600.5 \n")


def test_fetch_eurostat_writes_the_file_atomically(tmp_path: Path) -> None:
    asked: list[str] = []

    def opener(url: str) -> io.BytesIO:
        asked.append(url)
        return io.BytesIO(TSV_BYTES)

    path = fetch_eurostat("lfst_r_lfe2emp", tmp_path / "eurostat", opener=opener)
    assert asked == [
        "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/lfst_r_lfe2emp"
        "?format=TSV&compressed=true"
    ]
    assert path == tmp_path / "eurostat" / "lfst_r_lfe2emp.tsv.gz"
    assert path.read_bytes() == TSV_BYTES
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left behind
    assert read_statistics_file(path).rows.item(0, "value") == 600.5


def test_fetch_eurostat_keeps_the_old_file_when_the_answer_is_not_data(tmp_path: Path) -> None:
    fetch_eurostat("demo_x", tmp_path, opener=lambda url: io.BytesIO(TSV_BYTES))
    error_page = b"<html><body>Service unavailable</body></html>"
    with pytest.raises(StatisticsFormatError, match="did not return a tsv file"):
        fetch_eurostat("demo_x", tmp_path, opener=lambda url: io.BytesIO(error_page))
    assert (tmp_path / "demo_x.tsv.gz").read_bytes() == TSV_BYTES
    assert len(list(tmp_path.iterdir())) == 1


def test_fetch_eurostat_uses_urllib_by_default(tmp_path: Path, monkeypatch) -> None:
    sdmx = gzip.compress(
        b"DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
        b"ESTAT:DEMO_X(1.0),28/09/23 23:00:00,A,NR,IS00,2020,364134,\n"
    )
    requests: list[urllib.request.Request] = []

    def fake_urlopen(request: urllib.request.Request, timeout: float) -> io.BytesIO:
        requests.append(request)
        return io.BytesIO(sdmx)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    path = fetch_eurostat("demo_x", tmp_path, fmt="sdmx-csv")
    assert requests[0].full_url == eurostat_url("demo_x", "sdmx-csv")
    assert "format=SDMX-CSV" in requests[0].full_url
    assert path.name == "demo_x_linear.csv.gz"
    assert read_statistics_file(path).rows.item(0, "value") == 364134.0


def test_fetch_eurostat_rejects_odd_dataset_codes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="dataset code"):
        fetch_eurostat("../etc/passwd", tmp_path, opener=lambda url: io.BytesIO(TSV_BYTES))

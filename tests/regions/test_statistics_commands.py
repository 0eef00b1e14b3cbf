"""`cci stats-convert` and `cci stats-fetch`, through the real command line entry point."""

from __future__ import annotations

import gzip
import io
import urllib.error
import urllib.request
from pathlib import Path

import polars as pl
import pytest

from pipelines.cli import main


def test_convert_a_rosstat_workbook_to_csv(reference_data: Path, tmp_path: Path, capsys) -> None:
    output = tmp_path / "out" / "grp.csv"
    status = main(["stats-convert", str(reference_data / "rosstat" / "vrp98-14.xlsx"), "-o", str(output)])
    printed = capsys.readouterr().out
    assert status == 0
    assert "dataset vrp98-14 (rosstat_xlsx)" in printed and f"wrote {output}" in printed
    assert "periods 17 (1998 – 2014)" in printed
    rows = pl.read_csv(output, infer_schema_length=None)
    murmansk = dict(rows.filter(pl.col("region") == "RU-MUR").select(pl.col("period").cast(pl.String), "value").iter_rows())
    # read by hand from the workbook: «Мурманская область 22675.9 40973.5 55135 … 320275.7»
    assert murmansk["1998"] == pytest.approx(22675.9)
    assert murmansk["1999"] == pytest.approx(40973.5)
    assert murmansk["2000"] == pytest.approx(55135)
    assert murmansk["2014"] == pytest.approx(320275.7)


def test_convert_a_gzipped_eurostat_tsv_to_parquet(reference_data: Path, tmp_path: Path, capsys) -> None:
    output = tmp_path / "lfs.parquet"
    status = main(["stats-convert", str(reference_data / "eurostat" / "lfst_r_lfe2en2.tsv.gz"), "-o", str(output)])
    assert status == 0
    assert "dimensions: unit, nace_r2, age" in capsys.readouterr().out
    rows = pl.read_parquet(output)

    def cell(region: str, nace: str, period: str):
        found = rows.filter(pl.col("region") == region, pl.col("nace_r2") == nace,
                            pl.col("age") == "Y_GE15", pl.col("period") == period)
        return found.item(0, "value"), found.item(0, "flag")

    # «THS,J,Y_GE15,FI1B 60.6 56.9 … 51.2 b» (2015 … 2008) and «THS,R-U,Y_GE15,SE11 70.5 … 62.6 b»
    assert cell("FI1B", "J", "2015") == (60.6, None)
    assert cell("FI1B", "J", "2008") == (51.2, "b")
    assert cell("SE11", "R-U", "2015") == (70.5, None)
    assert cell("SE11", "R-U", "2008") == (62.6, "b")


def test_convert_names_the_output_after_the_dataset(reference_data: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["stats-convert", str(reference_data / "rosstat" / "vrp98-14.xlsx"), "--dataset", "grp_rosstat"]) == 0
    written = pl.read_csv(tmp_path / "grp_rosstat.csv", infer_schema_length=None)
    assert set(written["dataset"]) == {"grp_rosstat"}


def test_an_unknown_shape_fails_with_one_clear_line(tmp_path: Path, capsys) -> None:
    source = tmp_path / "minutes.csv"
    source.write_text("Meeting minutes\nWe discussed the budget.\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    status = main(["stats-convert", str(source), "-o", str(output)])
    error = capsys.readouterr().err
    assert status == 1
    assert error.startswith("cci stats-convert: ") and error.count("\n") == 1
    assert "not a statistics file" in error and "minutes.csv" in error
    assert not output.exists() and list(tmp_path.iterdir()) == [source]


def test_convert_refuses_other_output_formats_and_missing_files(tmp_path: Path, capsys) -> None:
    assert main(["stats-convert", str(tmp_path / "absent.tsv")]) == 1
    assert "no such file" in capsys.readouterr().err
    source = tmp_path / "x.tsv"
    source.write_text("unit,geo\\time\t2016 \nNR,FI1B\t1000 \n", encoding="utf-8")
    assert main(["stats-convert", str(source), "-o", str(tmp_path / "x.xlsx")]) == 1
    assert ".csv or .parquet" in capsys.readouterr().err


TSV = b"unit,sex,age,geo\\time\t2017 \t2016 \nNR,T,TOTAL,EE00\t1315635 \t1315944 b\nNR,T,TOTAL,LV00\t1950116 \t: \n"


def _serve(monkeypatch, payload: bytes, asked: list) -> None:
    def urlopen(request, timeout):
        asked.append(request.full_url)
        return io.BytesIO(payload)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)


def test_fetch_writes_into_the_raw_statistics_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    asked: list[str] = []
    _serve(monkeypatch, gzip.compress(TSV), asked)
    status = main(["stats-fetch", "demo_r_pjanaggr3", "--data-dir", str(tmp_path)])
    printed = capsys.readouterr().out
    target = tmp_path / "raw" / "statistics" / "eurostat" / "demo_r_pjanaggr3.tsv.gz"
    assert status == 0
    assert asked == ["https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/demo_r_pjanaggr3"
                     "?format=TSV&compressed=true"]
    assert gzip.decompress(target.read_bytes()) == TSV
    assert f"downloaded {target}" in printed
    assert "3 observations" in printed and "flags: b 1" in printed


def test_fetch_into_a_chosen_folder_as_sdmx_csv(tmp_path: Path, monkeypatch, capsys) -> None:
    sdmx = (b"DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
            b"ESTAT:DEMO_X(1.0),28/09/23 23:00:00,A,NR,IS00,2020,364134,\n")
    asked: list[str] = []
    _serve(monkeypatch, gzip.compress(sdmx), asked)
    assert main(["stats-fetch", "demo_x", "--format", "sdmx-csv", "--dest", str(tmp_path / "here")]) == 0
    assert "format=SDMX-CSV" in asked[0]
    assert (tmp_path / "here" / "demo_x_linear.csv.gz").exists()


def test_fetch_failures_are_one_line_and_keep_the_old_file(tmp_path: Path, monkeypatch, capsys) -> None:
    _serve(monkeypatch, gzip.compress(TSV), [])
    assert main(["stats-fetch", "demo_x", "--dest", str(tmp_path)]) == 0
    capsys.readouterr()
    _serve(monkeypatch, b"<html><body>Service unavailable</body></html>", [])
    assert main(["stats-fetch", "demo_x", "--dest", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("cci stats-fetch: ") and "did not return a tsv file" in error
    assert gzip.decompress((tmp_path / "demo_x.tsv.gz").read_bytes()) == TSV

    def offline(request, timeout):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    assert main(["stats-fetch", "demo_x", "--dest", str(tmp_path)]) == 1
    assert "could not download demo_x: Name or service not known" in capsys.readouterr().err
    assert main(["stats-fetch", "../secret", "--dest", str(tmp_path)]) == 1
    assert "not a Eurostat dataset code" in capsys.readouterr().err

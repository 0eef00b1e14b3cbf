"""Loading registration exports into the warehouse, file by file: a load equals a fresh read of
every file, and the next load reads only what changed (content, place, overrides, reader)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.demo.scale import FILES_TRUTH, generate_programme
from pipelines.registrations import loading
from pipelines.registrations.reader import read_registration_files
from pipelines.registrations.versions import list_registration_files


@pytest.fixture(scope="module")
def source_data(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("programme")
    generate_programme(data_dir, 1_500, seed=11, progress=False, include_reference_files=False)
    return data_dir


@pytest.fixture
def raw(source_data, tmp_path) -> Path:
    """A private copy of the raw files (tests change them)."""
    copy = tmp_path / "raw"
    shutil.copytree(source_data / "raw", copy)
    return copy


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def _events(raw: Path) -> set[str]:
    return set(pl.read_csv(raw / "events" / "events.csv", infer_schema=False)["event_id"].to_list())


def _load(con, raw: Path, **kwargs) -> loading.LoadReport:
    return loading.load_registrations(con, raw, _events(raw), **kwargs)


def _staged(con) -> pl.DataFrame:
    return con.sql("select * exclude (_ingested_at) from raw.registrations").pl().sort("_source_file", "_source_row")


def _fresh_staged(raw: Path) -> pl.DataFrame:
    """Every file read afresh, outside the warehouse (no file of the fixture is superseded)."""
    events = _events(raw)
    jobs = [(path, event if event in events else None) for path, event in list_registration_files(raw)]
    batch = read_registration_files(jobs, raw_root=raw)
    return (batch.staged.drop("_file")
            .rename({"source_file": "_source_file", "source_row": "_source_row", "file_hash": "_file_hash"})
            .sort("_source_file", "_source_row"))


def test_a_load_equals_a_fresh_read_and_the_generator_truth(raw, con, source_data):
    report = _load(con, raw)
    assert report.parsed == report.files and report.kept == 0
    staged = _staged(con)
    assert_frame_equal(staged, _fresh_staged(raw).select(staged.columns))
    # per file: rows read and staged as the generator wrote them
    truth = pl.read_parquet(source_data / "ground_truth" / FILES_TRUTH)
    files = con.sql("select _source_file as source_file, rows_read, rows_staged from raw.registration_files").pl()
    joined = truth.join(files, on="source_file", suffix="_loaded")
    assert joined.height == truth.height == report.files
    assert (joined["rows_read"] == joined["rows_read_loaded"]).all()
    assert (joined["rows_staged"] == joined["rows_staged_loaded"]).all()


def test_a_second_load_reads_and_hashes_nothing(raw, con):
    _load(con, raw)
    before = _staged(con)
    stamps = con.sql("select _source_file, _source_row, _ingested_at from raw.registrations").pl()
    again = _load(con, raw)
    assert (again.parsed, again.hashed, again.kept, again.rows_inserted, again.rows_deleted) == (0, 0, again.files, 0, 0)
    assert_frame_equal(_staged(con), before)
    assert_frame_equal(con.sql("select _source_file, _source_row, _ingested_at from raw.registrations").pl()
                       .sort("_source_file", "_source_row"), stamps.sort("_source_file", "_source_row"))


def test_a_touched_file_is_hashed_again_but_not_read(raw, con):
    _load(con, raw)
    path, _ = list_registration_files(raw)[0]
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000_000))
    again = _load(con, raw)
    assert (again.hashed, again.parsed) == (1, 0)


def test_a_changed_file_replaces_only_its_rows(raw, con):
    _load(con, raw)
    csvs = [path for path, _ in list_registration_files(raw) if path.suffix == ".csv" and _utf8(path)]
    changed = csvs[0]
    relative = changed.relative_to(raw).as_posix()
    others_before = _staged(con).filter(pl.col("_source_file") != relative)
    lines = changed.read_text(encoding="utf-8").splitlines(keepends=True)
    changed.write_text("".join(lines[:-1]), encoding="utf-8")  # the last row taken out
    again = _load(con, raw)
    assert again.parsed == 1 and again.removed == 1
    staged = _staged(con)
    assert_frame_equal(staged.filter(pl.col("_source_file") != relative), others_before)
    fresh = _fresh_staged(raw).filter(pl.col("_source_file") == relative)
    assert_frame_equal(staged.filter(pl.col("_source_file") == relative), fresh.select(staged.columns))


def _utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_a_removed_file_takes_its_rows_with_it(raw, con):
    _load(con, raw)
    gone, _ = list_registration_files(raw)[1]
    relative = gone.relative_to(raw).as_posix()
    assert _staged(con).filter(pl.col("_source_file") == relative).height > 0
    gone.unlink()
    again = _load(con, raw)
    assert again.removed == 1 and again.parsed == 0
    assert con.execute("select count(*) from raw.registration_rows where _source_file = ?", [relative]).fetchone()[0] == 0
    assert con.execute("select count(*) from raw.registration_files where _source_file = ?", [relative]).fetchone()[0] == 0


def test_a_new_reader_reads_everything_again(raw, con, monkeypatch):
    _load(con, raw)
    before = _staged(con)
    monkeypatch.setattr(loading, "reader_version", lambda: "another reader")
    again = _load(con, raw)
    assert again.parsed == again.files and again.rows_deleted == again.rows_inserted
    assert_frame_equal(_staged(con), before)  # the same rows, from the new reads
    recorded = con.execute("select count(*) from raw.registration_files as f join raw.registration_parses as p "
                           "using (parse_key)").fetchall()[0][0]
    assert recorded == again.files


def test_an_override_reads_again_only_the_files_it_applies_to(raw, con):
    first = _load(con, raw)
    path, event = list_registration_files(raw)[0]
    (raw / "registrations" / "mapping.yml").write_text(
        f"sources:\n  - match: \"{path.relative_to(raw / 'registrations').as_posix()}\"\n    headers:\n"
        "      Something else: ignore\n", encoding="utf-8")
    again = _load(con, raw)
    assert again.parsed == 1 and again.kept == first.files - 1


def test_a_correction_supersedes_without_reading_the_corrected_file_again(raw, con):
    _load(con, raw)
    path, event = next((p, e) for p, e in list_registration_files(raw) if p.suffix == ".csv")
    relative = path.relative_to(raw).as_posix()
    rows_before = con.execute("select count(*) from raw.registrations where _source_file = ?", [relative]).fetchone()[0]
    corrected = path.with_name(path.stem + "_corrected" + path.suffix)
    lines = path.read_bytes().splitlines(keepends=True)
    corrected.write_bytes(b"".join(lines[:2]))  # header and one row
    again = _load(con, raw)
    assert again.parsed == 1  # only the correction
    status = con.execute("select status, superseded_by from raw.registration_files where _source_file = ?",
                         [relative]).fetchone()
    assert status[0] == "superseded" and status[1].endswith(corrected.name)
    assert con.execute("select count(*) from raw.registrations where _source_file = ?", [relative]).fetchone()[0] == 0
    kept = con.execute("select count(*) from raw.registrations_superseded where _source_file = ? "
                       "and reason_code is null", [relative]).fetchone()[0]
    assert kept == rows_before
    # the correction is taken back: the file is loaded again, still without being read
    corrected.unlink()
    third = _load(con, raw)
    assert third.parsed == 0
    assert con.execute("select count(*) from raw.registrations where _source_file = ?", [relative]).fetchone()[0] == rows_before


def test_reading_in_worker_processes_gives_the_same_tables(raw, tmp_path, monkeypatch):
    serial = duckdb.connect(str(tmp_path / "serial.duckdb"))
    _load(serial, raw, workers=None)
    monkeypatch.setenv("CCI_INGEST_WORKERS", "2")
    monkeypatch.setattr(loading, "BATCH_FILES", 4)
    parallel = duckdb.connect(str(tmp_path / "parallel.duckdb"))
    report = _load(parallel, raw)
    assert report.workers == 2
    for table in ("raw.registrations", "raw.registration_quarantine"):
        columns = "* exclude (_ingested_at)"
        a = serial.sql(f"select {columns} from {table}").pl().sort("_source_file", "_source_row")
        b = parallel.sql(f"select {columns} from {table}").pl().sort("_source_file", "_source_row")
        assert_frame_equal(a, b)


def test_a_failed_load_leaves_the_previous_tables(raw, con, monkeypatch):
    _load(con, raw)
    before = _staged(con)
    path, _ = list_registration_files(raw)[0]
    path.unlink()

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(loading, "_write_files", broken)
    with pytest.raises(RuntimeError):
        _load(con, raw)
    assert_frame_equal(_staged(con), before)


def test_a_load_that_dies_while_reading_leaves_no_trace(raw, con, monkeypatch):
    _load(con, raw)
    before = _staged(con)
    rows_before = con.execute("select count(*) from raw.registration_rows").fetchall()[0][0]
    for path, _ in list_registration_files(raw)[:3]:  # three exports changed: read again
        path.write_bytes(path.read_bytes() + b"\n")
    monkeypatch.setattr(loading, "BATCH_FILES", 1)
    real = loading._stored
    calls = []

    def dies_on_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "_stored", dies_on_the_second_batch)
    with pytest.raises(RuntimeError):
        _load(con, raw)
    # the first batch's rows were written, then removed: nothing half-loaded is visible or kept
    assert_frame_equal(_staged(con), before)
    assert con.execute("select count(*) from raw.registration_rows").fetchall()[0][0] == rows_before
    monkeypatch.setattr(loading, "_stored", real)
    again = _load(con, raw)
    assert again.parsed == 3
    assert_frame_equal(_staged(con), _fresh_staged(raw).select(_staged(con).columns))

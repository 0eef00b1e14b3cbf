"""The floor plans from the build's stored manifests, but reads only files still on disk: the
benchmark re-runs the floor after its incremental phase has loaded (and then removed) a file."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from benchmark_floor import file_manifests  # noqa: E402


def test_manifests_of_files_no_longer_on_disk_are_left_out(tmp_path):
    raw = tmp_path / "raw" / "registrations"
    (raw / "E1").mkdir(parents=True)
    (raw / "E1" / "kept.csv").write_text("email\na@b.c\n", encoding="utf-8")
    built = tmp_path / "built.duckdb"
    with duckdb.connect(str(built)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.registration_files (_source_file varchar, _file_hash varchar, status varchar)")
        con.execute("create table raw.registration_parses (_source_file varchar, manifest varchar)")
        files = [("registrations/E1/kept.csv", "h1", "loaded"), ("registrations/E2/removed.csv", "h2", "loaded"),
                 ("registrations/E1/quarantined.csv", "h3", "quarantined")]
        con.executemany("insert into raw.registration_files values (?, ?, ?)", files)
        con.executemany("insert into raw.registration_parses values (?, ?)", [(f, "{}") for f, _, _ in files])
    con = duckdb.connect()
    con.execute(f"attach '{built}' as built (read_only)")
    manifests = file_manifests(tmp_path, con)
    assert manifests["source_file"].to_list() == ["registrations/E1/kept.csv"]
    assert manifests["file_hash"].to_list() == ["h1"]

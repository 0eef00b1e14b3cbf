"""Publishing is atomic: readers see the previous release or the new one, never a partial one."""

from __future__ import annotations

import os

import duckdb
import polars as pl
import pytest

from pipelines import publish


def _warehouse(path, value: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts")
    con.execute(f"create or replace table marts.fct_example as select {value} as value, 'x' as label")
    con.execute("create or replace table marts.dim_example as select 1 as id")
    return con


def _raw(tmp_path):
    raw = tmp_path / "raw"
    (raw / "events").mkdir(parents=True)
    (raw / "events" / "events.csv").write_text("event_id\nE1\n")
    return raw


def test_publish_writes_duckdb_and_parquet_and_points_current_at_it(tmp_path):
    con = _warehouse(tmp_path / "build.duckdb", 1)
    release = publish.publish_marts(con, "20260101T000000-aaaa", tmp_path / "marts", _raw(tmp_path))
    current = tmp_path / "marts" / "current"
    assert current.resolve() == release.path
    assert pl.read_parquet(current / "fct_example.parquet")["value"].to_list() == [1]
    reader = duckdb.connect(str(current / "marts.duckdb"), read_only=True)
    assert reader.execute("select value from fct_example").fetchall() == [(1,)]
    assert reader.execute("select count(*) from build_source_files").fetchone()[0] == 1
    reader.close()


def test_a_publish_that_fails_midway_leaves_the_previous_release(tmp_path, monkeypatch):
    raw = _raw(tmp_path)
    con = _warehouse(tmp_path / "build.duckdb", 1)
    first = publish.publish_marts(con, "20260101T000000-aaaa", tmp_path / "marts", raw)
    con.execute("create or replace table marts.fct_example as select 2 as value, 'y' as label")

    real_execute = duckdb.DuckDBPyConnection.execute

    class Failing:
        """Wraps the connection; the second Parquet copy fails as a full disk would."""

        def __init__(self, inner):
            self.inner, self.copies = inner, 0

        def execute(self, sql, *args):
            if sql.startswith("copy "):
                self.copies += 1
                if self.copies == 2:
                    raise duckdb.IOException("No space left on device")
            return real_execute(self.inner, sql, *args)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    with pytest.raises(duckdb.IOException):
        publish.publish_marts(Failing(con), "20260102T000000-bbbb", tmp_path / "marts", raw)

    current = tmp_path / "marts" / "current"
    assert current.resolve() == first.path
    assert pl.read_parquet(current / "fct_example.parquet")["value"].to_list() == [1]
    assert not (tmp_path / "marts" / "releases" / "20260102T000000-bbbb").exists()


def test_old_releases_are_pruned(tmp_path):
    raw = _raw(tmp_path)
    con = _warehouse(tmp_path / "build.duckdb", 1)
    for day in range(1, 9):
        publish.publish_marts(con, f"202601{day:02d}T000000-x", tmp_path / "marts", raw)
    kept = sorted(p.name for p in (tmp_path / "marts" / "releases").iterdir())
    assert len(kept) == publish.RELEASES_KEPT
    assert kept[-1] == "20260108T000000-x"
    assert os.readlink(tmp_path / "marts" / "current") == "releases/20260108T000000-x"

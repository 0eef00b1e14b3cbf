"""Moving polars frames in and out of the DuckDB warehouse."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def _default_setting(name: str):
    with duckdb.connect() as fresh:
        return fresh.execute("select current_setting(?)", [name]).fetchall()[0][0]


def has_default_setting(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the connection runs with DuckDB's own default for setting ``name``."""
    return con.execute("select current_setting(?)", [name]).fetchall()[0][0] == _default_setting(name)


@contextmanager
def duckdb_setting(con: duckdb.DuckDBPyConnection, name: str, value: str) -> Iterator[None]:
    """DuckDB setting ``name`` set to ``value`` for the block, then given back what it was: DuckDB's
    default by a reset, else the value as DuckDB prints it (a memory limit rounded to 0.1 of its
    unit: DuckDB tells no more)."""
    [(previous,)] = con.execute("select current_setting(?)", [name]).fetchall()
    default = previous == _default_setting(name)
    con.execute(f"set {name} = '{value}'")
    try:
        yield
    finally:
        con.execute(f"reset {name}" if default else f"set {name} = '{previous}'")


def replace_table(con: duckdb.DuckDBPyConnection, qualified_name: str, frame: pl.DataFrame) -> int:
    """Replace ``schema.table`` with the frame's rows, atomically within one transaction."""
    schema = qualified_name.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    arrow_table = frame.to_arrow()
    con.register("_incoming_frame", arrow_table)
    try:
        con.execute("begin transaction")
        con.execute(f"create or replace table {qualified_name} as select * from _incoming_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_incoming_frame")
    return frame.height


def read_table(con: duckdb.DuckDBPyConnection, qualified_name: str) -> pl.DataFrame:
    return con.sql(f"select * from {qualified_name}").pl()


def with_lineage(frame: pl.DataFrame, *, source_file: str, file_hash: str, first_data_row: int = 2) -> pl.DataFrame:
    """Add the lineage columns every raw table carries; rows are numbered as a person sees them."""
    return frame.with_columns(
        pl.lit(source_file).alias("_source_file"),
        (pl.int_range(pl.len(), dtype=pl.Int64) + first_data_row).alias("_source_row"),
        pl.lit(file_hash).alias("_file_hash"),
        pl.lit(datetime.now(timezone.utc).replace(microsecond=0)).alias("_ingested_at"),
    )


def ingested_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)

"""Moving polars frames in and out of the DuckDB warehouse."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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

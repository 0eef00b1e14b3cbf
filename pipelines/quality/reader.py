"""Reading check inputs from DuckDB while counting the rows brought into Python.

Every query a mart check runs goes through one `Reader`, so the check can report (metadata
``rows_fetched``) how much of a mart it pulled out of the warehouse: the whole mart for a small
one, a handful of aggregate rows and examples for a large one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def quote(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Reader:
    con: Any  # a duckdb connection
    rows_fetched: int = 0

    def all(self, sql: str, params: list | None = None) -> list[tuple]:
        rows = self.con.execute(sql, params or []).fetchall()
        self.rows_fetched += len(rows)
        return rows

    def one(self, sql: str, params: list | None = None) -> tuple:
        rows = self.all(sql, params)
        if len(rows) != 1:
            raise ValueError(f"expected one row from {sql!r}, got {len(rows)}")
        return rows[0]

    def frame(self, sql: str):
        """A pandas frame, converted the way the checks always did (DuckDB → polars → pandas), so
        Great Expectations sees the same dtypes whatever the frame's size."""
        frame = self.con.sql(sql).pl().to_pandas()
        self.rows_fetched += len(frame)
        return frame

    def columns(self, schema: str, table: str) -> list[tuple[str, str]]:
        """(name, DuckDB type) of each column, in order."""
        return self.all(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        )

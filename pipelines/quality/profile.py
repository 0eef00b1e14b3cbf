"""The distinct values of a mart's text columns, with the number of rows holding each.

One pass over the mart (``GROUPING SETS``: one group per column) builds a temporary table
``(i, v, n)``: column number ``i``, value ``v`` (as text; NULL for the column's nulls) and row
count ``n``. A test that depends on a value alone (does it look like an email, is it in this
set, does it match this pattern) gives the same answer on this table as on every row of the
mart, and the table holds as many rows as the columns have distinct values: a few thousand for
codes, names and periods at any scale. Key columns (one value per person or participation) are
never profiled: their table would be as large as the mart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.quality.reader import Reader, quote

_CHUNK = 32  # columns per grouping-sets pass


@dataclass
class Profile:
    table: str
    index: dict[str, int] = field(default_factory=dict)  # column name -> i
    expressions: dict[str, str] = field(default_factory=dict)  # column name -> SQL of its text
    distinct: dict[str, int] = field(default_factory=dict)  # column name -> distinct values (null included)

    def has(self, column: str) -> bool:
        return column in self.index

    def frame(self, reader: Reader, column: str, rows_column: str = "__rows"):
        """The column's distinct values (a null row if it has nulls) as a pandas frame, with the
        number of rows holding each in ``rows_column``."""
        return reader.frame(
            f"select v as {quote(column)}, n as {quote(rows_column)} from {self.table} "
            f"where i = {self.index[column]} order by v nulls last"
        )

    def drop(self, reader: Reader) -> None:
        reader.con.execute(f"drop table if exists {self.table}")


def build(reader: Reader, relation: str, columns: list[tuple[str, str]], table: str = "_cci_profile") -> Profile:
    """Profile ``columns`` ((name, SQL text expression) pairs) of ``relation``."""
    profile = Profile(table)
    reader.con.execute(f"create or replace temp table {table} (i integer, v varchar, n bigint)")
    for start in range(0, len(columns), _CHUNK):
        chunk = columns[start:start + _CHUNK]
        which = " ".join(f"when grouping({expr}) = 0 then {start + k}" for k, (_, expr) in enumerate(chunk))
        value = " ".join(f"when grouping({expr}) = 0 then {expr}" for _, expr in chunk)
        sets = ", ".join(f"({expr})" for _, expr in chunk)
        reader.con.execute(
            f"insert into {table} select case {which} end, case {value} end, count(*) "
            f"from {relation} group by grouping sets ({sets})"
        )
        for k, (name, expr) in enumerate(chunk):
            profile.index[name] = start + k
            profile.expressions[name] = expr
    names = {i: name for name, i in profile.index.items()}
    for i, count in reader.all(f"select i, count(*) from {table} group by i"):
        profile.distinct[names[i]] = count
    return profile

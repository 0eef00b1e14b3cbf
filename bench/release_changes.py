"""What a rebuild changed in the published marts: two releases compared table by table.

The incremental phase of the build benchmark adds one event's export and rebuilds; comparing the
release before with the release after says how much of each mart an incremental build would have
to rewrite, and over how many projects the change spreads (a project-scoped incremental design
pays off only if few projects change).  Rows are compared as multisets of whole-row hashes
(DuckDB's 64-bit ``hash`` of the row), so the comparison needs no key and runs in seconds on
28 million rows; two different rows sharing a hash would be missed, which at these sizes does not
matter for a figure.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

PROJECT_COLUMN = "project_id"


def previous_release(current: Path) -> Path | None:
    """The release published just before ``current`` (release directories sort by build time)."""
    older = sorted(p for p in current.parent.iterdir()
                   if p.is_dir() and not p.name.startswith(".") and p.name < current.name)
    return older[-1] if older else None


def release_changes(before: Path, after: Path) -> list[dict]:
    """One entry per mart published in either release (build metadata left out): rows before and
    after, rows gone and added, and for marts keyed by project the projects whose rows differ and
    how many rows those projects hold after the rebuild."""
    names = sorted({p.stem for release in (before, after) for p in release.glob("*.parquet")}
                   - {"build_metadata", "build_source_files"})
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    try:
        return [_table_changes(con, name, before / f"{name}.parquet", after / f"{name}.parquet") for name in names]
    finally:
        con.close()


def _table_changes(con: duckdb.DuckDBPyConnection, name: str, before: Path, after: Path) -> dict:
    if not (before.exists() and after.exists()):
        return {"table": name, "only_in": "after" if after.exists() else "before"}
    columns = [row[0] for row in con.execute(f"describe select * from read_parquet('{after}')").fetchall()]
    rows_before, rows_after, gone, added = con.execute(f"""
        with old as (select hash(r) as row_hash, count(*) as n from read_parquet('{before}') r group by 1),
             new as (select hash(r) as row_hash, count(*) as n from read_parquet('{after}') r group by 1)
        select coalesce(sum(old.n), 0), coalesce(sum(new.n), 0),
               coalesce(sum(greatest(coalesce(old.n, 0) - coalesce(new.n, 0), 0)), 0),
               coalesce(sum(greatest(coalesce(new.n, 0) - coalesce(old.n, 0), 0)), 0)
        from old full join new using (row_hash)""").fetchone()
    out = {"table": name, "rows_before": int(rows_before), "rows_after": int(rows_after),
           "rows_gone": int(gone), "rows_added": int(added)}
    if PROJECT_COLUMN in columns:
        # a project's rows are unchanged when their count and the sum of their row hashes are
        projects, changed, rows_in_changed = con.execute(f"""
            with old as (select {PROJECT_COLUMN}, count(*) as n, sum(hash(r)::hugeint) as h
                         from read_parquet('{before}') r group by 1),
                 new as (select {PROJECT_COLUMN}, count(*) as n, sum(hash(r)::hugeint) as h
                         from read_parquet('{after}') r group by 1)
            select count(*),
                   count(*) filter (where old.n is distinct from new.n or old.h is distinct from new.h),
                   coalesce(sum(coalesce(new.n, 0)) filter (
                       where old.n is distinct from new.n or old.h is distinct from new.h), 0)
            from old full join new using ({PROJECT_COLUMN})""").fetchone()
        out.update(projects=int(projects), projects_changed=int(changed), rows_in_changed_projects=int(rows_in_changed))
    return out

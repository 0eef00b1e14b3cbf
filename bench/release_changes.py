"""What a rebuild changed in the published marts: two releases compared table by table.

The incremental phase of the build benchmark adds one event's export and rebuilds; comparing the
release before with the release after says how much of each mart an incremental build would have
to rewrite, and over how many projects the change spreads (a project-scoped incremental design
pays off only if few projects change).  Rows are compared as multisets of whole-row hashes
(DuckDB's 64-bit ``hash`` of the row), so the comparison needs no key, reads each release's
file once and runs in seconds on 28 million rows; two different rows sharing a hash would be
missed, which at these sizes does not matter for a figure.
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
    keyed = PROJECT_COLUMN in columns
    project = PROJECT_COLUMN if keyed else "null"
    # Each release read once: its rows counted by (project, row hash); a project changed when any
    # of its rows is not there the same number of times on both sides.
    rows_before, rows_after, gone, added, projects, changed, rows_in_changed = con.execute(f"""
        with old as (select {project} as project, hash(r) as row_hash, count(*) as n
                     from read_parquet('{before}') r group by all),
             new as (select {project} as project, hash(r) as row_hash, count(*) as n
                     from read_parquet('{after}') r group by all),
             counted as materialized (
                 select coalesce(old.project, new.project) as project,
                        coalesce(old.n, 0) as n_before, coalesce(new.n, 0) as n_after
                 from old full join new
                   on old.project is not distinct from new.project and old.row_hash = new.row_hash),
             per_project as (select project, bool_or(n_before <> n_after) as changed, sum(n_after) as n_after
                             from counted group by project)
        select (select sum(n_before) from counted), (select sum(n_after) from counted),
               (select sum(greatest(n_before - n_after, 0)) from counted),
               (select sum(greatest(n_after - n_before, 0)) from counted),
               count(*), count(*) filter (where changed), sum(n_after) filter (where changed)
        from per_project""").fetchone()
    out = {"table": name, "rows_before": int(rows_before or 0), "rows_after": int(rows_after or 0),
           "rows_gone": int(gone or 0), "rows_added": int(added or 0)}
    if keyed:
        out.update(projects=int(projects), projects_changed=int(changed),
                   rows_in_changed_projects=int(rows_in_changed or 0))
    return out

"""Publishing the marts for readers.

The build database has one writer (the pipeline). Readers (researchers, `cci sql`, dashboards)
use a published copy: a release directory holding `marts.duckdb` (readable by DuckDB 1.x
clients) and one Parquet file per mart. `marts/current` is a symlink swapped atomically, so
a reader sees either the previous release or the new one, never a half-written state.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import duckdb
import polars as pl

from pipelines import settings
from pipelines.lib.warehouse_io import file_sha256

MARTS_SCHEMA = "marts"
# DuckDB 2.x files cannot be opened by 1.x clients (e.g. PyPI's duckdb-cli); write the oldest readable format.
PUBLISHED_STORAGE_VERSION = "v1.2.0"
RELEASES_KEPT = 5


@dataclass(frozen=True)
class Release:
    build_id: str
    path: Path
    tables: list[str]


def code_version() -> str:
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=settings.PROJECT_ROOT,
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
        return f"{version('cci-impact-warehouse')}+{described}"
    except (OSError, subprocess.SubprocessError):
        return version("cci-impact-warehouse")


def source_files(raw_root: Path, known: dict[str, tuple[str, int, int]] | None = None) -> pl.DataFrame:
    """Every raw file with its sha256 and size.  ``known``: source_file → (sha256, size, mtime_ns)
    already computed (the registration loader keeps them); a file whose size and modification
    time still match is not read again — a programme has 100,000 registration exports."""
    known = known or {}
    rows = []
    for folder, _, names in os.walk(raw_root):
        for name in names:
            path = Path(folder) / name
            relative = str(path.relative_to(raw_root))
            stat = path.stat()
            stored = known.get(relative.replace(os.sep, "/"))
            digest = stored[0] if stored and stored[1:] == (stat.st_size, stat.st_mtime_ns) else file_sha256(path)
            rows.append({"source_file": relative, "sha256": digest, "bytes": stat.st_size})
    rows.sort(key=lambda row: Path(row["source_file"]).parts)
    return pl.DataFrame(rows, schema={"source_file": pl.String, "sha256": pl.String, "bytes": pl.Int64})


def known_file_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, int, int]]:
    """The hashes the registration loader stored (empty when it has not run)."""
    try:
        rows = con.execute("select _source_file, _file_hash, file_size, file_mtime_ns from raw.registration_parses"
                           ).fetchall()
    except duckdb.CatalogException:
        return {}
    return {source: (digest, size, mtime) for source, digest, size, mtime in rows}


def is_synthetic(raw_root: Path) -> bool:
    return (raw_root / "SYNTHETIC.md").exists()


def publish_marts(con: duckdb.DuckDBPyConnection, build_id: str, marts_dir: Path, raw_root: Path) -> Release:
    """Copy every table of the marts schema into a new release, then swap `current` to it."""
    releases = marts_dir / "releases"
    staging = releases / f".{build_id}.partial"
    final = releases / build_id
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)

    tables = [
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name",
            [MARTS_SCHEMA],
        ).fetchall()
    ]
    if not tables:
        raise RuntimeError("No marts to publish: the marts schema is empty")

    metadata = pl.DataFrame(
        [{
            "build_id": build_id,
            "built_at": datetime.now(timezone.utc).replace(microsecond=0),
            "code_version": code_version(),
            "is_synthetic": is_synthetic(raw_root),
            "duckdb_version": duckdb.__version__,
        }]
    )
    files = source_files(raw_root, known_file_hashes(con))
    con.register("_build_metadata", metadata.to_arrow())
    con.register("_build_source_files", files.to_arrow())
    database = staging / "marts.duckdb"
    con.execute(f"attach '{database}' as published (storage_version '{PUBLISHED_STORAGE_VERSION}')")
    try:
        _copy_tables(con, tables, staging)
    except BaseException:
        con.execute("detach published")
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        con.unregister("_build_metadata")
        con.unregister("_build_source_files")
    con.execute("detach published")

    staging.rename(final)
    _swap_current(marts_dir, final)
    _prune(releases, keep=final)
    return Release(build_id=build_id, path=final, tables=tables + ["build_metadata", "build_source_files"])


def _copy_tables(con: duckdb.DuckDBPyConnection, tables: list[str], staging: Path) -> None:
    for table in tables:
        # Rows of one project together: a reader asking for one project (dashboards, exports, a
        # researcher's WHERE project_id = …) skips the other row groups by their min/max statistics.
        columns = {row[0] for row in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [MARTS_SCHEMA, table]).fetchall()}
        order = [c for c in ("project_id", "indicator_code", "period_type", "period_id", "event_id") if c in columns]
        ordered = f"select * from {MARTS_SCHEMA}.{table}" + (f" order by {', '.join(order)}" if order else "")
        con.execute(f"create table published.main.{table} as {ordered}")
        con.execute(f"copy published.main.{table} to '{staging / (table + '.parquet')}' (format parquet)")
    for table in ("build_metadata", "build_source_files"):
        con.execute(f"create table published.main.{table} as select * from _{table}")
        con.execute(f"copy _{table} to '{staging / (table + '.parquet')}' (format parquet)")


def _swap_current(marts_dir: Path, release: Path) -> None:
    link = marts_dir / "current"
    temporary = marts_dir / f".current.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(release.relative_to(marts_dir), target_is_directory=True)
    os.replace(temporary, link)  # atomic on POSIX


def _prune(releases: Path, keep: Path) -> None:
    finished = sorted((p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    for old in finished[:-RELEASES_KEPT]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def current_release() -> Path:
    link = settings.published_dir()
    if not link.exists():
        raise FileNotFoundError(
            f"No published marts at {link}. Build them first with `cci run` (or `make demo`)."
        )
    return link.resolve()


def read_published(tables: list[str] | None = None) -> dict[str, pl.DataFrame]:
    """Read published marts (Parquet) into polars frames."""
    release = current_release()
    names = tables or sorted(p.stem for p in release.glob("*.parquet"))
    return {name: pl.read_parquet(release / f"{name}.parquet") for name in names}

"""Where the warehouse keeps its data.

Every path is absolute and derives from environment variables, so the Dagster code
location, the ``cci`` command and dbt's ``profiles.yml`` agree on one DuckDB file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

DATA_DIR_ENV = "CCI_DATA_DIR"
WAREHOUSE_DB_ENV = "CCI_WAREHOUSE_DB"
SECRET_FILE_ENV = "CCI_SECRET_FILE"
INGEST_MEMORY_ENV = "CCI_INGEST_DUCKDB_MEMORY_LIMIT"


def data_dir() -> Path:
    """The data directory: ``$CCI_DATA_DIR``, else the repository's ``data/``."""
    value = os.environ.get(DATA_DIR_ENV)
    return Path(value).expanduser().resolve() if value else PROJECT_ROOT / "data"


def raw_dir() -> Path:
    return data_dir() / "raw"


def warehouse_db() -> Path:
    """The live build database: ``$CCI_WAREHOUSE_DB``, else ``<data dir>/warehouse/warehouse.duckdb``."""
    value = os.environ.get(WAREHOUSE_DB_ENV)
    return Path(value).expanduser().resolve() if value else data_dir() / "warehouse" / "warehouse.duckdb"


def ingest_duckdb_memory_limit() -> str:
    """DuckDB's buffer limit for the pipeline's own connections (ingest, identity, checks, publish).

    dbt runs in its own process with its own limit (``CCI_DUCKDB_MEMORY_LIMIT`` in profiles.yml);
    the two never run at once, and together with the Python steps' frames they keep a build of
    10 million participations under 6 GB."""
    return os.environ.get(INGEST_MEMORY_ENV, "2GB")


def marts_dir() -> Path:
    return data_dir() / "marts"


def published_dir() -> Path:
    """The current published release (a symlink swapped atomically by the publish step)."""
    return marts_dir() / "current"


def dashboards_dir() -> Path:
    return data_dir() / "dashboards"


def exports_dir() -> Path:
    return data_dir() / "exports"


def ground_truth_dir() -> Path:
    return data_dir() / "ground_truth"


def secret_file() -> Path:
    """The HMAC secret lives outside the repository (``~/.config``) unless ``$CCI_SECRET_FILE`` says otherwise."""
    value = os.environ.get(SECRET_FILE_ENV)
    if value:
        return Path(value).expanduser().resolve()
    config_home = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    return config_home / "cci-warehouse" / "secret.key"


def export_environment(data: Path | None = None) -> None:
    """Pin the environment variables that dbt (a subprocess) and Dagster resources read."""
    if data is not None:
        os.environ[DATA_DIR_ENV] = str(Path(data).expanduser().resolve())
    os.environ[WAREHOUSE_DB_ENV] = str(warehouse_db())
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")  # Great Expectations draws a progress bar per validation
    # dbt runs as a subprocess: find the `dbt` of this environment even when it is not activated.
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")

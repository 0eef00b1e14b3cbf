"""Fixtures: the hand-made raw directory of registration_ingest_data.py in a temporary data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from registration_ingest_data import write_raw


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A data directory with the hand-made raw files; CCI_DATA_DIR points at it."""
    from pipelines import settings

    data = tmp_path / "data"
    write_raw(data)
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(data))
    monkeypatch.setenv(settings.WAREHOUSE_DB_ENV, str(data / "warehouse" / "warehouse.duckdb"))
    return data


@pytest.fixture
def secret(hmac_secret) -> bytes:
    from pipelines import privacy

    return privacy.secret()

"""Fixtures of the export tests; the hand-made project lives in export_fixtures.py."""

from __future__ import annotations

import polars as pl
import pytest
from export_fixtures import indicator_frame, marts_for


@pytest.fixture
def tempting_marts() -> dict[str, pl.DataFrame]:
    return marts_for(indicator_frame())

"""Helpers shared by the statistics tests."""

from __future__ import annotations

from typing import Callable

import polars as pl
import pytest

Cell = tuple[float | None, str | None]
MISSING_ROW = "no row"


def find_cell(rows: pl.DataFrame, **key: str) -> Cell | str:
    """``(value, flag)`` of the one row matching ``key``, or ``MISSING_ROW`` when absent."""
    match = rows.filter(*[pl.col(name) == value for name, value in key.items()])
    if match.height == 0:
        return MISSING_ROW
    assert match.height == 1, f"{match.height} rows for {key}"
    return match.item(0, "value"), match.item(0, "flag")


@pytest.fixture
def cell() -> Callable[..., Cell | str]:
    return find_cell

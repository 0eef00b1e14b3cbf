"""Great Expectations suites for the marts, one module per domain.

Each module here exposes ``SUITES: list[MartSuite]``. `pipelines.defs.checks` builds one
blocking asset check per mart from every suite naming it, plus a scan of every text column for
personal data, so a domain adds expectations without touching the check code.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class MartSuite:
    """Expectations for one mart. ``expectations`` is a function so GX is imported lazily."""

    mart: str
    expectations: Callable[[], list] = field(default=lambda: [])


def all_suites() -> list[MartSuite]:
    suites: list[MartSuite] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        suites += getattr(importlib.import_module(f"{__name__}.{module.name}"), "SUITES", [])
    return suites

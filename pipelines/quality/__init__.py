"""Great Expectations suites for the marts, one module per domain.

Each module here exposes ``SUITES: list[MartSuite]``. `pipelines.defs.checks` builds one
blocking asset check per mart from every suite naming it, plus a scan of every text column for
personal data, so a domain adds expectations without touching the check code.

Great Expectations takes seconds to import, and the Dagster definitions import this package
when they load: nothing here may import it at module level. Suites write ``E.ExpectX(...)``
inside their ``expectations`` function with ``E`` from this package, which imports
``great_expectations.expectations`` on first use (when a check runs).

Helper modules (no ``SUITES``): `regex` (Python regular expressions as DuckDB/RE2 ones with
the same meaning), `personal_data` (the email/phone scan in SQL) and `pushdown` (the suites of
large marts validated in SQL; its docstring says why each expectation stays exact).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class MartSuite:
    """Expectations for one mart. ``expectations`` is a function so GX is imported lazily."""

    mart: str
    expectations: Callable[[], list] = field(default=lambda: [])


class _LazyExpectations:
    """``great_expectations.expectations``, imported when an attribute is first read."""

    def __getattr__(self, name: str) -> Any:
        import great_expectations.expectations as expectations

        return getattr(expectations, name)


E = _LazyExpectations()


def all_suites() -> list[MartSuite]:
    suites: list[MartSuite] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        suites += getattr(importlib.import_module(f"{__name__}.{module.name}"), "SUITES", [])
    return suites

"""Shared fixtures.

Real public reference files live beside the checkout in ``../shared/reference-data``.
Tests that need them skip with a reason when the folder is absent, and fail under CI.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines import settings

REFERENCE_DATA = settings.PROJECT_ROOT.parent / "shared" / "reference-data"


@pytest.fixture(scope="session")
def reference_data() -> Path:
    if not REFERENCE_DATA.is_dir():
        message = f"real reference files not found at {REFERENCE_DATA} (see its SOURCES.md)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + "; CI must have them")
        pytest.skip(message)
    return REFERENCE_DATA


@pytest.fixture
def hmac_secret(tmp_path, monkeypatch) -> Path:
    """A throwaway HMAC secret for one test."""
    from pipelines import privacy

    path = privacy.create_secret(tmp_path / "secret.key")
    monkeypatch.setenv(settings.SECRET_FILE_ENV, str(path))
    return path


@pytest.fixture
def restore_environment():
    """`cci` commands point os.environ at their data directory; put it back after the test."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)

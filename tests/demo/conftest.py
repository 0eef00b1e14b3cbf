"""One generated demo set shared by the demo tests (generation takes well under a second)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.demo import generate_demo_data

SEED = 2016


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    generate_demo_data(data_dir, seed=SEED)
    return data_dir


@pytest.fixture(scope="session")
def raw(demo_dir) -> Path:
    return demo_dir / "raw"


@pytest.fixture(scope="session")
def truth(demo_dir) -> dict:
    return json.loads((demo_dir / "ground_truth" / "demo_ground_truth.json").read_text(encoding="utf-8"))

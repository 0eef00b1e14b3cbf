"""dbt unit tests check the models' SQL on hand-made rows, not the data: they run here, with the
test suite (`make test`), and not in every production build (pipelines/defs/transform.py), which
runs the models, seeds and every data test.

The unit tests need the relations they mock to exist (dbt reads their columns), so a fresh
warehouse gets the demo data's raw tables from the pipeline's own ingest assets and every model
built empty (`dbt seed`, `dbt run --empty`) before `dbt test --select test_type:unit`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines import privacy, settings

pytestmark = pytest.mark.xdist_group("dbt_unit_tests")

DBT = str(Path(sys.executable).parent / "dbt")


def _dbt(args: list[str], environment: dict[str, str], target: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DBT, *args, "--project-dir", str(settings.DBT_PROJECT_DIR), "--profiles-dir", str(settings.DBT_PROJECT_DIR),
         "--target-path", str(target)],
        env=environment, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("unit_tests")
    return {
        **os.environ,
        settings.DATA_DIR_ENV: str(data_dir),
        settings.WAREHOUSE_DB_ENV: str(data_dir / "warehouse" / "warehouse.duckdb"),
        settings.SECRET_FILE_ENV: str(privacy.create_secret(data_dir / "secret.key")),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


@pytest.fixture(scope="module")
def warehouse(environment) -> Path:
    """A fresh warehouse with the demo's raw tables (ingest only) and every model, empty."""
    from pipelines.demo.generator import generate_demo_data

    data_dir = Path(environment[settings.DATA_DIR_ENV])
    generate_demo_data(data_dir, seed=2016)
    (data_dir / "warehouse").mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        for name in (settings.DATA_DIR_ENV, settings.WAREHOUSE_DB_ENV, settings.SECRET_FILE_ENV):
            patch.setenv(name, environment[name])
        from pipelines.definitions import defs
        from pipelines.defs.transform import cci_dbt_models

        dbt_assets = dg.AssetSelection.assets(cci_dbt_models)
        # a multi-asset runs whole: its other outputs come along
        raw_keys = (dbt_assets.upstream() - dbt_assets).required_multi_asset_neighbors().resolve(
            defs.resolve_asset_graph())
        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), asset_selection=sorted(raw_keys), raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    seeds = _dbt(["seed"], environment, data_dir / "target-seed")  # reference tables the models read
    assert seeds.returncode == 0, seeds.stdout[-3000:]
    run = _dbt(["run", "--empty"], environment, data_dir / "target-empty")
    assert run.returncode == 0, run.stdout[-3000:]
    return Path(environment[settings.WAREHOUSE_DB_ENV])


def test_every_unit_test_passes(warehouse, environment, tmp_path):
    invocation = _dbt(["test", "--select", "test_type:unit"], environment, tmp_path / "target")
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    statuses = {result["unique_id"]: result["status"] for result in results}
    assert statuses, invocation.stdout[-3000:]
    assert all(uid.startswith("unit_test.") for uid in statuses)
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    assert set(statuses) == set(manifest["unit_tests"])  # every unit test of the project ran
    assert {uid: status for uid, status in statuses.items() if status != "pass"} == {}
    assert invocation.returncode == 0


def test_production_build_runs_every_data_test_and_no_unit_test(environment, tmp_path):
    from pipelines.defs.transform import BUILD_ARGS

    assert BUILD_ARGS[0] == "build"
    listed = _dbt(["list", *BUILD_ARGS[1:], "--output", "json", "--quiet"], environment, tmp_path / "target")
    assert listed.returncode == 0, listed.stdout[-3000:]
    selected = [json.loads(line) for line in listed.stdout.splitlines() if line.startswith("{")]
    kinds = {node["resource_type"] for node in selected}
    assert "unit_test" not in kinds
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    data_tests = {uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "test"}
    models = {uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    assert data_tests and models and manifest["unit_tests"]
    assert {node["unique_id"] for node in selected if node["resource_type"] == "test"} == data_tests
    assert {node["unique_id"] for node in selected if node["resource_type"] == "model"} == models

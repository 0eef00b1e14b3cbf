"""The `cci` command: clear one-line errors and non-zero exits when something is missing."""

import pytest

from pipelines import cli, settings


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch, restore_environment):
    for name in (settings.DATA_DIR_ENV, settings.WAREHOUSE_DB_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(settings.SECRET_FILE_ENV, str(tmp_path / "secret.key"))


def test_sql_without_published_marts_says_how_to_build_them(tmp_path, capsys):
    status = cli.main(["sql", "select 1", "--data-dir", str(tmp_path / "empty")])
    assert status == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("cci sql:") and "cci run" in error and len(error.splitlines()) == 1


def test_run_without_raw_data_names_the_missing_folder(tmp_path, capsys):
    status = cli.main(["run", "--data-dir", str(tmp_path / "nothing")])
    assert status == 1
    error = capsys.readouterr().err
    assert str(tmp_path / "nothing" / "raw") in error and "cci demo-data" in error


def test_run_without_secret_asks_for_init_secret(tmp_path, capsys):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    status = cli.main(["run", "--data-dir", str(tmp_path / "data")])
    assert status == 1
    assert "cci init-secret" in capsys.readouterr().err


def test_init_secret_creates_a_private_file_once(tmp_path, capsys):
    assert cli.main(["init-secret"]) == 0
    path = tmp_path / "secret.key"
    assert path.stat().st_mode & 0o077 == 0  # readable by the owner only
    first = path.read_text()
    assert cli.main(["init-secret"]) == 0
    assert path.read_text() == first
    assert "already present" in capsys.readouterr().out


def test_demo_data_at_scale_writes_a_programme_with_its_ground_truth(tmp_path, capsys):
    import polars as pl

    from pipelines.demo.scale import read_ground_truth

    data_dir = tmp_path / "programme"
    assert cli.main(["demo-data", "--scale", "20000", "--data-dir", str(data_dir)]) == 0
    truth = read_ground_truth(data_dir)
    assert truth["synthetic"] is True
    # the true participations the generator planned, one row each
    assert pl.read_parquet(data_dir / "ground_truth" / "programme_participations.parquet").height == 20_000
    # one project per 10,000 participations, one event per 100 (pipelines/demo/scale.py)
    events = (data_dir / "raw" / "events" / "events.csv").read_text(encoding="utf-8").splitlines()
    assert len(events) - 1 == 200
    assert len({line.split(",")[1] for line in events[1:]}) == 2
    assert "20,000 participations" in capsys.readouterr().out


def test_demo_data_refuses_a_programme_too_small_to_have_projects(tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.main(["demo-data", "--scale", "50", "--data-dir", str(tmp_path / "p")])
    assert "at least 200" in capsys.readouterr().err


def test_run_with_a_missing_dagster_home_says_how_to_fix_it(tmp_path, capsys, monkeypatch):
    from pipelines import privacy

    (tmp_path / "data" / "raw").mkdir(parents=True)
    monkeypatch.setenv(settings.SECRET_FILE_ENV, str(privacy.create_secret(tmp_path / "secret.key")))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "no-such-home"))
    status = cli.main(["run", "--data-dir", str(tmp_path / "data")])
    assert status == 1
    error = capsys.readouterr().err
    assert "DAGSTER_HOME" in error and str(tmp_path / "no-such-home") in error


def test_make_demo_creates_the_dagster_home_before_running(tmp_path):
    # a fresh clone has no .dagster: `make demo` must make it before `cci run` uses it
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    home = tmp_path / "dagster-home"
    plan = subprocess.run(["make", "-n", "demo", f"DAGSTER_HOME={home}"], cwd=settings.PROJECT_ROOT,
                          capture_output=True, text=True, check=True).stdout.splitlines()
    created = next(i for i, line in enumerate(plan) if str(home / "dagster.yaml") in line)
    ran = next(i for i, line in enumerate(plan) if line.strip().endswith("cci run"))
    assert created < ran

"""Versions: open deliveries are rewritten in place, closed ones never; a correction after closing
becomes v2 with a change log listing exactly the changed cells. Also the `cci` commands."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import polars as pl
import pytest
from export_fixtures import indicator_frame, marts_for

from pipelines import cli, settings
from pipelines.exports.deliver import write_deliveries
from pipelines.exports.store import CLOSED, close_period, delivery_states

AS_OF = dt.date(2016, 7, 1)
BUILD_1, BUILD_2, BUILD_3 = "20160701T060000-aaaaaaaa", "20160801T060000-bbbbbbbb", "20160901T060000-cccccccc"


def _corrected(value: float, cell: str = "FI") -> pl.DataFrame:
    """The fixture with one cell changed: unique participants from ``cell`` in March 2016."""
    frame = indicator_frame()
    target = ((pl.col("project_id") == "TP") & (pl.col("indicator_code") == "unique_participants")
              & (pl.col("period_type") == "month") & (pl.col("period_id") == "2016-03")
              & (pl.col("disaggregation_value") == cell))
    return frame.with_columns(pl.when(target).then(pl.lit(value)).otherwise(pl.col("value")).alias("value"))


def _write(root, frame, build_id, period="2016-03", sources=None):
    marts = marts_for(frame, build_id=build_id, sources=sources)
    return write_deliveries(marts, root, as_of=AS_OF, project_id="TP", period_id=period)[0]


def _snapshot(directory):
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _changes(path):
    return list(csv.DictReader(io.StringIO((path / "changes.csv").read_text(encoding="utf-8"))))


def test_rebuild_with_the_same_content_leaves_the_delivery_alone(tmp_path):
    first = _write(tmp_path, indicator_frame(), BUILD_1)
    before = _snapshot(first.path)
    again = _write(tmp_path, indicator_frame(), BUILD_2)  # another build, same data
    assert (again.version, again.action) == (1, "unchanged")
    assert _snapshot(first.path) == before
    assert json.loads(before["manifest.json"])["build_id"] == BUILD_1


def test_open_period_is_rewritten_in_place_without_a_change_log(tmp_path):
    _write(tmp_path, indicator_frame(), BUILD_1)
    result = _write(tmp_path, _corrected(11), BUILD_2)
    assert (result.version, result.action) == (1, "rewritten")
    assert sorted(p.name for p in (tmp_path / "TP" / "2016-03").iterdir()) == ["v1"]
    files = _snapshot(result.path)
    assert "changes.csv" not in files and "CHANGES.md" not in files
    assert json.loads(files["manifest.json"])["build_id"] == BUILD_2
    assert b",country,FI,11," in files["indicators_TP_2016-03.csv"]


def test_close_then_correction_gives_v2_with_exactly_the_changed_cell(tmp_path):
    v1 = _write(tmp_path, indicator_frame(), BUILD_1)
    assert close_period(tmp_path, "TP", "2016-03") == (1, True)
    frozen = _snapshot(v1.path)

    v2 = _write(tmp_path, _corrected(11), BUILD_2, sources=[("registrations/TP-E01/list.csv", "c" * 64, 2050)])
    assert (v2.version, v2.action) == (2, "new_version")
    assert v2.path == tmp_path / "TP" / "2016-03" / "v2"
    assert _snapshot(v1.path) == frozen  # the closed version is untouched
    assert _changes(v2.path) == [{
        "change": "changed", "indicator_code": "unique_participants", "period_type": "month",
        "period_id": "2016-03", "disaggregation": "country", "disaggregation_value": "FI",
        "field": "value", "old_value": "10", "new_value": "11",
    }]
    notes = (v2.path / "CHANGES.md").read_text(encoding="utf-8")
    assert "| changed | unique_participants | month 2016-03 | country | FI | value | 10 | 11 |" in notes
    assert BUILD_1 in notes and BUILD_2 in notes
    assert "changed `registrations/TP-E01/list.csv`" in notes and "removed `programme/projects.csv`" in notes
    manifest = json.loads((v2.path / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["version"], manifest["supersedes"]) == (2, 1)
    assert {"changes.csv", "CHANGES.md"} <= {f["name"] for f in manifest["files"]}

    # v2 is open: a further correction rewrites v2, still logged against the closed v1.
    v2b = _write(tmp_path, _corrected(12), BUILD_3)
    assert (v2b.version, v2b.action) == (2, "rewritten")
    assert [(c["old_value"], c["new_value"]) for c in _changes(v2b.path)] == [("10", "12")]
    assert _snapshot(v1.path) == frozen

    # Closing v2, then a build back on the original data: v3 against v2.
    assert close_period(tmp_path, "TP", "2016-03") == (2, True)
    v3 = _write(tmp_path, indicator_frame(), BUILD_1)
    assert (v3.version, v3.action) == (3, "new_version")
    assert [(c["old_value"], c["new_value"]) for c in _changes(v3.path)] == [("12", "10")]
    closed = json.loads((tmp_path / "TP" / "2016-03" / CLOSED).read_text(encoding="utf-8"))
    assert [e["version"] for e in closed["closed"]] == [1, 2]


def test_a_change_that_suppresses_a_cell_is_logged_without_revealing_it(tmp_path):
    _write(tmp_path, indicator_frame(), BUILD_1)
    close_period(tmp_path, "TP", "2016-03")
    # FI 10 → 4 makes FI small: its value disappears from v2 and from the change log.
    v2 = _write(tmp_path, _corrected(4), BUILD_2)
    changes = _changes(v2.path)
    fi = [c for c in changes if c["disaggregation_value"] == "FI"]
    assert [(c["field"], c["old_value"], c["new_value"]) for c in fi] == [("value", "10", ""), ("flag", "", "suppressed")]
    assert all(c["new_value"] != "4" for c in changes)


def test_closing_needs_an_intact_delivery(tmp_path):
    with pytest.raises(FileNotFoundError):
        close_period(tmp_path, "TP", "2016-03")
    result = _write(tmp_path, indicator_frame(), BUILD_1)
    (result.path / "indicators_TP_2016-03.xlsx").write_bytes(b"edited by hand")
    with pytest.raises(ValueError, match="does not match its manifest"):
        close_period(tmp_path, "TP", "2016-03")
    assert not (tmp_path / "TP" / "2016-03" / CLOSED).exists()


def test_a_period_not_finished_is_not_delivered(tmp_path):
    marts = marts_for(indicator_frame())
    with pytest.raises(ValueError, match="not finished"):
        write_deliveries(marts, tmp_path, as_of=dt.date(2016, 3, 31), project_id="TP", period_id="2016-03")
    assert [r.period_id for r in write_deliveries(marts, tmp_path, as_of=dt.date(2016, 4, 1), project_id="TP")] == [
        "2016-02", "2016-03", "2016Q1"]


@pytest.fixture
def published_data_dir(tmp_path, monkeypatch, restore_environment):
    """A data directory with the fixture as its published marts (as `publish` lays them out)."""
    data = tmp_path / "data"
    release = data / "marts" / "releases" / BUILD_1
    release.mkdir(parents=True)
    for name, frame in marts_for(indicator_frame()).items():
        frame.write_parquet(release / f"{name}.parquet")
    (data / "marts" / "current").symlink_to(release.relative_to(data / "marts"), target_is_directory=True)
    (data / "raw").mkdir()
    for name in (settings.DATA_DIR_ENV, settings.WAREHOUSE_DB_ENV):
        monkeypatch.delenv(name, raising=False)
    return data


def test_cli_export_close_and_list(published_data_dir, capsys):
    data = str(published_data_dir)
    assert cli.main(["export", "TP", "2016Q1", "--as-of", "2016-07-01", "--data-dir", data]) == 0
    assert "TP 2016Q1: v1 created" in capsys.readouterr().out
    assert cli.main(["close-period", "TP", "2016q1", "--data-dir", data]) == 0
    assert "TP 2016Q1: v1 closed" in capsys.readouterr().out
    assert cli.main(["export", "TP", "--as-of", "2016-07-01", "--data-dir", data]) == 0
    out = capsys.readouterr().out
    assert "TP 2016Q1: v1 unchanged" in out and "TP final: v1 created" in out
    assert cli.main(["deliveries", "TP", "--data-dir", data]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listing[1:]] == ["2016-02", "2016-03", "2016Q1", "2016-04", "2016-05",
                                                         "2016-06", "2016Q2", "final"]
    assert listing[3].split()[:3] == ["2016Q1", "v1", "closed"]


def test_cli_errors_are_one_line(published_data_dir, capsys):
    data = str(published_data_dir)
    assert cli.main(["export", "TP", "2016-09", "--as-of", "2016-07-01", "--data-dir", data]) == 1
    assert capsys.readouterr().err.strip() == (
        "cci export: the project runs 2016-02-01 – 2016-06-30: it has no reporting period 2016-09")
    assert cli.main(["close-period", "TP", "2016-03", "--data-dir", data]) == 1
    assert capsys.readouterr().err.startswith("cci close-period: no delivery for TP 2016-03")
    assert cli.main(["deliveries", "NOPE", "--data-dir", data]) == 1
    assert cli.main(["export", "TP", "PTD", "--data-dir", data]) == 1
    assert delivery_states(published_data_dir / "exports", "TP") == []

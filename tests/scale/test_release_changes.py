"""The benchmark's comparison of two releases (what an incremental build changed), on hand-made marts."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from release_changes import previous_release, release_changes  # noqa: E402


def _release(root: Path, name: str, tables: dict[str, pl.DataFrame]) -> Path:
    release = root / "releases" / name
    release.mkdir(parents=True)
    for table, frame in tables.items():
        frame.write_parquet(release / f"{table}.parquet")
    return release


def test_changed_rows_and_projects_are_counted_per_mart(tmp_path):
    facts_before = pl.DataFrame({"project_id": ["P1", "P1", "P2", "P3"], "cell": ["a", "b", "c", "d"],
                                 "value": [1, 2, 3, 4]})
    # P2's value changes, P4 is new; P1 and P3 keep their rows
    facts_after = pl.DataFrame({"project_id": ["P1", "P1", "P2", "P3", "P4"], "cell": ["a", "b", "c", "d", "e"],
                                "value": [1, 2, 30, 4, 5]})
    persons_before = pl.DataFrame({"person_key": ["k1", "k1", "k2"], "events": [1, 1, 2]})
    persons_after = pl.DataFrame({"person_key": ["k1", "k2"], "events": [1, 2]})  # one of two equal rows gone
    metadata = pl.DataFrame({"build_id": ["x"]})
    before = _release(tmp_path, "20260101T000000-aaaa", {"fct_facts": facts_before, "dim_persons": persons_before,
                                                         "build_metadata": metadata})
    after = _release(tmp_path, "20260102T000000-bbbb", {"fct_facts": facts_after, "dim_persons": persons_after,
                                                        "dim_new": persons_after,
                                                        "build_metadata": metadata.with_columns(build_id=pl.lit("y"))})

    changes = {entry["table"]: entry for entry in release_changes(before, after)}

    assert set(changes) == {"fct_facts", "dim_persons", "dim_new"}  # build metadata is not a mart
    assert changes["fct_facts"] == {
        "table": "fct_facts", "rows_before": 4, "rows_after": 5, "rows_gone": 1, "rows_added": 2,
        "projects": 4, "projects_changed": 2, "rows_in_changed_projects": 2}
    assert changes["dim_persons"] == {"table": "dim_persons", "rows_before": 3, "rows_after": 2,
                                      "rows_gone": 1, "rows_added": 0}
    assert changes["dim_new"] == {"table": "dim_new", "only_in": "after"}


def test_a_row_differing_in_any_column_counts_as_changed(tmp_path):
    # same project, same count, values swapped between columns: the per-project sum of row hashes differs
    before = _release(tmp_path, "20260101T000000-aaaa",
                      {"fct_facts": pl.DataFrame({"project_id": ["P1"], "a": ["x"], "b": ["y"]})})
    after = _release(tmp_path, "20260102T000000-bbbb",
                     {"fct_facts": pl.DataFrame({"project_id": ["P1"], "a": ["y"], "b": ["x"]})})
    [facts] = release_changes(before, after)
    assert (facts["rows_gone"], facts["rows_added"], facts["projects_changed"]) == (1, 1, 1)


def test_the_previous_release_is_the_latest_finished_one_before(tmp_path):
    first = _release(tmp_path, "20260101T000000-aaaa", {})
    second = _release(tmp_path, "20260102T000000-bbbb", {})
    (tmp_path / "releases" / ".20260103T000000-cccc.partial").mkdir()
    third = _release(tmp_path, "20260104T000000-dddd", {})
    assert previous_release(third) == second
    assert previous_release(second) == first
    assert previous_release(first) is None


def test_the_report_lists_changed_marts_with_their_share_of_rows():
    from benchmark_report import _changes_section

    record = {"participations": 1000, "phases": {"incremental_changes": {"result": {"seconds": 1.0, "tables": [
        {"table": "fct_facts", "rows_before": 190, "rows_after": 200, "rows_gone": 3, "rows_added": 13,
         "projects": 8, "projects_changed": 2, "rows_in_changed_projects": 50},
        {"table": "dim_regions", "rows_before": 5, "rows_after": 5, "rows_gone": 0, "rows_added": 0},
        {"table": "dim_new", "only_in": "after"}]}}}}
    lines = _changes_section([record])
    assert "| fct_facts | 200 | 3 / 13 | 2 of 8 | 50 (25.00%) |" in lines
    assert "| dim_new | only in the release after | | | |" in lines
    assert not any("dim_regions" in line for line in lines)  # unchanged marts are left out


def test_rows_without_a_project_are_one_group_and_unchanged_when_equal(tmp_path):
    # programme-level rows carry no project: equal on both sides, they change nothing
    frame = pl.DataFrame({"project_id": [None, None, "P1"], "value": [1, 2, 3]},
                         schema_overrides={"project_id": pl.String})
    before = _release(tmp_path, "20260101T000000-aaaa", {"fct_facts": frame})
    after = _release(tmp_path, "20260102T000000-bbbb", {"fct_facts": frame})
    [facts] = release_changes(before, after)
    assert (facts["rows_gone"], facts["rows_added"]) == (0, 0)
    assert (facts["projects"], facts["projects_changed"], facts["rows_in_changed_projects"]) == (2, 0, 0)

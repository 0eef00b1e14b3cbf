"""The reader against every registration export of the synthetic demo set and its ground truth.

The demo generator (pipelines/demo) and the reader are written independently; they meet only
through the files, so this is the check that the reader understands what the generator writes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

generator = pytest.importorskip("pipelines.demo.generator")

from pipelines.registrations.reader import read_registration_file  # noqa: E402


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    data_dir = tmp_path_factory.mktemp("demo")
    generator.generate_demo_data(data_dir)
    truth_files = sorted((data_dir / "ground_truth").glob("*.json"))
    assert truth_files, "the demo generator wrote no ground truth"
    return data_dir / "raw", json.loads(truth_files[0].read_text(encoding="utf-8"))


def test_every_demo_file_reads_as_the_ground_truth_says(demo) -> None:
    raw, truth = demo
    files = truth["files"]
    on_disk = {
        p.relative_to(raw).as_posix()
        for p in (raw / "registrations").rglob("*")
        if p.is_file() and p.suffix.lower() in {".csv", ".tsv", ".txt", ".xlsx", ".xls"}
    }
    assert on_disk == set(files)
    for relative, expected in files.items():
        result = read_registration_file(raw / relative, expected["event_id"], raw_root=raw)
        manifest = result.file
        assert manifest.source_file == relative
        assert manifest.rows_read == expected["rows_read"], relative
        assert manifest.rows_staged == expected["expected_staged"], relative
        assert manifest.header_row == expected["header_row"], relative
        if expected.get("delimiter"):
            assert manifest.delimiter == expected["delimiter"], relative
        got = sorted((r["source_row"], r["reason_code"]) for r in result.quarantined.iter_rows(named=True))
        want = sorted((q["source_row"], q["reason_code"]) for q in expected["quarantined_rows"])
        assert got == want, relative
        assert manifest.warnings == [], (relative, manifest.warnings)


def test_demo_values_match_the_persons(demo) -> None:
    """Per event, the staged attending rows carry the persons' true attributes (up to the
    near-duplicate rows, which repeat a person)."""
    raw, truth = demo
    persons = truth["persons"]
    for relative, expected in truth["files"].items():
        result = read_registration_file(raw / relative, expected["event_id"], raw_root=raw)
        staged = result.staged
        attending = staged.filter(staged["attended"].is_null() | staged["attended"])
        people = [p for p in persons if expected["event_id"] in p["events"]]
        slack = expected.get("near_duplicate_rows", 0)
        assert attending.height - slack == len(people), relative
        checks = ["target_group", "organisation_type", "country_code"]
        if "sex" in result.file.column_mapping.values():
            checks.append("sex")
        if expected.get("has_consent_column"):
            checks.append("research_consent")
        for column in checks:
            got, want = Counter(attending[column].to_list()), Counter(p[column] for p in people)
            off = {k: (got[k], want[k]) for k in set(got) | set(want) if abs(got[k] - want[k]) > slack}
            assert not off, (relative, column, off)

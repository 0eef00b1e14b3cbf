"""The programme-sized generator (pipelines.demo.scale) at tiny scales: its files are what its
ground truth says they are, as the real reader and identity resolution see them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from pipelines.demo.generator import generate_demo_data
from pipelines.demo.scale import (
    FILES_TRUTH,
    PARTICIPATIONS_TRUTH,
    PERSONS_TRUTH,
    ProgrammeShape,
    add_event_export,
    generate_programme,
    read_ground_truth,
)
from pipelines.registrations.identity import resolve_persons
from pipelines.registrations.reader import read_registration_file

PARTICIPATIONS = 2_000


@pytest.fixture(scope="module")
def programme(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("programme")
    generate_programme(data_dir, PARTICIPATIONS, seed=7, progress=False)
    return data_dir


@pytest.fixture(scope="module")
def read_back(programme) -> dict[str, object]:
    """Every registration file read by the real reader, keyed by its path under raw/."""
    raw = programme / "raw"
    events = set(pl.read_csv(raw / "events" / "events.csv", infer_schema=False)["event_id"])
    results = {}
    for path in sorted((raw / "registrations").rglob("*.*")):
        event = path.parent.name
        results[path.relative_to(raw).as_posix()] = read_registration_file(
            path, event if event in events else None, raw_root=raw)
    return results


def test_shape_follows_the_number_of_participations():
    assert ProgrammeShape.for_participations(10_000_000) == ProgrammeShape(10_000_000, 1_000, 100_000, 2_000_000)
    assert ProgrammeShape.for_participations(1_000_000) == ProgrammeShape(1_000_000, 100, 10_000, 200_000)
    assert ProgrammeShape.for_participations(2_000) == ProgrammeShape(2_000, 2, 20, 400)


def test_raw_layout_registries_and_synthetic_marker(programme):
    raw = programme / "raw"
    assert "synthetic" in (raw / "SYNTHETIC.md").read_text().lower()
    projects = pl.read_csv(raw / "programme" / "projects.csv", infer_schema=False)
    events = pl.read_csv(raw / "events" / "events.csv", infer_schema=False)
    assert projects.height == 2 and events.height == 20
    jc = projects.filter(pl.col("project_id") == "JC").row(0, named=True)
    assert (jc["start_date"], jc["end_date"], jc["participant_target"]) == ("2016-02-01", "2017-04-30", "200")
    assert set(events["project_id"]) <= set(projects["project_id"])
    # every event has its folder of exports, and every folder is an event
    folders = {p.name for p in (raw / "registrations").iterdir() if p.is_dir()}
    assert folders == set(events["event_id"])
    # events lie within their project's dates
    joined = events.join(projects, on="project_id", suffix="_project")
    assert (joined["start_date"] >= joined["start_date_project"]).all()
    assert (joined["start_date"] <= joined["end_date_project"]).all()


def test_files_come_in_the_formats_of_real_exports(programme):
    raw = programme / "raw"
    files = sorted((raw / "registrations").rglob("*.*"))
    contents = {p: p.read_bytes() for p in files}
    assert any(p.suffix == ".xlsx" and data[:2] == b"PK" for p, data in contents.items())
    assert any(data.startswith(b"\xef\xbb\xbf") for data in contents.values()), "a UTF-8 file with a BOM"
    cp1251 = [data for data in contents.values() if data[:4] != b"PK\x03\x04" and not _is_utf8(data)]
    assert cp1251, "a cp1251 file"
    # cp1251 lists write Russians in Cyrillic with semicolons
    text = cp1251[0].decode("cp1251")
    assert "Фамилия;Имя" in text.splitlines()[0]
    assert any("а" <= ch <= "я" for ch in text.splitlines()[1])
    headers = {p.read_bytes().decode("utf-8-sig", errors="replace").splitlines()[0] for p in files if p.suffix == ".csv"}
    assert any(h.startswith("First name") for h in headers) and any("Sukunimi" in h for h in headers)
    assert any("Förnamn" in h for h in headers)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_ground_truth_counts_add_up(programme):
    truth = read_ground_truth(programme)
    pairs = pl.read_parquet(programme / "ground_truth" / PARTICIPATIONS_TRUTH)
    assert truth["programme"]["participations"] == PARTICIPATIONS == pairs.height
    assert pairs.select("person", "event_id").is_duplicated().sum() == 0
    assert sum(p["participations"] for p in truth["projects"].values()) == PARTICIPATIONS
    per_project = pairs.group_by("project_id").agg(pl.col("person").n_unique())
    for project_id, persons in per_project.iter_rows():
        assert truth["projects"][project_id]["unique_participants"] == persons
    assert truth["programme"]["unique_participants"] == pairs["person"].n_unique()
    files = pl.read_parquet(programme / "ground_truth" / FILES_TRUTH)
    assert files["rows_read"].sum() == truth["programme"]["registration_rows"]
    assert (files["rows_read"] == files["rows_staged"] + files["rows_quarantined"]).all()


def test_the_reader_sees_exactly_the_planned_rows_per_file(programme, read_back):
    truth = pl.read_parquet(programme / "ground_truth" / FILES_TRUTH)
    reasons = [c for c in truth.columns if c in ("test_record", "empty_row", "bad_email", "unknown_country",
                                                 "unparseable_date", "missing_name", "duplicate_in_file")]
    assert {"test_record", "bad_email", "duplicate_in_file", "unknown_country"} <= set(reasons)
    assert set(read_back) == set(truth["source_file"])
    for row in truth.iter_rows(named=True):
        result = read_back[row["source_file"]]
        assert result.file.rows_read == row["rows_read"], row["source_file"]
        assert result.staged.height == row["rows_staged"], row["source_file"]
        found = result.quarantined.group_by("reason_code").len()
        found = dict(found.iter_rows())
        expected = {reason: row[reason] for reason in reasons if row[reason]}
        assert found == expected, row["source_file"]


def test_identity_resolution_recovers_the_true_persons(programme, read_back):
    staged = pl.concat([r.staged for r in read_back.values()], how="diagonal_relaxed")
    result = resolve_persons(staged, b"test-secret" * 3)
    persons = pl.read_parquet(programme / "ground_truth" / PERSONS_TRUTH).select(
        "person", pl.col("email").str.to_lowercase())
    rows = result.assignments.join(staged.select("registration_id", "email", "attended"), on="registration_id")
    rows = rows.join(persons, on="email", how="left")
    assert rows["person"].null_count() == 0  # every staged row carries its person's address
    assert rows.group_by("person_key").agg(pl.col("person").n_unique()).filter(pl.col("person") > 1).height == 0
    assert rows.group_by("person").agg(pl.col("person_key").n_unique()).filter(pl.col("person_key") > 1).height == 0
    participants = rows.filter(pl.col("attended").is_null() | pl.col("attended"))["person_key"].n_unique()
    assert participants == read_ground_truth(programme)["programme"]["unique_participants"]


def test_messy_values_are_there(read_back):
    staged = pl.concat([r.staged for r in read_back.values()], how="diagonal_relaxed")
    quarantined = pl.concat([r.quarantined for r in read_back.values()], how="diagonal_relaxed")
    raw_emails = quarantined["raw_record"].str.extract(r'"[^"]*(?:mail|почта|posti|post)[^"]*": "([^"]*)"')
    assert raw_emails.drop_nulls().len() > 0
    # names in both alphabets, no-shows, refused consent
    assert staged["last_name"].str.contains(r"[А-Яа-я]").any() and staged["last_name"].str.contains(r"^[A-Za-z]").any()
    assert (staged["attended"] == False).any()  # noqa: E712
    assert (staged["research_consent"] == False).any()  # noqa: E712


def test_same_seed_gives_the_same_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    generate_programme(first, 600, seed=3, progress=False, include_reference_files=False)
    generate_programme(second, 600, seed=3, progress=False, include_reference_files=False)

    def digests(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((root / "raw").rglob("*")) if p.is_file()}

    assert digests(first) == digests(second)


def test_an_existing_set_is_kept_and_real_data_is_refused(tmp_path):
    data_dir = tmp_path / "d"
    generate_programme(data_dir, 600, seed=3, progress=False, include_reference_files=False)
    again = generate_programme(data_dir, 600, seed=3, progress=False, include_reference_files=False)
    assert again.generated is False and again.participations == 600
    with pytest.raises(FileExistsError):
        generate_programme(data_dir, 800, seed=3, progress=False)
    demo = tmp_path / "demo"
    generate_demo_data(demo)
    with pytest.raises(FileExistsError):
        generate_programme(demo, 600, progress=False)  # the demo set is kept unless overwritten
    replaced = generate_programme(demo, 600, progress=False, overwrite=True, include_reference_files=False)
    assert replaced.generated and not (demo / "ground_truth" / "demo_ground_truth.json").exists()
    real = tmp_path / "real"
    (real / "raw" / "events").mkdir(parents=True)
    (real / "raw" / "events" / "events.csv").write_text("event_id\n")
    with pytest.raises(FileExistsError):
        generate_programme(real, 600, progress=False)


def test_adding_an_event_export_updates_files_and_truth(tmp_path):
    data_dir = tmp_path / "d"
    generate_programme(data_dir, 600, seed=5, progress=False, include_reference_files=False)
    before = read_ground_truth(data_dir)
    added = add_event_export(data_dir, rows=100)
    raw = data_dir / "raw"
    events = pl.read_csv(raw / "events" / "events.csv", infer_schema=False)
    assert added.event_id in set(events["event_id"]) and events.height == 10 + 1
    result = read_registration_file(raw / added.source_file, added.event_id, raw_root=raw)
    assert result.file.rows_read == added.rows == 100
    after = read_ground_truth(data_dir)
    assert after["programme"]["participations"] == before["programme"]["participations"] + added.participations
    assert after["programme"]["unique_participants"] == before["programme"]["unique_participants"] + added.new_persons
    # one row per person, everyone attended; 40 % of them are new to the programme
    assert added.participations == 100 and added.new_persons == 40
    json.dumps(after)  # still plain JSON


def test_rendering_in_chunks_keeps_files_whole_and_true(tmp_path, monkeypatch):
    """At large scale files are rendered a few hundred thousand rows at a time; a file is never split."""
    import pipelines.demo.scale as scale

    monkeypatch.setattr(scale, "RENDER_CHUNK_ROWS", 150)
    data_dir = tmp_path / "d"
    generate_programme(data_dir, 1_000, seed=9, progress=False, include_reference_files=False)
    raw = data_dir / "raw"
    truth = pl.read_parquet(data_dir / "ground_truth" / FILES_TRUTH)
    for row in truth.iter_rows(named=True):
        result = read_registration_file(raw / row["source_file"], row["event_id"], raw_root=raw)
        assert (result.file.rows_read, result.staged.height) == (row["rows_read"], row["rows_staged"])

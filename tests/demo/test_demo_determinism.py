"""Same seed -> byte-identical files; another seed -> other files; existing sets are kept."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipelines.demo import generate_demo_data


def digests(data_dir: Path) -> dict[str, str]:
    return {
        str(path.relative_to(data_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(data_dir.rglob("*")) if path.is_file()
    }


def test_same_seed_gives_byte_identical_files(tmp_path):
    generate_demo_data(tmp_path / "a", seed=2016)
    generate_demo_data(tmp_path / "b", seed=2016)
    first, second = digests(tmp_path / "a"), digests(tmp_path / "b")
    assert len(first) >= 20
    assert first == second


def test_other_seed_gives_other_files(tmp_path):
    generate_demo_data(tmp_path / "a", seed=2016)
    generate_demo_data(tmp_path / "b", seed=2017)
    first, second = digests(tmp_path / "a"), digests(tmp_path / "b")
    assert first.keys() == second.keys()
    registration_files = [p for p in first if "/registrations/" in p]
    assert registration_files
    assert all(first[p] != second[p] for p in registration_files)
    assert first["ground_truth/demo_ground_truth.json"] != second["ground_truth/demo_ground_truth.json"]


def test_xlsx_document_dates_are_fixed(raw):
    for path in sorted(raw.rglob("*.xlsx")):
        import zipfile

        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8")
            assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist()), path
        created = core.split("<dcterms:created")[1].split(">")[1].split("<")[0]
        assert created.startswith(("2016-", "2017-", "2018-")), (path, created)


def test_existing_demo_is_kept_unless_overwrite(tmp_path):
    first = generate_demo_data(tmp_path, seed=2016)
    assert first.generated
    before = digests(tmp_path)

    kept = generate_demo_data(tmp_path, seed=99)
    assert not kept.generated
    assert kept.seed == 2016
    assert kept.projects == first.projects
    assert digests(tmp_path) == before

    again = generate_demo_data(tmp_path, seed=2016, overwrite=True)
    assert again.generated
    assert digests(tmp_path) == before

    other = generate_demo_data(tmp_path, seed=5, overwrite=True)
    assert other.seed == 5
    truth = json.loads((tmp_path / "ground_truth" / "demo_ground_truth.json").read_text(encoding="utf-8"))
    assert truth["seed"] == 5
    assert set(digests(tmp_path)) == set(before)


def test_refuses_to_mix_with_real_data(tmp_path):
    real = tmp_path / "raw" / "registrations" / "X-1" / "real.csv"
    real.parent.mkdir(parents=True)
    real.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate_demo_data(tmp_path)
    with pytest.raises(FileExistsError):
        generate_demo_data(tmp_path, overwrite=True)
    assert real.read_text(encoding="utf-8") == "a,b\n1,2\n"


def test_notes_in_raw_do_not_block_and_are_kept(tmp_path):
    readme = tmp_path / "raw" / "README.md"
    readme.parent.mkdir(parents=True)
    readme.write_text("# Raw data layout\n", encoding="utf-8")
    summary = generate_demo_data(tmp_path)
    assert summary.generated
    generate_demo_data(tmp_path, seed=3, overwrite=True)
    assert readme.read_text(encoding="utf-8") == "# Raw data layout\n"


def test_summary_lists_every_written_file(tmp_path):
    summary = generate_demo_data(tmp_path)
    on_disk = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert set(summary.paths) == on_disk
    assert summary.registration_files == summary.events == 16
    assert summary.projects["JC"]["unique_participants"] > 200

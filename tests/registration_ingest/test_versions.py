"""The version rule: which exports of an event folder are in effect (pure functions, no files read)."""

from __future__ import annotations

import pytest

from pipelines.registrations.mapping import MappingFileError, load_overrides
from pipelines.registrations.versions import (
    RULE_FILE_NAME,
    RULE_MAPPING,
    Correction,
    corrections_from_mapping,
    load_corrections,
    parse_file_name,
    plan_versions,
)


@pytest.mark.parametrize(
    ("name", "family", "version"),
    [
        ("participants.csv", "participants", 1),
        ("participants.v2.csv", "participants", 2),
        ("Participants_V3.xlsx", "participants", 3),
        ("participants-corrected.xlsx", "participants", 2),
        ("participants_fixed.csv", "participants", 2),
        ("participants v2 corrected.csv", "participants", 3),
        ("registraciya_seminar_2016-02-25.csv", "registraciya_seminar_2016-02-25", 1),
        ("day2.csv", "day2", 1),  # a number without a 'v' marker is part of the name
        ("v2.csv", "v2", 1),  # a marker needs a stem before it
    ],
)
def test_file_name_versions(name, family, version):
    parsed = parse_file_name(name)
    assert (parsed.family, parsed.version) == (family, version)


def _hashes(*paths: str) -> dict[str, str]:
    return {path: f"hash-of-{path}" for path in paths}


def test_several_lists_of_one_event_are_all_loaded():
    plan = plan_versions(_hashes("EV/day1.csv", "EV/day2.csv", "EV/sheet_b.xlsx"))
    assert plan.superseded_by == {} and plan.conflicts == {}
    assert {plan.status(p) for p in ("EV/day1.csv", "EV/day2.csv", "EV/sheet_b.xlsx")} == {"loaded"}


def test_the_highest_version_of_a_family_supersedes_every_lower_one_whatever_the_format():
    plan = plan_versions(_hashes("EV/list.csv", "EV/list_corrected.xlsx", "EV/list.v3.csv", "EV/other.csv"))
    assert plan.superseded_by == {"EV/list.csv": "EV/list.v3.csv", "EV/list_corrected.xlsx": "EV/list.v3.csv"}
    assert plan.rule == {"EV/list.csv": RULE_FILE_NAME, "EV/list_corrected.xlsx": RULE_FILE_NAME}
    assert plan.status("EV/list.v3.csv") == "loaded" and plan.status("EV/other.csv") == "loaded"


def test_supersession_stays_within_one_event_folder():
    plan = plan_versions(_hashes("EV-1/list.csv", "EV-2/list.v2.csv"))
    assert plan.superseded_by == {}


def test_two_files_claiming_the_same_highest_version_are_ambiguous_and_supersede_nothing():
    plan = plan_versions(_hashes("EV/list.csv", "EV/list.v2.csv", "EV/list_corrected.xlsx"))
    assert set(plan.conflicts) == {"EV/list.v2.csv", "EV/list_corrected.xlsx"}
    assert "ambiguous correction" in plan.conflicts["EV/list.v2.csv"]
    assert plan.status("EV/list.csv") == "loaded"


def test_a_correction_that_could_not_be_read_supersedes_nothing():
    # list.v2.csv exists but failed to read: it is not among the readable files
    plan = plan_versions(_hashes("EV/list.csv"), present={"EV/list.v2.csv"})
    assert plan.status("EV/list.csv") == "loaded"


def test_an_identical_copy_is_a_duplicate_of_the_copy_with_the_shortest_name():
    hashes = {"EV/list (1).csv": "same", "EV/list.csv": "same", "EV/list - Copy.csv": "same", "EV/other.csv": "other"}
    plan = plan_versions(hashes)
    assert plan.duplicate_of == {"EV/list (1).csv": "EV/list.csv", "EV/list - Copy.csv": "EV/list.csv"}
    assert plan.status("EV/list (1).csv") == "duplicate" and plan.status("EV/list.csv") == "loaded"
    assert plan.status("EV/other.csv") == "loaded"


def test_declared_corrections_win_over_the_name_rule():
    corrections = [Correction(file="EV/final_export.xlsx", supersedes="EV/list.v2.csv")]
    plan = plan_versions(_hashes("EV/list.csv", "EV/list.v2.csv", "EV/final_export.xlsx"), corrections)
    assert plan.superseded_by["EV/list.v2.csv"] == "EV/final_export.xlsx"
    assert plan.rule["EV/list.v2.csv"] == RULE_MAPPING
    # list.csv's family now holds only itself (list.v2.csv is named in a declaration): it stays loaded
    assert plan.status("EV/list.csv") == "loaded"


def test_declarations_naming_absent_files_are_reported_and_ignored():
    plan = plan_versions(_hashes("EV/a.csv"), [Correction(file="EV/b.csv", supersedes="EV/a.csv")])
    assert plan.status("EV/a.csv") == "loaded"
    assert plan.notes and "EV/b.csv not found" in plan.notes[0]


def test_a_declared_cycle_fails_both_files():
    corrections = [Correction("EV/a.csv", "EV/b.csv"), Correction("EV/b.csv", "EV/a.csv")]
    plan = plan_versions(_hashes("EV/a.csv", "EV/b.csv"), corrections)
    assert set(plan.conflicts) == {"EV/a.csv", "EV/b.csv"}
    assert plan.superseded_by == {}


def test_corrections_section_parsing_and_errors():
    data = {"corrections": [{"file": "registrations/EV/new.xlsx", "supersedes": ["old.csv", "EV/older.csv"]}]}
    assert corrections_from_mapping(data) == [Correction("EV/new.xlsx", "EV/old.csv"), Correction("EV/new.xlsx", "EV/older.csv")]
    with pytest.raises(MappingFileError, match="its own event folder"):
        corrections_from_mapping({"corrections": [{"file": "EV/new.csv", "supersedes": "OTHER/old.csv"}]})
    with pytest.raises(MappingFileError, match="exactly 'file' and 'supersedes'"):
        corrections_from_mapping({"corrections": [{"file": "EV/new.csv"}]})
    with pytest.raises(MappingFileError, match="<event_id>/<file name>"):
        corrections_from_mapping({"corrections": [{"file": "new.csv", "supersedes": "old.csv"}]})


def test_mapping_yml_with_corrections_still_gives_the_header_overrides(tmp_path):
    raw = tmp_path / "raw"
    (raw / "registrations").mkdir(parents=True)
    (raw / "registrations" / "mapping.yml").write_text(
        'sources:\n  - match: "EV/*.csv"\n    headers:\n      "Nimi ja sukunimi": full_name\n'
        "corrections:\n  - file: EV/list_final.csv\n    supersedes: list.csv\n",
        encoding="utf-8",
    )
    assert load_corrections(raw) == [Correction("EV/list_final.csv", "EV/list.csv")]
    override = load_overrides(raw).for_file("EV/list.csv", "EV")
    assert override.field_for("Nimi ja sukunimi") == "full_name"

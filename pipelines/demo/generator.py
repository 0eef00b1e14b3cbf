"""Generate the deterministic synthetic demo data set and its ground truth.

``generate_demo_data(data_dir, seed)`` writes ``raw/`` input files in the layout of
docs/architecture.md and ``ground_truth/demo_ground_truth.json`` (never read by the
pipeline). The same seed gives byte-identical files: every random draw comes from
``random.Random`` streams derived from the seed, and XLSX files carry fixed document dates
and zip timestamps.

Definitions used by the ground truth
- participation: a distinct (person, event) where the person's registration says attended
  (or the file has no attendance column); no-shows and quarantined rows are not participations.
- unique participants of a project: distinct persons with at least one participation in the
  project's events.
- cross-border participation: the participant's country differs from the event's
  ``country_code`` in events.csv; online events carry the lead organisation's country
  (JC: RU, NB-CCI: NO).
- participated_on / cumulative months: the event's start date.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipelines.demo import programme
from pipelines.demo.population import Person, World, build_world
from pipelines.demo.programme import EVENTS, EVENTS_BY_ID, PROJECTS
from pipelines.demo.registration_files import (
    RegistrationFile,
    export_created,
    file_bytes,
    plan_files,
    render_file,
)
from pipelines.demo.statistics_files import eurostat_tsv, rosstat_xlsx
from pipelines.demo.survey_files import followup_files, survey_files

DEFAULT_SEED = 2016
MARKER_FILE = "SYNTHETIC.md"  # under raw/
GROUND_TRUTH_FILE = "ground_truth/demo_ground_truth.json"  # under data_dir
REASON_CODES = ("bad_email", "unknown_country", "unparseable_date", "no_event", "missing_name", "empty_row",
                "test_record", "duplicate_in_file")


@dataclass(frozen=True)
class DemoSummary:
    """What a demo generation wrote (or found already written)."""

    data_dir: Path
    seed: int
    generated: bool  # False when existing demo files were kept
    raw_files: tuple[str, ...]  # paths relative to data_dir/raw
    ground_truth_path: Path
    events: int
    registration_files: int
    registration_rows: int
    persons: int  # true unique participants over the whole programme
    participations: int
    projects: dict[str, dict[str, int]] = field(default_factory=dict)  # headline numbers per project

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def paths(self) -> list[Path]:
        """Every file of the demo set: raw files, then the ground truth."""
        return [self.raw_dir / p for p in self.raw_files] + [self.ground_truth_path]


def _stream(seed: int, name: str) -> random.Random:
    """An independent random stream per concern, so that one part changing leaves the others."""
    return random.Random(f"{seed}/{name}")


# --------------------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------------------


def generate_demo_data(data_dir: Path, seed: int = DEFAULT_SEED, overwrite: bool = False) -> DemoSummary:
    """Write the synthetic demo set under ``data_dir`` and return what it holds.

    If ``data_dir/raw`` already holds a demo set (``SYNTHETIC.md`` and the ground truth) and
    ``overwrite`` is false, nothing is written and the summary is read from the existing
    ground truth. A raw directory with other (real) files is never mixed with demo files.
    """
    data_dir = Path(data_dir)
    raw = data_dir / "raw"
    truth_path = data_dir / GROUND_TRUTH_FILE
    marker = raw / MARKER_FILE

    if marker.exists() and truth_path.exists() and not overwrite:
        return summary_from_ground_truth(data_dir, json.loads(truth_path.read_text(encoding="utf-8")),
                                         generated=False)
    if not marker.exists() and _has_files(raw):
        raise FileExistsError(
            f"{raw} holds files that are not a synthetic demo set (no {MARKER_FILE}); "
            "refusing to mix demo files with real data")
    if marker.exists() and not truth_path.exists() and not overwrite:
        raise FileExistsError(f"{raw} holds an incomplete demo set (no ground truth); pass overwrite=True")
    if marker.exists():
        _remove_previous_demo(raw, truth_path)

    files, truth = build_demo(seed)
    raw.mkdir(parents=True, exist_ok=True)
    _write(raw / MARKER_FILE, files.pop(MARKER_FILE))
    for relative, content in files.items():
        _write(raw / relative, content)
    _write(truth_path, (json.dumps(truth, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return summary_from_ground_truth(data_dir, truth, generated=True)


def summary_from_ground_truth(data_dir: Path, truth: dict, generated: bool) -> DemoSummary:
    files = truth["files"]
    return DemoSummary(
        data_dir=Path(data_dir),
        seed=truth["seed"],
        generated=generated,
        raw_files=tuple(truth["raw_files"]),
        ground_truth_path=Path(data_dir) / GROUND_TRUTH_FILE,
        events=len(truth["events"]),
        registration_files=len(files),
        registration_rows=sum(f["rows_read"] for f in files.values()),
        persons=truth["programme"]["unique_participants"],
        participations=truth["programme"]["participations"],
        projects={
            pid: {"unique_participants": p["unique_participants"], "participations": p["participations"],
                  "events": p["events"], "participant_target": p["participant_target"]}
            for pid, p in truth["projects"].items()
        },
    )


# --------------------------------------------------------------------------------------
# building (in memory)
# --------------------------------------------------------------------------------------


def build_demo(seed: int) -> tuple[dict[str, bytes], dict]:
    """All raw files ({path under raw/: bytes}) and the ground truth, without touching disk."""
    world = build_world(_stream(seed, "world"))
    reg_rng = _stream(seed, "registrations")
    registration_files = plan_files(reg_rng, world.attendance, world.persons)
    for reg in registration_files:
        render_file(reg_rng, reg)

    files: dict[str, bytes] = {MARKER_FILE: _synthetic_md(seed).encode("utf-8")}
    files["programme/projects.csv"] = _csv_bytes(programme.PROJECT_COLUMNS, programme.project_rows())
    files["events/events.csv"] = _csv_bytes(programme.EVENT_COLUMNS, programme.event_rows())
    for reg in registration_files:
        files[reg.spec.relative_path] = file_bytes(reg.spec, reg.rows, export_created(reg.spec))

    survey, survey_summary = survey_files(_stream(seed, "survey"))
    files.update(survey)
    followup, followup_summary = followup_files(_stream(seed, "followup"), world, registration_files)
    files.update(followup)
    stats_rng = _stream(seed, "statistics")
    eurostat_bytes, eurostat_summary = eurostat_tsv(stats_rng)
    rosstat_bytes, rosstat_summary = rosstat_xlsx(stats_rng, seed)
    files[eurostat_summary["path"]] = eurostat_bytes
    files[rosstat_summary["path"]] = rosstat_bytes

    truth = ground_truth(seed, world, registration_files, files)
    truth["surveys"] = {"policy": survey_summary, "followup": followup_summary}
    truth["statistics"] = {"eurostat": eurostat_summary, "rosstat": rosstat_summary}
    return files, truth


def _csv_bytes(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _synthetic_md(seed: int) -> str:
    return f"""# Synthetic demo data

Everything under this `raw/` directory is **synthetic**. It was generated by
`pipelines.demo.generator.generate_demo_data` with seed **{seed}** and describes no real
person: names, e-mail addresses, phone numbers and organisations are invented. Project
*Joining Creativity* (JC) borrows its frame (lead organisation, funder, period, target,
event places) from a real Nordic Council of Ministers project; its participants and
registrations are made up. Project NB-CCI is invented entirely.

- `programme/projects.csv`, `events/events.csv`: the project and event registries.
- `registrations/<event_id>/`: one registration export per event, in the formats,
  encodings and languages of real tools and hand-kept lists (including rows to quarantine).
- `surveys/policy/`: a policy-survey response file, its codebook and answer labels.
- `surveys/followup/`: a participant follow-up survey (XLSX and a Russian CSV), its
  registry, codebook and answer labels; respondents are invented like the participants.
- `statistics/eurostat/`, `statistics/rosstat/`: population tables in the shapes of
  Eurostat bulk TSV and Rosstat xlsx, with invented values of realistic magnitude.

The generator's ground truth lives outside `raw/` (`ground_truth/demo_ground_truth.json`);
the pipeline never reads it. Regenerating with the same seed gives byte-identical files.
"""


# --------------------------------------------------------------------------------------
# ground truth
# --------------------------------------------------------------------------------------


def ground_truth(seed: int, world: World, registration_files: list[RegistrationFile],
                 files: dict[str, bytes]) -> dict:
    attended = world.attendance.attended
    events_of: dict[str, list[str]] = {p.person_id: [] for p in world.persons}
    no_shows_of: dict[str, list[str]] = {p.person_id: [] for p in world.persons}
    for event in EVENTS:
        for person in attended[event.event_id]:
            events_of[person.person_id].append(event.event_id)
        for person in world.attendance.no_show[event.event_id]:
            no_shows_of[person.person_id].append(event.event_id)

    participants = [p for p in world.persons if events_of[p.person_id]]
    files_truth = {reg.spec.relative_path: _file_truth(reg) for reg in registration_files}
    rows_by_event = {reg.spec.event_id: files_truth[reg.spec.relative_path] for reg in registration_files}

    projects = {}
    for project in PROJECTS:
        project_events = [e for e in EVENTS if e.project_id == project.project_id]
        pairs = [(p, e) for e in project_events for p in attended[e.event_id]]
        persons = _unique(p for p, _ in pairs)
        first_on = {}
        for person, event in pairs:
            current = first_on.get(person.person_id)
            first_on[person.person_id] = min(current, event.start_date) if current else event.start_date
        projects[project.project_id] = {
            "unique_participants": len(persons),
            "participations": len(pairs),
            "events": len(project_events),
            "participant_target": project.participant_target,
            "unique_participants_by_target_group": _count(p.target_group for p in persons),
            "unique_participants_by_country": _count(p.country_code for p in persons),
            "unique_participants_by_organisation_type": _count(p.organisation_type for p in persons),
            "unique_research_consented_participants": sum(p.research_consent for p in persons),
            "cross_border_participations": sum(p.country_code != e.country_code for p, e in pairs),
            "participations_by_event_kind": _count(e.event_kind for _, e in pairs),
            "cumulative_unique_participants_by_month": {
                month: sum(d <= month_end for d in first_on.values())
                for month, month_end in _month_ends(project.start_date, project.end_date)
            },
            "no_show_registrations": sum(len(world.attendance.no_show[e.event_id]) for e in project_events),
        }

    all_pairs = [(p, e) for e in EVENTS for p in attended[e.event_id]]
    return {
        "synthetic": True,
        "seed": seed,
        "generator": "pipelines.demo.generator.generate_demo_data",
        "definitions": {
            "participation": "distinct (person, event) whose registration says attended, or whose file has "
                             "no attendance column; no-shows and quarantined rows are not participations",
            "unique_participants": "distinct persons with at least one participation in the project's events",
            "cross_border": "participant country_code != event country_code (events.csv); online events carry "
                            "the lead organisation's country (JC: RU, NB-CCI: NO)",
            "participated_on": "event start_date",
            "rows_read": "data rows of a file (title and header rows excluded; a quoted field with a line "
                         "break is one row)",
            "source_row": "header_row + position of the data row (1-based), i.e. spreadsheet row numbers; "
                          "in CSV files the quarantined rows all come before the only multi-line record",
            "expected_staged": "rows_read minus quarantined rows; a person's second row in the same file "
                               "(near duplicate, phone missing) is staged and resolves to the same person",
        },
        "programme": {
            "unique_participants": len(participants),
            "participations": len(all_pairs),
            "persons_in_several_projects": sum(
                len({EVENTS_BY_ID[e].project_id for e in events_of[p.person_id]}) > 1 for p in participants),
            "registered_only_persons": sum(1 for p in world.persons if not events_of[p.person_id]),
        },
        "projects": projects,
        "events": {
            event.event_id: {
                "project_id": event.project_id,
                "country_code": event.country_code,
                "participations": len(attended[event.event_id]),
                "registrations_rows": rows_by_event[event.event_id]["rows_read"],
                "no_show_rows": rows_by_event[event.event_id]["no_show_rows"],
                "quarantined_rows": sum(rows_by_event[event.event_id]["expected_quarantined"].values()),
                "cross_border_participations": sum(
                    p.country_code != event.country_code for p in attended[event.event_id]),
            }
            for event in EVENTS
        },
        "persons": [
            {
                "person_id": p.person_id,
                "country_code": p.country_code,
                "target_group": p.target_group,
                "organisation_type": p.organisation_type,
                "organisation_id": p.organisation.org_id,
                "sex": p.sex,
                "research_consent": p.research_consent,
                "events": events_of[p.person_id],
                "no_show_events": no_shows_of[p.person_id],
                "first_participation_on": min(
                    EVENTS_BY_ID[e].start_date for e in events_of[p.person_id]).isoformat(),
            }
            for p in participants
        ],
        "registered_only_persons": [
            {"person_id": p.person_id, "country_code": p.country_code, "no_show_events": no_shows_of[p.person_id]}
            for p in world.persons if not events_of[p.person_id]
        ],
        "identity_variants": _identity_variants(registration_files),
        "files": files_truth,
        "raw_files": {path: hashlib.sha256(content).hexdigest() for path, content in sorted(files.items())},
    }


def _file_truth(reg: RegistrationFile) -> dict:
    spec = reg.spec
    reasons = Counter(row.reason_code for row in reg.rows if row.reason_code)
    return {
        "event_id": spec.event_id,
        "format": spec.container,
        "encoding": spec.encoding,
        "delimiter": spec.delimiter if spec.container != "xlsx" else None,
        "header_language": spec.header_language,
        "sheet": spec.sheet_name,
        "title_rows": len(spec.title_rows),
        "header_row": spec.header_row,
        "header": spec.header,
        "has_attended_column": "attended" in spec.fields,
        "has_consent_column": "consent" in spec.fields,
        "date_style": "excel_date" if spec.container == "xlsx" else spec.date_style,
        "rows_read": len(reg.rows),
        "expected_staged": sum(1 for row in reg.rows if not row.reason_code),
        "expected_quarantined": {code: reasons.get(code, 0) for code in REASON_CODES},
        "quarantined_rows": [
            {"source_row": spec.header_row + index, "reason_code": row.reason_code}
            for index, row in enumerate(reg.rows, start=1) if row.reason_code
        ],
        "no_show_rows": sum(1 for row in reg.rows if row.kind == "person" and not row.attended),
        "near_duplicate_rows": sum(1 for row in reg.rows if row.near_duplicate),
        "distinct_true_persons": len(_unique(r.person for r in reg.rows if r.kind == "person")),
        "distinct_attending_persons": len(_unique(r.person for r in reg.rows if r.kind == "person" and r.attended)),
    }


def _identity_variants(registration_files: list[RegistrationFile]) -> dict:
    email_case_or_space = 0
    private_email_rows = 0
    scripts: dict[str, set[str]] = {}
    for reg in registration_files:
        email_index = reg.spec.fields.index("email")
        for row in reg.rows:
            if row.kind != "person":
                continue
            if row.cells[email_index] != row.email:
                email_case_or_space += 1
            if row.email != row.person.email:
                private_email_rows += 1
            if row.person.is_russian:
                script = "cyrillic" if reg.spec.cyrillic_names else "latin"
                scripts.setdefault(row.person.person_id, set()).add(script)
    return {
        "rows_with_email_case_or_whitespace_variant": email_case_or_space,
        "rows_with_private_email": private_email_rows,
        "russian_persons_in_cyrillic_and_latin": sum(1 for s in scripts.values() if len(s) == 2),
        "near_duplicate_rows": sum(1 for reg in registration_files for r in reg.rows if r.near_duplicate),
    }


def _unique(persons) -> list[Person]:
    seen: dict[str, Person] = {}
    for person in persons:
        seen.setdefault(person.person_id, person)
    return list(seen.values())


def _count(values) -> dict[str, int]:
    counter = Counter(values)
    return {key: counter[key] for key in sorted(counter)}


def _month_ends(start: date, end: date) -> list[tuple[str, date]]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        month_end = date.fromordinal(date(next_year, next_month, 1).toordinal() - 1)
        months.append((f"{year}-{month:02d}", month_end))
        year, month = next_year, next_month
    return months


# --------------------------------------------------------------------------------------
# disk
# --------------------------------------------------------------------------------------


# Sub-folders of raw/ that hold input data; files elsewhere (raw/README.md) are documentation.
DATA_FOLDERS = ("programme", "events", "registrations", "surveys", "statistics")


def _has_files(raw: Path) -> bool:
    """Whether raw/ already holds input data (hidden files and top-level notes do not count)."""
    return any(
        p.is_file() and not p.name.startswith(".")
        for folder in DATA_FOLDERS if (raw / folder).is_dir()
        for p in (raw / folder).rglob("*")
    )


def _remove_previous_demo(raw: Path, truth_path: Path) -> None:
    """Delete the files a previous demo generation wrote (as listed in its ground truth)."""
    listed: list[str] = []
    if truth_path.exists():
        listed = list(json.loads(truth_path.read_text(encoding="utf-8")).get("raw_files", {}))
        truth_path.unlink()
    for relative in listed + [MARKER_FILE]:
        path = raw / relative
        if path.is_file():
            path.unlink()
    for directory in sorted((p for p in raw.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)

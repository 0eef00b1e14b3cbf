"""Which registration exports are in effect: several lists per event, corrections, identical copies.

The rule (docs/registrations.md, "Corrections")
-----------------------------------------------
* Every file in an event folder ``registrations/<event_id>/`` is loaded: an event may have one
  list per day, per sheet or per registration channel.
* A file can be declared a **correction** of another file of the *same* event folder; the
  corrected (older) file is then *superseded*: it is still read, its rows are kept in
  ``raw.registrations_superseded`` and it is listed in ``raw.registration_files`` with
  ``status = 'superseded'`` and ``superseded_by``, but none of its rows is staged.

  1. By name.  A file name's stem may end in version markers, separated by ``.``, ``_``,
     ``-`` or a space: ``v<N>`` gives version N, and ``corrected``, ``correction`` or
     ``fixed`` adds one; a stem without markers is version 1.  Files of one folder whose
     stems are equal once the markers are removed (case-insensitive, any extension) form a
     *family*; the family's highest version supersedes every lower one.
     ``list.csv`` < ``list_corrected.xlsx`` (2) < ``list.v3.csv`` (3).
     Two files sharing the family's highest version (``list.v2.csv`` and
     ``list_corrected.xlsx``) are ambiguous: both fail with a message, and the lower
     versions stay loaded until one of them is removed or a declaration decides.
  2. By declaration in ``registrations/mapping.yml`` (a top-level section beside ``sources``)::

         corrections:
           - file: JC-2016-05-HEL/participants_final.xlsx   # relative to registrations/
             supersedes: participants.csv                    # same folder; a list is fine

     A file named in a declaration (on either side) is left out of the name rule.
* A correction that cannot be read supersedes nothing: the earlier file stays loaded (and
  the failed correction is reported) until the correction is fixed.
* A file byte-for-byte identical to another file of the same folder (the same export dropped
  twice, e.g. ``list (1).csv``) is recorded with ``status = 'duplicate'`` and not loaded
  again; the copy with the shortest name (then the first in path order) is loaded.

Everything here works on paths relative to ``registrations/`` (``<event_id>/<name>``); the
module reads ``mapping.yml`` but never the registration files themselves.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from pipelines.registrations.mapping import MappingFileError, mapping_path

REGISTRATION_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".xlsx", ".xls"})

_MARKER = re.compile(r"[._\- ](?:v(?P<number>\d{1,3})|(?P<word>corrected|correction|fixed))$", re.IGNORECASE)

RULE_FILE_NAME = "file name"
RULE_MAPPING = "mapping.yml"


def list_registration_files(raw_root: Path) -> list[tuple[Path, str]]:
    """Every registration export under ``registrations/<event_id>/`` (sub-folders included) with its
    event folder, in path order; hidden files and Excel lock files (``~$…``) are left out."""
    base = Path(raw_root) / "registrations"
    if not base.is_dir():
        return []
    found = []
    # os.walk (scandir) rather than Path.rglob: a programme has 100,000 exports
    for event in sorted(entry.name for entry in os.scandir(base) if entry.is_dir()):
        paths = []
        for folder, _, names in os.walk(base / event):
            paths += [os.path.join(folder, name) for name in names
                      if os.path.splitext(name)[1].lower() in REGISTRATION_SUFFIXES and not name.startswith((".", "~$"))]
        found += [(Path(path), event) for path in sorted(paths, key=lambda p: p.split(os.sep))]
    return found


@dataclass(frozen=True)
class FileName:
    """A file name read for version markers."""

    family: str  # the stem without version markers, case-folded
    version: int


def parse_file_name(name: str) -> FileName:
    """``list.v2.csv`` → (``list``, 2); ``list_corrected.xlsx`` → (``list``, 2); ``list.csv`` → (``list``, 1)."""
    stem = PurePosixPath(name).stem
    number, corrections = None, 0
    while True:
        found = _MARKER.search(stem)
        if not found or found.start() == 0:
            break
        if found.group("number"):
            number = number if number is not None else int(found.group("number"))
        else:
            corrections += 1
        stem = stem[: found.start()]
    return FileName(stem.casefold(), (number or 1) + corrections)


@dataclass(frozen=True)
class Correction:
    """A declaration from mapping.yml: ``file`` corrects (supersedes) ``supersedes``."""

    file: str
    supersedes: str


def load_corrections(raw_root: Path | None) -> list[Correction]:
    """The ``corrections:`` section of ``<raw_root>/registrations/mapping.yml`` (empty when absent)."""
    if raw_root is None:
        return []
    path = mapping_path(raw_root)
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as exc:
        raise MappingFileError(f"{path}: not valid YAML ({exc})") from exc
    return corrections_from_mapping(data, str(path))


def corrections_from_mapping(data: object, where: str = "mapping.yml") -> list[Correction]:
    if not isinstance(data, dict) or data.get("corrections") is None:
        return []
    entries = data["corrections"]
    if not isinstance(entries, list):
        raise MappingFileError(f"{where}: 'corrections:' must be a list of {{file, supersedes}} entries")
    corrections = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) != {"file", "supersedes"}:
            raise MappingFileError(
                f"{where}: corrections entry {number} needs exactly 'file' and 'supersedes' "
                f"(got {sorted(entry) if isinstance(entry, dict) else entry!r})"
            )
        file = _clean_path(entry["file"])
        if "/" not in file:
            raise MappingFileError(
                f"{where}: corrections entry {number}: 'file' must be <event_id>/<file name> "
                f"(relative to registrations/), got {entry['file']!r}"
            )
        folder = file.split("/", 1)[0]
        targets = entry["supersedes"] if isinstance(entry["supersedes"], list) else [entry["supersedes"]]
        for target in targets:
            target = _clean_path(target)
            if "/" not in target:
                target = f"{folder}/{target}"
            if target.split("/", 1)[0] != folder:
                raise MappingFileError(
                    f"{where}: corrections entry {number}: {file} can only supersede a file of its own "
                    f"event folder {folder}/, not {target}"
                )
            if target == file:
                raise MappingFileError(f"{where}: corrections entry {number}: {file} cannot supersede itself")
            corrections.append(Correction(file=file, supersedes=target))
    return corrections


def _clean_path(value: object) -> str:
    text = str(value).strip().replace("\\", "/")
    return text.removeprefix("registrations/").strip("/")


@dataclass
class VersionPlan:
    """What is in effect. Paths are relative to registrations/."""

    superseded_by: dict[str, str] = field(default_factory=dict)  # older file → the file correcting it
    rule: dict[str, str] = field(default_factory=dict)  # older file → RULE_FILE_NAME | RULE_MAPPING
    conflicts: dict[str, str] = field(default_factory=dict)  # file → why it cannot be used
    duplicate_of: dict[str, str] = field(default_factory=dict)  # identical copy → the copy loaded
    notes: list[str] = field(default_factory=list)  # declarations that name no present file

    def status(self, path: str) -> str:
        if path in self.conflicts:
            return "failed"
        if path in self.duplicate_of:
            return "duplicate"
        if path in self.superseded_by:
            return "superseded"
        return "loaded"


def plan_versions(
    readable: dict[str, str],
    corrections: list[Correction] | None = None,
    present: set[str] | None = None,
) -> VersionPlan:
    """Decide supersession among the files that could be read.

    ``readable``: path (``<event_id>/<name>``) → sha256 of every file that was read;
    ``present``: every registration file found, readable or not (for the notes about
    declarations naming absent files).  Files that failed to read are not in ``readable``
    and so supersede nothing.
    """
    plan = VersionPlan()
    corrections = corrections or []
    present = set(readable) | (present or set())

    # identical copies within one folder: the shortest name (a re-dropped copy gets a suffix
    # such as " (1)" or " - Copy"), then the first in path order, is the one loaded
    first_by_content: dict[tuple[str, str], str] = {}
    for path in sorted(readable, key=lambda p: (len(p), p)):
        key = (_folder(path), readable[path])
        if key in first_by_content:
            plan.duplicate_of[path] = first_by_content[key]
        else:
            first_by_content[key] = path
    candidates = {p for p in readable if p not in plan.duplicate_of}

    declared: dict[str, str] = {}
    plan.notes += missing_notes(corrections, present)
    for correction in corrections:
        if correction.file not in present or correction.supersedes not in present:
            continue
        if correction.file not in candidates or correction.supersedes not in candidates:
            continue  # a correction that cannot be read (or a copy) supersedes nothing
        earlier = declared.get(correction.supersedes)
        if earlier and earlier != correction.file:
            for path in (earlier, correction.file):
                plan.conflicts[path] = (
                    f"registrations/{path}: mapping.yml declares both {earlier} and {correction.file} as "
                    f"corrections of {correction.supersedes}; keep one declaration"
                )
            continue
        declared[correction.supersedes] = correction.file
    cycle = _cycles(declared)
    for path in cycle:
        plan.conflicts[path] = (
            f"registrations/{path}: mapping.yml corrections form a cycle ({', '.join(sorted(cycle))}); "
            "a file cannot be corrected by a file it corrects"
        )
    for older, newer in declared.items():
        if older in plan.conflicts or newer in plan.conflicts:
            continue
        plan.superseded_by[older] = newer
        plan.rule[older] = RULE_MAPPING

    named = set(declared) | set(declared.values())
    families: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for path in sorted(candidates - set(plan.conflicts) - named):
        parsed = parse_file_name(PurePosixPath(path).name)
        families.setdefault((_folder(path), parsed.family), []).append((parsed.version, path))
    for members in families.values():
        top = max(version for version, _ in members)
        if top == 1:
            continue  # no correction in this family: every file is a list of its own
        latest = [path for version, path in members if version == top]
        if len(latest) > 1:
            names = " and ".join(PurePosixPath(p).name for p in latest)
            for path in latest:
                plan.conflicts[path] = (
                    f"registrations/{path}: ambiguous correction: {names} both carry version {top} of the "
                    "same export; remove one, or declare which supersedes which in mapping.yml 'corrections:'"
                )
            continue
        for version, path in members:
            if version < top:
                plan.superseded_by[path] = latest[0]
                plan.rule[path] = RULE_FILE_NAME
    return plan


def missing_notes(corrections: list[Correction], present: set[str]) -> list[str]:
    """A note for every declared correction that names a file not found (it is ignored)."""
    notes = []
    for correction in corrections:
        missing = [p for p in (correction.file, correction.supersedes) if p not in present]
        if missing:
            notes.append(f"mapping.yml corrections: {correction.file} supersedes {correction.supersedes}: "
                         f"{', '.join(missing)} not found; the declaration is ignored")
    return notes


def folder_of(path: str) -> str:
    """The event folder of a path relative to registrations/."""
    return _folder(path)


def _folder(path: str) -> str:
    return path.split("/", 1)[0]


def _cycles(edges: dict[str, str]) -> set[str]:
    """Files on a cycle of older → newer declarations."""
    on_cycle: set[str] = set()
    for start in edges:
        seen = [start]
        node = edges.get(start)
        while node is not None and node not in seen:
            seen.append(node)
            node = edges.get(node)
        if node is not None:
            on_cycle.update(seen[seen.index(node):])
    return on_cycle

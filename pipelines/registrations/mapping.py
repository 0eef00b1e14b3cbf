"""Per-source overrides from ``raw/registrations/mapping.yml``.

When a file's headers are not in the vocabulary (or a column is misread), an operator adds an
entry instead of editing the file::

    sources:
      - match: "JC-2016-05-*/*.xlsx"      # glob on the path relative to registrations/
        headers:
          "Yrityksen nimi": organisation   # header as written → canonical field
          "Kommentti": ignore              # drop a column the vocabulary would misread
      - event: "EV-2017-03-HEL"           # every file of one event
        headers:
          "Nimi ja sukunimi": full_name
        encoding: cp1252                   # optional: force the text encoding
        delimiter: ";"                     # optional: force the delimiter (use "\\t" for tab)
        header_row: 3                      # optional: the header's row number (1-based)

An entry applies when its ``match`` glob (``*`` also crosses ``/``; a pattern without ``/`` is
also tried against the bare file name) and/or its ``event`` (both, when both are given)
hold.  All applicable entries are merged in file order, later ones winning.  Header keys
are compared case-, punctuation- and whitespace-insensitively, like the vocabulary.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from pipelines.registrations import vocabulary as vocab

MAPPING_FILE = "mapping.yml"


class MappingFileError(ValueError):
    """``mapping.yml`` exists but cannot be used; the message says where and why."""


@dataclass(frozen=True)
class SourceOverride:
    match: str | None = None
    event: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # header_key → field (or "ignore")
    header_labels: dict[str, str] = field(default_factory=dict)  # header_key → header as written
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None

    def applies_to(self, relative_path: str | None, event_id: str | None) -> bool:
        if self.match is not None:
            if relative_path is None:
                return False
            path = relative_path.replace("\\", "/")
            ok = fnmatch.fnmatchcase(path, self.match)
            if not ok and "/" not in self.match:
                ok = fnmatch.fnmatchcase(PurePosixPath(path).name, self.match)
            if not ok:
                return False
        if self.event is not None and self.event != event_id:
            return False
        return True


@dataclass(frozen=True)
class ResolvedOverride:
    """The overrides that apply to one file."""

    headers: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    matched: tuple[str, ...] = ()  # descriptions of the entries that applied

    def field_for(self, header: object) -> str | None:
        return self.headers.get(vocab.header_key(header)) if header is not None else None


@dataclass(frozen=True)
class HeaderOverrides:
    sources: tuple[SourceOverride, ...] = ()
    origin: Path | None = None

    def for_file(self, relative_path: str | None, event_id: str | None) -> ResolvedOverride:
        headers: dict[str, str] = {}
        encoding = delimiter = None
        header_row = None
        matched = []
        for entry in self.sources:
            if not entry.applies_to(relative_path, event_id):
                continue
            headers.update(entry.headers)
            encoding = entry.encoding or encoding
            delimiter = entry.delimiter or delimiter
            header_row = entry.header_row or header_row
            matched.append(f"match={entry.match!r}" if entry.match else f"event={entry.event!r}")
        return ResolvedOverride(headers, encoding, delimiter, header_row, tuple(matched))

    @classmethod
    def from_mapping(cls, data: Any, origin: Path | None = None) -> HeaderOverrides:
        where = str(origin) if origin else "mapping"
        if data is None:
            return cls((), origin)
        if not isinstance(data, dict) or not isinstance(data.get("sources", []), list):
            raise MappingFileError(f"{where}: expected a mapping with a 'sources:' list")
        entries = []
        for number, raw in enumerate(data.get("sources") or [], start=1):
            if not isinstance(raw, dict):
                raise MappingFileError(f"{where}: sources entry {number} is not a mapping")
            unknown = set(raw) - {"match", "event", "headers", "encoding", "delimiter", "header_row"}
            if unknown:
                raise MappingFileError(f"{where}: sources entry {number} has unknown keys {sorted(unknown)}")
            match, event = raw.get("match"), raw.get("event")
            if match is None and event is None:
                raise MappingFileError(f"{where}: sources entry {number} needs 'match' (a glob) or 'event'")
            headers: dict[str, str] = {}
            labels: dict[str, str] = {}
            for header, target in (raw.get("headers") or {}).items():
                target = vocab.IGNORE if target is None else str(target).strip()
                if target not in vocab.MAPPABLE:
                    raise MappingFileError(
                        f"{where}: sources entry {number}: header {header!r} maps to {target!r}, "
                        f"which is not one of: {', '.join(vocab.MAPPABLE)}"
                    )
                key = vocab.header_key(header)
                headers[key] = target
                labels[key] = str(header)
            delimiter = raw.get("delimiter")
            if delimiter is not None:
                delimiter = {"\\t": "\t", "tab": "\t"}.get(str(delimiter), str(delimiter))
                if len(delimiter) != 1:
                    raise MappingFileError(f"{where}: sources entry {number}: delimiter must be one character")
            header_row = raw.get("header_row")
            if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
                raise MappingFileError(f"{where}: sources entry {number}: header_row must be a positive integer")
            entries.append(
                SourceOverride(
                    match=str(match) if match is not None else None,
                    event=str(event) if event is not None else None,
                    headers=headers,
                    header_labels=labels,
                    encoding=raw.get("encoding"),
                    delimiter=delimiter,
                    header_row=header_row,
                )
            )
        return cls(tuple(entries), origin)


def mapping_path(raw_root: Path) -> Path:
    return Path(raw_root) / "registrations" / MAPPING_FILE


def load_overrides(raw_root: Path | None) -> HeaderOverrides:
    """Overrides from ``<raw_root>/registrations/mapping.yml``; empty when the file is absent."""
    if raw_root is None:
        return HeaderOverrides()
    path = mapping_path(raw_root)
    if not path.is_file():
        return HeaderOverrides()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise MappingFileError(f"{path}: not valid YAML ({exc})") from exc
    return HeaderOverrides.from_mapping(data, origin=path)


def yaml_snippet(match: str, headers: dict[str, str]) -> str:
    """The ``mapping.yml`` entry that maps ``headers`` (as written) for files matching ``match``."""
    lines = ["sources:", f"  - match: {_quote(match)}", "    headers:"]
    for header, target in headers.items():
        lines.append(f"      {_quote(header)}: {target}")
    return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'

"""Versioned funder deliveries on disk: ``exports/<project>/<period>/v<N>/`` and ``closed.json``.

The rule:

- A period's versions are ``v1``, ``v2``, …; only the latest may be *open*, every other one is
  *closed* (listed in ``closed.json``). Closing (``cci close-period``) freezes the latest version.
- A delivery is compared with the latest version by its *content key* (the canonical hash of its
  content, :func:`pipelines.exports.content.content_key`, recorded in the manifest) before anything
  is rendered. Same key: nothing is rendered or written, whatever the build. When the keys differ
  (or the manifest has none: it was written before content keys existed), the content is
  rendered with the latest version's own provenance (its build id, source files and version, from
  its manifest): files identical to the ones the manifest lists mean the same content, and
  nothing is written either. The CSV is compared first, so a real change costs no extra workbook.
- Different content and the latest version open: it is rewritten in place (same version number).
- Different content and the latest version closed: a new version ``v<N+1>`` is written beside it,
  with ``CHANGES.md`` and ``changes.csv`` listing every indicator cell that differs from the
  closed version (old → new). A closed version is never touched again.

Each version directory holds the deliverables and ``manifest.json`` (file sizes and sha256, build
id, content key, source-file hashes). Directories are written to a temporary sibling and
renamed into place, so a reader never sees a half-written version.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from pipelines.exports.content import CELL_KEY, COLUMNS, DeliveryContent, Provenance, content_key
from pipelines.exports.iati import iati_activity_bytes
from pipelines.exports.periods import FINAL, MONTH, period_bounds, period_kind
from pipelines.exports.tabular import csv_bytes, xlsx_bytes

MANIFEST = "manifest.json"
CLOSED = "closed.json"
CHANGES_MD = "CHANGES.md"
CHANGES_CSV = "changes.csv"
FORMAT = "cci-funder-delivery/1"

#: Fields of a delivered row compared by the change log (the key is :data:`CELL_KEY`).
COMPARED_FIELDS = [c for c in COLUMNS if c not in CELL_KEY and c not in ("project_id", "reporting_period")]
CHANGE_COLUMNS = ["change", *CELL_KEY, "field", "old_value", "new_value"]

_VERSION_DIR = re.compile(r"^v(\d+)$")

CREATED, UNCHANGED, REWRITTEN, NEW_VERSION = "created", "unchanged", "rewritten", "new_version"

__all__ = [
    "CLOSED", "MANIFEST", "DeliveryOnDisk", "DeliveryState", "WriteResult", "close_period", "commit_delivery",
    "delivery_file_names", "delivery_states", "inspect_delivery", "render_deliveries", "render_delivery",
    "render_reference", "verify_version", "write_deliveries_of", "write_delivery",
]


@dataclass(frozen=True)
class WriteResult:
    project_id: str
    period_id: str
    version: int
    action: str  # created | unchanged | rewritten | new_version
    path: Path


@dataclass(frozen=True)
class DeliveryState:
    project_id: str
    period_id: str
    latest_version: int
    closed_versions: tuple[int, ...]
    build_id: str
    suppressed_cells: int | None
    path: Path

    @property
    def is_closed(self) -> bool:
        return self.latest_version in self.closed_versions


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def delivery_file_names(content: DeliveryContent) -> dict[str, str]:
    stem = content.stem
    return {"csv": f"indicators_{stem}.csv", "xlsx": f"indicators_{stem}.xlsx",
            "iati": f"iati-activity_{stem}.xml"}


def render_delivery(content: DeliveryContent, provenance: Provenance) -> dict[str, bytes]:
    """The deliverables' bytes by file name (CSV, XLSX, IATI XML)."""
    return render_deliveries([content], [provenance])[0]


def render_deliveries(contents: list[DeliveryContent], provenances: list[Provenance],
                      only: str | Collection[str] | None = None) -> list[dict[str, bytes]]:
    """:func:`render_delivery` for many deliveries (of one project) at once, vectorised; ``only``:
    just these deliverables (``csv``, ``xlsx``, ``iati``)."""
    from pipelines.exports.render import render_many

    return render_many(contents, provenances, only=only)


def render_reference(content: DeliveryContent, provenance: Provenance) -> dict[str, bytes]:
    """The same files from the per-row reference renderers (``tabular``, ``iati``): the
    specification the vectorised renderers are tested against, byte for byte."""
    names = delivery_file_names(content)
    return {
        names["csv"]: csv_bytes(content),
        names["xlsx"]: xlsx_bytes(content, provenance),
        names["iati"]: iati_activity_bytes(content),
    }


def _versions(period_dir: Path) -> list[int]:
    if not period_dir.is_dir():
        return []
    return sorted(int(m.group(1)) for p in period_dir.iterdir() if p.is_dir() and (m := _VERSION_DIR.match(p.name)))


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _json_bytes(data: dict) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def closed_versions(period_dir: Path) -> tuple[int, ...]:
    path = period_dir / CLOSED
    if not path.is_file():
        return ()
    return tuple(sorted(int(entry["version"]) for entry in _read_json(path).get("closed", [])))


def _rows_from_csv(data: bytes) -> dict[tuple, dict]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    return {tuple(row[k] for k in CELL_KEY): row for row in reader}


def change_log(old_csv: bytes, new_csv: bytes) -> list[dict]:
    """Every delivered cell that differs between two CSV deliverables, old → new."""
    old, new = _rows_from_csv(old_csv), _rows_from_csv(new_csv)
    changes: list[dict] = []
    for key in sorted(set(old) | set(new)):
        cell = dict(zip(CELL_KEY, key, strict=True))
        if key not in new:
            changes.append({"change": "removed", **cell, "field": "", "old_value": old[key].get("value", ""), "new_value": ""})
        elif key not in old:
            changes.append({"change": "added", **cell, "field": "", "old_value": "", "new_value": new[key].get("value", "")})
        else:
            for field in COMPARED_FIELDS:
                before, after = old[key].get(field, ""), new[key].get(field, "")
                if before != after:
                    changes.append({"change": "changed", **cell, "field": field,
                                    "old_value": before, "new_value": after})
    return changes


def _changes_csv(changes: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CHANGE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(changes)
    return buf.getvalue().encode("utf-8")


def _changes_md(content: DeliveryContent, version: int, base: int, base_manifest: dict,
                changes: list[dict], provenance: Provenance, other_files: list[str]) -> bytes:
    project_id, period_id = content.project["project_id"], content.period.period_id
    lines = [
        f"# Changes in {project_id} {period_id} v{version} against v{base}",
        "",
        f"v{base} was closed; this version corrects it. Build of v{base}: "
        f"`{base_manifest.get('build_id', '')}`; build of v{version}: `{provenance.build_id}`.",
        "",
    ]
    if content.is_synthetic:
        lines += ["**SYNTHETIC DEMO DATA.**", ""]
    if changes:
        lines += [f"{len(changes)} change(s) to indicator cells (also in `{CHANGES_CSV}`):", "",
                  "| change | indicator | period | breakdown | cell | field | old | new |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for c in changes:
            lines.append(
                f"| {c['change']} | {c['indicator_code']} | {c['period_type']} {c['period_id']} | "
                f"{c['disaggregation']} | {c['disaggregation_value']} | {c['field']} | "
                f"{c['old_value']} | {c['new_value']} |")
    else:
        lines.append("No indicator cell changed.")
    if other_files:
        lines += ["", "Other content differs in: " + ", ".join(f"`{name}`" for name in other_files)
                  + " (definitions, notes or project facts)."]
    # The closed version may list every file of its build; compare only the files of this project.
    scope = provenance.scope
    old_sources = {s["source_file"]: s["sha256"] for s in base_manifest.get("source_files", [])
                   if scope is None or s["source_file"] in scope}
    new_sources = {path: sha for path, sha, _ in provenance.source_files}
    source_changes = sorted(
        [f"- added `{p}`" for p in new_sources.keys() - old_sources.keys()]
        + [f"- removed `{p}`" for p in old_sources.keys() - new_sources.keys()]
        + [f"- changed `{p}`" for p in old_sources.keys() & new_sources.keys() if old_sources[p] != new_sources[p]]
    )
    if source_changes:
        lines += ["", "Source files that differ between the two builds:", "", *source_changes]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _manifest(content: DeliveryContent, provenance: Provenance, files: dict[str, bytes], key: str) -> dict:
    period = content.period
    return {
        "content_key": key,
        "format": FORMAT,
        "project_id": content.project["project_id"],
        "period_id": period.period_id,
        "period_kind": period.kind,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "version": provenance.version,
        "supersedes": provenance.supersedes,
        "build_id": provenance.build_id,
        "is_synthetic": content.is_synthetic,
        "iati_activity_identifier": content.iati.activity_identifier,
        "rows": len(content.rows),
        "suppressed_cells": content.suppressed_cells,
        "files": [
            {"name": name, "bytes": len(data), "sha256": sha256_bytes(data)}
            for name, data in sorted(files.items())
        ],
        "source_files": [{"source_file": p, "sha256": s, "bytes": b} for p, s, b in provenance.source_files],
    }


def _write_dir_atomically(target: Path, files: dict[str, bytes]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
            os.chmod(staging / name, 0o644)
        os.chmod(staging, 0o755)
        if target.exists():
            retired = target.parent / f".{target.name}.replaced"
            if retired.exists():
                shutil.rmtree(retired)
            target.rename(retired)
            staging.rename(target)
            shutil.rmtree(retired)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@dataclass(frozen=True)
class DeliveryOnDisk:
    """What the store holds for one delivery: its versions, the closed ones and the latest manifest."""

    project_id: str
    period_id: str
    period_dir: Path
    versions: tuple[int, ...]
    closed: tuple[int, ...]
    manifest: dict

    def has_key(self, key: str) -> bool:
        """The latest version holds this content (by its content key): nothing to render."""
        return bool(self.versions) and self.manifest.get("content_key") == key

    def file_sha256(self, name: str) -> str | None:
        return next((f["sha256"] for f in self.manifest.get("files", []) if f.get("name") == name), None)

    def provenance(self) -> Provenance:
        """The provenance the latest version was rendered with (from its manifest)."""
        return recorded_provenance(self.manifest)

    def unchanged(self) -> WriteResult:
        latest = self.versions[-1]
        return WriteResult(self.project_id, self.period_id, latest, UNCHANGED, self.period_dir / f"v{latest}")

    def plan(self) -> tuple[int, str, int | None]:
        """(version to write, action, closed version it supersedes) for content that differs."""
        if not self.versions:
            return 1, CREATED, None
        latest = self.versions[-1]
        if latest in self.closed:
            return latest + 1, NEW_VERSION, latest
        return latest, (REWRITTEN if self.manifest else CREATED), (latest - 1 if latest - 1 in self.closed else None)


def recorded_provenance(manifest: dict) -> Provenance:
    return Provenance(
        build_id=str(manifest.get("build_id", "")),
        source_files=tuple((str(f["source_file"]), str(f["sha256"]), int(f["bytes"]))
                           for f in manifest.get("source_files", [])),
        version=int(manifest.get("version") or 0), supersedes=manifest.get("supersedes"),
    )


def inspect_delivery(exports_root: Path, project_id: str, period_id: str) -> DeliveryOnDisk:
    period_dir = Path(exports_root) / project_id / period_id
    versions = tuple(_versions(period_dir))
    manifest: dict = {}
    if versions:
        manifest_path = period_dir / f"v{versions[-1]}" / MANIFEST
        manifest = _read_json(manifest_path) if manifest_path.is_file() else {}
    return DeliveryOnDisk(project_id, period_id, period_dir, versions, closed_versions(period_dir), manifest)


#: The deliverables in the order they are compared with a version on disk (cheapest first).
KINDS = ("csv", "iati", "xlsx")


def write_deliveries_of(exports_root: Path, contents: list[DeliveryContent], keys: list[str],
                        provenance_of: Callable[[DeliveryContent], Provenance]) -> list[WriteResult]:
    """Write (or keep) many deliveries (of one project), following the version rule of this module.

    Nothing is rendered for a delivery whose key is in its latest manifest. For the others, each
    deliverable is rendered once: compared with the latest version (rendered with that version's
    provenance; the CSV and the IATI XML do not depend on provenance) and, when the content
    differs, written (the workbook again, with the new version's provenance).
    """
    on_disk = [inspect_delivery(exports_root, c.project["project_id"], c.period.period_id) for c in contents]
    results: list[WriteResult | None] = [d.unchanged() if d.has_key(k) else None
                                         for d, k in zip(on_disk, keys, strict=True)]
    files: dict[int, dict[str, bytes]] = {i: {} for i, r in enumerate(results) if r is None}
    # Compare with the version on disk, cheapest deliverable first; stop at the first difference.
    candidates = [i for i in files if on_disk[i].manifest.get("files")]
    for kind in KINDS:
        if not candidates:
            break
        provenances = [on_disk[i].provenance() for i in candidates]
        rendered = render_deliveries([contents[i] for i in candidates], provenances, only=kind)
        still = []
        for i, out in zip(candidates, rendered, strict=True):
            name = delivery_file_names(contents[i])[kind]
            if kind != "xlsx":  # provenance-free: the file to write if the content differs
                files[i][name] = out[name]
            if on_disk[i].file_sha256(name) == sha256_bytes(out[name]):
                still.append(i)
        candidates = still
    for i in candidates:  # every deliverable reproduced byte for byte: same content
        results[i] = on_disk[i].unchanged()
        del files[i]
    if files:
        order = sorted(files)
        provenances = [versioned(provenance_of(contents[i]), *_version_and_base(on_disk[i])) for i in order]
        missing = [{kind for kind in KINDS if kind == "xlsx" or delivery_file_names(contents[i])[kind] not in files[i]}
                   for i in order]
        for kinds in {frozenset(m) for m in missing}:
            group = [(i, p) for i, p, m in zip(order, provenances, missing, strict=True) if frozenset(m) == kinds]
            rendered = render_deliveries([contents[i] for i, _ in group], [p for _, p in group], only=kinds)
            for (i, _), out in zip(group, rendered, strict=True):
                files[i].update(out)
        for i, p in zip(order, provenances, strict=True):
            results[i] = commit_delivery(on_disk[i], contents[i], keys[i], files[i], p)
    return results  # type: ignore[return-value]


def _version_and_base(on_disk: DeliveryOnDisk) -> tuple[int, int | None]:
    version, _, base = on_disk.plan()
    return version, base


def write_delivery(exports_root: Path, content: DeliveryContent, provenance: Provenance) -> WriteResult:
    """Write (or keep) the delivery following the version rule of this module.

    ``provenance`` carries the build id and source files; its version fields are set here.
    """
    return write_deliveries_of(exports_root, [content], [content_key(content)], lambda _: provenance)[0]


def versioned(provenance: Provenance, version: int, base: int | None) -> Provenance:
    return Provenance(build_id=provenance.build_id, source_files=provenance.source_files, version=version,
                      supersedes=base, scope=provenance.scope)


def commit_delivery(on_disk: DeliveryOnDisk, content: DeliveryContent, key: str, deliverables: dict[str, bytes],
                    provenance: Provenance) -> WriteResult:
    """Write a version directory for content that differs from ``on_disk``'s latest version.

    ``deliverables`` are the CSV, XLSX and IATI XML rendered with ``provenance`` (see :func:`versioned`).
    """
    version, action, base = on_disk.plan()
    assert (provenance.version, provenance.supersedes) == (version, base), "provenance of another version"
    period_dir = on_disk.period_dir
    names = delivery_file_names(content)
    files = {names[kind]: deliverables[names[kind]] for kind in ("csv", "xlsx", "iati")}
    if base is not None:
        base_dir = period_dir / f"v{base}"
        base_manifest = _read_json(base_dir / MANIFEST)
        csv_name = names["csv"]
        changes = change_log((base_dir / csv_name).read_bytes(), files[csv_name])
        other: list[str] = []
        if not changes:
            # Without changed cells, say which other files differ from the closed version.
            recorded = {f["name"]: f["sha256"] for f in base_manifest.get("files", [])}
            if recorded.get(names["iati"]) != sha256_bytes(files[names["iati"]]):
                other.append(names["iati"])
            again = render_deliveries([content], [recorded_provenance(base_manifest)], only="xlsx")[0]
            if recorded.get(names["xlsx"]) != sha256_bytes(again[names["xlsx"]]):
                other.append(names["xlsx"])
        files[CHANGES_CSV] = _changes_csv(changes)
        files[CHANGES_MD] = _changes_md(content, version, base, base_manifest, changes, provenance, sorted(other))
    manifest = _manifest(content, provenance, files, key)
    files[MANIFEST] = _json_bytes(manifest)
    _write_dir_atomically(period_dir / f"v{version}", files)
    return WriteResult(on_disk.project_id, on_disk.period_id, version, action, period_dir / f"v{version}")


def verify_version(version_dir: Path) -> list[str]:
    """Problems with a version directory: files missing, extra, or not matching the manifest."""
    manifest = _read_json(version_dir / MANIFEST)
    listed = {f["name"]: f for f in manifest["files"]}
    problems = []
    present = {p.name for p in version_dir.iterdir() if p.is_file() and p.name != MANIFEST}
    for name in sorted(present - listed.keys()):
        problems.append(f"{name}: not in the manifest")
    for name, entry in sorted(listed.items()):
        path = version_dir / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256_bytes(path.read_bytes()) != entry["sha256"]:
            problems.append(f"{name}: sha256 differs from the manifest")
    return problems


def close_period(exports_root: Path, project_id: str, period_id: str, *, closed_at: dt.datetime | None = None) -> tuple[int, bool]:
    """Close the latest version of a delivery; returns (version, newly closed).

    Refuses a delivery that does not exist or whose files do not match its manifest.
    """
    period_dir = Path(exports_root) / project_id / period_id
    versions = _versions(period_dir)
    if not versions:
        raise FileNotFoundError(f"no delivery for {project_id} {period_id} under {period_dir}")
    latest = versions[-1]
    version_dir = period_dir / f"v{latest}"
    problems = verify_version(version_dir)
    if problems:
        raise ValueError(f"{version_dir} does not match its manifest: {'; '.join(problems)}")
    record_path = period_dir / CLOSED
    record = _read_json(record_path) if record_path.is_file() else {
        "project_id": project_id, "period_id": period_id, "closed": []}
    if latest in {int(e["version"]) for e in record["closed"]}:
        return latest, False
    manifest_bytes = (version_dir / MANIFEST).read_bytes()
    when = (closed_at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    record["closed"].append({
        "version": latest,
        "closed_at": when.isoformat().replace("+00:00", "Z"),
        "manifest_sha256": sha256_bytes(manifest_bytes),
        "build_id": _read_json(version_dir / MANIFEST).get("build_id", ""),
    })
    fd, tmp = tempfile.mkstemp(prefix=f".{CLOSED}.", dir=period_dir)
    with os.fdopen(fd, "wb") as fh:
        fh.write(_json_bytes(record))
    os.chmod(tmp, 0o644)
    os.replace(tmp, record_path)
    return latest, True


def delivery_states(exports_root: Path, project_id: str) -> list[DeliveryState]:
    """Every delivery of a project on disk, in period order (months and quarters, then final)."""
    project_dir = Path(exports_root) / project_id
    if not project_dir.is_dir():
        return []
    states = []
    for period_dir in sorted(p for p in project_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        versions = _versions(period_dir)
        if not versions:
            continue
        manifest_path = period_dir / f"v{versions[-1]}" / MANIFEST
        manifest = _read_json(manifest_path) if manifest_path.is_file() else {}
        states.append(DeliveryState(
            project_id=project_id, period_id=period_dir.name, latest_version=versions[-1],
            closed_versions=closed_versions(period_dir), build_id=manifest.get("build_id", ""),
            suppressed_cells=manifest.get("suppressed_cells"), path=period_dir / f"v{versions[-1]}",
        ))
    return sorted(states, key=lambda s: _period_order(s.period_id))


def _period_order(period_id: str) -> tuple:
    """Months in date order, each quarter after its last month, the final report last."""
    try:
        kind = period_kind(period_id)
    except ValueError:
        return (2, dt.date.max, 0, period_id)
    if kind == FINAL:
        return (1, dt.date.max, 0, period_id)
    return (0, period_bounds(period_id)[1], 0 if kind == MONTH else 1, period_id)

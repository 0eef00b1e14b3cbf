"""What the last export run found, so that a rerun on unchanged data does not recompute it.

A delivery's content is a function of its project's input rows (``fct_indicator_values``,
``dim_projects``, ``fct_indicator_achievement``, ``fct_data_quality``), of what every project
shares (the catalogue, the IATI configuration, synthetic or not) and of the code
(:data:`~pipelines.exports.content.CONTENT_FORMAT`). The state file records, per project, a
fingerprint of those inputs (:meth:`~pipelines.exports.source.MartSource.project_digests`) and,
per delivery, the version that was found or written to hold that content and the identity of its
manifest file (size, mtime, inode). On the next run a project whose inputs have the same
fingerprint, and whose due deliveries are still the same files on disk, is not loaded at all:
its deliveries are reported unchanged.

It is a cache and nothing else: without it (or after deleting it) every delivery is compared by
its content key with the manifests, which gives the same decisions, only slower. It lives
outside the deliveries' directory (``<data>/cache/exports_state.json``), is written only when it
changes, and is replaced atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from pipelines.exports.content import CONTENT_FORMAT
from pipelines.exports.store import MANIFEST, UNCHANGED, WriteResult

STATE_FORMAT = "cci-export-state/1"
#: The state file, relative to the data directory.
STATE_FILE = Path("cache") / "exports_state.json"

__all__ = ["STATE_FILE", "ExportState", "global_key"]


def global_key(*parts: object) -> str:
    """What every project's content depends on besides its own rows (and the hash functions used)."""
    text = json.dumps([STATE_FORMAT, CONTENT_FORMAT, duckdb.__version__, pl.__version__, *parts],
                      sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _signature(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


class ExportState:
    """The state file of one exports directory (see the module docstring)."""

    def __init__(self, path: Path, exports_root: Path, key: str) -> None:
        self.path = Path(path)
        self.exports_root = Path(exports_root)
        self.key = key
        self.projects: dict[str, dict] = {}
        self.dirty = False
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        if (loaded.get("format") == STATE_FORMAT and loaded.get("key") == key
                and loaded.get("exports_root") == str(self.exports_root.resolve())):
            self.projects = loaded.get("projects", {})

    def fresh(self, project_id: str, input_key: str, period_ids: Iterable[str]) -> list[WriteResult] | None:
        """The deliveries of ``period_ids`` as unchanged results, if the project's inputs are the
        ones recorded and each delivery is still the recorded file; else None (recompute)."""
        entry = self.projects.get(project_id)
        if not entry or entry.get("input") != input_key:
            return None
        results = []
        for period_id in period_ids:
            found = entry["deliveries"].get(period_id)
            if not found:
                return None
            version = int(found["version"])
            period_dir = self.exports_root / project_id / period_id
            if (_signature(period_dir / f"v{version}" / MANIFEST) != found["manifest"]
                    or (period_dir / f"v{version + 1}").exists()):
                return None
            results.append(WriteResult(project_id, period_id, version, UNCHANGED, period_dir / f"v{version}"))
        return results

    def record(self, project_id: str, input_key: str, results: Iterable[WriteResult]) -> None:
        """Remember that ``results`` hold the content of the project's inputs ``input_key``."""
        entry = self.projects.get(project_id)
        if not entry or entry.get("input") != input_key:
            entry = {"input": input_key, "deliveries": {}}
        for result in results:
            entry["deliveries"][result.period_id] = {
                "version": result.version, "manifest": _signature(result.path / MANIFEST)}
        if self.projects.get(project_id) != entry:
            self.projects[project_id] = entry
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": STATE_FORMAT, "key": self.key, "exports_root": str(self.exports_root.resolve()),
                "projects": self.projects}
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, sort_keys=True, separators=(",", ":"))
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.dirty = False

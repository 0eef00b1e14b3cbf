"""What the dbt manifest says about the marts, read once when the definitions load."""

from __future__ import annotations

import json
from functools import lru_cache

from pipelines.dbt_project import cci_dbt_project


@lru_cache(maxsize=1)
def mart_names() -> tuple[str, ...]:
    """Every model under models/marts/: the tables that are checked and published."""
    manifest = json.loads(cci_dbt_project.manifest_path.read_text())
    return tuple(sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and "marts" in node["fqn"]
    ))

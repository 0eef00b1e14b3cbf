"""JSON-stat 1.x and 2.0 datasets (Eurostat's JSON API and others).

A JSON-stat dataset is a dense (or sparse) cube: dimension ids with their sizes and
ordered category codes, and ``value``/``status`` in row-major order (the last dimension
varies fastest). Supported spellings:

* 1.x bundle ``{"nama_gdp_c": {"dimension": {"id": [...], "size": [...], ...}, ...}}``,
  including Eurostat's old ``wsVersion`` files whose ``status`` is wrapped as
  ``{"value": [...], "category": {"label": ...}}`` and whose arrays hold ``null``;
* 2.0 ``{"version": "2.0", "class": "dataset", "id": [...], "size": [...], ...}``;
* ``value`` as an array or as a sparse ``{"index": value}`` object; ``status`` as one
  string for all cells, an array, or an ``{"index": status}`` object;
* ``category.index`` as an object ``{code: position}`` or an array of codes.

Status ``:`` only repeats that the value is missing, so it is not kept as a flag; like the
TSV reader, a cell that is missing without any other status gets no row.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.statistics.detect import JSON_STAT, unknown_format
from pipelines.statistics.sources import Source, open_source
from pipelines.statistics.tidy import (
    StatisticsFormatError,
    StatisticsTable,
    dataset_code_from_path,
    finalise,
    normalise_period,
)

REGION_NAMES = ("geo",)
TIME_NAMES = ("time", "time_period", "year", "period")
DROPPED_DIMENSIONS = ("freq",)


def read_jsonstat(
    path: Path | str | Source,
    *,
    dataset: str | None = None,
    keep_missing: bool = False,
) -> StatisticsTable:
    """Read a JSON-stat 1.x or 2.0 dataset into the tidy shape.

    With a 1.x bundle of several datasets, ``dataset`` chooses one (else it is an error).
    """
    source = path if isinstance(path, Source) else open_source(path)
    try:
        document = json.loads(source.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise unknown_format(source, f"it is not valid JSON ({error})") from error
    cube, code = _find_dataset(source, document, dataset)

    dimension_block = cube.get("dimension") or {}
    ids = cube.get("id") or dimension_block.get("id")
    sizes = cube.get("size") or dimension_block.get("size")
    if not ids or not sizes or len(ids) != len(sizes):
        raise StatisticsFormatError(f"{source.path}: JSON-stat 'id' and 'size' missing or unequal")
    roles = cube.get("role") or dimension_block.get("role") or {}
    region_dimension = _pick(ids, roles.get("geo"), REGION_NAMES)
    time_dimension = _pick(ids, roles.get("time"), TIME_NAMES)
    if time_dimension is None:
        raise StatisticsFormatError(
            f"{source.path}: no time dimension (role 'time' or one of {TIME_NAMES}) among {ids}"
        )

    categories = {name: _category_codes(source, name, dimension_block.get(name), size)
                  for name, size in zip(ids, sizes)}  # fmt: skip
    cells = math.prod(sizes)
    observations = _observations(source, cube, cells)

    strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
    index = observations.get_column("index")
    columns = {
        name: pl.Series(name, categories[name], dtype=pl.String).gather((index // stride) % size)
        for name, size, stride in zip(ids, sizes, strides)
    }
    dimensions = [
        name for name in ids
        if name not in (region_dimension, time_dimension) and name not in DROPPED_DIMENSIONS
    ]  # fmt: skip
    frame = pl.DataFrame(
        {
            **{name: columns[name] for name in dimensions},
            "region": columns[region_dimension]
            if region_dimension
            else pl.Series("region", [None] * observations.height, dtype=pl.String),
            "period": columns[time_dimension],
            "value": observations.get_column("value"),
            "flag": observations.get_column("status"),
        }
    ).with_columns(
        normalise_period(pl.col("period")).alias("period"),
        pl.col("flag").str.strip_chars(": ").replace("", None).alias("flag"),
    )
    if not keep_missing:
        frame = frame.filter(pl.col("value").is_not_null() | pl.col("flag").is_not_null())
    title = cube.get("label") or cube.get("title")
    return finalise(
        frame,
        dataset=code,
        source_format=JSON_STAT,
        dimensions=dimensions,
        source_path=source.path,
        title=title if isinstance(title, str) else None,
    )


def _find_dataset(
    source: Source, document: Any, wanted: str | None
) -> tuple[dict[str, Any], str]:
    """The dataset object inside ``document`` and its code."""
    if not isinstance(document, dict):
        raise unknown_format(source, "its JSON is not an object")
    if document.get("type") in ("FeatureCollection", "Feature"):
        raise unknown_format(source, "it is GeoJSON (boundaries with properties), not JSON-stat")
    if document.get("class") == "collection":
        raise unknown_format(source, "it is a JSON-stat collection of links; read its datasets")
    if _is_dataset(document):
        extension = document.get("extension") or {}
        code = (
            wanted
            or extension.get("datasetId")
            or document.get("code")
            or dataset_code_from_path(source.path)
        )
        return document, str(code).lower()
    bundle = {name: value for name, value in document.items() if _is_dataset(value)}
    if not bundle:
        raise unknown_format(source, "its JSON has no JSON-stat dataset (dimension + value)")
    if wanted is not None:
        matches = {
            name: cube
            for name, cube in bundle.items()
            if wanted.lower() in (name.lower(), str(cube.get("code", "")).lower())
        }
        if len(matches) != 1:
            raise StatisticsFormatError(
                f"{source.path}: no dataset {wanted!r} among {sorted(bundle)}"
            )
        bundle = matches
    if len(bundle) > 1:
        raise StatisticsFormatError(
            f"{source.path}: a JSON-stat bundle of {len(bundle)} datasets {sorted(bundle)}; "
            "pass dataset= to choose one"
        )
    (name, cube), = bundle.items()
    return cube, str(wanted or cube.get("code") or name).lower()


def _is_dataset(value: Any) -> bool:
    return isinstance(value, dict) and "dimension" in value and "value" in value


def _pick(ids: list[str], by_role: list[str] | None, names: tuple[str, ...]) -> str | None:
    if by_role:
        return by_role[0]
    return next((name for name in ids if name.lower() in names), None)


def _category_codes(source: Source, name: str, block: Any, size: int) -> list[str]:
    """Category codes of dimension ``name`` in cube order."""
    category = (block or {}).get("category") if isinstance(block, dict) else None
    if not isinstance(category, dict):
        raise StatisticsFormatError(f"{source.path}: dimension {name!r} has no category")
    index = category.get("index")
    if isinstance(index, list):
        codes = [str(code) for code in index]
    elif isinstance(index, dict):
        codes = [str(code) for code, _ in sorted(index.items(), key=lambda item: item[1])]
    elif isinstance(category.get("label"), dict) and len(category["label"]) == 1:
        codes = [str(next(iter(category["label"])))]  # a single category may omit index
    else:
        raise StatisticsFormatError(f"{source.path}: dimension {name!r} has no category index")
    if len(codes) != size:
        raise StatisticsFormatError(
            f"{source.path}: dimension {name!r} has {len(codes)} categories but size {size}"
        )
    return codes


def _observations(source: Source, cube: dict[str, Any], cells: int) -> pl.DataFrame:
    """``index, value, status`` for every cell that has a value or a status."""
    values = cube.get("value")
    status = cube.get("status")
    if isinstance(status, dict) and isinstance(status.get("value"), list):
        status = status["value"]  # Eurostat JSON API v1.1: {"value": [...], "category": labels}

    if isinstance(values, list):
        if len(values) != cells:
            raise StatisticsFormatError(
                f"{source.path}: 'value' has {len(values)} cells, the dimensions make {cells}"
            )
        frame = pl.DataFrame(
            {
                "index": pl.int_range(0, cells, eager=True),
                "value": pl.Series(values, dtype=pl.Float64, strict=False),
            }
        )
    elif isinstance(values, dict):
        frame = pl.DataFrame(
            {
                "index": pl.Series([int(key) for key in values], dtype=pl.Int64),
                "value": pl.Series(list(values.values()), dtype=pl.Float64, strict=False),
            }
        )
    else:
        raise StatisticsFormatError(f"{source.path}: 'value' is neither an array nor an object")

    if status is None:
        return frame.with_columns(pl.lit(None, dtype=pl.String).alias("status"))
    if isinstance(status, str):
        return frame.with_columns(pl.lit(status).alias("status"))
    if isinstance(status, list):
        if len(status) != cells:
            raise StatisticsFormatError(
                f"{source.path}: 'status' has {len(status)} cells, the dimensions make {cells}"
            )
        statuses = pl.DataFrame(
            {
                "index": pl.int_range(0, cells, eager=True),
                "status": pl.Series(status, dtype=pl.String, strict=False),
            }
        )
    elif isinstance(status, dict):
        statuses = pl.DataFrame(
            {
                "index": pl.Series([int(key) for key in status], dtype=pl.Int64),
                "status": pl.Series(
                    [None if s is None else str(s) for s in status.values()], dtype=pl.String
                ),
            }
        )
    else:
        raise StatisticsFormatError(f"{source.path}: 'status' is not a string, array or object")
    out = frame.join(statuses, on="index", how="full", coalesce=True)
    return out.with_columns(pl.col("index").cast(pl.Int64)).sort("index")

"""The region dimension: countries, NUTS regions and Russian subjects under one code.

Statistics arrive with three kinds of geography that must meet in one warehouse column:

* **Countries** by ISO 3166-1 alpha-2, except that Eurostat writes Greece ``EL`` and the
  United Kingdom ``UK``; :func:`normalise_region_code` turns those into ``GR``/``GB``.
* **NUTS** regions of the Nordic (DK FI IS NO SE) and Baltic (EE LT LV) countries, levels
  1–3, in the versions 2013, 2016 and 2021 that Eurostat's files use. Codes change
  between versions (Norway's NO01… became NO08…; Lithuania split LT00; Finland recoded
  FI1D4/FI1D6), so :func:`map_nuts` translates a code between versions and says how the
  territories relate. NUTS 0 is the country row itself.
* **Russian subjects** by ISO 3166-2 (``RU-MUR``). Rosstat names them in Russian with many
  spellings («г.Санкт-Петербург», «Город Санкт-Петербург город федерального значения»)
  and adds rows ISO has no code for; :func:`match_russian_region` maps a Rosstat label to
  a code. Codes of this package (not ISO) fill the gaps:

  - federal districts ``RU-CFD``, ``RU-NWFD``, ``RU-SFD``, ``RU-NCFD``, ``RU-VFD``,
    ``RU-UFD``, ``RU-SIBFD``, ``RU-FEFD`` and the 2014–2016 ``RU-KRFD`` (Crimean);
  - **no double counting of autonomous okrugs**: ``RU-ARK`` is always Arkhangelsk Oblast
    *without* the Nenets okrug and ``RU-NEN`` the okrug, so the 83 ISO subjects partition
    Russia. Rosstat's plain «Архангельская область» *includes* the okrug and becomes the
    aggregate ``RU-ARK+NEN``; «… без авт. округа» / «… (кроме Ненецкого автономного
    округа)» becomes ``RU-ARK``. Tyumen Oblast works the same way: ``RU-TYU`` (without the
    Khanty-Mansi and Yamalo-Nenets okrugs), ``RU-KHM``, ``RU-YAN`` and the aggregate
    ``RU-TYU+KHM+YAN``. Summing subjects never counts an okrug twice; aggregates carry
    ``level = "aggregate"``.
  - Rosstat also reports the Republic of Crimea and Sevastopol; they keep their ISO
    3166-2 codes ``UA-43`` and ``UA-40`` (country ``UA``), and the non-standard ``RU-CR``/
    ``RU-SEV`` seen in some code lists normalise to them. Rosstat's Russian totals from
    2014 include them, which the rows' source notes should make clear to readers.

The code lists live in ``pipelines/statistics/data/`` (see its README) so that the pipeline
works without the reference data folder; :func:`region_dimension` can add the remaining
ISO 3166-1 countries from a pycountry ``iso3166-1.json`` when one is given.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Iterable

import polars as pl

DATA_DIR = Path(__file__).resolve().parent / "data"

NUTS_VERSIONS = (2013, 2016, 2021)
NORDIC = ("DK", "FI", "IS", "NO", "SE")
BALTIC = ("EE", "LT", "LV")
NDPC_PARTNERS = ("DE", "DK", "EE", "FI", "IS", "LT", "LV", "NO", "PL", "RU", "SE")
"""Partner countries of the Northern Dimension Partnership on Culture."""
NW_RUSSIA_DISTRICT = "RU-NWFD"

EUROSTAT_COUNTRY_CODES = {"EL": "GR", "UK": "GB"}
"""Eurostat's country codes that differ from ISO 3166-1."""
NON_STANDARD_CODES = {"RU-SPB": "RU-SPE", "RU-CR": "UA-43", "RU-SEV": "UA-40"}
"""Codes seen in real code lists (e.g. Rosstat-derived ``r_codes.csv``) that ISO spells
otherwise."""

NUTS_RELATIONS = ("identical", "recoded", "boundary_change", "part_of", "contains", "overlaps")
"""How a region of one NUTS version relates to one of another, read "from <relation> to":
``identical`` same code and territory; ``recoded`` new code, same territory;
``boundary_change`` the same region with minor border changes (values not strictly
comparable); ``part_of`` the source lies inside the target (merger); ``contains`` the
source holds the target (split); ``overlaps`` partial overlap. Transfers of single
municipalities are not modelled as overlaps; the correspondence ``note`` names them."""

DIMENSION_SCHEMA: dict[str, pl.DataType] = {
    "region_code": pl.String(),
    "level": pl.String(),
    "country_code": pl.String(),
    "code_system": pl.String(),
    "nuts_versions": pl.String(),
    "name_en": pl.String(),
    "name_local": pl.String(),
    "name_ru": pl.String(),
    "parent_code": pl.String(),
    "is_nordic": pl.Boolean(),
    "is_baltic": pl.Boolean(),
    "is_nw_russia": pl.Boolean(),
    "is_ndpc_partner": pl.Boolean(),
    "note": pl.String(),
}


# --- codes -----------------------------------------------------------------------------


def normalise_region_code(code: str) -> str:
    """A region code in this package's spelling: trimmed, upper case, ISO where ISO differs.

    ``EL`` → ``GR``, ``UK`` → ``GB`` (country level only; NUTS codes such as ``EL30`` keep
    Eurostat's prefix, as NUTS defines them), ``RU-SPB`` → ``RU-SPE``, ``RU-CR`` → ``UA-43``,
    ``RU-SEV`` → ``UA-40``. Unknown codes are returned trimmed and upper-cased.
    """
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", code)).upper()
    return EUROSTAT_COUNTRY_CODES.get(text) or NON_STANDARD_CODES.get(text) or text


def nuts_level(code: str) -> int:
    """NUTS level from the code's length: ``DK`` 0, ``DK0`` 1, ``DK01`` 2, ``DK011`` 3."""
    level = len(code.strip()) - 2
    if not 0 <= level <= 3:
        raise ValueError(f"not a NUTS code: {code!r}")
    return level


# --- Russian names ---------------------------------------------------------------------

# footnote marks at the end: "*)", superscripts, " 2", "2)" or digits glued to a letter
_FOOTNOTE = re.compile(
    r"(?:\s*\*+\)?|\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\s+\d{1,2}\)?|(?<=[^\W\d_])\d{1,2}\)?)\s*$"
)
_LEADING_PHRASE = re.compile(
    r"^(?:в\s+том\s+числе|в\s*т\.\s*ч\.?|из\s+них|включая)\s*:?\s*", re.IGNORECASE
)
_EXCLUSION = re.compile(r"\(?\s*(?<!\w)(?:без|кроме|за\s+исключением)(?!\w).*$")
_CITY_PREFIX = re.compile(r"^(?:г\.|город\s)\s*")
_CITY_PHRASES = re.compile(r"столица\s+российской\s+федерации|город\s+федерального\s+значения")
_AUTONOMOUS = re.compile(r"автономн[а-я]*|авт\.?(?![а-я])")
_DASHES = re.compile(r"[‐‑‒–—−-]")
_RUSSIA_TOTAL = re.compile(r"российск[а-я]*\s+федерац")


def clean_region_label(label: str) -> str:
    """A Rosstat row label without footnote marks, «в том числе» and runs of spaces.

    «Российская Федерация 2» → «Российская Федерация»;
    «в том числе               Ненецкий авт.округ» → «Ненецкий авт.округ».
    """
    text = unicodedata.normalize("NFKC", label).replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    text = _FOOTNOTE.sub("", text).strip()
    return _LEADING_PHRASE.sub("", text).strip()


def _name_key(label: str) -> tuple[str, bool]:
    """``(matching key, names an oblast *without* its okrugs)`` for a Russian region name."""
    text = clean_region_label(label).lower().replace("ё", "е")
    excluding = bool(_EXCLUSION.search(text))
    text = _EXCLUSION.sub("", text)
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"[«»\"']", " ", text)
    text = _CITY_PREFIX.sub("", text)
    text = _CITY_PHRASES.sub(" ", text)
    text = _AUTONOMOUS.sub(" авт ", text)
    text = _DASHES.sub("-", text)
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"[.,;:]", " ", text)
    return re.sub(r"\s+", " ", text).strip(), excluding


@cache
def _russian_name_index() -> tuple[dict[str, str], dict[str, str]]:
    """(plain names → code, names of oblasts "without okrugs" → code)."""
    plain: dict[str, str] = {}
    excluding: dict[str, str] = {}
    for row in _russian_regions().iter_rows(named=True):
        names = [row["name_ru"], row["name_en"], *(row["aliases"] or "").split("|")]
        for name in filter(None, names):
            key, without_okrugs = _name_key(name)
            index = excluding if without_okrugs else plain
            if index.get(key, row["code"]) != row["code"]:
                raise ValueError(f"{name!r} names both {index[key]} and {row['code']}")
            index[key] = row["code"]
    return plain, excluding


def match_russian_region(name: str) -> str | None:
    """The region code for a Russian region as Rosstat or fedstat writes it, else ``None``.

    Accepts footnote digits, «в т.ч.» prefixes, «г.»/«Город … город федерального
    значения», abbreviations («авт.округ»), dashes with or without spaces, qualifiers in
    parentheses, codes (``RU-SPB`` → ``RU-SPE``) and English names. Plain «Архангельская
    область» is ``RU-ARK+NEN``; with «без»/«кроме» it is ``RU-ARK`` (see module docstring).
    A label that names the Russian Federation in any wording (Rosstat titles its total row
    «Валовой региональный продукт по субъектам Российской Федерации …») is ``RU``.
    """
    if not name or not name.strip():
        return None
    code = normalise_region_code(name)
    if re.fullmatch(r"[A-Z]{2}(-[A-Z0-9+]+)?", code) and code in _russian_codes():
        return code
    plain, excluding = _russian_name_index()
    key, without_okrugs = _name_key(name)
    found = (excluding if without_okrugs else plain).get(key)
    if found is None and _RUSSIA_TOTAL.search(key):
        return "RU"
    return found


@cache
def _russian_codes() -> frozenset[str]:
    return frozenset(_russian_regions().get_column("code").to_list())


@cache
def _russian_regions() -> pl.DataFrame:
    return pl.read_csv(DATA_DIR / "russian_regions.csv", infer_schema=False)


@cache
def _countries() -> pl.DataFrame:
    return pl.read_csv(DATA_DIR / "countries.csv", infer_schema=False)


# --- NUTS ------------------------------------------------------------------------------


@cache
def _nuts() -> pl.DataFrame:
    frame = pl.read_csv(DATA_DIR / "nuts.csv", infer_schema=False)
    return frame.with_columns(
        pl.col("versions").str.split("|").cast(pl.List(pl.Int64)).alias("versions")
    )


@cache
def nuts_codes(version: int) -> frozenset[str]:
    """All codes (levels 0–3, extra-regio included) of the eight countries in ``version``."""
    _check_version(version)
    frame = _nuts().filter(pl.col("versions").list.contains(version))
    return frozenset(frame.get_column("code").to_list())


@cache
def _changes() -> pl.DataFrame:
    frame = pl.read_csv(DATA_DIR / "nuts_changes.csv", infer_schema=False)
    return frame.with_columns(pl.col("from_version", "to_version").cast(pl.Int64))


def _check_version(version: int) -> None:
    if version not in NUTS_VERSIONS:
        raise ValueError(f"NUTS version must be one of {NUTS_VERSIONS}, not {version!r}")


_SAME = ("identical", "recoded")


def _inverse(relation: str) -> str:
    """The relation read the other way: "A part_of B" is "B contains A"."""
    return {"part_of": "contains", "contains": "part_of"}.get(relation, relation)


def _step(code: str, from_version: int, to_version: int) -> list[tuple[str, str]]:
    """``(code, relation)`` in the adjacent version ``to_version``."""
    forward = from_version < to_version
    older, newer = sorted((from_version, to_version))
    changes = _changes().filter(
        (pl.col("from_version") == older) & (pl.col("to_version") == newer)
    )
    here, there = ("from_code", "to_code") if forward else ("to_code", "from_code")
    listed = changes.filter(pl.col(here) == code)
    if listed.height:
        return [
            (row[there], row["relation"] if forward else _inverse(row["relation"]))
            for row in listed.iter_rows(named=True)
        ]
    if code in nuts_codes(to_version):
        return [(code, "identical")]
    return []


def _compose(first: str, second: str, source: str, target: str) -> str:
    if first in _SAME and second in _SAME:
        return "identical" if source == target else "recoded"
    if first in _SAME:
        return second
    if second in _SAME or first == second:
        return first
    if "boundary_change" in (first, second):
        other = second if first == "boundary_change" else first
        return other if other in ("part_of", "contains") else "overlaps"
    return "overlaps"


def _merge(relations: Iterable[str]) -> str:
    distinct = set(relations)
    return distinct.pop() if len(distinct) == 1 else "overlaps"


def map_nuts_relations(code: str, from_version: int, to_version: int) -> dict[str, str]:
    """``{target code: relation}`` for NUTS ``code`` of ``from_version`` in ``to_version``.

    Steps through the versions in between (2013 → 2016 → 2021) and composes relations.
    Raises ``ValueError`` for a code that is not in ``from_version``.
    """
    _check_version(from_version)
    _check_version(to_version)
    code = code.strip().upper()
    if code not in nuts_codes(from_version):
        raise ValueError(f"{code!r} is not a NUTS {from_version} code of {NORDIC + BALTIC}")
    position = NUTS_VERSIONS.index(from_version)
    target_position = NUTS_VERSIONS.index(to_version)
    step = 1 if target_position >= position else -1
    reached: dict[str, str] = {code: "identical"}
    while position != target_position:
        current, following = NUTS_VERSIONS[position], NUTS_VERSIONS[position + step]
        collected: dict[str, list[str]] = {}
        for here, relation in reached.items():
            for there, next_relation in _step(here, current, following):
                composed = _compose(relation, next_relation, code, there)
                collected.setdefault(there, []).append(composed)
        reached = {there: _merge(relations) for there, relations in collected.items()}
        position += step
    return dict(sorted(reached.items()))


def map_nuts(code: str, from_version: int, to_version: int) -> list[str]:
    """The ``to_version`` codes whose territory overlaps NUTS ``code`` of ``from_version``.

    ``map_nuts("NO011", 2016, 2021) == ["NO081"]``; ``map_nuts("NO03", 2016, 2021) ==
    ["NO08", "NO09"]`` (split); ``map_nuts("LT00A", 2013, 2021) == ["LT011"]``. Use
    :func:`map_nuts_relations` or :func:`nuts_correspondence` to see whether values can be
    carried over (``identical``/``recoded``) or only summed or not at all.
    """
    return list(map_nuts_relations(code, from_version, to_version))


def nuts_correspondence(from_version: int, to_version: int) -> pl.DataFrame:
    """Every NUTS code of ``from_version`` with its ``to_version`` codes and relations."""
    rows = [
        {"from_code": code, "to_code": target, "relation": relation}
        for code in sorted(nuts_codes(from_version))
        for target, relation in map_nuts_relations(code, from_version, to_version).items()
    ]
    schema = {"from_code": pl.String, "to_code": pl.String, "relation": pl.String}
    frame = pl.DataFrame(rows, schema=schema)
    return frame.with_columns(
        pl.lit(from_version).alias("from_version"), pl.lit(to_version).alias("to_version")
    ).select("from_version", "from_code", "to_version", "to_code", "relation")


# --- the dimension ---------------------------------------------------------------------


def region_dimension(iso3166_json: Path | str | None = None) -> pl.DataFrame:
    """One row per region code, in :data:`DIMENSION_SCHEMA`.

    ``level`` is ``country``, ``nuts1``–``nuts3``, ``federal_district``, ``federal_subject``,
    ``subdivision`` (Crimea, Sevastopol) or ``aggregate`` (``RU-ARK+NEN``,
    ``RU-TYU+KHM+YAN``); ``code_system`` is ``iso3166-1``, ``iso3166-2``, ``nuts`` or
    ``package`` (codes defined here); ``nuts_versions`` lists the NUTS versions a NUTS code
    is valid in ("2013,2016,2021"). With ``iso3166_json`` (pycountry's ``iso3166-1.json``)
    the remaining ISO countries are added with their English names.
    """
    nuts = _nuts().with_columns(
        pl.col("versions").cast(pl.List(pl.String)).list.join(",").alias("nuts_versions")
    )
    nuts_country_versions = nuts.filter(pl.col("code").str.len_chars() == 2).select(
        pl.col("code"), pl.col("nuts_versions")
    )
    countries = (
        _countries()
        .join(nuts_country_versions, on="code", how="left")
        .select(
            pl.col("code").alias("region_code"),
            pl.lit("country").alias("level"),
            pl.col("code").alias("country_code"),
            pl.lit("iso3166-1").alias("code_system"),
            pl.col("nuts_versions"),
            pl.col("name_en"),
            pl.col("name_local"),
            pl.col("name_ru"),
            pl.lit(None, dtype=pl.String).alias("parent_code"),
            pl.when(pl.col("eurostat_code") != pl.col("code"))
            .then(pl.concat_str(pl.lit("Eurostat writes "), pl.col("eurostat_code")))
            .alias("note"),
        )
    )
    nuts_level_number = (pl.col("code").str.len_chars() - 2).cast(pl.String)
    nuts_regions = nuts.filter(pl.col("code").str.len_chars() > 2).select(
        pl.col("code").alias("region_code"),
        pl.concat_str(pl.lit("nuts"), nuts_level_number).alias("level"),
        pl.col("code").str.slice(0, 2).alias("country_code"),
        pl.lit("nuts").alias("code_system"),
        pl.col("nuts_versions"),
        pl.col("name").alias("name_en"),
        pl.col("name").alias("name_local"),
        pl.lit(None, dtype=pl.String).alias("name_ru"),
        pl.col("code").str.slice(0, pl.col("code").str.len_chars() - 1).alias("parent_code"),
        pl.col("note"),
    )
    russian = (
        _russian_regions()
        .filter(pl.col("level") != "country")
        .select(
            pl.col("code").alias("region_code"),
            pl.col("level"),
            pl.when(pl.col("code").str.starts_with("UA-"))
            .then(pl.lit("UA"))
            .when(pl.col("code") == "RU-KRFD")
            .then(None)
            .otherwise(pl.lit("RU"))
            .alias("country_code"),
            pl.when(pl.col("level").is_in(["federal_subject", "subdivision"]))
            .then(pl.lit("iso3166-2"))
            .otherwise(pl.lit("package"))
            .alias("code_system"),
            pl.lit(None, dtype=pl.String).alias("nuts_versions"),
            pl.col("name_en"),
            pl.coalesce(pl.col("name_local"), pl.col("name_ru")).alias("name_local"),
            pl.col("name_ru"),
            pl.col("parent_code"),
            pl.col("note"),
        )
    )
    frames = [countries, nuts_regions, russian]
    if iso3166_json is not None:
        frames.append(_more_countries(Path(iso3166_json), countries.get_column("region_code")))
    dimension = pl.concat(frames, how="vertical")
    country = pl.col("country_code")
    return dimension.with_columns(
        country.is_in(NORDIC).fill_null(False).alias("is_nordic"),
        country.is_in(BALTIC).fill_null(False).alias("is_baltic"),
        (
            (pl.col("region_code") == NW_RUSSIA_DISTRICT)
            | (pl.col("parent_code") == NW_RUSSIA_DISTRICT)
        ).fill_null(False).alias("is_nw_russia"),
        country.is_in(NDPC_PARTNERS).fill_null(False).alias("is_ndpc_partner"),
    ).select(list(DIMENSION_SCHEMA)).cast(DIMENSION_SCHEMA)


def _more_countries(path: Path, known: pl.Series) -> pl.DataFrame:
    """ISO 3166-1 countries from pycountry's JSON that the shipped list lacks."""
    entries = json.loads(path.read_text(encoding="utf-8"))["3166-1"]
    frame = pl.DataFrame(
        {
            "region_code": [entry["alpha_2"] for entry in entries],
            "name_en": [entry.get("common_name") or entry["name"] for entry in entries],
        }
    ).filter(~pl.col("region_code").is_in(known.implode()))
    return frame.select(
        pl.col("region_code"),
        pl.lit("country").alias("level"),
        pl.col("region_code").alias("country_code"),
        pl.lit("iso3166-1").alias("code_system"),
        pl.lit(None, dtype=pl.String).alias("nuts_versions"),
        pl.col("name_en"),
        pl.lit(None, dtype=pl.String).alias("name_local"),
        pl.lit(None, dtype=pl.String).alias("name_ru"),
        pl.lit(None, dtype=pl.String).alias("parent_code"),
        pl.lit(None, dtype=pl.String).alias("note"),
    )

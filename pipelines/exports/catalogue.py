"""Indicator definitions for the deliverables, from the published marts.

The published ``dim_indicators`` mart (the indicator catalogue with its Interreg and IATI codes)
is used where it exists; without it the definitions fall back to what ``fct_indicator_values``
carries (code, name, unit), so deliveries keep working on marts built before the catalogue mart.
"""

from __future__ import annotations

import polars as pl

from dashboards.theme import NON_PERSON_UNITS

#: Normalised definition fields and the catalogue column names each may come from.
FIELDS: dict[str, tuple[str, ...]] = {
    "indicator_code": ("indicator_code",),
    "indicator_name": ("indicator_name", "indicator_name_en", "name"),
    "indicator_name_ru": ("indicator_name_ru", "name_ru"),
    "unit": ("unit",),
    "indicator_type": ("indicator_type", "result_type", "level"),
    "counts_people": ("suppress_small_cells", "counts_people", "is_person_count"),
    "counting_unit": ("counting_unit",),
    "period_aggregation": ("period_aggregation",),
    "disaggregations": ("disaggregations",),
    "additive_disaggregations": ("additive_disaggregations",),
    "baseline": ("baseline",),
    "definition": ("definition", "counting_rule", "description"),
    "interreg_code": ("interreg_code", "interreg_indicator_code", "interreg_indicator"),
    "interreg_name": ("interreg_name", "interreg_indicator_name"),
    "interreg_relation": ("interreg_relation",),
    "iati_vocabulary": ("iati_vocabulary", "iati_indicator_vocabulary"),
    "iati_code": ("iati_code", "iati_indicator_code", "iati_indicator"),
    "iati_uri": ("iati_indicator_uri", "iati_uri", "indicator_uri"),
    "sort_order": ("sort_order", "display_order", "indicator_order"),
}

#: Order of the first catalogue's indicators when the catalogue gives none.
_DEFAULT_ORDER = ("unique_participants", "participations", "events_held",
                  "organisations_participating", "cross_border_participations")

__all__ = [
    "FIELDS", "additive_disaggregations", "catalogue_entries", "definitions_from_summary", "fact_summary",
    "indicator_definitions", "person_indicators",
]


def _pick(record: dict, names: tuple[str, ...]) -> object:
    for name in names:
        if name in record and record[name] is not None and record[name] != "":
            return record[name]
    return None


def _counts_people_from_unit(unit: object) -> bool:
    # Anything not known to be a non-person unit is treated as people: errs on suppressing.
    return unit is None or str(unit).strip().lower() not in NON_PERSON_UNITS


#: Columns of ``fct_indicator_values`` a definition falls back to when the catalogue has no entry.
FACT_COLUMNS = ("indicator_code", "indicator_name", "indicator_name_ru", "unit", "indicator_type")


def catalogue_entries(marts: dict[str, pl.DataFrame]) -> tuple[dict[str, dict], dict[str, int]]:
    """The published catalogue (``dim_indicators``) by code, and each code's position in it."""
    catalogue: dict[str, dict] = {}
    catalogue_order: dict[str, int] = {}
    if "dim_indicators" in marts and "indicator_code" in marts["dim_indicators"].columns:
        for position, rec in enumerate(marts["dim_indicators"].to_dicts()):
            catalogue[str(rec["indicator_code"])] = rec
            catalogue_order[str(rec["indicator_code"])] = position
    return catalogue, catalogue_order


def fact_summary(indicators: pl.DataFrame, by: list[str] | None = None) -> pl.DataFrame:
    """Per indicator (and per ``by``, e.g. project): the first row's names, unit and type, and
    whether any of its cells is flagged small upstream: what a definition needs from the facts."""
    keys = [*(by or []), "indicator_code"]
    fact_columns = [c for c in FACT_COLUMNS if c in indicators.columns and c != "indicator_code"]
    flagged = (pl.col("is_small_cell").fill_null(False).any() if "is_small_cell" in indicators.columns
               else pl.lit(False))
    return indicators.group_by(keys, maintain_order=True).agg(
        *[pl.col(c).first() for c in fact_columns], flagged.alias("_flagged_small"))


def indicator_definitions(marts: dict[str, pl.DataFrame], indicators: pl.DataFrame) -> list[dict]:
    """One dict per indicator in ``indicators`` (with every key of :data:`FIELDS`), in display order."""
    catalogue, catalogue_order = catalogue_entries(marts)
    return definitions_from_summary(catalogue, catalogue_order, fact_summary(indicators).to_dicts())


def definitions_from_summary(catalogue: dict[str, dict], catalogue_order: dict[str, int],
                             summary: list[dict]) -> list[dict]:
    """Definitions from the catalogue and a :func:`fact_summary` (one project's rows)."""
    codes = sorted({rec["indicator_code"] for rec in summary})
    from_facts = {rec["indicator_code"]: {k: v for k, v in rec.items() if k != "_flagged_small"} for rec in summary}
    flagged_small = {rec["indicator_code"] for rec in summary if rec["_flagged_small"]}

    definitions = []
    for code in codes:
        source = {**from_facts.get(code, {}), **catalogue.get(code, {})}
        entry = {field: _pick(source, names) for field, names in FIELDS.items()}
        entry["indicator_code"] = code
        if entry["counts_people"] is None:
            entry["counts_people"] = code in flagged_small or _counts_people_from_unit(entry["unit"])
        else:
            entry["counts_people"] = bool(entry["counts_people"])
        if entry["indicator_type"] is None:
            entry["indicator_type"] = "output"
        # None: the catalogue does not say which breakdowns add up (then all are taken to).
        has_column = any(name in catalogue.get(code, {}) for name in FIELDS["additive_disaggregations"])
        entry["additive_disaggregations"] = frozenset(
            x.strip() for x in str(entry["additive_disaggregations"] or "").split(",") if x.strip()
        ) if has_column else None
        definitions.append(entry)

    def order(entry: dict) -> tuple:
        explicit = entry["sort_order"]
        fallback = _DEFAULT_ORDER.index(entry["indicator_code"]) if entry["indicator_code"] in _DEFAULT_ORDER else 99
        # the catalogue's own row order (the programme's), else the first catalogue's order
        listed = catalogue_order.get(entry["indicator_code"], len(catalogue_order))
        return (float(explicit) if explicit is not None else 1e9, listed, fallback, entry["indicator_code"])

    return sorted(definitions, key=order)


def person_indicators(definitions: list[dict]) -> frozenset[str]:
    """Indicators whose small cells describe people (the catalogue's suppress_small_cells)."""
    return frozenset(d["indicator_code"] for d in definitions if d["counts_people"])


def additive_disaggregations(definitions: list[dict]) -> dict[str, frozenset[str]]:
    """Per indicator, the disaggregations whose cells add up to the total, where the catalogue
    says; indicators it says nothing about are left out (every breakdown is then taken as additive)."""
    return {d["indicator_code"]: d["additive_disaggregations"] for d in definitions
            if d.get("additive_disaggregations") is not None}

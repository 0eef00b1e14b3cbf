"""IATI 2.03 activity XML of a delivery: the project as an activity with its results.

One ``<iati-activity>`` per delivery, identified by ``<reporting-org ref>-<project_id>`` (the
organisation reference is a documented placeholder until the project configures its own in
``raw/programme/iati.yml``). Each indicator of the catalogue becomes an ``<indicator>`` under a
``<result>`` of its type (output, outcome, impact), with:

- ``<reference vocabulary="99">`` (the reporting organisation's own code: the catalogue code)
  and, where the catalogue maps them, the Interreg indicator code (also vocabulary 99: IATI's
  IndicatorVocabulary has no Interreg list) and any IATI vocabulary code;
- a baseline of 0 at the project start for counts (nothing is counted before a project starts)
  unless the catalogue gives one;
- one ``<period>`` per period the delivery shows, with the target where one is set and the
  actual total plus one ``<actual>`` per disaggregation cell (``<dimension name value>``).
  A suppressed cell is an ``<actual>`` without a value and a comment saying why.

Synthetic data is marked in the activity title, a description narrative and an XML comment.
The output is deterministic (no generated-datetime) and is checked in the tests against the
official 2.03 schema; writing it needs no schema or codelist at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from lxml import etree

from pipelines.exports.content import SUPPRESSED, SYNTHETIC_NOTICE, DeliveryContent
from pipelines.exports.periods import FINAL
from pipelines.exports.suppression import THRESHOLD
from pipelines.exports.tabular import format_number

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: IATI ResultType codes by the catalogue's indicator type.
RESULT_TYPES = {"output": "1", "outcome": "2", "impact": "3"}
RESULT_TYPE_OTHER = "9"
#: IATI IndicatorMeasure: 1 unit, 2 percentage.
MEASURE_UNIT, MEASURE_PERCENTAGE = "1", "2"
PERCENT_UNITS = {"%", "percent", "percentage", "pct"}
#: IATI IndicatorVocabulary 99: the reporting organisation's own codes.
OWN_VOCABULARY = "99"
#: IATI ActivityStatus and ActivityDateType codes used.
STATUS_IMPLEMENTATION, STATUS_FINALISATION = "2", "3"
DATE_PLANNED_START, DATE_ACTUAL_START, DATE_PLANNED_END, DATE_ACTUAL_END = "1", "2", "3", "4"
#: IATI OrganisationRole: funding, implementing.
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"

PERIOD_COMMENT = {
    "month": "Month {period_id}: values over the month.",
    "quarter": "Quarter {period_id}: values over the quarter (not the sum of its months for unique counts).",
    "year": "Year {period_id}: values over the calendar year.",
    "cumulative": "Cumulative from the project start to the end of {period_id}; the target is the linear trajectory.",
    "project_to_date": "The whole project.",
}

SUPPRESSED_COMMENT = (f"Suppressed: small-cell rule (counts of people under {THRESHOLD}, with "
                      "complementary suppression).")

__all__ = ["IATI_VERSION", "PERIOD_COMMENT", "SUPPRESSED_COMMENT", "activity_document", "iati_activity_bytes"]


def _narrative(parent: etree._Element, text: str, lang: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, "narrative")
    if lang:
        element.set(XML_LANG, lang)
    element.text = text
    return element


def _text_element(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, **attributes)
    _narrative(element, text)
    return element


def _comment(parent: etree._Element, text: str) -> None:
    _text_element(parent, "comment", text)


def _period_element(indicator: etree._Element, rows: list[dict]) -> None:
    first = rows[0]
    period = etree.SubElement(indicator, "period")
    etree.SubElement(period, "period-start", {"iso-date": first["period_start"].isoformat()})
    etree.SubElement(period, "period-end", {"iso-date": first["period_end"].isoformat()})
    totals = [r for r in rows if r["disaggregation"] == "total"]
    cells = [r for r in rows if r["disaggregation"] != "total"]
    for total in totals:
        if total["target"] is not None:
            etree.SubElement(period, "target", value=format_number(total["target"], 4))
    for row in totals + cells:
        actual = etree.SubElement(period, "actual")
        if row["flag"] != SUPPRESSED and row["value"] is not None:
            actual.set("value", format_number(row["value"], 4))
        if row["disaggregation"] != "total":
            etree.SubElement(actual, "dimension", name=row["disaggregation"], value=str(row["disaggregation_value"]))
        notes = []
        if row["disaggregation"] == "total":
            notes.append(PERIOD_COMMENT.get(row["period_type"], "{period_id}").format(period_id=row["period_id"]))
        if row["flag"] == SUPPRESSED:
            notes.append(SUPPRESSED_COMMENT)
        if notes:
            _comment(actual, " ".join(notes))


def _indicator_element(result: etree._Element, definition: dict, content: DeliveryContent,
                       add_periods: Callable[[etree._Element, dict], None]) -> None:
    unit = str(definition.get("unit") or "").strip().lower()
    indicator = etree.SubElement(
        result, "indicator",
        measure=MEASURE_PERCENTAGE if unit in PERCENT_UNITS else MEASURE_UNIT, ascending="1",
    )
    title = etree.SubElement(indicator, "title")
    _narrative(title, definition.get("indicator_name") or definition["indicator_code"])
    if definition.get("indicator_name_ru"):
        _narrative(title, str(definition["indicator_name_ru"]), "ru")
    description = [f"Unit: {definition.get('unit') or 'count'}."]
    if definition.get("definition"):
        description.append(str(definition["definition"]).rstrip(".") + ".")
    if definition.get("interreg_code"):
        name = f" {definition['interreg_name']}" if definition.get("interreg_name") else ""
        relation = f" ({definition['interreg_relation']})" if definition.get("interreg_relation") else ""
        description.append(f"Reported to Interreg common indicator {definition['interreg_code']}{name}{relation}.")
    _text_element(indicator, "description", " ".join(description))
    references: list[dict[str, str]] = []
    if definition.get("iati_code"):
        own = {"vocabulary": str(definition.get("iati_vocabulary") or OWN_VOCABULARY), "code": str(definition["iati_code"])}
        if definition.get("iati_uri"):
            own["indicator-uri"] = str(definition["iati_uri"])
        references.append(own)
    if not any(r["vocabulary"] == OWN_VOCABULARY and r["code"] == definition["indicator_code"] for r in references):
        references.insert(0, {"vocabulary": OWN_VOCABULARY, "code": definition["indicator_code"]})
    if definition.get("interreg_code"):
        references.append({"vocabulary": OWN_VOCABULARY, "code": str(definition["interreg_code"])})
    for attributes in references:
        etree.SubElement(indicator, "reference", attributes)
    baseline_value = definition.get("baseline")
    if baseline_value is None and unit not in PERCENT_UNITS:
        baseline_value = 0  # nothing is counted before a project starts
    if baseline_value is not None:
        start = content.project["start_date"]
        baseline = etree.SubElement(indicator, "baseline", year=str(start.year),
                                    value=format_number(baseline_value, 4))
        baseline.set("iso-date", start.isoformat())
        _comment(baseline, "Value before the project started.")
    add_periods(indicator, definition)


def iati_activity_bytes(content: DeliveryContent) -> bytes:
    """The delivery as an IATI 2.03 ``<iati-activities>`` document (UTF-8)."""
    rows_by_code: dict[str, list[dict]] = {}
    for row in content.rows:
        rows_by_code.setdefault(row["indicator_code"], []).append(row)

    def add_periods(indicator: etree._Element, definition: dict) -> None:
        rows = rows_by_code[definition["indicator_code"]]
        for _, period_rows in groupby(rows, key=lambda r: (r["period_type"], r["period_id"])):
            _period_element(indicator, list(period_rows))

    root = activity_document(content, set(rows_by_code), add_periods)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def activity_document(content: DeliveryContent, codes_with_rows: set[str],
                      add_periods: Callable[[etree._Element, dict], None]) -> etree._Element:
    """The ``<iati-activities>`` tree; ``add_periods(indicator, definition)`` adds an indicator's
    ``<period>`` elements (the rows of ``codes_with_rows``; other indicators are left out)."""
    project, period, iati = content.project, content.period, content.iati
    root = etree.Element("iati-activities", version=IATI_VERSION)
    if content.is_synthetic:
        root.append(etree.Comment(f" {SYNTHETIC_NOTICE} "))
    activity = etree.SubElement(root, "iati-activity", hierarchy="1")
    activity.set(XML_LANG, "en")
    etree.SubElement(activity, "iati-identifier").text = iati.activity_identifier
    _text_element(activity, "reporting-org", iati.reporting_org_name,
                  ref=iati.reporting_org_ref, type=iati.reporting_org_type)
    name = project.get("project_name") or project["project_id"]
    _text_element(activity, "title", f"{name} (SYNTHETIC DEMO DATA)" if content.is_synthetic else name)
    description = etree.SubElement(activity, "description", type="1")
    if content.is_synthetic:
        _narrative(description, SYNTHETIC_NOTICE)
    _narrative(description, (
        f"{name}, {project.get('programme') or 'programme'}; led by {project.get('lead_organisation') or '–'}, "
        f"funded by {project.get('funder') or '–'}. Results as delivered for reporting period "
        f"{period.period_id} ({period.start.isoformat()} – {period.end.isoformat()}). Counts of people under "
        f"{THRESHOLD} are suppressed, with complementary cells; such actuals carry no value."
    ))
    if project.get("funder"):
        _text_element(activity, "participating-org", str(project["funder"]), role=ROLE_FUNDING)
    if project.get("lead_organisation"):
        _text_element(activity, "participating-org", str(project["lead_organisation"]), role=ROLE_IMPLEMENTING)
    if not project.get("funder") and not project.get("lead_organisation"):
        _text_element(activity, "participating-org", iati.reporting_org_name, role=ROLE_IMPLEMENTING)
    is_final = period.kind == FINAL
    etree.SubElement(activity, "activity-status", code=STATUS_FINALISATION if is_final else STATUS_IMPLEMENTATION)
    dates = [(DATE_PLANNED_START, project["start_date"]), (DATE_ACTUAL_START, project["start_date"]),
             (DATE_PLANNED_END, project["end_date"])]
    if is_final:
        dates.append((DATE_ACTUAL_END, project["end_date"]))
    for date_type, value in dates:
        etree.SubElement(activity, "activity-date", {"iso-date": value.isoformat(), "type": date_type})

    by_type: dict[str, list[dict]] = {}
    for definition in content.definitions:
        by_type.setdefault(str(definition.get("indicator_type") or "output").lower(), []).append(definition)
    for indicator_type in sorted(by_type, key=lambda t: (RESULT_TYPES.get(t, RESULT_TYPE_OTHER), t)):
        definitions = [d for d in by_type[indicator_type] if d["indicator_code"] in codes_with_rows]
        if not definitions:
            continue
        result = etree.SubElement(activity, "result", type=RESULT_TYPES.get(indicator_type, RESULT_TYPE_OTHER),
                                  **{"aggregation-status": "0"})
        _text_element(result, "title", f"{indicator_type.capitalize()}s of {name}")
        for definition in definitions:
            _indicator_element(result, definition, content, add_periods)
    return root

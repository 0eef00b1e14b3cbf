"""IATI 2.03 activity XML: valid against the official schema, codes from the official codelists,
results with references, baselines, targets and actuals; suppressed actuals carry no value."""

from __future__ import annotations

import polars as pl
import pytest
from export_fixtures import PROJECTS, indicator_frame, marts_for
from lxml import etree

from pipelines.exports.content import build_deliveries, project_record
from pipelines.exports.iati import iati_activity_bytes
from pipelines.exports.periods import project_periods, reporting_period

pytestmark = pytest.mark.reference_data
TP = project_record(PROJECTS, "TP")


@pytest.fixture(scope="module")
def schema(reference_data):
    return etree.XMLSchema(etree.parse(str(reference_data / "iati" / "schemas" / "iati-activities-schema.xsd")))


def _codes(reference_data, codelist: str) -> set[str]:
    tree = etree.parse(str(reference_data / "iati" / "codelists" / f"{codelist}.xml"))
    return {c.text for c in tree.iter("code")}


def _xml(period_id, marts=None, **kwargs) -> etree._Element:
    marts = marts or marts_for(indicator_frame())
    period = reporting_period(period_id, TP["start_date"], TP["end_date"])
    content = build_deliveries(marts, project_id="TP", periods=[period], is_synthetic=kwargs.pop("synthetic", True),
                               **kwargs)[0]
    return etree.fromstring(iati_activity_bytes(content))


def test_every_delivery_validates_against_the_iati_203_schema(schema):
    marts = marts_for(indicator_frame())
    for content in build_deliveries(marts, project_id="TP", periods=project_periods(TP["start_date"], TP["end_date"]),
                                    is_synthetic=True):
        document = etree.fromstring(iati_activity_bytes(content))
        assert schema.validate(document), (content.period.period_id, schema.error_log)


def test_codes_come_from_the_official_codelists(reference_data):
    root = _xml("final")
    assert {r.get("type") for r in root.iter("result")} <= _codes(reference_data, "ResultType")
    assert {i.get("measure") for i in root.iter("indicator")} <= _codes(reference_data, "IndicatorMeasure")
    references = [r for i in root.iter("indicator") for r in i.findall("reference")]
    assert {r.get("vocabulary") for r in references} <= _codes(reference_data, "IndicatorVocabulary")
    assert {d.get("type") for d in root.iter("activity-date")} <= _codes(reference_data, "ActivityDateType")
    assert {s.get("code") for s in root.iter("activity-status")} <= _codes(reference_data, "ActivityStatus")
    assert {p.get("role") for p in root.iter("participating-org")} <= _codes(reference_data, "OrganisationRole")
    assert {o.get("type") for o in root.iter("reporting-org")} <= _codes(reference_data, "OrganisationType")
    assert root.get("version") in _codes(reference_data, "Version")


def test_results_indicators_baselines_targets_and_actuals():
    root = _xml("2016-03")
    activity = root.find("iati-activity")
    assert activity.findtext("iati-identifier") == "XM-DAC-00000-TP"
    assert activity.find("reporting-org").get("ref") == "XM-DAC-00000"
    indicators = {i.find("reference").get("code"): i for i in root.iter("indicator")}
    assert list(indicators) == ["unique_participants", "participations", "events_held"]
    participants = indicators["unique_participants"]
    assert participants.find("reference").get("vocabulary") == "99"
    baseline = participants.find("baseline")
    assert (baseline.get("year"), baseline.get("iso-date"), baseline.get("value")) == ("2016", "2016-02-01", "0")
    month, running = participants.findall("period")
    assert (month.find("period-start").get("iso-date"), month.find("period-end").get("iso-date")) == (
        "2016-03-01", "2016-03-31")
    assert month.find("target") is None
    actuals = {(a.find("dimension").get("name"), a.find("dimension").get("value")) if a.find("dimension") is not None
               else ("total", "total"): a for a in month.findall("actual")}
    assert actuals[("total", "total")].get("value") == "23"
    assert actuals[("country", "FI")].get("value") == "10"
    for cell in [("country", "SE"), ("country", "NO"), ("country", "RU"), ("target_group", "education"),
                 ("target_group", "support_organisation")]:
        assert actuals[cell].get("value") is None, cell
        assert "Suppressed" in actuals[cell].find("comment/narrative").text
    assert running.find("period-start").get("iso-date") == "2016-02-01"
    assert running.find("target").get("value") == "16"
    assert running.find("actual").get("value") == "26"


def test_synthetic_data_is_marked_and_real_data_is_not():
    synthetic = _xml("2016-03")
    narratives = [n.text for n in synthetic.iter("narrative")]
    assert any(text.startswith("SYNTHETIC DEMO DATA") for text in narratives)
    assert "SYNTHETIC DEMO DATA" in synthetic.find("iati-activity/title/narrative").text
    real = _xml("2016-03", synthetic=False)
    assert not any("SYNTHETIC" in (n.text or "") for n in real.iter("narrative"))


def test_final_report_marks_the_activity_finalised_with_its_actual_end():
    activity = _xml("final").find("iati-activity")
    assert activity.find("activity-status").get("code") == "3"
    assert {(d.get("type"), d.get("iso-date")) for d in activity.findall("activity-date")} >= {("4", "2016-06-30")}
    assert _xml("2016-03").find("iati-activity/activity-status").get("code") == "2"


def test_identifier_and_codes_follow_the_project_configuration(schema):
    marts = marts_for(indicator_frame())
    marts["dim_indicators"] = pl.DataFrame({
        "indicator_code": ["unique_participants"], "interreg_code": ["RCO81"],
        "iati_vocabulary": ["9"], "iati_code": ["4.4.1"],
    })
    config = {"default": {"reporting_org_type": "22"},
              "projects": {"TP": {"reporting_org_ref": "RU-INN-1001000000", "reporting_org_name": "KRC NGO"}}}
    root = _xml("2016-03", marts, iati_config=config)
    assert schema.validate(root), schema.error_log
    assert root.findtext("iati-activity/iati-identifier") == "RU-INN-1001000000-TP"
    org = root.find("iati-activity/reporting-org")
    assert (org.get("ref"), org.get("type"), org.findtext("narrative")) == ("RU-INN-1001000000", "22", "KRC NGO")
    participants = next(i for i in root.iter("indicator") if i.find("reference").get("code") == "unique_participants")
    assert [(r.get("vocabulary"), r.get("code")) for r in participants.findall("reference")] == [
        ("99", "unique_participants"), ("9", "4.4.1"), ("99", "RCO81")]


def test_catalogue_reference_in_the_own_vocabulary_is_not_repeated(schema):
    marts = marts_for(indicator_frame())
    marts["dim_indicators"] = pl.DataFrame({
        "indicator_code": ["unique_participants", "events_held"], "interreg_code": [None, "RCO115"],
        "interreg_name": [None, "Jointly organised public events across borders"],
        "interreg_relation": [None, "equivalent"], "iati_vocabulary": ["99", "99"],
        "iati_code": ["unique_participants", "events_held"],
        "iati_indicator_uri": ["urn:cci-warehouse:indicator:unique_participants", None],
        "baseline": [12.0, None],
    })
    root = _xml("2016-03", marts)
    assert schema.validate(root), schema.error_log
    indicators = {i.find("reference").get("code"): i for i in root.iter("indicator")}
    refs = indicators["unique_participants"].findall("reference")
    assert [(r.get("vocabulary"), r.get("code"), r.get("indicator-uri")) for r in refs] == [
        ("99", "unique_participants", "urn:cci-warehouse:indicator:unique_participants")]
    assert indicators["unique_participants"].find("baseline").get("value") == "12"
    events = indicators["events_held"]
    assert [r.get("code") for r in events.findall("reference")] == ["events_held", "RCO115"]
    assert "RCO115" in events.findtext("description/narrative")


def test_output_is_deterministic():
    assert etree.tostring(_xml("final")) == etree.tostring(_xml("final"))

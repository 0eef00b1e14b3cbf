"""Every indicator on a small hand-made programme, with the expected values worked out by hand.

The fixture (all 2016):

    project P1, 2016-01-01 – 2016-06-30, participant target 10 (registry)
      E1  20 Jan  RU  public_event     a b g c        (a registered twice)
      E2  10 Feb  FI  joint_action     a c d
      E3   5 Apr  RU  joint_action     a b d
      E4  15 May  SE  public_event     d f            (b and h registered, did not come)
    project P2, 2016-03-01 – 2016-04-30, participant target 4 (registry), 3 (targets file)
      E5  10 Mar  NO  public_event     e a

    person  country  city          target group           organisation (type)  sex
    a       RU       Petrozavodsk  cci_business           oA (sme)             female
    b       RU       Murmansk      support_organisation   oB (ngo)             male
    c       FI       Helsinki      cci_business           oC (sme)             female; her E2 form did not ask
    d       SE       Stockholm     education              oD (education)       never recorded
    e       NO       Kirkenes      cci_business           oE (self_employed)   male
    f       EE       Tallinn       other_sector           oF (large_company)   male; refused research use
    g       RU       (no such city) education             oG (unknown)         female
    h       RU       Petrozavodsk  cci_business           oH (sme)             a no-show only

Regions of the cities (NUTS 2 of 2016, Russian federal subjects): Petrozavodsk RU-KR (Karelia),
Murmansk RU-MUR, Helsinki FI1B (Helsinki-Uusimaa), Stockholm SE11, Tallinn EE00; g's city is in no
gazetteer, so g's region is unknown.

Targets file: P1 participations in 2016 ≥ 15; P1 cross-border participations over the project
≥ 4; P2 unique participants over the project ≥ 3 (overrides the registry's 4).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from indicator_warehouse import (
    INDICATOR_SELECTION,
    Person,
    Registration,
    dbt_build,
    write_absent_followup_survey,
    write_raw_warehouse,
    write_registration_city_regions,
)

pytestmark = pytest.mark.xdist_group("indicators")

D = date
PROJECTS = [
    {"project_id": "P1", "project_name": "Fixture project", "programme": "Fixture programme",
     "funder": "Fixture funder", "lead_organisation": "Lead", "start_date": "2016-01-01",
     "end_date": "2016-06-30", "participant_target": 10},
    {"project_id": "P2", "project_name": "Second fixture project", "programme": "Fixture programme",
     "funder": "Fixture funder", "lead_organisation": "Lead", "start_date": "2016-03-01",
     "end_date": "2016-04-30", "participant_target": 4},
]
EVENTS = [
    {"event_id": "E1", "project_id": "P1", "title": "Seminar", "start_date": "2016-01-20", "end_date": "2016-01-20",
     "city": "Petrozavodsk", "country_code": "RU", "format": "in_person", "event_kind": "public_event"},
    {"event_id": "E2", "project_id": "P1", "title": "Round table", "start_date": "2016-02-10", "end_date": "2016-02-11",
     "city": "Helsinki", "country_code": "FI", "format": "in_person", "event_kind": "joint_action"},
    {"event_id": "E3", "project_id": "P1", "title": "Study visit", "start_date": "2016-04-05", "end_date": "2016-04-05",
     "city": "Murmansk", "country_code": "RU", "format": "in_person", "event_kind": "joint_action"},
    {"event_id": "E4", "project_id": "P1", "title": "Workshop", "start_date": "2016-05-15", "end_date": "2016-05-15",
     "city": "Stockholm", "country_code": "SE", "format": "hybrid", "event_kind": "public_event"},
    {"event_id": "E5", "project_id": "P2", "title": "Forum", "start_date": "2016-03-10", "end_date": "2016-03-10",
     "city": "Kirkenes", "country_code": "NO", "format": "in_person", "event_kind": "public_event"},
]
PERSONS = [
    Person("a", "RU", "cci_business", "oA", "sme", "female", city="Petrozavodsk"),
    Person("b", "RU", "support_organisation", "oB", "ngo", "male", city="Murmansk"),
    Person("c", "FI", "cci_business", "oC", "sme", "female", city="Helsinki"),
    Person("d", "SE", "education", "oD", "education", None, city="Stockholm"),
    Person("e", "NO", "cci_business", "oE", "self_employed", "male", city="Kirkenes"),
    Person("f", "EE", "other_sector", "oF", "large_company", "male", research_consent=False, city="Tallinn"),
    Person("g", "RU", "education", "oG", "unknown", "female", city="Atlantis-on-Onega"),
    Person("h", "RU", "cci_business", "oH", "sme", "male", city="Petrozavodsk"),
]
REGISTRATIONS = [
    Registration("a", "E1", D(2016, 1, 5)),
    Registration("a", "E1", D(2016, 1, 10)),
    Registration("b", "E1", D(2016, 1, 6)),
    Registration("g", "E1", D(2016, 1, 7)),
    Registration("c", "E1", D(2016, 1, 8)),
    Registration("a", "E2", D(2016, 2, 1)),
    Registration("c", "E2", D(2016, 2, 2), sex=None),
    Registration("d", "E2", D(2016, 2, 3)),
    Registration("a", "E3", D(2016, 3, 20)),
    Registration("b", "E3", D(2016, 3, 21)),
    Registration("d", "E3", D(2016, 3, 22)),
    Registration("d", "E4", D(2016, 5, 1)),
    Registration("f", "E4", D(2016, 5, 2)),
    Registration("b", "E4", D(2016, 5, 3), attended=False),
    Registration("h", "E4", D(2016, 5, 4), attended=False),
    Registration("e", "E5", D(2016, 3, 1)),
    Registration("a", "E5", D(2016, 3, 2)),
]
TARGETS = [
    {"project_id": "P1", "indicator_code": "participations", "period_type": "year", "period_id": "2016", "target": "15"},
    {"project_id": "P1", "indicator_code": "cross_border_participations", "period_type": "project_to_date",
     "period_id": "", "target": "4"},
    {"project_id": "P2", "indicator_code": "unique_participants", "period_type": "project_to_date",
     "period_id": "PTD", "target": "3", "note": "revised"},
]


def write_fixture(database, *, events=EVENTS, targets=TARGETS) -> None:
    """The fixture's raw tables; the programme has no follow-up survey (its outcome indicators are
    tested on the demo build and by the unit test of int_outcome_indicators_collected)."""
    write_raw_warehouse(database, projects=PROJECTS, events=events, persons=PERSONS,
                        registrations=REGISTRATIONS, targets=targets)
    write_registration_city_regions(database)
    write_absent_followup_survey(database, database.parent / "survey_scratch")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("indicators")
    database = root / "warehouse.duckdb"
    write_fixture(database)
    build = dbt_build(database, root / "target")
    assert build.success, sorted(build.failed())
    return build


@pytest.fixture(scope="module")
def values(built) -> pl.DataFrame:
    return built.query("select * from marts.fct_indicator_values")


def value(values: pl.DataFrame, indicator: str, period_type: str, period_id: str,
          disaggregation: str = "total", cell: str = "total", project: str = "P1", column: str = "value"):
    rows = values.filter(
        (pl.col("project_id") == project) & (pl.col("indicator_code") == indicator)
        & (pl.col("period_type") == period_type) & (pl.col("period_id") == period_id)
        & (pl.col("disaggregation") == disaggregation) & (pl.col("disaggregation_value") == cell)
    )
    if rows.height == 0:
        return None
    assert rows.height == 1
    return rows[column][0]


def cells(values: pl.DataFrame, indicator: str, period_type: str, period_id: str, disaggregation: str,
          project: str = "P1") -> dict[str, float]:
    rows = values.filter(
        (pl.col("project_id") == project) & (pl.col("indicator_code") == indicator)
        & (pl.col("period_type") == period_type) & (pl.col("period_id") == period_id)
        & (pl.col("disaggregation") == disaggregation)
    )
    return dict(zip(rows["disaggregation_value"], rows["value"]))


# --- counts per period ------------------------------------------------------------------------
# (indicator, {(period_type, period_id): value}) — P1, totals.
PERIOD_TOTALS = {
    # Jan {a,b,g,c}; Feb {a,c,d}; Q1 = Jan ∪ Feb = {a,b,c,d,g}; Q2 {a,b,d,f}; project {a,b,c,d,f,g}.
    "unique_participants": {("month", "2016-01"): 4, ("month", "2016-02"): 3, ("month", "2016-03"): 0,
                            ("quarter", "2016Q1"): 5, ("quarter", "2016Q2"): 4, ("year", "2016"): 6,
                            ("cumulative", "2016-04"): 5, ("cumulative", "2016-05"): 6,
                            ("project_to_date", "PTD"): 6},
    # 4 + 3 + 3 + 2 person × event pairs; a's second E1 registration and the no-shows do not count.
    "participations": {("month", "2016-01"): 4, ("quarter", "2016Q1"): 7, ("quarter", "2016Q2"): 5,
                       ("cumulative", "2016-04"): 10, ("project_to_date", "PTD"): 12},
    # E2 and E3: 3 + 3.
    "participations_in_joint_actions": {("month", "2016-01"): 0, ("quarter", "2016Q1"): 3,
                                        ("quarter", "2016Q2"): 3, ("project_to_date", "PTD"): 6},
    # c at E1 (FI in RU), a and d at E2 (RU, SE in FI), d at E3 (SE in RU), f at E4 (EE in SE).
    "cross_border_participations": {("month", "2016-02"): 2, ("quarter", "2016Q1"): 3,
                                    ("quarter", "2016Q2"): 2, ("project_to_date", "PTD"): 5},
    # c at E1 (Q1), d at E3 (Q2).
    "nordic_participants_at_events_in_russia": {("month", "2016-01"): 1, ("quarter", "2016Q1"): 1,
                                                ("quarter", "2016Q2"): 1, ("project_to_date", "PTD"): 2},
    # a at E2 in Finland; nobody from Russia at E4 in Sweden.
    "russian_participants_at_nordic_events": {("quarter", "2016Q1"): 1, ("quarter", "2016Q2"): 0,
                                              ("project_to_date", "PTD"): 1},
    # Q1: a (E1, E2), c (E1, E2); Q2: d (E3, E4); project: a, b, c, d. One event a month: 0.
    "returning_participants": {("month", "2016-01"): 0, ("quarter", "2016Q1"): 2, ("quarter", "2016Q2"): 1,
                               ("year", "2016"): 4, ("project_to_date", "PTD"): 4},
    "events_held": {("month", "2016-03"): 0, ("quarter", "2016Q1"): 2, ("quarter", "2016Q2"): 2,
                    ("project_to_date", "PTD"): 4},
    "public_events_held": {("quarter", "2016Q1"): 1, ("quarter", "2016Q2"): 1, ("project_to_date", "PTD"): 2},
    "joint_actions_held": {("quarter", "2016Q1"): 1, ("quarter", "2016Q2"): 1, ("project_to_date", "PTD"): 2},
    # Q1 oA oB oG oC oD; Q2 oA oB oD oF; project oA oB oC oD oF oG (h's oH never came).
    "organisations_participating": {("quarter", "2016Q1"): 5, ("quarter", "2016Q2"): 4,
                                    ("project_to_date", "PTD"): 6},
    # Known type: all but oG. Q1 2 SMEs (oA, oC) of 4 = 50 %; Q2 oA of 4 = 25 %; project 2 of 5 = 40 %.
    "sme_share": {("quarter", "2016Q1"): 50.0, ("quarter", "2016Q2"): 25.0, ("project_to_date", "PTD"): 40.0},
}


@pytest.mark.parametrize("indicator", sorted(PERIOD_TOTALS))
def test_totals_per_period_match_the_hand_count(values, indicator):
    observed = {period: value(values, indicator, *period) for period in PERIOD_TOTALS[indicator]}
    assert observed == PERIOD_TOTALS[indicator]


# --- cumulative series: project start to the end of each month, recounted ---------------------------
# P1 month by month (Jan … Jun), worked out from the table above. Returning participants show why a
# cumulative value is not a sum of months: every month has one event, so no month returns anybody,
# yet by April a, b, c and d have each been to two events.
CUMULATIVE_SERIES = {
    "unique_participants": [4, 5, 5, 5, 6, 6],                 # a b g c; + d; + f
    "participations": [4, 7, 7, 10, 12, 12],
    "participations_in_joint_actions": [0, 3, 3, 6, 6, 6],      # E2, E3
    "cross_border_participations": [1, 3, 3, 4, 5, 5],         # c@E1; a, d@E2; d@E3; f@E4
    "returning_participants": [0, 2, 2, 4, 4, 4],              # a, c in Feb; b, d in Apr
    "nordic_participants_at_events_in_russia": [1, 1, 1, 2, 2, 2],  # c@E1; d@E3
    "russian_participants_at_nordic_events": [0, 1, 1, 1, 1, 1],    # a@E2
    "events_held": [1, 2, 2, 3, 4, 4],
    "public_events_held": [1, 1, 1, 1, 2, 2],
    "joint_actions_held": [0, 1, 1, 2, 2, 2],
    "organisations_participating": [4, 5, 5, 5, 6, 6],         # oA oB oG oC; + oD; + oF
    # known types among them: oA oB oC (2 SMEs of 3); + oD (2 of 4); + oF (2 of 5)
    "sme_share": [200 / 3, 50.0, 50.0, 50.0, 40.0, 40.0],
}
MONTHS = ["2016-01", "2016-02", "2016-03", "2016-04", "2016-05", "2016-06"]


@pytest.mark.parametrize("indicator", sorted(CUMULATIVE_SERIES))
def test_cumulative_series_match_the_hand_count(values, indicator):
    observed = [value(values, indicator, "cumulative", month) for month in MONTHS]
    assert observed == pytest.approx(CUMULATIVE_SERIES[indicator])
    # the last month is the whole project
    assert value(values, indicator, "project_to_date", "PTD") == pytest.approx(observed[-1])


# n of the cumulative totals: the persons behind participations, joint actions and cross-border
# participations (a, c, d in joint actions by Feb, b too by Apr; c by Jan, a and d by Feb, f by May).
CUMULATIVE_N = {
    "participations": [4, 5, 5, 5, 6, 6],
    "participations_in_joint_actions": [0, 3, 3, 4, 4, 4],
    "cross_border_participations": [1, 3, 3, 3, 4, 4],
    "sme_share": [3, 4, 4, 4, 5, 5],
}


@pytest.mark.parametrize("indicator", sorted(CUMULATIVE_N))
def test_cumulative_n_counts_the_units_so_far(values, indicator):
    assert [value(values, indicator, "cumulative", month, column="n") for month in MONTHS] == CUMULATIVE_N[indicator]


CUMULATIVE_CELLS = [
    # SE's cell appears with d in February; it has no row before.
    ("unique_participants", "2016-01", "country", {"RU": 3, "FI": 1}),
    ("unique_participants", "2016-02", "country", {"RU": 3, "FI": 1, "SE": 1}),
    ("unique_participants", "2016-05", "country", {"RU": 3, "FI": 1, "SE": 1, "EE": 1}),
    # A cell exists from its first participant on, with 0 until somebody in it returns.
    ("returning_participants", "2016-01", "country", {"RU": 0, "FI": 0}),
    ("returning_participants", "2016-02", "country", {"RU": 1, "FI": 1, "SE": 0}),
    ("returning_participants", "2016-04", "country", {"RU": 2, "FI": 1, "SE": 1}),
    ("returning_participants", "2016-04", "target_group", {"cci_business": 2, "support_organisation": 1, "education": 1}),
    ("participations", "2016-04", "region", {"RU-KR": 3, "RU-MUR": 2, "FI1B": 2, "SE11": 2, "unknown": 1}),
    # An event keeps its count in every later cumulative month.
    ("unique_participants", "2016-03", "event", {"E1": 4, "E2": 3}),
    ("unique_participants", "2016-06", "event", {"E1": 4, "E2": 3, "E3": 3, "E4": 2}),
    ("cross_border_participations", "2016-04", "event", {"E1": 1, "E2": 2, "E3": 1}),
    ("organisations_participating", "2016-02", "organisation_type", {"sme": 2, "ngo": 1, "education": 1, "unknown": 1}),
    ("sme_share", "2016-01", "country", {"RU": 50.0, "FI": 100.0}),
]


@pytest.mark.parametrize(("indicator", "month", "disaggregation", "expected"), CUMULATIVE_CELLS,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CUMULATIVE_CELLS])
def test_cumulative_cells_match_the_hand_count(values, indicator, month, disaggregation, expected):
    assert cells(values, indicator, "cumulative", month, disaggregation) == expected


def test_second_project_cumulative_months(values):
    # P2 (Mar–Apr): e and a at E5 in March, nothing in April.
    for month in ("2016-03", "2016-04"):
        assert value(values, "unique_participants", "cumulative", month, project="P2") == 2
        assert value(values, "russian_participants_at_nordic_events", "cumulative", month, project="P2") == 1
        assert value(values, "returning_participants", "cumulative", month, project="P2") == 0
    assert value(values, "participations", "month", "2016-04", project="P2") == 0


def test_every_catalogue_indicator_is_computed_and_tested_here(built, values):
    catalogue = built.query("select indicator_code, data_source from marts.dim_indicators")
    computed = set(catalogue.filter(pl.col("data_source") == "participations")["indicator_code"])
    assert computed == set(PERIOD_TOTALS)
    assert set(values["indicator_code"]) == computed


def test_second_project_is_counted_apart(values):
    # P2: E5 in Norway with e (NO) and a (RU); a also counts in P1.
    expected = {"unique_participants": 2, "participations": 2, "cross_border_participations": 1,
                "russian_participants_at_nordic_events": 1, "nordic_participants_at_events_in_russia": 0,
                "organisations_participating": 2, "sme_share": 100.0, "events_held": 1}
    observed = {code: value(values, code, "project_to_date", "PTD", project="P2") for code in expected}
    assert observed == expected


# --- disaggregations, two periods each ------------------------------------------------------------

DISAGGREGATIONS = [
    ("unique_participants", "quarter", "2016Q1", "target_group",
     {"cci_business": 2, "support_organisation": 1, "education": 2}),
    ("unique_participants", "project_to_date", "PTD", "target_group",
     {"cci_business": 2, "support_organisation": 1, "education": 2, "other_sector": 1}),
    ("unique_participants", "quarter", "2016Q2", "country", {"RU": 2, "SE": 1, "EE": 1}),
    ("unique_participants", "project_to_date", "PTD", "country", {"RU": 3, "FI": 1, "SE": 1, "EE": 1}),
    # c's later E2 form did not ask for sex: her sex comes from E1. d never stated it.
    ("unique_participants", "quarter", "2016Q1", "sex", {"female": 3, "male": 1, "not_recorded": 1}),
    ("unique_participants", "project_to_date", "PTD", "sex", {"female": 3, "male": 2, "not_recorded": 1}),
    ("unique_participants", "project_to_date", "PTD", "event", {"E1": 4, "E2": 3, "E3": 3, "E4": 2}),
    # a 3, b 2, g 1 from Russia; c 2; d 3; f 1.
    ("unique_participants", "quarter", "2016Q1", "region",
     {"RU-KR": 1, "RU-MUR": 1, "FI1B": 1, "SE11": 1, "unknown": 1}),
    ("unique_participants", "project_to_date", "PTD", "region",
     {"RU-KR": 1, "RU-MUR": 1, "FI1B": 1, "SE11": 1, "EE00": 1, "unknown": 1}),
    ("participations", "project_to_date", "PTD", "region",
     {"RU-KR": 3, "RU-MUR": 2, "FI1B": 2, "SE11": 3, "EE00": 1, "unknown": 1}),
    ("participations", "project_to_date", "PTD", "country", {"RU": 6, "FI": 2, "SE": 3, "EE": 1}),
    ("participations", "quarter", "2016Q2", "country", {"RU": 2, "SE": 2, "EE": 1}),
    ("participations", "project_to_date", "PTD", "target_group",
     {"cci_business": 5, "support_organisation": 2, "education": 4, "other_sector": 1}),
    ("participations", "quarter", "2016Q1", "organisation_type", {"sme": 4, "ngo": 1, "education": 1, "unknown": 1}),
    ("participations_in_joint_actions", "project_to_date", "PTD", "country", {"RU": 3, "FI": 1, "SE": 2, "EE": 0}),
    ("participations_in_joint_actions", "quarter", "2016Q1", "event", {"E1": 0, "E2": 3}),
    ("cross_border_participations", "project_to_date", "PTD", "country", {"RU": 1, "FI": 1, "SE": 2, "EE": 1}),
    ("cross_border_participations", "quarter", "2016Q1", "event", {"E1": 1, "E2": 2}),
    ("nordic_participants_at_events_in_russia", "project_to_date", "PTD", "country",
     {"RU": 0, "FI": 1, "SE": 1, "EE": 0}),
    ("nordic_participants_at_events_in_russia", "quarter", "2016Q2", "target_group",
     {"cci_business": 0, "support_organisation": 0, "education": 1, "other_sector": 0}),
    ("russian_participants_at_nordic_events", "project_to_date", "PTD", "target_group",
     {"cci_business": 1, "support_organisation": 0, "education": 0, "other_sector": 0}),
    ("russian_participants_at_nordic_events", "quarter", "2016Q1", "country", {"RU": 1, "FI": 0, "SE": 0}),
    ("returning_participants", "project_to_date", "PTD", "country", {"RU": 2, "FI": 1, "SE": 1, "EE": 0}),
    ("returning_participants", "quarter", "2016Q1", "target_group",
     {"cci_business": 2, "support_organisation": 0, "education": 0}),
    ("organisations_participating", "project_to_date", "PTD", "organisation_type",
     {"sme": 2, "ngo": 1, "education": 1, "large_company": 1, "unknown": 1}),
    ("organisations_participating", "quarter", "2016Q2", "country", {"RU": 2, "SE": 1, "EE": 1}),
    # Russia: oA (sme), oB (ngo), oG (type unknown: not in the denominator) → 1 of 2.
    ("sme_share", "project_to_date", "PTD", "country", {"RU": 50.0, "FI": 100.0, "SE": 0.0, "EE": 0.0}),
    ("sme_share", "quarter", "2016Q1", "country", {"RU": 50.0, "FI": 100.0, "SE": 0.0}),
]


@pytest.mark.parametrize(("indicator", "period_type", "period_id", "disaggregation", "expected"), DISAGGREGATIONS,
                         ids=[f"{d[0]}-{d[2]}-{d[3]}" for d in DISAGGREGATIONS])
def test_disaggregated_cells_match_the_hand_count(values, indicator, period_type, period_id, disaggregation, expected):
    assert cells(values, indicator, period_type, period_id, disaggregation) == expected


def test_disaggregations_are_only_those_the_catalogue_allows(values):
    by_indicator = values.group_by("indicator_code").agg(pl.col("disaggregation").unique().sort())
    allowed = dict(zip(by_indicator["indicator_code"], by_indicator["disaggregation"].to_list()))
    assert allowed["events_held"] == ["total"]
    assert allowed["sme_share"] == ["country", "total"]
    assert allowed["organisations_participating"] == ["country", "organisation_type", "total"]
    assert "event" not in allowed["returning_participants"]


def test_every_period_has_a_total_even_without_events(values):
    # March 2016 has no P1 event: every count is there, as 0; a share has no denominator, so no row.
    march = values.filter((pl.col("project_id") == "P1") & (pl.col("period_id") == "2016-03")
                          & (pl.col("period_type") == "month"))
    assert set(march["indicator_code"]) == set(PERIOD_TOTALS) - {"sme_share"}
    assert set(march["value"]) == {0.0}


# --- n and small cells -------------------------------------------------------------------------


def test_n_counts_the_persons_behind_a_value_and_flags_small_cells(values):
    # 6 participations from Russia come from 3 persons (a, b, g): a small cell although the value is 6.
    assert value(values, "participations", "project_to_date", "PTD", "country", "RU", column="n") == 3
    assert value(values, "participations", "project_to_date", "PTD", "country", "RU", column="is_small_cell") is True
    assert value(values, "participations", "project_to_date", "PTD", column="n") == 6
    assert value(values, "participations", "project_to_date", "PTD", column="is_small_cell") is False
    # Events describe no people; nothing to suppress.
    assert value(values, "events_held", "project_to_date", "PTD", column="is_small_cell") is False
    # A zero discloses nobody.
    assert value(values, "unique_participants", "month", "2016-03", column="is_small_cell") is False


def test_ratio_rows_carry_numerator_and_denominator(values):
    assert value(values, "sme_share", "project_to_date", "PTD", column="numerator") == 2
    assert value(values, "sme_share", "project_to_date", "PTD", column="denominator") == 5
    assert value(values, "unique_participants", "project_to_date", "PTD", column="numerator") is None


# --- targets and achievement -------------------------------------------------------------------


def test_registry_target_shows_against_unique_participants(values):
    assert value(values, "unique_participants", "project_to_date", "PTD", column="target") == 10
    assert value(values, "unique_participants", "project_to_date", "PTD", column="achievement_pct") == 60.0
    # Cells carry no target.
    assert value(values, "unique_participants", "project_to_date", "PTD", "country", "RU", column="target") is None


def test_achievement_against_every_target(built):
    rows = built.query(
        "select project_id, indicator_code, period_type, period_id, value, target, target_source, "
        "achievement_pct, expected_value, is_on_track, is_target_reached from marts.fct_indicator_achievement"
    )
    def row(project, indicator, period_type, period_id):
        match = rows.filter((pl.col("project_id") == project) & (pl.col("indicator_code") == indicator)
                            & (pl.col("period_type") == period_type) & (pl.col("period_id") == period_id))
        assert match.height == 1
        return match.row(0, named=True)

    ptd = row("P1", "unique_participants", "project_to_date", "PTD")
    assert (ptd["value"], ptd["target"], ptd["target_source"], ptd["achievement_pct"]) == (6, 10, "registry", 60.0)
    assert (ptd["expected_value"], ptd["is_on_track"], ptd["is_target_reached"]) == (10, False, False)
    # Linear trajectory over 6 months: target × months elapsed / 6.
    feb = row("P1", "unique_participants", "cumulative", "2016-02")
    assert (feb["value"], feb["target"], feb["target_source"], feb["is_on_track"]) == (5, 3.3, "trajectory", True)
    may = row("P1", "unique_participants", "cumulative", "2016-05")
    assert (may["value"], may["target"], may["is_on_track"]) == (6, 8.3, False)
    year = row("P1", "participations", "year", "2016")
    assert (year["value"], year["target"], year["target_source"], year["achievement_pct"]) == (12, 15, "targets_file", 80.0)
    cross_border = row("P1", "cross_border_participations", "cumulative", "2016-03")
    assert (cross_border["value"], cross_border["target"]) == (3, 2.0)  # 4 × 3/6
    revised = row("P2", "unique_participants", "project_to_date", "PTD")
    assert (revised["value"], revised["target"], revised["target_source"], revised["achievement_pct"]) == (
        2, 3, "targets_file", 66.7)


def test_cumulative_participants_against_the_target_line(built):
    rows = built.query(
        "select month_end, cumulative_unique_participants, target_trajectory "
        "from marts.fct_participants_cumulative where project_id = 'P1' order by month_end"
    )
    assert rows["cumulative_unique_participants"].to_list() == [4, 5, 5, 5, 6, 6]
    assert rows["target_trajectory"].to_list() == [1.7, 3.3, 5.0, 6.7, 8.3, 10.0]
    assert rows["month_end"].to_list() == [D(2016, 1, 31), D(2016, 2, 29), D(2016, 3, 31), D(2016, 4, 30),
                                           D(2016, 5, 31), D(2016, 6, 30)]
    p2 = built.query("select target_trajectory from marts.fct_participants_cumulative "
                     "where project_id = 'P2' order by month_end")
    assert p2["target_trajectory"].to_list() == [1.5, 3.0]  # the file's 3, not the registry's 4


# --- validation rules and person-level marts ---------------------------------------------------------


def test_every_validation_rule_ran_and_held(built):
    results = built.query("select rule_code, project_id, comparisons, violations, passed from marts.fct_validation_results")
    rules = built.query("select rule_code from reference.validation_rules")
    assert results.height == 2 * rules.height
    assert results["passed"].all() and results["violations"].sum() == 0
    # Every rule compared something, except VR08 on the follow-up survey, which the fixture has not.
    idle = results.filter(pl.col("comparisons") == 0)
    assert set(idle["rule_code"]) == {"VR08"}


def test_validation_tests_exist_for_every_rule(built):
    rules = built.query("select rule_code, rule_name from reference.validation_rules")
    for rule in rules.iter_rows(named=True):
        assert built.results[f"{rule['rule_code'].lower()}_{rule['rule_name']}"] == "pass"


def test_persons_who_refused_research_use_are_counted_but_not_listed(built, values):
    persons = built.query("select person_key from marts.dim_persons order by 1")
    assert persons["person_key"].to_list() == ["a", "b", "c", "d", "e", "g"]
    participations = built.query("select count(*) as n from marts.fct_participations")
    assert participations["n"][0] == 11 + 2  # P1 without f's one participation, and P2
    assert value(values, "unique_participants", "project_to_date", "PTD", "target_group", "other_sector") == 1


def test_selection_covers_the_marts_of_this_issue():
    assert {"+fct_indicator_values", "+fct_validation_results", "+fct_indicator_achievement"} <= set(INDICATOR_SELECTION)

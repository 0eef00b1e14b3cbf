"""Every participation indicator, in every period and cell, against a naive recount.

A seeded random programme (three projects, one starting and ending mid-month, one inside a single
month, one spanning a year end; persons at several events a month and in two projects, no-shows,
duplicate registrations, persons whose first joint action or first cross-border event comes late)
is built with dbt. The expected values are recounted here the slow, obvious way that
docs/indicators.md describes: for each period, take the participations dated in it, then count
distinct persons, events and organisations per cell. Nothing is carried from one period to the
next, so a cumulative value is recounted from the project's first day: the warehouse computes it
from first occurrences and running sums, and must agree with the recount everywhere, for value,
n, numerator and denominator alike.
"""

from __future__ import annotations

import calendar
import csv
import random
from collections import defaultdict
from datetime import date

import pytest

from indicator_warehouse import (
    Person,
    Registration,
    dbt_build,
    write_absent_followup_survey,
    write_raw_warehouse,
    write_registration_city_regions,
)
from pipelines import settings

pytestmark = pytest.mark.xdist_group("indicators")

NORDIC = {"DK", "FI", "IS", "NO", "SE", "FO", "GL", "AX"}
# Cities of the gazetteer and their regions (as in test_indicator_values.py); None: no city given.
CITIES = {"RU": [("Petrozavodsk", "RU-KR"), ("Murmansk", "RU-MUR"), ("Atlantis-on-Onega", None)],
          "FI": [("Helsinki", "FI1B"), (None, None)], "SE": [("Stockholm", "SE11")], "EE": [("Tallinn", "EE00")],
          "NO": [(None, None)], "DK": [(None, None)]}
ORGANISATION_TYPES = ["sme", "self_employed", "ngo", "public_body", "education", "large_company", "unknown"]
TARGET_GROUPS = ["cci_business", "support_organisation", "education", "other_sector", "unknown"]

PROJECTS = [
    {"project_id": "R1", "start_date": date(2016, 1, 15), "end_date": date(2016, 11, 20)},
    {"project_id": "R2", "start_date": date(2016, 3, 1), "end_date": date(2017, 2, 28)},
    {"project_id": "R3", "start_date": date(2016, 6, 10), "end_date": date(2016, 6, 25)},
]


def make_programme(seed: int = 20160115):
    rng = random.Random(seed)
    organisations = {}
    for number in range(14):
        country = rng.choice(sorted(CITIES))
        organisations[f"org{number:02d}"] = (rng.choice(ORGANISATION_TYPES), country)
    events = []
    for project in PROJECTS:
        span = (project["end_date"] - project["start_date"]).days
        count = {"R1": 16, "R2": 10, "R3": 3}[project["project_id"]]
        days = sorted(rng.randint(0, span) for _ in range(count))
        days[1] = days[0]  # two events on one day
        days[-1] = span  # one on the project's last day
        for number, offset in enumerate(days):
            day = project["start_date"].fromordinal(project["start_date"].toordinal() + offset)
            events.append({
                "event_id": f"{project['project_id']}E{number:02d}", "project_id": project["project_id"],
                "title": "Event", "start_date": day.isoformat(), "end_date": day.isoformat(), "city": "City",
                "country_code": rng.choice(["RU", "RU", "FI", "SE", "NO", "EE", "DK"]), "format": "in_person",
                "event_kind": rng.choice(["public_event", "joint_action"]),
            })
    persons = []
    for number in range(70):
        organisation = rng.choice(sorted(organisations))
        organisation_type, country = organisations[organisation]
        city, _ = rng.choice(CITIES[country])
        persons.append(Person(
            f"p{number:02d}", country, rng.choice(TARGET_GROUPS), organisation, organisation_type,
            rng.choice(["female", "male", None]), research_consent=rng.random() > 0.1, city=city))
    registrations = []
    for person in persons:
        projects = rng.sample(["R1", "R2", "R3"], k=rng.choice([1, 1, 1, 2]))
        for project_id in projects:
            project_events = [e for e in events if e["project_id"] == project_id]
            for event in rng.sample(project_events, k=min(len(project_events), rng.choice([1, 1, 2, 3, 5]))):
                day = date.fromisoformat(event["start_date"])
                attended = rng.choice([True, True, True, True, None, False])
                registrations.append(Registration(person.key, event["event_id"], day, attended=attended))
                if rng.random() < 0.1:  # registered twice
                    registrations.append(Registration(person.key, event["event_id"], day, attended=True))
    projects = [{"project_id": p["project_id"], "project_name": p["project_id"], "programme": "Random",
                 "funder": "Funder", "lead_organisation": "Lead", "start_date": p["start_date"].isoformat(),
                 "end_date": p["end_date"].isoformat(), "participant_target": 50} for p in PROJECTS]
    return projects, events, persons, registrations


def catalogue() -> dict[str, list[str]]:
    """Per participation indicator, the disaggregations the catalogue allows (besides the total)."""
    with open(settings.DBT_PROJECT_DIR / "seeds" / "indicator_catalogue.csv", encoding="utf-8") as handle:
        return {row["indicator_code"]: [d for d in (row["disaggregations"] or "").split(",") if d]
                for row in csv.DictReader(handle) if row["data_source"] == "participations"}


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def reporting_periods(start: date, end: date) -> list[tuple[str, str, date, date]]:
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = month_end(current).fromordinal(month_end(current).toordinal() + 1)
    periods = []
    for month in months:
        periods.append(("month", f"{month:%Y-%m}", month, month_end(month)))
        periods.append(("cumulative", f"{month:%Y-%m}", start, month_end(month)))
    for quarter in sorted({(m.year, (m.month - 1) // 3 + 1) for m in months}):
        first = date(quarter[0], quarter[1] * 3 - 2, 1)
        periods.append(("quarter", f"{quarter[0]}Q{quarter[1]}", first, month_end(date(quarter[0], quarter[1] * 3, 1))))
    for year in sorted({m.year for m in months}):
        periods.append(("year", str(year), date(year, 1, 1), date(year, 12, 31)))
    periods.append(("project_to_date", "PTD", start, end))
    return periods


def recount(projects, events, persons, registrations) -> dict[tuple, tuple]:
    """(project, indicator, period type, period id, disaggregation, cell) → (value, n, numerator, denominator)."""
    allowed = catalogue()
    by_person = {p.key: p for p in persons}
    by_event = {e["event_id"]: e for e in events}
    region = {city: code for cities in CITIES.values() for city, code in cities}
    participations = sorted({(r.person, r.event_id) for r in registrations if r.attended is not False})

    def person_cells(person: Person) -> dict[str, str]:
        return {"total": "total", "target_group": person.target_group, "country": person.country_code,
                "organisation_type": person.organisation_type, "sex": person.sex or "not_recorded",
                "region": region.get(person.city) or "unknown"}

    expected: dict[tuple, tuple] = {}

    def put(project_id, period_type, period_id, code, disaggregation, cell, value, n, numerator=None,
            denominator=None):
        if disaggregation == "total" or disaggregation in allowed[code]:
            expected[(project_id, code, period_type, period_id, disaggregation, cell)] = (
                round(float(value), 9), n,
                None if numerator is None else float(numerator), None if denominator is None else float(denominator))

    for project in projects:
        start, end = date.fromisoformat(project["start_date"]), date.fromisoformat(project["end_date"])
        for period_type, period_id, first, last in reporting_periods(start, end):
            key = (project["project_id"], period_type, period_id)
            records = [(by_person[p], by_event[e]) for p, e in participations
                       if by_event[e]["project_id"] == project["project_id"]
                       and first <= date.fromisoformat(by_event[e]["start_date"]) <= last]
            # persons and participations, per person-level cell and per event
            cells: dict[tuple[str, str], list] = defaultdict(list)
            for person, event in records:
                for disaggregation, cell in person_cells(person).items():
                    cells[(disaggregation, cell)].append((person, event))
                cells[("event", event["event_id"])].append((person, event))
            for disaggregation, cell in [("total", "total")] + sorted(set(cells) - {("total", "total")}):
                rows = cells.get((disaggregation, cell), [])
                persons_in = {p.key for p, _ in rows}
                joint = [(p, e) for p, e in rows if e["event_kind"] == "joint_action"]
                cross = [(p, e) for p, e in rows if p.country_code != e["country_code"]]
                put(*key, "unique_participants", disaggregation, cell, len(persons_in), len(persons_in))
                put(*key, "participations", disaggregation, cell, len(rows), len(persons_in))
                put(*key, "participations_in_joint_actions", disaggregation, cell, len(joint),
                    len({p.key for p, _ in joint}))
                put(*key, "cross_border_participations", disaggregation, cell, len(cross),
                    len({p.key for p, _ in cross}))
                if disaggregation == "event":
                    continue
                events_of = defaultdict(set)
                for person, event in rows:
                    events_of[person.key].add(event["event_id"])
                returning = sum(len(attended) >= 2 for attended in events_of.values())
                nordic = len({p.key for p, e in rows if p.country_code in NORDIC and e["country_code"] == "RU"})
                russian = len({p.key for p, e in rows if p.country_code == "RU" and e["country_code"] in NORDIC})
                put(*key, "returning_participants", disaggregation, cell, returning, returning)
                put(*key, "nordic_participants_at_events_in_russia", disaggregation, cell, nordic, nordic)
                put(*key, "russian_participants_at_nordic_events", disaggregation, cell, russian, russian)
            held = {e["event_id"]: e["event_kind"] for _, e in records}
            put(*key, "events_held", "total", "total", len(held), len(held))
            public = sum(kind == "public_event" for kind in held.values())
            put(*key, "public_events_held", "total", "total", public, public)
            put(*key, "joint_actions_held", "total", "total", len(held) - public, len(held) - public)
            # organisations, by their own profile (here: the type and country all their persons state)
            organisations = {p.organisation_key: (p.organisation_type, p.country_code) for p, _ in records}
            org_cells: dict[tuple[str, str], list] = defaultdict(list)
            for organisation_type, country in organisations.values():
                for disaggregation, cell in (("total", "total"), ("organisation_type", organisation_type),
                                             ("country", country)):
                    org_cells[(disaggregation, cell)].append(organisation_type)
            for disaggregation, cell in [("total", "total")] + sorted(set(org_cells) - {("total", "total")}):
                types = org_cells.get((disaggregation, cell), [])
                put(*key, "organisations_participating", disaggregation, cell, len(types), len(types))
                known = [t for t in types if t != "unknown"]
                smes = sum(t in ("sme", "self_employed") for t in known)
                if known:
                    put(*key, "sme_share", disaggregation, cell, 100.0 * smes / len(known), len(known),
                        smes, len(known))
    return expected


@pytest.fixture(scope="module")
def programme():
    return make_programme()


@pytest.fixture(scope="module")
def built(tmp_path_factory, programme):
    projects, events, persons, registrations = programme
    root = tmp_path_factory.mktemp("recounted")
    database = root / "warehouse.duckdb"
    write_raw_warehouse(database, projects=projects, events=events, persons=persons, registrations=registrations)
    write_registration_city_regions(database)
    write_absent_followup_survey(database, root / "survey_scratch")
    build = dbt_build(database, root / "target")
    assert build.success, sorted(build.failed())
    return build


def test_the_fixture_exercises_what_cumulative_counting_can_get_wrong(programme):
    projects, events, persons, registrations = programme
    expected = recount(*programme)
    by_event = {e["event_id"]: e for e in events}
    attended = {(r.person, r.event_id) for r in registrations if r.attended is not False}
    months_of = defaultdict(set)
    for person, event_id in attended:
        months_of[(person, by_event[event_id]["project_id"])].add(by_event[event_id]["start_date"][:7])
    # persons who come back in a later month: cumulative uniques are not the sum of monthly uniques
    assert sum(len(months) >= 2 for months in months_of.values()) >= 10
    # persons in two projects, no-shows, duplicate registrations
    assert len({p for p, _ in months_of if sum(q == p for q, _ in months_of) == 2}) >= 3
    assert any(r.attended is False for r in registrations)
    assert len(registrations) - len({(r.person, r.event_id) for r in registrations}) >= 3
    # a month with participations that returns nobody, whose cumulative value still grows from returners
    growing = [k for k, v in expected.items() if k[1] == "returning_participants" and k[2] == "cumulative"
               and k[4] == "total" and v[0] > 0]
    assert growing
    assert {k[2] for k in expected} == {"month", "quarter", "year", "cumulative", "project_to_date"}


def test_every_value_matches_the_recount(built, programme):
    expected = recount(*programme)
    rows = built.query(
        "select project_id, indicator_code, period_type, period_id, disaggregation, disaggregation_value, "
        "value, n, numerator, denominator from marts.fct_indicator_values "
        "where indicator_code in (select indicator_code from marts.dim_indicators where data_source = 'participations')")
    observed = {
        tuple(row[:6]): (round(row[6], 9), row[7], row[8], row[9]) for row in rows.iter_rows()
    }
    assert len(observed) == rows.height  # one row per cell
    missing = sorted(set(expected) - set(observed))
    unexpected = sorted(set(observed) - set(expected))
    wrong = sorted((k, expected[k], observed[k]) for k in set(expected) & set(observed) if expected[k] != observed[k])
    assert (missing[:10], unexpected[:10], wrong[:10]) == ([], [], [])
    assert len(expected) > 5000


def test_cumulative_participants_mart_is_the_recounted_series(built, programme):
    expected = recount(*programme)
    rows = built.query("select project_id, strftime(month_end, '%Y-%m') as month, cumulative_unique_participants "
                       "from marts.fct_participants_cumulative")
    for project_id, month, value in rows.iter_rows():
        assert value == expected[(project_id, "unique_participants", "cumulative", month, "total", "total")][0]

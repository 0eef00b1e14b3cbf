"""Small hand-made mart frames for the dashboard tests; every number below is worked out by hand
in the comments, so tests can assert exact values without reading the code under test."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards.data import Dataset, dataset_from_marts

D = dt.date

PROJECTS = pl.DataFrame({
    "project_id": ["JC", "XX"],
    "project_name": ["Joining Creativity", "Other project"],
    "programme": ["Nordic Council of Ministers programme"] * 2,
    "funder": ["Nordic Council of Ministers"] * 2,
    "lead_organisation": ["Karelian Resource Center of NGOs", "Someone"],
    "start_date": [D(2016, 2, 1), D(2016, 5, 1)],
    "end_date": [D(2017, 4, 30), D(2017, 6, 30)],
    "participant_target": [200, 50],
})

EVENTS = pl.DataFrame({
    "event_id": ["E1", "E2", "E3", "X1"],
    "project_id": ["JC", "JC", "JC", "XX"],
    "event_title": ["Kick-off", "Study trip", "Webinar", "Other"],
    "start_date": [D(2016, 3, 10), D(2016, 9, 20), D(2017, 2, 16), D(2016, 6, 1)],
    "end_date": [D(2016, 3, 10), D(2016, 9, 21), D(2017, 2, 16), D(2016, 6, 1)],
    "city": ["Petrozavodsk", "Helsinki", None, "Kirkenes"],
    "country_code": ["RU", "FI", "RU", "NO"],
    "event_format": ["in_person", "in_person", "online", "in_person"],
    "event_kind": ["public_event", "joint_action", "public_event", "joint_action"],
    # official counts (everyone, consenting or not): E1 has one more than the consented rows below
    "participations": [13, 9, 3, 6],
})


def _participations() -> pl.DataFrame:
    """Consented participations of project JC (and 6 of XX).

    E1 (2016-03-10, RU): persons r1..r8 from RU, f1..f4 from FI           -> 12 rows
    E2 (2016-09-20, FI): r1..r6 from RU (returning), f1..f3 from FI (returning) -> 9 rows
    E3 (2017-02-16, RU): r1, r2 (returning), n1 new from NO                -> 3 rows
    Target groups: r* cci_business, f* education, n1 support_organisation.
    Organisation types: r1..r5 sme, r6..r8 ngo, f* education, n1 public_body.
    Flows (participant -> event country): RU->RU 8 + 2 = 10, FI->RU 4, RU->FI 6, FI->FI 3, NO->RU 1.
    """
    rows = []

    def add(person, country, group, org_type, event, event_country, day):
        rows.append({
            "participation_key": f"{person}:{event}", "person_key": person, "event_id": event, "project_id": "JC",
            "organisation_key": f"o-{person}", "country_code": country, "event_country_code": event_country,
            "target_group": group, "organisation_type": org_type, "participated_on": day,
            "is_cross_border": country != event_country,
        })

    def org(person):
        if person.startswith("r"):
            return "sme" if int(person[1:]) <= 5 else "ngo"
        return "education" if person.startswith("f") else "public_body"

    def group(person):
        return {"r": "cci_business", "f": "education", "n": "support_organisation"}[person[0]]

    def country(person):
        return {"r": "RU", "f": "FI", "n": "NO"}[person[0]]

    for p in [f"r{i}" for i in range(1, 9)] + [f"f{i}" for i in range(1, 5)]:
        add(p, country(p), group(p), org(p), "E1", "RU", D(2016, 3, 10))
    for p in [f"r{i}" for i in range(1, 7)] + [f"f{i}" for i in range(1, 4)]:
        add(p, country(p), group(p), org(p), "E2", "FI", D(2016, 9, 20))
    for p in ["r1", "r2", "n1"]:
        add(p, country(p), group(p), org(p), "E3", "RU", D(2017, 2, 16))
    for i in range(6):
        add(f"x{i}", "NO", "cci_business", "sme", "X1", "NO", D(2016, 6, 1))
    frame = pl.DataFrame(rows)
    return frame.with_columns(pl.when(pl.col("event_id") == "X1").then(pl.lit("XX")).otherwise(pl.col("project_id")).alias("project_id"))


PARTICIPATIONS = _participations()


def _indicator(code, dis, cell, value, *, period_type="project_to_date", period_id="PTD", end=D(2017, 4, 30),
               target=None, unit="persons", project="JC"):
    return {
        "project_id": project, "indicator_code": code, "indicator_name": code.replace("_", " ").capitalize(),
        "unit": unit, "period_type": period_type, "period_id": period_id, "period_start": D(2016, 2, 1),
        "period_end": end, "disaggregation": dis, "disaggregation_value": cell, "value": float(value),
        "target": None if target is None else float(target),
        "achievement_pct": None if target is None else value / target * 100,
        "is_small_cell": unit in ("persons", "participations") and 0 < value < 5,
    }


# Official indicators of JC: 15 unique persons (13 consented + 2 who refused research use).
INDICATORS = pl.DataFrame([
    _indicator("unique_participants", "total", "total", 15, target=200),
    _indicator("participations", "total", "total", 25, unit="participations"),
    _indicator("events_held", "total", "total", 3, unit="events"),
    _indicator("unique_participants", "target_group", "cci_business", 9),
    _indicator("unique_participants", "target_group", "education", 5),
    _indicator("unique_participants", "target_group", "support_organisation", 1),
    _indicator("unique_participants", "country", "RU", 9),
    _indicator("unique_participants", "country", "FI", 5),
    _indicator("unique_participants", "country", "NO", 1),
    # the cumulative row at the end of September 2016 (persons who came to E1 or E2: 12 + 2 refused)
    _indicator("unique_participants", "total", "total", 14, period_type="cumulative", period_id="2016-09",
               end=D(2016, 9, 30), target=106.7),
    _indicator("unique_participants", "country", "RU", 9, period_type="cumulative", period_id="2016-09", end=D(2016, 9, 30)),
    _indicator("unique_participants", "country", "FI", 5, period_type="cumulative", period_id="2016-09", end=D(2016, 9, 30)),
    _indicator("participations", "total", "total", 22, period_type="cumulative", period_id="2016-09",
               end=D(2016, 9, 30), unit="participations"),
    _indicator("events_held", "total", "total", 2, period_type="cumulative", period_id="2016-09", end=D(2016, 9, 30),
               unit="events"),
    # quarter 2016Q3 holds only E2 (9 participations by 9 persons: 6 RU, 3 FI)
    _indicator("unique_participants", "total", "total", 9, period_type="quarter", period_id="2016Q3", end=D(2016, 9, 30)),
    _indicator("unique_participants", "country", "RU", 6, period_type="quarter", period_id="2016Q3", end=D(2016, 9, 30)),
    _indicator("unique_participants", "country", "FI", 3, period_type="quarter", period_id="2016Q3", end=D(2016, 9, 30)),
])

CUMULATIVE = pl.DataFrame({
    "project_id": ["JC"] * 4,
    "month_end": [D(2016, 2, 29), D(2016, 3, 31), D(2016, 9, 30), D(2017, 4, 30)],
    "cumulative_unique_participants": [0, 13, 14, 15],
    "target_trajectory": [13.3, 26.7, 106.7, 200.0],
})

BUILD = pl.DataFrame({"build_id": ["build-7"], "built_at": [dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.timezone.utc)],
                      "is_synthetic": [True], "code_version": ["0.1"], "duckdb_version": ["2"]})


def marts(**extra: pl.DataFrame) -> dict[str, pl.DataFrame]:
    base = {
        "dim_projects": PROJECTS, "dim_events": EVENTS, "fct_participations": PARTICIPATIONS,
        "fct_indicator_values": INDICATORS, "fct_participants_cumulative": CUMULATIVE, "build_metadata": BUILD,
    }
    base.update(extra)
    return base


def dataset(**extra: pl.DataFrame) -> Dataset:
    return dataset_from_marts(marts(**extra))

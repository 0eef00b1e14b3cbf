"""A small hand-made project whose indicator tables tempt disclosure, as published marts.

Project TP runs 2016-02-01 – 2016-06-30 (target 40 participants). Values are chosen by hand so
that the expected suppression can be worked out on paper (see test_exports_suppression.py).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

D = dt.date
NAMES = {
    "unique_participants": ("Participants (unique persons)", "persons"),
    "participations": ("Participations in project events", "participations"),
    "events_held": ("Events held", "events"),
}
PERIODS = {
    ("month", "2016-02"): (D(2016, 2, 1), D(2016, 2, 29)),
    ("month", "2016-03"): (D(2016, 3, 1), D(2016, 3, 31)),
    ("month", "2016-04"): (D(2016, 4, 1), D(2016, 4, 30)),
    ("quarter", "2016Q1"): (D(2016, 1, 1), D(2016, 3, 31)),
    ("cumulative", "2016-03"): (D(2016, 2, 1), D(2016, 3, 31)),
    ("year", "2016"): (D(2016, 1, 1), D(2016, 12, 31)),
    ("project_to_date", "PTD"): (D(2016, 2, 1), D(2016, 6, 30)),
}
PERSON_INDICATORS = {"unique_participants", "participations"}


def row(code, period_type, period_id, disaggregation, cell, value, *, target=None, project="TP"):
    start, end = PERIODS[(period_type, period_id)]
    name, unit = NAMES[code]
    small = code in PERSON_INDICATORS and 0 < value < 5
    return {
        "project_id": project, "indicator_code": code, "indicator_name": name, "unit": unit,
        "period_type": period_type, "period_id": period_id, "period_start": start, "period_end": end,
        "disaggregation": disaggregation, "disaggregation_value": cell, "value": float(value),
        "target": None if target is None else float(target),
        "achievement_pct": None if not target else round(100.0 * value / target, 1),
        "is_small_cell": small,
    }


def tempting_rows() -> list[dict]:
    m3 = ("month", "2016-03")
    return [
        # Month 2016-03, unique participants: total 23.
        row("unique_participants", *m3, "total", "total", 23),
        row("unique_participants", *m3, "target_group", "cci_business", 12),
        row("unique_participants", *m3, "target_group", "support_organisation", 7),
        row("unique_participants", *m3, "target_group", "education", 4),
        row("unique_participants", *m3, "country", "FI", 10),
        row("unique_participants", *m3, "country", "RU", 9),
        row("unique_participants", *m3, "country", "SE", 3),
        row("unique_participants", *m3, "country", "NO", 1),
        # Month 2016-03, participations: 30 = 26 + 4 by target group, all 30 from FI.
        row("participations", *m3, "total", "total", 30),
        row("participations", *m3, "target_group", "cci_business", 26),
        row("participations", *m3, "target_group", "education", 4),
        row("participations", *m3, "country", "FI", 30),
        # Events are not people: never suppressed.
        row("events_held", *m3, "total", "total", 2),
        row("events_held", *m3, "country", "FI", 1),
        row("events_held", *m3, "country", "RU", 1),
        # Month 2016-02: nothing happened (zero is published).
        row("unique_participants", "month", "2016-02", "total", "total", 0),
        row("participations", "month", "2016-02", "total", "total", 0),
        row("events_held", "month", "2016-02", "total", "total", 0),
        # Quarter 2016Q1 as if only 3 people had come: everything is small.
        row("unique_participants", "quarter", "2016Q1", "total", "total", 3),
        row("unique_participants", "quarter", "2016Q1", "target_group", "cci_business", 3),
        row("unique_participants", "quarter", "2016Q1", "country", "FI", 2),
        row("unique_participants", "quarter", "2016Q1", "country", "RU", 1),
        # Running total to 2016-03 with its target trajectory: 26 = 24 + 1 + 1 by country.
        row("unique_participants", "cumulative", "2016-03", "total", "total", 26, target=16),
        row("unique_participants", "cumulative", "2016-03", "country", "FI", 24),
        row("unique_participants", "cumulative", "2016-03", "country", "NO", 1),
        row("unique_participants", "cumulative", "2016-03", "country", "SE", 1),
        # Whole project.
        row("unique_participants", "project_to_date", "PTD", "total", "total", 48, target=40),
        row("unique_participants", "project_to_date", "PTD", "country", "FI", 30),
        row("unique_participants", "project_to_date", "PTD", "country", "RU", 18),
        row("events_held", "project_to_date", "PTD", "total", "total", 5),
        # Another project's row, never delivered with TP.
        row("unique_participants", "month", "2016-03", "total", "total", 99, project="XX"),
    ]


def indicator_frame(rows: list[dict] | None = None) -> pl.DataFrame:
    return pl.DataFrame(rows if rows is not None else tempting_rows())


PROJECTS = pl.DataFrame({
    "project_id": ["TP", "XX"],
    "project_name": ["Test project", "Other project"],
    "programme": ["Test programme", "Test programme"],
    "funder": ["Nordic Council of Ministers", "Someone"],
    "lead_organisation": ["Karelian Resource Center of NGOs", "Other"],
    "start_date": [D(2016, 2, 1), D(2016, 1, 1)],
    "end_date": [D(2016, 6, 30), D(2016, 12, 31)],
    "participant_target": [40, 10],
})


def marts_for(indicators: pl.DataFrame, *, build_id: str = "20160701T060000-aaaaaaaa",
              synthetic: bool = True, sources: list[tuple[str, str, int]] | None = None) -> dict[str, pl.DataFrame]:
    sources = sources if sources is not None else [
        ("programme/projects.csv", "a" * 64, 518), ("registrations/TP-E01/list.csv", "b" * 64, 2048)]
    return {
        "fct_indicator_values": indicators,
        "dim_projects": PROJECTS,
        "build_metadata": pl.DataFrame({
            "build_id": [build_id], "built_at": [dt.datetime(2016, 7, 1, 6, 0)],
            "code_version": ["test"], "is_synthetic": [synthetic],
        }),
        "build_source_files": pl.DataFrame(sources, schema=["source_file", "sha256", "bytes"], orient="row"),
    }

"""The indicator marts of one whole demo build, checked against the demo generator's ground truth
(which the pipeline never reads): every expected value here is recounted from the truth's persons
and the raw event registry, not taken from the marts."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict

import dagster as dg
import polars as pl
import pytest

from pipelines import privacy, settings

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("indicators")]

NORDIC = {"DK", "FI", "IS", "NO", "SE", "FO", "GL", "AX"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from pipelines.demo.generator import generate_demo_data

    data_dir = tmp_path_factory.mktemp("demo")
    secret = privacy.create_secret(tmp_path_factory.mktemp("secret") / "secret.key")
    generate_demo_data(data_dir, seed=2016)
    environment = {
        settings.DATA_DIR_ENV: str(data_dir),
        settings.WAREHOUSE_DB_ENV: str(data_dir / "warehouse" / "warehouse.duckdb"),
        settings.SECRET_FILE_ENV: str(secret),
    }
    from pipelines.definitions import defs

    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        (data_dir / "warehouse").mkdir(parents=True, exist_ok=True)
        result = defs.resolve_job_def("warehouse_refresh").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    release = (data_dir / "marts" / "current").resolve()
    with open(data_dir / "raw" / "events" / "events.csv", encoding="utf-8") as handle:
        events = {row["event_id"]: row for row in csv.DictReader(handle)}
    truth = json.loads((data_dir / "ground_truth" / "demo_ground_truth.json").read_text())
    return {"data_dir": data_dir, "release": release, "events": events, "truth": truth}


def published(demo, table: str) -> pl.DataFrame:
    return pl.read_parquet(demo["release"] / f"{table}.parquet")


def truth_counts(demo) -> dict[str, dict[str, object]]:
    """Per project, each indicator recounted from the truth's persons and the event registry."""
    events = demo["events"]
    counts: dict[str, dict[str, object]] = defaultdict(lambda: defaultdict(int))
    participations_by_month: dict[str, Counter] = defaultdict(Counter)
    for person in demo["truth"]["persons"]:
        by_project = defaultdict(list)
        for event_id in person["events"]:
            by_project[events[event_id]["project_id"]].append(events[event_id])
        for project_id, attended in by_project.items():
            c = counts[project_id]
            c["returning_participants"] += len({e["event_id"] for e in attended}) >= 2
            c["nordic_participants_at_events_in_russia"] += (
                person["country_code"] in NORDIC and any(e["country_code"] == "RU" for e in attended))
            c["russian_participants_at_nordic_events"] += (
                person["country_code"] == "RU" and any(e["country_code"] in NORDIC for e in attended))
            c["participations_in_joint_actions"] += sum(e["event_kind"] == "joint_action" for e in attended)
            for event in attended:
                participations_by_month[project_id][event["start_date"][:7]] += 1
    for project_id in counts:
        counts[project_id]["participations_by_month"] = dict(participations_by_month[project_id])
        counts[project_id]["public_events_held"] = sum(
            e["project_id"] == project_id and e["event_kind"] == "public_event" for e in events.values())
    return counts


def ptd_totals(values: pl.DataFrame, project_id: str) -> dict[str, float]:
    rows = values.filter((pl.col("project_id") == project_id) & (pl.col("period_type") == "project_to_date")
                         & (pl.col("disaggregation") == "total"))
    return dict(zip(rows["indicator_code"], rows["value"]))


def test_indicator_totals_match_the_ground_truth(demo):
    values = published(demo, "fct_indicator_values")
    recounted = truth_counts(demo)
    for project_id, truth in demo["truth"]["projects"].items():
        observed = ptd_totals(values, project_id)
        mine = recounted[project_id]
        assert observed["unique_participants"] == truth["unique_participants"]
        assert observed["participations"] == truth["participations"]
        assert observed["cross_border_participations"] == truth["cross_border_participations"]
        assert observed["participations_in_joint_actions"] == truth["participations_by_event_kind"].get("joint_action", 0)
        for code in ("participations_in_joint_actions", "returning_participants", "public_events_held",
                     "nordic_participants_at_events_in_russia", "russian_participants_at_nordic_events"):
            assert observed[code] == mine[code], (project_id, code)
        assert observed["events_held"] == truth["events"]


def test_monthly_participations_and_cumulative_participants_match_the_ground_truth(demo):
    values = published(demo, "fct_indicator_values")
    cumulative = published(demo, "fct_participants_cumulative")
    recounted = truth_counts(demo)
    for project_id, truth in demo["truth"]["projects"].items():
        months = values.filter((pl.col("project_id") == project_id) & (pl.col("indicator_code") == "participations")
                               & (pl.col("period_type") == "month") & (pl.col("disaggregation") == "total")
                               & (pl.col("value") > 0))
        assert dict(zip(months["period_id"], months["value"])) == recounted[project_id]["participations_by_month"]
        series = cumulative.filter(pl.col("project_id") == project_id).sort("month_end")
        observed = {str(d)[:7]: n for d, n in zip(series["month_end"], series["cumulative_unique_participants"])}
        assert observed == truth["cumulative_unique_participants_by_month"]


def truth_periods(demo) -> dict[tuple[str, str, str], dict[str, float]]:
    """(project, period type, period id) → every person, participation and event total, recounted
    from the truth's persons over the period's own records (cumulative: from the project's first
    day to the end of the month), the obvious way, without running sums."""
    import calendar
    from datetime import date

    with open(demo["data_dir"] / "raw" / "programme" / "projects.csv", encoding="utf-8") as handle:
        projects = {row["project_id"]: row for row in csv.DictReader(handle)}
    events = demo["events"]
    records = [(person, events[event_id]) for person in demo["truth"]["persons"] for event_id in person["events"]]
    out = {}
    for project_id, project in projects.items():
        start, end = date.fromisoformat(project["start_date"]), date.fromisoformat(project["end_date"])
        periods = []
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            last = date(year, month, calendar.monthrange(year, month)[1])
            periods += [("month", f"{year}-{month:02d}", date(year, month, 1), last),
                        ("cumulative", f"{year}-{month:02d}", start, last)]
            quarter = (month - 1) // 3 + 1
            periods.append(("quarter", f"{year}Q{quarter}", date(year, quarter * 3 - 2, 1),
                            date(year, quarter * 3, calendar.monthrange(year, quarter * 3)[1])))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        periods.append(("project_to_date", "PTD", start, end))
        for period_type, period_id, first, last in set(periods):
            rows = [(p, e) for p, e in records
                    if e["project_id"] == project_id and first <= date.fromisoformat(e["start_date"]) <= last]
            events_of = defaultdict(set)
            for person, event in rows:
                events_of[person["person_id"]].add(event["event_id"])
            held = {e["event_id"]: e["event_kind"] for _, e in rows}
            out[(project_id, period_type, period_id)] = {
                "unique_participants": len(events_of),
                "participations": len(rows),
                "participations_in_joint_actions": sum(e["event_kind"] == "joint_action" for _, e in rows),
                "cross_border_participations": sum(p["country_code"] != e["country_code"] for p, e in rows),
                "returning_participants": sum(len(attended) >= 2 for attended in events_of.values()),
                "nordic_participants_at_events_in_russia": len(
                    {p["person_id"] for p, e in rows if p["country_code"] in NORDIC and e["country_code"] == "RU"}),
                "russian_participants_at_nordic_events": len(
                    {p["person_id"] for p, e in rows if p["country_code"] == "RU" and e["country_code"] in NORDIC}),
                "events_held": len(held),
                "public_events_held": sum(kind == "public_event" for kind in held.values()),
                "joint_actions_held": sum(kind == "joint_action" for kind in held.values()),
            }
    return out


def test_every_period_total_matches_the_ground_truth_recount(demo):
    values = published(demo, "fct_indicator_values").filter(pl.col("disaggregation") == "total")
    observed = {(r["project_id"], r["period_type"], r["period_id"], r["indicator_code"]): r["value"]
                for r in values.iter_rows(named=True)}
    expected = truth_periods(demo)
    assert {key[1] for key in expected} == {"month", "cumulative", "quarter", "project_to_date"}
    assert sum(key[1] == "cumulative" for key in expected) > 20
    wrong = sorted((key + (code,), value, observed.get(key + (code,)))
                   for key, counts in expected.items() for code, value in counts.items()
                   if observed.get(key + (code,)) != value)
    assert wrong == []


def test_cumulative_participants_by_country_match_the_ground_truth(demo):
    values = published(demo, "fct_indicator_values").filter(
        (pl.col("indicator_code") == "unique_participants") & (pl.col("period_type") == "cumulative")
        & (pl.col("disaggregation") == "country"))
    observed = {(r["project_id"], r["period_id"], r["disaggregation_value"]): r["value"]
                for r in values.iter_rows(named=True)}
    expected: dict[tuple[str, str, str], int] = defaultdict(int)
    for project_id in demo["truth"]["projects"]:
        firsts = {}
        for person in demo["truth"]["persons"]:
            dates = [demo["events"][e]["start_date"] for e in person["events"]
                     if demo["events"][e]["project_id"] == project_id]
            if dates:
                firsts[person["person_id"]] = (min(dates)[:7], person["country_code"])
        for month in demo["truth"]["projects"][project_id]["cumulative_unique_participants_by_month"]:
            for first_month, country in firsts.values():
                if first_month <= month:
                    expected[(project_id, month, country)] += 1
    assert observed == expected


def test_person_level_disaggregations_match_the_ground_truth(demo):
    values = published(demo, "fct_indicator_values")
    ptd = values.filter((pl.col("indicator_code") == "unique_participants") & (pl.col("period_type") == "project_to_date"))
    for project_id, truth in demo["truth"]["projects"].items():
        for disaggregation, key in [("country", "unique_participants_by_country"),
                                    ("target_group", "unique_participants_by_target_group"),
                                    ("organisation_type", "unique_participants_by_organisation_type")]:
            cells = ptd.filter((pl.col("project_id") == project_id) & (pl.col("disaggregation") == disaggregation))
            assert dict(zip(cells["disaggregation_value"], cells["value"])) == {
                k: float(v) for k, v in truth[key].items() if v}, (project_id, disaggregation)


def test_joining_creativity_against_its_200_participant_target(demo):
    achievement = published(demo, "fct_indicator_achievement")
    row = achievement.filter((pl.col("project_id") == "JC") & (pl.col("indicator_code") == "unique_participants")
                             & (pl.col("period_type") == "project_to_date")).row(0, named=True)
    truth = demo["truth"]["projects"]["JC"]
    assert (row["target"], row["target_source"]) == (200, "registry")
    assert row["value"] == truth["unique_participants"]
    assert row["achievement_pct"] == pytest.approx(100 * truth["unique_participants"] / 200, abs=0.05)
    assert row["is_target_reached"] is (truth["unique_participants"] >= 200)


def test_validation_rules_held_and_catalogue_maps_to_interreg(demo):
    results = published(demo, "fct_validation_results")
    assert results.height > 0 and results["passed"].all()
    # Every rule compared something in every project; VR08 only where a follow-up survey ran (JC).
    idle = results.filter(pl.col("comparisons") == 0)
    assert idle.select("rule_code", "project_id").rows() == [("VR08", "NB-CCI")]
    indicators = published(demo, "dim_indicators")
    mapped = dict(zip(indicators["interreg_code"], indicators["indicator_code"]))
    assert mapped["RCO81"] == "participations_in_joint_actions"
    assert mapped["RCO115"] == "public_events_held"
    assert set(indicators["iati_vocabulary"]) == {"99"}


def test_research_questions_of_the_data_dictionary_answer_on_the_published_marts(demo):
    import duckdb

    text = (settings.PROJECT_ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", text, re.DOTALL)
    assert len(queries) >= 8
    con = duckdb.connect(str(demo["release"] / "marts.duckdb"), read_only=True)
    try:
        for query in queries:
            assert con.sql(query).fetchall(), query
    finally:
        con.close()

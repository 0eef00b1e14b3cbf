"""Small-cell suppression on a fixture built to tempt disclosure, worked out by hand.

Month 2016-03, unique participants, total 23 (visible: 23 ≥ 5):
- target group 12 / 7 / 4: education (4) is small and alone, so 23 − 12 − 7 would give it back;
  the next-smallest cell, support_organisation (7), is suppressed with it.
- country FI 10 / RU 9 / SE 3 / NO 1: SE and NO are small; 23 − 10 − 9 = 4 tells that SE and NO
  together are 4 people, itself a small count; the next-smallest, RU (9), goes too.
Month 2016-03, participations, total 30: target group 26 / 4 → education small, cci_business
  complementary; country FI 30 = total, nothing small.
Events held (not people): FI 1 / RU 1 stay.
Quarter 2016Q1, 3 people: the total and every cell are small (all primary).
Cumulative to 2016-03, total 26: FI 24 / NO 1 / SE 1 → NO + SE = 2 would be known: FI goes too.
Zero (month 2016-02 total 0) is published.
"""

from __future__ import annotations

import itertools

import polars as pl
from export_fixtures import PERSON_INDICATORS, indicator_frame

from pipelines.exports.suppression import COMPLEMENTARY, PRIMARY, suppress_small_cells

EXPECTED = {
    ("unique_participants", "month", "2016-03", "target_group", "education"): PRIMARY,
    ("unique_participants", "month", "2016-03", "target_group", "support_organisation"): COMPLEMENTARY,
    ("unique_participants", "month", "2016-03", "country", "SE"): PRIMARY,
    ("unique_participants", "month", "2016-03", "country", "NO"): PRIMARY,
    ("unique_participants", "month", "2016-03", "country", "RU"): COMPLEMENTARY,
    ("participations", "month", "2016-03", "target_group", "education"): PRIMARY,
    ("participations", "month", "2016-03", "target_group", "cci_business"): COMPLEMENTARY,
    ("unique_participants", "quarter", "2016Q1", "total", "total"): PRIMARY,
    ("unique_participants", "quarter", "2016Q1", "target_group", "cci_business"): PRIMARY,
    ("unique_participants", "quarter", "2016Q1", "country", "FI"): PRIMARY,
    ("unique_participants", "quarter", "2016Q1", "country", "RU"): PRIMARY,
    ("unique_participants", "cumulative", "2016-03", "country", "NO"): PRIMARY,
    ("unique_participants", "cumulative", "2016-03", "country", "SE"): PRIMARY,
    ("unique_participants", "cumulative", "2016-03", "country", "FI"): COMPLEMENTARY,
}
KEY = ["indicator_code", "period_type", "period_id", "disaggregation", "disaggregation_value"]


def _suppressed(frame: pl.DataFrame) -> dict[tuple, str]:
    out = suppress_small_cells(frame, PERSON_INDICATORS).filter(pl.col("project_id") == "TP")
    return {tuple(r[k] for k in KEY): r["suppression"] for r in out.filter(pl.col("suppressed")).to_dicts()}


def test_hand_worked_suppression_pattern():
    assert _suppressed(indicator_frame()) == EXPECTED


def test_primary_rule_does_not_rely_on_the_upstream_flag():
    unflagged = indicator_frame().with_columns(pl.lit(False).alias("is_small_cell"))
    assert _suppressed(unflagged) == EXPECTED
    without_column = indicator_frame().drop("is_small_cell")
    assert _suppressed(without_column) == EXPECTED


def test_upstream_small_cell_flag_adds_a_primary_cell():
    frame = indicator_frame().with_columns(
        pl.when((pl.col("period_type") == "project_to_date") & (pl.col("disaggregation_value") == "RU")
                & (pl.col("indicator_code") == "unique_participants"))
        .then(True).otherwise(pl.col("is_small_cell")).alias("is_small_cell"))
    got = _suppressed(frame)
    # RU (18) flagged upstream is alone in its breakdown: FI (30) is the only other non-zero cell.
    assert got[("unique_participants", "project_to_date", "PTD", "country", "RU")] == PRIMARY
    assert got[("unique_participants", "project_to_date", "PTD", "country", "FI")] == COMPLEMENTARY


def _feasible_values(table: list[dict], hidden: set[int], upper: int) -> dict[int, set[int]]:
    """Brute force, as a reader would: every value of each hidden cell (1..upper, since zeros are
    published) in some assignment where total = sum of cells holds for every breakdown.

    Breakdowns share only the total, so for each candidate total the breakdowns are solved apart.
    """
    total = next(i for i, r in enumerate(table) if r["disaggregation"] == "total")
    families: dict[str, list[int]] = {}
    for i, r in enumerate(table):
        if r["disaggregation"] != "total":
            families.setdefault(r["disaggregation"], []).append(i)
    feasible: dict[int, set[int]] = {i: set() for i in hidden}
    totals = range(1, upper + 1) if total in hidden else [int(table[total]["value"])]
    for t in totals:
        solutions = {}
        for name, cells in families.items():
            unknown = [i for i in cells if i in hidden]
            rest = t - sum(int(table[i]["value"]) for i in cells if i not in hidden)
            solutions[name] = [
                dict(zip(unknown, guess, strict=True))
                for guess in itertools.product(range(1, upper + 1), repeat=len(unknown))
                if sum(guess) == rest
            ]
        if all(solutions.values()):
            if total in hidden:
                feasible[total].add(t)
            for found in solutions.values():
                for assignment in found:
                    for i, v in assignment.items():
                        feasible[i].add(v)
    return feasible


def test_a_reader_cannot_pin_down_any_small_cell():
    """Independent of the rules: every small cell of every table keeps at least two possible values."""
    frame = suppress_small_cells(indicator_frame(), PERSON_INDICATORS).filter(pl.col("project_id") == "TP")
    for _, group in frame.group_by(["indicator_code", "period_type", "period_id"], maintain_order=True):
        table = group.to_dicts()
        hidden = {i for i, r in enumerate(table) if r["suppressed"]}
        if not hidden or not any(r["disaggregation"] == "total" for r in table):
            continue
        feasible = _feasible_values(table, hidden, upper=40)
        for i in hidden:
            assert table[i]["value"] in feasible[i]  # the truth is among them
            if table[i]["suppression"] == PRIMARY:
                assert len(feasible[i]) >= 2, (table[i], feasible[i])


def test_without_complementary_suppression_the_reader_would_succeed():
    """The same brute force on primary suppression alone recovers a small cell: the check has teeth."""
    frame = indicator_frame().filter(
        (pl.col("project_id") == "TP") & (pl.col("indicator_code") == "unique_participants")
        & (pl.col("period_type") == "month") & (pl.col("period_id") == "2016-03"))
    table = frame.to_dicts()
    primary_only = {i for i, r in enumerate(table) if r["is_small_cell"]}
    feasible = _feasible_values(table, primary_only, upper=40)
    education = next(i for i, r in enumerate(table) if r["disaggregation_value"] == "education")
    assert feasible[education] == {4}


def test_zero_and_non_person_counts_are_published():
    out = suppress_small_cells(indicator_frame(), PERSON_INDICATORS)
    zeros = out.filter(pl.col("value") == 0)
    assert zeros.height == 3 and not zeros["suppressed"].any()
    events = out.filter(pl.col("indicator_code") == "events_held")
    assert events.filter(pl.col("value") == 1).height == 2 and not events["suppressed"].any()


def test_pattern_is_independent_of_row_order():
    frame = indicator_frame()
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=7)
    assert _suppressed(shuffled) == _suppressed(frame)


def test_units_behind_a_value_and_breakdowns_that_do_not_add_up():
    """Participations rest on persons (n): 6 participations of 2 persons are a small cell. A
    person attends several events, so unique participants by event do not add up to the total
    and no complementary cell is needed there; participations by event do add up."""
    from export_fixtures import row

    def with_n(record, n):
        return {**record, "n": n, "is_small_cell": False}

    m3 = ("month", "2016-03")
    frame = pl.DataFrame([
        with_n(row("participations", *m3, "total", "total", 30), 12),
        with_n(row("participations", *m3, "event", "E1", 6), 2),
        with_n(row("participations", *m3, "event", "E2", 24), 10),
        with_n(row("unique_participants", *m3, "total", "total", 11), 11),
        with_n(row("unique_participants", *m3, "event", "E1", 2), 2),
        with_n(row("unique_participants", *m3, "event", "E2", 10), 10),
    ])
    additive = {"participations": frozenset({"event"}), "unique_participants": frozenset({"country"})}
    out = suppress_small_cells(frame, PERSON_INDICATORS, additive)
    got = {(r["indicator_code"], r["disaggregation_value"]): r["suppression"] for r in out.filter(pl.col("suppressed")).to_dicts()}
    assert got == {("participations", "E1"): PRIMARY, ("participations", "E2"): COMPLEMENTARY,
                   ("unique_participants", "E1"): PRIMARY}


def _straightforward(records: list[dict], person_indicators: set[str], additive: dict[str, frozenset[str]]) -> list[str]:
    """The rules of the module docstring, one record at a time (the implementation before the
    vectorised one): the oracle for the randomised comparison below."""
    reason: dict[int, str] = {}
    for i, rec in enumerate(records):
        units = rec.get("n") if rec.get("n") is not None else rec["value"]
        if rec.get("is_small_cell") is True or (
                rec["indicator_code"] in person_indicators and units is not None and 0 < float(units) < 5):
            reason[i] = PRIMARY
    totals, families = {}, {}
    for i, rec in enumerate(records):
        table = (rec["project_id"], rec["indicator_code"], rec["period_type"], rec["period_id"])
        if rec["disaggregation"] == "total":
            totals[table] = i
        elif rec["indicator_code"] not in additive or rec["disaggregation"] in additive[rec["indicator_code"]]:
            families.setdefault((*table, rec["disaggregation"]), []).append(i)
    relations = [(totals.get(k[:-1]), sorted(families[k], key=lambda i: str(records[i]["disaggregation_value"])))
                 for k in sorted(families, key=lambda k: tuple(str(v) for v in k))]

    def value(i):
        return 0.0 if records[i]["value"] is None else float(records[i]["value"])

    def protect(total, parts):
        if total is None:
            return False
        added = False
        while True:
            hidden = [i for i in [total, *parts] if i in reason]
            if not hidden:
                return added
            exposed = len(hidden) == 1 or (total not in reason and 0 < sum(value(i) for i in hidden) < 5)
            if not exposed:
                return added
            candidates = sorted((i for i in parts if i not in reason and value(i) > 0),
                                key=lambda i: (value(i), str(records[i]["disaggregation_value"])))
            if candidates:
                reason[candidates[0]] = COMPLEMENTARY
            elif total not in reason and value(total) > 0:
                reason[total] = COMPLEMENTARY
            else:
                return added
            added = True

    while any([protect(total, parts) for total, parts in relations]):
        pass
    return [reason.get(i, "") for i in range(len(records))]


def test_vectorised_pattern_equals_the_straightforward_rules_on_random_tables():
    import random

    rng = random.Random(2016)
    breakdowns = {"target_group": ["cci_business", "education", "other_sector"], "country": ["FI", "RU", "SE", "NO"],
                  "event": ["E1", "E2", "E3"]}
    additive = {"unique_participants": frozenset({"target_group", "country"}),
                "participations": frozenset({"target_group", "country", "event"})}
    persons = {"unique_participants", "participations"}
    for _ in range(25):
        records = []
        for project in ("A", "B"):
            for code in ("unique_participants", "participations", "events_held"):
                for period in ("2016-01", "2016-02", "2016-03"):
                    cells = {name: [rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 30]) for _ in values]
                             for name, values in breakdowns.items()}
                    total = sum(cells["country"])
                    rows = [("total", "total", total)] + [(name, v, c) for name, values in breakdowns.items()
                                                          for v, c in zip(values, cells[name], strict=True)]
                    for disaggregation, cell, number in rows:
                        records.append({
                            "project_id": project, "indicator_code": code, "period_type": "month", "period_id": period,
                            "disaggregation": disaggregation, "disaggregation_value": cell,
                            "value": None if rng.random() < 0.03 else float(number),
                            "n": None if rng.random() < 0.5 else number // 2,
                            "is_small_cell": rng.random() < 0.02,
                        })
        rng.shuffle(records)
        frame = pl.DataFrame(records)
        got = suppress_small_cells(frame, persons, additive)["suppression"].to_list()
        assert got == _straightforward(records, persons, additive)
        assert COMPLEMENTARY in got

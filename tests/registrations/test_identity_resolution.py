"""Person resolution on hand-made rows: which rows cluster together and which must not."""

from __future__ import annotations

import random

import polars as pl
import pytest

from pipelines import privacy
from pipelines.registrations.identity import (
    RULES,
    normalise_email,
    normalise_phone,
    parse_person_name,
    resolve_persons,
)

SECRET = b"test-secret-test-secret-test-secret-0123"
COLUMNS = [
    "registration_id", "event_id", "first_name", "last_name", "patronymic", "full_name",
    "email", "phone", "organisation", "country_code",
]

# fmt: off
ROWS = [
    # Aleksei Smirnov, Severny Svet: Cyrillic/Latin, swapped columns, work and private email.
    ("r01", "E1", "Алексей", "Смирнов", "Иванович", None, "a.smirnov@sever.ru", None, "ООО «Северный свет»", "RU"),
    ("r02", "E2", "Alexey", "Smirnov", None, None, " A.Smirnov@Sever.ru ", None, "Severny Svet LLC", "RU"),
    ("r03", "E3", "Smirnov", "Aleksei", None, None, "alexey.smirnov@gmail.com", None, "OOO Severnyi svet", "RU"),
    ("r04", "E3", None, None, None, "Смирнов Алексей Иванович", "AlexeySmirnov+cci@gmail.com", "+7 912 345-67-89", None, "RU"),
    # Two different Elena Ivanova (hard negative): one at Severny Svet, one at the museum.
    ("r05", "E1", "Елена", "Иванова", "Петровна", None, "ivanova@sever.ru", None, "ООО Северный свет", "RU"),
    ("r06", "E2", "Елена", "Иванова", "Сергеевна", None, "e.ivanova@museum.ru", None, "ГБУК «Музей города»", "RU"),
    ("r07", "E3", "Elena", "Ivanova", None, None, None, None, "Muzei goroda", "RU"),
    ("r08", "E3", "Yelena", "IVANOVA", None, None, None, "8 (912) 345-67-80", "Muzej Goroda GBUK", "RU"),
    # Aleksandra and Aleksandr Smirnov(a) at Severny Svet: neither each other nor Aleksei.
    ("r09", "E1", "Aleksandra", "Smirnova", None, None, None, None, "Severny Svet", "RU"),
    ("r10", "E1", "Aleksandr", "Smirnov", None, None, None, None, "Severny Svet", "RU"),
    # A shared office mailbox used by two colleagues.
    ("r11", "E2", "Yulia", "Kuznetsova", None, None, "info@sever.ru", None, "Severny Svet", "RU"),
    ("r12", "E2", "Natalia", "Orlova", None, None, "info@sever.ru", None, "Severny Svet", "RU"),
    ("r13", "E3", "Наталья", "Орлова", None, None, "natalia.orlova@gmail.com", None, "ООО «Северный свет»", "RU"),
    # Mikko Virtanen at Lumo: typo, phone in two formats; a namesake elsewhere.
    ("r14", "E1", "Mikko", "Virtanen", None, None, "mikko.virtanen@lumo.fi", "+358 40 123 4567", "Lumo Oy", "FI"),
    ("r15", "E2", "Mikko", "Virtamen", None, None, None, None, "LUMO OY", "FI"),
    ("r16", "E3", "Mikko", "Virtanen", None, None, "mikko@private.fi", "040 123 4567", None, "FI"),
    ("r17", "E3", "Mikko", "Virtanen", None, None, "mv@kide.fi", None, "Kide Ab", "FI"),
    # A family mailbox: husband and wife are two people.
    ("r18", "E1", "Сергей", "Петров", None, None, "petrovy@mail.ru", None, None, "RU"),
    ("r19", "E2", "Мария", "Петрова", None, None, "petrovy@mail.ru", None, None, "RU"),
    # The same form submitted twice in one event.
    ("r20", "E4", "Jonas", "Kazlauskas", None, None, "jonas@kultura.lt", None, "UAB Kultūra", "LT"),
    ("r21", "E4", "Jonas", "Kazlauskas", None, None, "JONAS@KULTURA.LT", None, "UAB „Kultūra“", "LT"),
]
# fmt: on

EXPECTED_CLUSTERS = [
    {"r01", "r02", "r03", "r04"},  # email r01-r02, name+organisation r01-r03, gmail alias r03-r04
    {"r05"},
    {"r06", "r07", "r08"},  # name+organisation (ГБУК «Музей города» = Muzei goroda = Muzej Goroda GBUK)
    {"r09"},
    {"r10"},
    {"r11"},  # info@ does not merge colleagues
    {"r12", "r13"},  # same name and organisation; the role mailbox does not stand in the way
    {"r14", "r15", "r16"},  # fuzzy name at Lumo (r15 has no email); name+phone across formats (r16)
    {"r17"},  # namesake in another organisation, nothing shared
    {"r18"},
    {"r19"},
    {"r20", "r21"},
]


def frame(rows=ROWS) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={c: pl.String for c in COLUMNS}, orient="row")


def clusters_of(assignments: pl.DataFrame) -> list[set[str]]:
    groups = assignments.group_by("person_cluster").agg(pl.col("registration_id"))
    return sorted((set(ids) for ids in groups["registration_id"].to_list()), key=min)


@pytest.fixture(scope="module")
def result():
    return resolve_persons(frame(), SECRET)


def test_exact_clusters(result):
    assert clusters_of(result.assignments) == sorted(EXPECTED_CLUSTERS, key=min)


def test_one_assignment_per_registration(result):
    a = result.assignments
    assert a.height == len(ROWS)
    assert a["registration_id"].n_unique() == len(ROWS)
    assert a.columns == [
        "registration_id", "event_id", "person_cluster", "person_key", "organisation_key", "match_rule",
    ]


def test_match_rules(result):
    rule = dict(result.assignments.select("registration_id", "match_rule").iter_rows())
    assert rule["r02"] == "email"
    assert rule["r07"] == "name+organisation"
    assert rule["r15"] == "fuzzy_name+organisation"
    assert rule["r16"] == "name+phone"
    assert rule["r21"] == "email"
    for singleton in ("r05", "r09", "r10", "r11", "r17", "r18", "r19"):
        assert rule[singleton] == "singleton"
    assert set(rule.values()) <= set(RULES) | {"singleton"}


def test_evidence_explains_every_cluster(result):
    evidence = result.evidence
    assert evidence.columns == ["left_registration_id", "right_registration_id", "rule", "score"]
    assert set(evidence["rule"]) <= set(RULES)
    assert evidence.filter((pl.col("score") <= 0) | (pl.col("score") > 1)).height == 0
    # Rebuild the clusters from the evidence alone (independent union-find).
    parent = {rid: rid for rid, *_ in ROWS}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for left, right, *_ in evidence.iter_rows():
        parent[find(left)] = find(right)
    rebuilt: dict[str, set[str]] = {}
    for rid, *_ in ROWS:
        rebuilt.setdefault(find(rid), set()).add(rid)
    assert sorted(rebuilt.values(), key=min) == sorted(EXPECTED_CLUSTERS, key=min)
    # Every row of a multi-row cluster appears in at least one evidence row.
    linked = set(evidence["left_registration_id"]) | set(evidence["right_registration_id"])
    assert linked == set().union(*(c for c in EXPECTED_CLUSTERS if len(c) > 1))
    pairs = {tuple(sorted(p)) for p in evidence.select("left_registration_id", "right_registration_id").iter_rows()}
    assert len(pairs) == evidence.height  # one row per accepted pair
    links = {tuple(sorted((l, r))): rule for l, r, rule, _ in evidence.iter_rows()}
    assert links[("r01", "r02")] == "email"
    assert links[("r14", "r16")] == "name+phone"
    assert links[("r14", "r15")] == "fuzzy_name+organisation"


def test_person_keys(result):
    a = result.assignments
    per_cluster = a.group_by("person_cluster").agg(pl.col("person_key").n_unique().alias("n"), pl.col("person_key").first())
    assert per_cluster["n"].max() == 1
    assert per_cluster["person_key"].n_unique() == per_cluster.height  # unique per cluster
    key = dict(a.select("registration_id", "person_key").iter_rows())
    # Smallest normalised personal email of the cluster.
    assert key["r01"] == privacy.person_key("a.smirnov@sever.ru", SECRET)
    # No personal email: name key + organisation representative + country.
    assert key["r09"] == privacy.person_key("name:aleksandra smirnova|org:severni svet|country:RU", SECRET)
    # The shared info@ mailbox never names a person.
    assert key["r11"] == privacy.person_key("name:iulia kuznecova|org:severni svet|country:RU", SECRET)
    assert key["r12"] == privacy.person_key("nataliaorlova@gmail.com", SECRET)  # Gmail ignores dots
    assert all(len(k) == 16 for k in key.values())


def test_organisation_keys(result):
    org = dict(result.assignments.select("registration_id", "organisation_key").iter_rows())
    assert org["r01"] == org["r02"] == org["r03"] == org["r05"] == org["r09"] == org["r13"]
    assert org["r06"] == org["r07"] == org["r08"]
    assert org["r14"] == org["r15"]
    assert org["r20"] == org["r21"]
    assert org["r04"] is None and org["r16"] is None
    assert len({org["r01"], org["r06"], org["r14"], org["r17"], org["r20"]}) == 5
    assert org["r01"] == privacy.organisation_key("RU|severni svet", SECRET)


def test_independent_of_row_order(result):
    shuffled = list(ROWS)
    random.Random(7).shuffle(shuffled)
    again = resolve_persons(frame(shuffled), SECRET)
    assert clusters_of(again.assignments) == clusters_of(result.assignments)
    assert again.assignments.sort("registration_id").equals(result.assignments.sort("registration_id"))
    assert again.evidence.equals(result.evidence)


def test_stats(result):
    stats = result.stats
    assert stats["rows"] == len(ROWS)
    assert stats["clusters"] == len(EXPECTED_CLUSTERS)
    assert stats["comparisons"] < stats["naive_pairs"]
    assert stats["links"] == result.evidence.height
    assert stats["email_pairs_rejected_shared_mailbox"] >= 2  # info@ and the family mailbox


def _rows(*specs):
    """Rows from (id, first, last, patronymic, email, phone, organisation, country)."""
    return frame(
        [(rid, "E1", f, l, p, None, e, ph, o, c) for rid, f, l, p, e, ph, o, c in specs]
    )


def test_different_personal_emails_block_a_fuzzy_match_unless_the_phone_agrees():
    rows = _rows(
        ("x1", "Mikko", "Virtanen", None, "m.virtanen@lumo.fi", None, "Lumo Oy", "FI"),
        ("x2", "Mikko", "Virtamen", None, "mikko.v@gmail.com", None, "Lumo Oy", "FI"),
        ("y1", "Anna", "Lindberg", None, "anna@valo.se", "+46 70 123 45 67", "Valo AB", "SE"),
        ("y2", "Anna", "Lindbreg", None, "anna.l@gmail.com", "070-123 45 67", "Valo AB", "SE"),
    )
    result = resolve_persons(rows, SECRET)
    assert clusters_of(result.assignments) == [{"x1"}, {"x2"}, {"y1", "y2"}]
    assert result.stats["fuzzy_pairs_rejected_different_email"] == 1
    # Both fuzzy rules accept y1-y2 (same organisation, same phone); the evidence keeps the
    # stronger one.
    assert result.evidence.select("left_registration_id", "right_registration_id", "rule").rows() == [
        ("y1", "y2", "fuzzy_name+organisation")
    ]


def test_patronymics_split_namesakes_in_one_organisation():
    rows = _rows(
        ("p1", "Елена", "Иванова", "Петровна", None, None, "Музей города", "RU"),
        ("p2", "Елена", "Иванова", "Сергеевна", None, None, "Музей города", "RU"),
        ("p3", "Елена", "Иванова", None, None, None, "Музей города", "RU"),  # ambiguous
        ("p4", "Elena", "Ivanova", "Petrovna", None, None, "Muzei goroda", "RU"),
        ("p5", "Елина", "Иванова", "Сергеевна", None, None, "Музей города", "RU"),  # typo of p2
        ("p6", "Елина", "Иванова", "Павловна", None, None, "Музей города", "RU"),  # Elina, not p1
    )
    result = resolve_persons(rows, SECRET)
    assert clusters_of(result.assignments) == [{"p1", "p4"}, {"p2", "p5"}, {"p3"}, {"p6"}]


def test_a_cluster_never_joins_two_patronymics():
    # p2 has no patronymic and shares an email with p1 and a phone with p3, whose
    # patronymics conflict: the strongest link (email) wins, the other is dropped.
    rows = _rows(
        ("p1", "Ольга", "Морозова", "Игоревна", "olga.m@mail.ru", None, None, "RU"),
        ("p2", "Ольга", "Морозова", None, "olga.m@mail.ru", "+79001234567", None, "RU"),
        ("p3", "Ольга", "Морозова", "Петровна", None, "89001234567", None, "RU"),
    )
    result = resolve_persons(rows, SECRET)
    assert clusters_of(result.assignments) == [{"p1", "p2"}, {"p3"}]
    assert result.stats["patronymic_conflict_links_dropped"] == 1
    assert result.evidence.select("left_registration_id", "right_registration_id", "rule").rows() == [
        ("p1", "p2", "email")
    ]


def test_name_and_phone_link_across_organisations_and_formats():
    rows = _rows(
        ("q1", "Дмитрий", "Попов", None, None, "8 (921) 000-11-22", "Белые ночи", "RU"),
        ("q2", "Dmitry", "Popov", None, None, "+79210001122", "Nord Art", "RU"),
        ("q3", "Dmitrii", "Papov", None, None, "9210001122", None, "RU"),  # typo + same phone
        ("q4", "Dmitry", "Popov", None, None, "+79210001123", None, "RU"),  # another number
    )
    result = resolve_persons(rows, SECRET)
    assert clusters_of(result.assignments) == [{"q1", "q2", "q3"}, {"q4"}]
    rules = dict(result.assignments.select("registration_id", "match_rule").iter_rows())
    assert rules["q2"] == "name+phone" and rules["q3"] == "fuzzy_name+phone"


def test_minimal_and_empty_input():
    only_ids = pl.DataFrame({"registration_id": ["a", "b"], "event_id": ["E", "E"]})
    result = resolve_persons(only_ids, SECRET)
    assert result.assignments["person_cluster"].to_list() == [0, 1]
    assert result.assignments["person_key"].n_unique() == 2
    assert result.evidence.height == 0
    empty = resolve_persons(frame([]), SECRET)
    assert empty.assignments.height == 0 and empty.evidence.height == 0


def test_duplicate_registration_ids_are_refused():
    with pytest.raises(ValueError, match="unique"):
        resolve_persons(frame([ROWS[0], ROWS[0]]), SECRET)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  A.Smirnov@Sever.RU ", "a.smirnov@sever.ru"),
        ("Alexey.Smirnov+events@googlemail.com", "alexeysmirnov@gmail.com"),
        ("ivan.petrov+cci@ya.ru", "ivan-petrov@yandex.ru"),
        ("first.last+tag@outlook.com", "first.last+tag@outlook.com"),  # other providers as given
        ("", None),
        (None, None),
    ],
)
def test_normalise_email(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("+7 (912) 345-67-89", "RU", "79123456789"),
        ("8 912 345 67 89", "RU", "79123456789"),
        ("9123456789", "RU", "79123456789"),
        ("040 123 4567", "FI", "358401234567"),
        ("00358401234567", "SE", "358401234567"),
        ("412 34 567", "NO", "4741234567"),
        ("8 612 34567", "LT", "37061234567"),
        ("12345", "RU", None),
        (None, "RU", None),
    ],
)
def test_normalise_phone(raw, country, expected):
    assert normalise_phone(raw, country) == expected


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("Алексей", "Смирнов", None, None), (("aleksei", "smirnov"), None)),
        ((None, None, None, "Смирнов Алексей Иванович"), (("aleksei", "smirnov"), "ivanovič")),
        ((None, None, None, "Алексей Иванович Смирнов"), (("aleksei", "smirnov"), "ivanovič")),
        ((None, None, None, "Андреев Александр Ильич"), (("aleksandr", "andrev"), "ilič")),
        (("Елена Петровна", "Иванова", None, None), (("elena", "ivanova"), "petrovna")),
        (("A.", "Smirnov", None, None), (("smirnov",), None)),  # initials dropped
        (("Alexey", "Smirnov", "Ivanovich", "ignored when parts are given"), (("aleksei", "smirnov"), "ivanovič")),
    ],
)
def test_parse_person_name(parts, expected):
    assert parse_person_name(*parts) == expected

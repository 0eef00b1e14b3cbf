"""Follow-up respondents meet participants on the keyed hash of the registrations' identity
resolution: by e-mail in any case or alias, or by name and organisation; strangers stay apart."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines import privacy
from pipelines.registrations import identity
from pipelines.surveys.followup import link_respondents

SECRET = b"survey-linkage-test-secret-0123456789abcdef"
PERSON_COLUMNS = ["first_name", "last_name", "email", "organisation", "country_code"]
REGISTRATION_COLUMNS = ["registration_id", "event_id", *PERSON_COLUMNS]
RESPONSE_COLUMNS = ["response_id", "survey_id", *PERSON_COLUMNS]

REGISTRATIONS = pl.DataFrame(
    [
        ("a1", "JC-E01", "Anna", "Virtanen", "anna.virtanen@luova.fi", "Luova Oy", "FI"),
        ("a2", "JC-E06", "Anna", "Virtanen", "anna.virtanen@luova.fi", "Luova Oy", "FI"),
        ("i1", "JC-E01", "Иван", "Петров", "ivan.petrov@sever.ru", "ООО «Север»", "RU"),
        ("o1", "JC-E02", "Ольга", "Смирнова", "olga-smirnova@yandex.ru", "АНО «Креатив»", "RU"),
        ("m1", "JC-E04", "Mikael", "Berg", "mikael@bergdesign.se", "Berg Design AB", "SE"),
    ],
    schema=REGISTRATION_COLUMNS,
    orient="row",
)

RESPONSES = pl.DataFrame(
    [
        # the registered address in other case and with spaces
        ("r1", "JC-FU-2017", "Anna", "Virtanen", "  ANNA.Virtanen@LUOVA.FI ", None, "FI"),
        # no e-mail: the name (in Cyrillic, as registered) and the organisation
        ("r2", "JC-FU-2017", "Иван", "Петров", None, "ООО «Север»", "RU"),
        # a Yandex alias of the registered address (ya.ru, dots for hyphens)
        ("r3", "JC-FU-2017", "Ольга", "Смирнова", "Olga.Smirnova@ya.ru", None, "RU"),
        # a new e-mail that sorts before the registered one, with the registered name and organisation
        ("r4", "JC-FU-2017", "Mikael", "Berg", "aaa.mikael@gmail.com", "Berg Design AB", "SE"),
        # a stranger the link was forwarded to
        ("r5", "JC-FU-2017", "Heidi", "Lampinen", "heidi.lampinen@lampinendesign.fi", "Lampinen Design Oy", "FI"),
        # the same name as a participant, but another organisation and no e-mail
        ("r6", "JC-FU-2017", "Anna", "Virtanen", None, "Helsingin kaupunki", "FI"),
    ],
    schema=RESPONSE_COLUMNS,
    orient="row",
)


@pytest.fixture(scope="module")
def linked():
    identities = identity.resolve_persons(REGISTRATIONS, SECRET).assignments
    links, summary = link_respondents(REGISTRATIONS, identities, RESPONSES, SECRET)
    keys = dict(zip(identities["registration_id"], identities["person_key"]))
    return {row["response_id"]: row for row in links.iter_rows(named=True)}, keys, summary


def test_respondent_with_the_registered_email_in_other_case_links_to_the_participant(linked):
    links, keys, _ = linked
    assert links["r1"]["link_status"] == "linked"
    assert links["r1"]["person_key"] == keys["a1"] == keys["a2"]
    assert links["r1"]["match_rule"] == "email"
    assert links["r1"]["survey_id"] == "JC-FU-2017"


def test_respondent_without_email_links_by_name_and_organisation(linked):
    links, keys, _ = linked
    assert (links["r2"]["link_status"], links["r2"]["person_key"]) == ("linked", keys["i1"])
    assert links["r2"]["match_rule"] == "name+organisation"


def test_yandex_alias_links(linked):
    links, keys, _ = linked
    assert links["r3"]["person_key"] == keys["o1"]


def test_linked_key_is_the_participants_key_even_when_the_respondent_brings_a_smaller_email(linked):
    # Resolving registrations and respondents together would name Mikael's cluster after
    # aaa.mikael@gmail.com; the link must still carry the key his participations carry.
    links, keys, _ = linked
    assert links["r4"]["person_key"] == keys["m1"]
    assert links["r4"]["person_key"] != privacy.person_key("aaa.mikael@gmail.com", SECRET)


def test_a_stranger_and_a_namesake_from_another_organisation_do_not_link(linked):
    links, keys, summary = linked
    for response_id in ("r5", "r6"):
        assert links[response_id]["link_status"] == "not_linked"
        assert links[response_id]["person_key"] is None and links[response_id]["match_rule"] is None
    assert summary["linked"] == 4 and summary["not_linked"] == 2 and summary["ambiguous"] == 0


def test_links_hold_keys_only():
    identities = identity.resolve_persons(REGISTRATIONS, SECRET).assignments
    links, _ = link_respondents(REGISTRATIONS, identities, RESPONSES, SECRET)
    assert set(links.columns) == {"response_id", "survey_id", "person_key", "link_status", "match_rule"}
    text = " ".join(str(v) for row in links.iter_rows() for v in row)
    assert "@" not in text and "Virtanen" not in text


def _warehouse_with_two_projects():
    """Project JC surveys its participants; project NB does not. Anna took part in both, with a
    work address at the NB event; Mikael took part in NB only."""
    import duckdb

    registrations = pl.DataFrame(
        [
            ("a1", "JC-E01", "Anna", "Virtanen", "anna.virtanen@luova.fi", "Luova Oy", "FI"),
            ("a2", "NB-E01", "Anna", "Virtanen", "anna.work@luova.fi", "Luova Oy", "FI"),
            ("i1", "JC-E01", "Иван", "Петров", "ivan.petrov@sever.ru", "ООО «Север»", "RU"),
            ("m1", "NB-E01", "Mikael", "Berg", "mikael@bergdesign.se", "Berg Design AB", "SE"),
        ],
        schema=REGISTRATION_COLUMNS,
        orient="row",
    ).with_columns(*(pl.lit(None, pl.String).alias(c) for c in ("patronymic", "full_name", "phone")))
    identities = identity.resolve_persons(registrations, SECRET).assignments
    responses = pl.DataFrame(
        [
            ("r1", "JC-FU", "Anna", "Virtanen", "anna.work@luova.fi", None, "FI"),  # her NB address
            ("r2", "JC-FU", "Mikael", "Berg", "mikael@bergdesign.se", None, "SE"),  # never at a JC event
            ("r3", "JC-FU", "Иван", "Петров", "IVAN.PETROV@SEVER.RU", None, "RU"),
        ],
        schema=RESPONSE_COLUMNS,
        orient="row",
    )
    con = duckdb.connect()
    con.execute("create schema raw")
    tables = {
        "registrations": registrations,
        "person_identities": identities.select("registration_id", "person_key"),
        "events": pl.DataFrame({"event_id": ["JC-E01", "NB-E01"], "project_id": ["JC", "NB"]}),
        "followup_surveys": pl.DataFrame({"survey_id": ["JC-FU"], "project_id": ["JC"]}),
        "followup_survey_responses": responses,
    }
    for name, frame in tables.items():
        con.register("frame", frame)
        con.execute(f"create table raw.{name} as select * from frame")
        con.unregister("frame")
    return con, registrations, identities, responses


def test_linkage_compares_respondents_with_the_surveyed_projects_persons_only():
    from pipelines.surveys.followup import SURVEYED_PERSONS_REGISTRATIONS_SQL

    con, registrations, identities, responses = _warehouse_with_two_projects()
    scoped = con.sql(SURVEYED_PERSONS_REGISTRATIONS_SQL).pl()
    # Anna's and Ivan's rows (Anna's NB registration too: she is a JC participant); not Mikael's
    assert sorted(scoped["registration_id"]) == ["a1", "a2", "i1"]
    keys = dict(zip(identities["registration_id"], identities["person_key"]))
    # each row carries its person key, so linkage needs no second read of raw.person_identities
    assert dict(zip(scoped["registration_id"], scoped["person_key"])) == {r: keys[r] for r in ("a1", "a2", "i1")}
    links, summary = link_respondents(scoped, scoped.select("registration_id", "person_key"), responses, SECRET)
    by_id = {row["response_id"]: row for row in links.iter_rows(named=True)}
    assert (by_id["r1"]["link_status"], by_id["r1"]["person_key"]) == ("linked", keys["a1"])
    assert (by_id["r3"]["link_status"], by_id["r3"]["person_key"]) == ("linked", keys["i1"])
    # Mikael answered JC's survey but never took part in JC: not one of its participants
    assert by_id["r2"]["link_status"] == "not_linked"
    # against the whole programme he would have linked: the scope is what keeps him apart
    whole, _ = link_respondents(registrations, identities, responses, SECRET)
    assert whole.filter(pl.col("response_id") == "r2")["person_key"].item() == keys["m1"]
    assert summary["linked"] == 2 and summary["not_linked"] == 1

"""Organisation-name normalisation and organisation keys."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines import privacy
from pipelines.registrations.identity import (
    normalise_organisation,
    organisation_similarity,
    resolve_organisations,
)

SECRET = b"test-secret-test-secret-test-secret-0123"


@pytest.mark.parametrize(
    "variants",
    [
        ["ООО «Северный свет»", "Severny Svet LLC", "OOO Severnyi svet", '"Северный Свет", ООО',
         "ООО „Северный свет“", "Общество с ограниченной ответственностью «Северный свет»",
         "LLC “Severnyy svet”", "SEVERNYI SVET LTD", "Severnyj Svet OOO"],
        ["ГБУК «Музей города»", "Muzei goroda", "Muzej Goroda GBUK",
         "Государственное бюджетное учреждение культуры «Музей города»", "МБУК Музей города"],
        ["ФГБОУ ВО «Санкт-Петербургский государственный институт культуры»",
         "Sankt-Peterburgskii gosudarstvennyi institut kultury FGBOU VO"],
        ["АНО «Белые ночи»", "ANO Belye nochi", "Автономная некоммерческая организация «Белые ночи»"],
        ["ИП Иванов", "IP Ivanov"],
        ["Nokia Oyj", "NOKIA", "Nokia"],
        ["Oy Lumo Design Ab", "Lumo Design Oy", "LUMO DESIGN AB", "lumo design"],
        ["Lego A/S", "LEGO AS", "Lego"],
        ["Kide ApS", "Kide"],
        ["Marel hf.", "Marel ehf", "Marel"],
        ['SIA "Baltic Art"', "Baltic Art SIA", "SIA „Baltic Art“"],
        ["UAB „Kultūros projektai“", "UAB Kulturos projektai", "Kultūros projektai"],
        ["Kultuuriklubi OÜ", "Kultuuriklubi OU", "OÜ Kultuuriklubi"],
        ["Art Lab r.y.", "Art Lab ry", "Art Lab"],
        ["Valo AB (publ)", "Valo AB", "Valo"],
        ["Sjöberg Film Norge ASA", "Sjoberg Film Norge AS"],
        ["Fjäll Gallery ekonomisk förening", "Fjall Gallery"],
    ],
)
def test_variants_normalise_to_one_name(variants):
    norms = {normalise_organisation(v) for v in variants}
    assert len(norms) == 1, {v: normalise_organisation(v) for v in variants}


def test_examples():
    assert normalise_organisation("ООО «Северный свет»") == "severni svet"
    assert normalise_organisation("Школа № 12") == normalise_organisation("Школа №12") == "škola 12"
    assert normalise_organisation("ООО") == "o"  # nothing but a legal form: kept, not emptied
    assert normalise_organisation("  ") is None
    assert normalise_organisation(None) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Severny Svet", "Northern Light Ltd"),  # translations are out of reach
        ("Школа №12", "Школа №13"),
        ("Hav Production", "Älv Production"),  # a generic word cannot carry a match
        ("Havet Production", "Hav Production"),
        ("Северный свет", "Северный ветер"),
        ("Kivi Arts", "Kivi Arts Tartu"),
    ],
)
def test_different_organisations_stay_apart(a, b):
    keys = resolve_organisations(pl.Series([a, b]), "RU", secret=SECRET)["organisation_key"]
    assert keys[0] != keys[1]


def test_typos_are_matched_within_country_only():
    names = pl.DataFrame(
        {
            "organisation": ["Norrsken Production", "Norrsken Prodcution AB", "NORSKEN PRODUCTION",
                             "Norrsken Production", "Kulturiklubi", "Kultuuriklubi OÜ", None],
            "country_code": ["SE", "SE", "SE", "NO", "EE", "EE", "EE"],
        }
    )
    out = resolve_organisations(names, secret=SECRET)
    assert out.height == names.height
    assert out["organisation"].to_list() == names["organisation"].to_list()  # input order
    keys = out["organisation_key"].to_list()
    assert keys[0] == keys[1] == keys[2]
    assert keys[3] != keys[0]  # same name, another country: another organisation
    assert keys[4] == keys[5]
    assert keys[6] is None
    rules = out["organisation_rule"].to_list()
    assert rules[1] == "fuzzy" and rules[3] == "exact"
    assert out["organisation_representative"][0] == "norsken producten"
    assert keys[0] == privacy.organisation_key("SE|norsken producten", SECRET)


def test_series_with_country_series():
    out = resolve_organisations(
        pl.Series(["Lumo Oy", "Lumo AB"]), pl.Series(["FI", "SE"]), secret=SECRET
    )
    assert out["organisation_norm"].to_list() == ["lumo", "lumo"]
    assert out["organisation_key"][0] != out["organisation_key"][1]


def test_similarity_rules():
    assert organisation_similarity("norsken producten", "producten norsken") == 1.0
    assert organisation_similarity("norsken producten", "norsken prodcuten") > 0.9
    assert organisation_similarity("hav producten", "alv producten") == 0.0
    assert organisation_similarity("škola 12", "škola 13") == 0.0
    assert organisation_similarity("kivi arts", "kivi arts tartu") == 0.0

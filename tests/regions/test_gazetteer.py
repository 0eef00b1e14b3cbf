"""The city gazetteer: spellings, alphabets, countries, and coverage of the demo's cities."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.demo import pools
from pipelines.demo.population import NB_NORDIC_CITIES
from pipelines.demo.programme import EVENTS
from pipelines.demo.registration_files import cp1251_safe
from pipelines.statistics import region_dimension
from pipelines.statistics.gazetteer import city_key, city_spellings, load_cities, locate_cities, locate_city
from pipelines.statistics.regions import BALTIC, NORDIC, NW_RUSSIA_DISTRICT, nuts_codes


@pytest.mark.parametrize(
    ("city", "country", "region"),
    [
        ("Petrozavodsk", "RU", "RU-KR"),
        ("Петрозаводск", "RU", "RU-KR"),
        ("г. Петрозаводск", "RU", "RU-KR"),
        ("город Петрозаводск", "RU", "RU-KR"),
        ("Petroskoi", "RU", "RU-KR"),  # the Finnish name
        ("PETROZAVODSK, Republic of Karelia", "RU", "RU-KR"),
        ("Санкт-Петербург", "RU", "RU-SPE"),
        ("St. Petersburg", "RU", "RU-SPE"),
        ("Saint-Petersburg", "RU", "RU-SPE"),
        ("СПб", "RU", "RU-SPE"),
        ("Arkhangelsk", "RU", "RU-ARK"),  # the oblast without the Nenets okrug
        ("Archangelsk", "RU", "RU-ARK"),
        ("Нарьян-Мар", "RU", "RU-NEN"),
        ("Naryan Mar", "RU", "RU-NEN"),
        ("Tromsø", "NO", "NO07"),
        ("Tromso", "NO", "NO07"),  # ø folded by a cp1251 export
        ("Тромсё", "NO", "NO07"),
        ("Тромсе", "NO", "NO07"),
        ("København", "DK", "DK01"),
        ("Copenhagen", "DK", "DK01"),
        ("Göteborg", "SE", "SE23"),
        ("Gothenburg", "SE", "SE23"),
        ("Helsingfors", "FI", "FI1B"),
        ("Helsinki / Helsingfors", "FI", "FI1B"),
        ("Åbo", "FI", "FI1C"),
        ("Reykjavik", "IS", "IS00"),
        ("Rīga", "LV", "LV00"),
        ("Вильнюс", "LT", "LT01"),
        ("Kaunas", "LT", "LT02"),
        ("Moskva", "RU", "RU-MOW"),
    ],
)
def test_spellings_map_to_the_region(city: str, country: str, region: str) -> None:
    found = locate_city(city, country)
    assert (found.region_code, found.method) == (region, "exact")


def test_matching_stays_within_the_participants_country() -> None:
    assert locate_city("Viborg", "DK").region_code == "DK04"
    assert locate_city("Viipuri", "RU").region_code == "RU-LEN"  # Vyborg
    assert locate_city("Sortavala", "FI").region_code is None
    assert locate_city("Helsinki", None).method == "unmatched"
    assert locate_city("Atlantis", "GR").method == "unmatched"


def test_a_close_misspelling_is_accepted_a_short_one_is_not() -> None:
    found = locate_city("Petrozavosk", "RU")
    assert (found.region_code, found.matched_city, found.method) == ("RU-KR", "Petrozavodsk", "fuzzy")
    assert locate_city("Oslp", "NO").method == "unmatched"
    assert locate_city("Utsjoki", "FI").method == "unmatched"


def test_city_key_ignores_case_accents_and_settlement_words() -> None:
    assert city_key("г. Санкт-Петербург") == city_key("САНКТ ПЕТЕРБУРГ") == "санкт петербург"
    assert city_key("Göteborg") == city_key("GOTEBORG") == "goteborg"
    assert city_key("Ёлкино") == "елкино"
    assert city_key("Йоэнсуу") != city_key("Иоэнсуу")  # й is a letter of its own


def test_every_city_of_the_demo_generator_is_located_exactly() -> None:
    pairs = [("RU", spelling) for cyrillic, latin in pools.RU_CITIES.values() for spelling in (cyrillic, latin)]
    pairs += [(country, city) for country, cities in pools.NORDIC_CITIES.items() for city in cities]
    pairs += [(country, city) for country, cities in NB_NORDIC_CITIES.items() for city in cities]
    pairs += [(event.country_code, event.city) for event in EVENTS if event.city]
    pairs += [(country, cp1251_safe(city)) for country, city in pairs]  # as a cp1251 export writes them
    for country, city in pairs:
        found = locate_city(city, country)
        assert found.method == "exact", (country, city)


def test_locate_cities_keeps_every_distinct_pair_and_the_unmatched() -> None:
    pairs = pl.DataFrame({
        "country_code": ["FI", "FI", "RU", "FI"],
        "city": ["Helsinki", "Helsinki", "Atlantis", None],
    })
    located = locate_cities(pairs)
    assert located.height == 3
    assert located.filter(pl.col("city") == "Atlantis")["match_method"].to_list() == ["unmatched"]
    assert located.filter(pl.col("city") == "Helsinki")["region_code"].to_list() == ["FI1B"]


def test_gazetteer_codes_exist_and_cover_the_programme_area() -> None:
    cities = load_cities()
    dimension = region_dimension()
    nuts2_2016 = {code for code in nuts_codes(2016) if len(code) == 4 and not code.endswith("ZZ")}
    russian = set(dimension.filter(pl.col("level") == "federal_subject")["region_code"])
    for row in cities.iter_rows(named=True):
        if row["country_code"] == "RU":
            assert row["region_code"] in russian, row
        else:
            assert row["region_code"] in nuts2_2016 and row["region_code"].startswith(row["country_code"]), row
        assert row["city_en"] and row["city_local"] and row["city_ru"], row
    covered = set(cities["region_code"])
    nw_subjects = set(dimension.filter(
        pl.col("parent_code") == NW_RUSSIA_DISTRICT, pl.col("level") == "federal_subject")["region_code"])
    assert {code for code in nuts2_2016 if code[:2] in NORDIC + BALTIC} <= covered
    assert nw_subjects <= covered


def test_no_spelling_names_two_regions_of_one_country() -> None:
    clashes = (
        city_spellings().group_by("country_code", "key").agg(pl.col("region_code").n_unique().alias("regions"))
        .filter(pl.col("regions") > 1)
    )
    assert clashes.height == 0, clashes.to_dicts()

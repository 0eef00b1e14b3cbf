"""A small city gazetteer: where a participant's registration city lies in the region dimension.

Registration forms ask for a city and a country, in whatever language and alphabet the
person types: «Петрозаводск», «г. Петрозаводск», «Petrozavodsk», «Petroskoi», «Tromso» (a
cp1251 export folds «ø»). ``data/cities.csv`` lists the cities of the Nordic, Baltic and
North-West Russian regions (and Moscow) with their English, local and Russian names and
extra spellings (``aliases``, ``|``-separated), each with the code of the region it lies in:
a NUTS 2 code of the **2016** version for the Nordic and Baltic countries, an ISO 3166-2
code for Russian subjects (``RU-ARK`` is Arkhangelsk Oblast without the Nenets okrug, so
Naryan-Mar is ``RU-NEN``; see :mod:`pipelines.statistics.regions`).

Matching is always within the participant's country (a «Viborg» in Denmark is not
«Vyborg» in Russia) on a spelling key (:func:`city_key`: case, accents, «ё», punctuation
and prefixes such as «г.» do not matter). When no spelling matches exactly, a close
spelling of at least :data:`FUZZY_MIN_LENGTH` characters is accepted if it scores
:data:`FUZZY_MIN_SCORE` or more and no city of another region comes close
(``method = "fuzzy"``); a name that fits two regions is left unmatched (``ambiguous``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz, process

DATA_FILE = Path(__file__).resolve().parent / "data" / "cities.csv"

CITY_SCHEMA: dict[str, pl.DataType] = {
    "city_en": pl.String(),
    "city_local": pl.String(),
    "city_ru": pl.String(),
    "aliases": pl.String(),
    "country_code": pl.String(),
    "region_code": pl.String(),
}

LOCATION_SCHEMA: dict[str, pl.DataType] = {
    "country_code": pl.String(),
    "city": pl.String(),
    "region_code": pl.String(),
    "matched_city": pl.String(),
    "match_method": pl.String(),
}
"""Output of :func:`locate_cities`: one row per distinct (country, city) asked for."""

MATCH_METHODS = ("exact", "fuzzy", "ambiguous", "unmatched")
FUZZY_MIN_SCORE = 90.0
FUZZY_MIN_LENGTH = 5
FUZZY_MARGIN = 3.0
"""A fuzzy match must beat the best spelling of any *other* region by this many points."""

# Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ß": "ss",
                       "ł": "l", "đ": "d", "ı": "i", "ё": "е"})  # fmt: skip
# Words around a city name that say "city", "town", "settlement" in the languages of the forms.
_SETTLEMENT_WORDS = frozenset({
    "г", "гор", "город", "пгт", "пос", "поселок", "п", "с", "село", "д", "деревня",
    "gorod", "g", "city", "town", "of", "kaupunki", "stad", "kommune", "kommun", "by",
})  # fmt: skip


def city_key(name: str | None) -> str:
    """The spelling key of a city name: ``"г. Санкт-Петербург"`` → ``"санкт петербург"``.

    Case-folded, accents and «ё» folded, «ø/æ/ð/þ» spelled out, punctuation and dashes
    turned into spaces, and settlement words («г.», «город», «city of», «kaupunki») dropped
    from either end. Cyrillic stays Cyrillic: Russian spellings are listed in the gazetteer.
    """
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).casefold().translate(_FOLD)
    text = "".join(_strip_accents(ch) for ch in text)
    words = re.sub(r"[^\w]+|_", " ", text).split()
    while words and words[0] in _SETTLEMENT_WORDS:
        words.pop(0)
    while words and words[-1] in _SETTLEMENT_WORDS:
        words.pop()
    return " ".join(words)


def _strip_accents(ch: str) -> str:
    """A Latin letter without its accents; Cyrillic is kept whole («й» is not «и»)."""
    if "CYRILLIC" in unicodedata.name(ch, ""):
        return ch
    return "".join(part for part in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(part))


@cache
def load_cities() -> pl.DataFrame:
    """The gazetteer as shipped: one row per city, in :data:`CITY_SCHEMA`."""
    frame = pl.read_csv(DATA_FILE, infer_schema=False)
    return frame.select(list(CITY_SCHEMA)).cast(CITY_SCHEMA)


def city_spellings() -> pl.DataFrame:
    """One row per (country, spelling key, region) with the city's English name."""
    rows = []
    for city in load_cities().iter_rows(named=True):
        names = [city["city_en"], city["city_local"], city["city_ru"]]
        names += (city["aliases"] or "").split("|")
        for key in sorted({city_key(name) for name in names if name}):
            if key:
                rows.append((city["country_code"], key, city["region_code"], city["city_en"]))
    schema = {"country_code": pl.String, "key": pl.String, "region_code": pl.String, "city_en": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row").unique(maintain_order=True)


@cache
def _index() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """country → spelling key → [(region_code, city_en)] (several entries: ambiguous)."""
    index: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for country, key, region, city in city_spellings().iter_rows():
        entries = index.setdefault(country, {}).setdefault(key, [])
        if all(existing_region != region for existing_region, _ in entries):
            entries.append((region, city))
    return index


@dataclass(frozen=True)
class CityLocation:
    """Where a registration city lies: ``region_code`` is null unless ``method`` is
    ``exact`` or ``fuzzy``; ``matched_city`` is the gazetteer's English name."""

    region_code: str | None
    matched_city: str | None
    method: str


def _candidates(city: str) -> list[str]:
    """The whole text, then its parts: «Petrozavodsk, Karelia», «Helsinki / Helsingfors»."""
    keys = [city_key(city)]
    keys += [city_key(part) for part in re.split(r"[,;/()]", city)]
    return [key for i, key in enumerate(keys) if key and key not in keys[:i]]


def locate_city(city: str | None, country_code: str | None) -> CityLocation:
    """The region of ``city`` in ``country_code`` (ISO 3166-1 alpha-2), by the rules above."""
    country = (country_code or "").strip().upper()
    spellings = _index().get(country, {})
    if not city or not spellings:
        return CityLocation(None, None, "unmatched")
    candidates = _candidates(city)
    for key in candidates:
        entries = spellings.get(key)
        if entries and len(entries) == 1:
            return CityLocation(entries[0][0], entries[0][1], "exact")
        if entries:
            return CityLocation(None, None, "ambiguous")
    for key in candidates:
        if len(key) < FUZZY_MIN_LENGTH:
            continue
        found = _fuzzy(key, spellings)
        if found is not None:
            return found
    return CityLocation(None, None, "unmatched")


def _fuzzy(key: str, spellings: dict[str, list[tuple[str, str]]]) -> CityLocation | None:
    scored = process.extract(key, list(spellings), scorer=fuzz.ratio, limit=None)
    best_by_region: dict[str, tuple[float, str]] = {}
    for spelling, score, _ in scored:
        for region, city in spellings[spelling]:
            if score > best_by_region.get(region, (-1.0, ""))[0]:
                best_by_region[region] = (score, city)
    ranked = sorted(best_by_region.items(), key=lambda item: -item[1][0])
    if not ranked or ranked[0][1][0] < FUZZY_MIN_SCORE:
        return None
    if len(ranked) > 1 and ranked[0][1][0] - ranked[1][1][0] < FUZZY_MARGIN:
        return CityLocation(None, None, "ambiguous")
    region, (_score, city) = ranked[0]
    return CityLocation(region, city, "fuzzy")


def locate_cities(pairs: pl.DataFrame) -> pl.DataFrame:
    """:func:`locate_city` for every distinct ``(country_code, city)`` row of ``pairs``.

    Returns :data:`LOCATION_SCHEMA`; unmatched cities are kept (``region_code`` null) so
    that a reader can see which spellings to add to ``cities.csv``.
    """
    distinct = pairs.select(
        pl.col("country_code").cast(pl.String), pl.col("city").cast(pl.String)
    ).unique().sort("country_code", "city", nulls_last=True)
    rows = []
    for country, city in distinct.iter_rows():
        found = locate_city(city, country)
        rows.append((country, city, found.region_code, found.matched_city, found.method))
    return pl.DataFrame(rows, schema=LOCATION_SCHEMA, orient="row")

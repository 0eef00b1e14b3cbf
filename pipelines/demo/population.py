"""The true world behind the demo files: organisations, persons and who attended what.

All randomness comes from the ``random.Random`` passed in; iteration is always over
lists or insertion-ordered dicts, never over sets, so a seed fixes the result.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from pipelines.demo import pools
from pipelines.demo.programme import EVENTS, STUDY_TRIP_LEGS, Event

# Participants by project and country (true unique participants), and persons who only
# registered and never came (not participants).
PARTICIPANTS_BY_COUNTRY: dict[str, dict[str, int]] = {
    "JC": {"RU": 184, "FI": 22, "SE": 13, "NO": 10, "EE": 8, "IS": 8, "DK": 6, "LV": 6, "LT": 5},
    "NB-CCI": {"NO": 16, "FI": 12, "SE": 8, "RU": 10},
}
REGISTERED_ONLY_BY_COUNTRY: dict[str, dict[str, int]] = {
    "JC": {"RU": 4, "FI": 1},
    "NB-CCI": {"NO": 1, "RU": 1},
}
# JC participants who also take part in NB-CCI, by country.
OVERLAP_BY_COUNTRY: dict[str, int] = {"RU": 8, "NO": 3, "FI": 3}
OVERLAP_RU_CITIES = ("murmansk", "arkhangelsk", "petrozavodsk")

NB_NORDIC_CITIES: dict[str, tuple[str, ...]] = {
    "NO": ("Kirkenes", "Tromsø", "Bodø", "Oslo"),
    "FI": ("Rovaniemi", "Oulu", "Helsinki"),
    "SE": ("Luleå", "Umeå", "Stockholm"),
}

# Share of persons by kind of organisation.
ORG_CATEGORY_WEIGHTS: dict[str, float] = {
    "cci_sme": 36, "self_employed": 12, "other_sector": 10, "ngo": 14, "public_body": 13, "education": 15,
}

# How many events of its project a person attends (before the study trip).
EVENTS_PER_PERSON: dict[str, dict[int, float]] = {
    "JC": {1: 0.66, 2: 0.22, 3: 0.08, 4: 0.03, 5: 0.01},
    "NB-CCI": {1: 0.6, 2: 0.3, 3: 0.1},
}
# Relative pull of each event (the closing conference is the big one).
EVENT_PULL: dict[str, float] = {
    "JC-E01": 1.4, "JC-E02": 1.0, "JC-E03": 1.3, "JC-E04": 0.9, "JC-E05": 1.1, "JC-E08": 1.3,
    "JC-E09": 0.9, "JC-E10": 1.0, "JC-E11": 4.0, "JC-E12": 1.0,
    "NB-CCI-E01": 1.2, "NB-CCI-E02": 1.0, "NB-CCI-E03": 1.2, "NB-CCI-E04": 1.0,
}
STUDY_TRIP_DELEGATION = 13  # Russians travelling both legs
STUDY_TRIP_HELSINKI_ONLY = 2  # Russians travelling the Helsinki leg only
STUDY_TRIP_HOSTS = {"JC-E06": {"FI": 5, "EE": 1}, "JC-E07": {"SE": 5}}

NO_SHOW_SHARE = 0.08
NO_ATTENDANCE_COLUMN_EVENTS = ("JC-E03",)  # attendee reports: everybody listed attended
NO_CONSENT = {"JC": 12, "NB-CCI": 3}


@dataclass(eq=False)
class Organisation:
    org_id: str
    country_code: str
    name_local: str  # as written in Russian-header files (Cyrillic for Russian organisations)
    name_latin: str  # as written in English / Nordic forms
    organisation_type: str
    target_group: str
    domain: str | None


@dataclass(eq=False)
class Person:
    person_id: str
    country_code: str
    sex: str  # female | male
    first_latin: str
    last_latin: str
    organisation: Organisation
    city_latin: str
    city_local: str  # Cyrillic for Russians
    email: str
    phone: str  # E.164 digits without "+"
    research_consent: bool
    home_project: str
    first_cyr: str | None = None
    last_cyr: str | None = None
    patronymic_cyr: str | None = None
    private_email: str | None = None
    registered_only: bool = False

    @property
    def is_russian(self) -> bool:
        return self.country_code == "RU"

    @property
    def target_group(self) -> str:
        return self.organisation.target_group

    @property
    def organisation_type(self) -> str:
        return self.organisation.organisation_type


@dataclass
class Attendance:
    """Who attended (a participation) and who registered but did not come, per event."""

    attended: dict[str, list[Person]] = field(default_factory=dict)
    no_show: dict[str, list[Person]] = field(default_factory=dict)


@dataclass
class World:
    organisations: list[Organisation]
    persons: list[Person]
    attendance: Attendance


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

_SPECIAL_LATIN = {"ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O",
                  "ß": "ss", "ł": "l", "Ł": "L", "đ": "d"}


def ascii_fold(text: str) -> str:
    """Latin text without diacritics (Þóra Jónsdóttir -> Thora Jonsdottir)."""
    text = "".join(_SPECIAL_LATIN.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def weighted_choice(rng: random.Random, options: dict, ) -> object:
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys], k=1)[0]


def weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items drawn without replacement with the given weights."""
    pool = list(zip(items, weights))
    chosen = []
    for _ in range(min(k, len(pool))):
        total = sum(w for _, w in pool)
        pick = rng.random() * total
        acc = 0.0
        for index, (item, weight) in enumerate(pool):
            acc += weight
            if pick < acc or index == len(pool) - 1:
                chosen.append(item)
                pool.pop(index)
                break
    return chosen


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


# --------------------------------------------------------------------------------------
# organisations
# --------------------------------------------------------------------------------------


def build_organisations() -> list[Organisation]:
    """The template organisations (sole traders are added per person later)."""
    organisations: list[Organisation] = []
    templates = [("RU", t) for t in pools.RU_ORGS] + [
        (country, t) for country, items in pools.NORDIC_ORGS.items() for t in items
    ]
    for country, (local, latin, org_type, target_group, domain) in templates:
        organisations.append(Organisation(
            org_id=f"O{len(organisations) + 1:03d}", country_code=country, name_local=local,
            name_latin=latin, organisation_type=org_type, target_group=target_group, domain=domain,
        ))
    return organisations


def _org_category(org: Organisation) -> str:
    if org.target_group == "other_sector":
        return "other_sector"
    if org.organisation_type in ("sme", "large_company"):
        return "cci_sme"
    return org.organisation_type


# --------------------------------------------------------------------------------------
# persons
# --------------------------------------------------------------------------------------


class _Registry:
    """Keeps names and e-mails unique so that identity rules can never merge two persons."""

    def __init__(self) -> None:
        self.latin_names: dict[tuple[str, str], str] = {}
        self.cyr_names: dict[tuple[str, str], str] = {}
        self.emails: dict[str, str] = {}

    def name_free(self, first_latin: str, last_latin: str, first_cyr: str | None, last_cyr: str | None) -> bool:
        key = (ascii_fold(first_latin).lower(), ascii_fold(last_latin).lower())
        if key in self.latin_names:
            return False
        return first_cyr is None or (first_cyr.lower(), last_cyr.lower()) not in self.cyr_names

    def add(self, person: Person) -> None:
        self.latin_names[(ascii_fold(person.first_latin).lower(), ascii_fold(person.last_latin).lower())] = (
            person.person_id)
        if person.first_cyr:
            self.cyr_names[(person.first_cyr.lower(), person.last_cyr.lower())] = person.person_id


def _draw_name(rng: random.Random, country: str, sex: str, registry: _Registry) -> dict:
    for _ in range(1000):
        if country == "RU":
            first_cyr, first_lat = rng.choice(pools.RU_FEMALE_FIRST if sex == "female" else pools.RU_MALE_FIRST)
            last_cyr, last_lat = rng.choice(pools.RU_SURNAMES)
            if sex == "female":
                last_cyr, last_lat = pools.ru_female_surname(last_cyr, last_lat)
            patronymic = rng.choice(pools.RU_PATRONYMICS)[0 if sex == "male" else 1]
            if registry.name_free(first_lat, last_lat, first_cyr, last_cyr):
                return {"first_latin": first_lat, "last_latin": last_lat, "first_cyr": first_cyr,
                        "last_cyr": last_cyr, "patronymic_cyr": patronymic}
        else:
            names = pools.NORDIC_NAMES[country]
            first = rng.choice(names[sex])
            last = rng.choice(names["surnames"])[0 if sex == "male" else 1]
            if registry.name_free(first, last, None, None):
                return {"first_latin": first, "last_latin": last}
    raise RuntimeError(f"name pool for {country} exhausted")


def _make_email(rng: random.Random, first: str, last: str, domain: str, registry: _Registry) -> str:
    f, l = _slug(first), _slug(last)
    patterns = [f"{f}.{l}", f"{f[0]}.{l}", f"{f}{l}", f"{l}.{f}", f"{f}_{l}", f"{l}{f[0]}"]
    local = rng.choice(patterns)
    email = f"{local}@{domain}"
    while email in registry.emails:
        email = f"{local}{rng.randint(1, 99)}@{domain}"
    return email


def _make_phone(rng: random.Random, country: str) -> str:
    code, length, prefixes = pools.PHONE_PLANS[country]
    prefix = rng.choice(prefixes)
    rest = "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix)))
    return code + prefix + rest


def _self_employed_org(person_name: dict, country: str, org_id: str) -> Organisation:
    if country == "RU":
        initials = f"{person_name['first_cyr'][0]}. {person_name['patronymic_cyr'][0]}."
        local = f"ИП {person_name['last_cyr']} {initials}"
        latin = f"Individual entrepreneur {person_name['first_latin']} {person_name['last_latin']}"
    else:
        local = latin = pools.SELF_EMPLOYED_FORMS[country].format(
            first=person_name["first_latin"], last=person_name["last_latin"])
    return Organisation(org_id=org_id, country_code=country, name_local=local, name_latin=latin,
                        organisation_type="self_employed", target_group="cci_business", domain=None)


def _pick_city(rng: random.Random, country: str, project: str) -> tuple[str, str]:
    if country == "RU":
        key = weighted_choice(rng, pools.RU_CITY_WEIGHTS[project])
        local, latin = pools.RU_CITIES[key]
        return latin, local
    cities = NB_NORDIC_CITIES.get(country) if project == "NB-CCI" else None
    city = rng.choice(cities or pools.NORDIC_CITIES[country])
    return city, city


def _make_person(rng: random.Random, person_id: str, country: str, project: str,
                 organisations: list[Organisation], registry: _Registry) -> Person:
    sex = "female" if rng.random() < (0.58 if country == "RU" else 0.5) else "male"
    name = _draw_name(rng, country, sex, registry)
    city_latin, city_local = _pick_city(rng, country, project)

    by_category: dict[str, list[Organisation]] = {}
    for org in organisations:
        if org.country_code == country and org.organisation_type != "self_employed":
            by_category.setdefault(_org_category(org), []).append(org)
    weights = {c: w for c, w in ORG_CATEGORY_WEIGHTS.items() if c == "self_employed" or c in by_category}
    category = weighted_choice(rng, weights)
    if category == "self_employed":
        org = _self_employed_org(name, country, f"O{len(organisations) + 1:03d}")
        organisations.append(org)
    else:
        org = rng.choice(by_category[category])

    if org.domain and rng.random() < 0.55:
        domain = org.domain
    else:
        domain = rng.choice(pools.PERSONAL_DOMAINS[country])
    email = _make_email(rng, name["first_latin"], name["last_latin"], domain, registry)
    person = Person(
        person_id=person_id, country_code=country, sex=sex, organisation=org,
        city_latin=city_latin, city_local=city_local, email=email, phone=_make_phone(rng, country),
        research_consent=True, home_project=project, **name,
    )
    registry.emails[email] = person_id
    registry.add(person)
    return person


def build_persons(rng: random.Random, organisations: list[Organisation]) -> list[Person]:
    registry = _Registry()
    persons: list[Person] = []

    def add(country: str, project: str, registered_only: bool) -> None:
        person = _make_person(rng, f"P{len(persons) + 1:04d}", country, project, organisations, registry)
        person.registered_only = registered_only
        persons.append(person)

    for project, mix in PARTICIPANTS_BY_COUNTRY.items():
        for country, count in mix.items():
            for _ in range(count):
                add(country, project, False)
    for project, mix in REGISTERED_ONLY_BY_COUNTRY.items():
        for country, count in mix.items():
            for _ in range(count):
                add(country, project, True)

    for project, count in NO_CONSENT.items():
        candidates = [p for p in persons if p.home_project == project and not p.registered_only]
        for person in rng.sample(candidates, count):
            person.research_consent = False
    return persons


def add_private_email(rng: random.Random, person: Person, taken: set[str]) -> str:
    """A second, private address for a person (used in one file only)."""
    f, l = _slug(person.first_latin), _slug(person.last_latin)
    domains = pools.PRIVATE_DOMAINS.get(person.country_code, pools.PRIVATE_DOMAINS["default"])
    while True:
        email = f"{f}.{l}{rng.randint(1965, 1998)}@{rng.choice(domains)}"
        if email != person.email and email not in taken:
            person.private_email = email
            return email


# --------------------------------------------------------------------------------------
# attendance
# --------------------------------------------------------------------------------------


def affinity(person: Person, event: Event) -> float:
    """How likely a person is to come to an event, relative to other events."""
    pull = EVENT_PULL.get(event.event_id, 1.0)
    if event.is_online:
        local = 1.5
    elif person.is_russian and event.country_code == "RU":
        local = 6.0 if person.city_latin == event.city else 1.0
    elif person.is_russian:
        local = 0.35
    elif person.country_code == event.country_code:
        local = 7.0
    elif event.country_code == "RU":
        local = 1.5 if event.event_id == "JC-E11" else 0.5
    else:
        local = 0.8
    return pull * local


def _draw_count(rng: random.Random, project: str) -> int:
    return int(weighted_choice(rng, EVENTS_PER_PERSON[project]))


def assign_attendance(rng: random.Random, persons: list[Person]) -> Attendance:
    attendance = Attendance(
        attended={e.event_id: [] for e in EVENTS}, no_show={e.event_id: [] for e in EVENTS})
    chosen: dict[str, list[str]] = {p.person_id: [] for p in persons}

    def attend(person: Person, event_id: str) -> None:
        if event_id not in chosen[person.person_id]:
            chosen[person.person_id].append(event_id)

    participants = [p for p in persons if not p.registered_only]
    generic_events = {
        project: [e for e in EVENTS if e.project_id == project and e.event_id not in STUDY_TRIP_LEGS]
        for project in PARTICIPANTS_BY_COUNTRY
    }

    # 1. every participant attends k events of their own project
    for person in participants:
        events = generic_events[person.home_project]
        k = _draw_count(rng, person.home_project)
        for event in weighted_sample(rng, events, [affinity(person, e) for e in events], k):
            attend(person, event.event_id)

    # 2. the study trip: a Russian delegation on both legs, local hosts on one leg
    jc_russians = [p for p in participants if p.home_project == "JC" and p.is_russian]
    trip_weight = {"cci_business": 2.0, "support_organisation": 2.0, "education": 1.0, "other_sector": 0.5}
    delegation = weighted_sample(rng, jc_russians, [trip_weight[p.target_group] for p in jc_russians],
                                 STUDY_TRIP_DELEGATION + STUDY_TRIP_HELSINKI_ONLY)
    for index, person in enumerate(delegation):
        attend(person, "JC-E06")
        if index < STUDY_TRIP_DELEGATION:
            attend(person, "JC-E07")
    for event_id, hosts in STUDY_TRIP_HOSTS.items():
        for country, count in hosts.items():
            locals_ = [p for p in participants if p.home_project == "JC" and p.country_code == country]
            for person in rng.sample(locals_, min(count, len(locals_))):
                attend(person, event_id)

    # 3. some JC participants also take part in NB-CCI
    for country, count in OVERLAP_BY_COUNTRY.items():
        candidates = [p for p in participants if p.home_project == "JC" and p.country_code == country
                      and (country != "RU" or any(p.city_latin == pools.RU_CITIES[c][1]
                                                  for c in OVERLAP_RU_CITIES))]
        nb_events = generic_events["NB-CCI"]
        for person in rng.sample(candidates, count):
            k = _draw_count(rng, "NB-CCI")
            for event in weighted_sample(rng, nb_events, [affinity(person, e) for e in nb_events], k):
                attend(person, event.event_id)

    event_order = {e.event_id: i for i, e in enumerate(EVENTS)}
    for person in persons:
        for event_id in sorted(chosen[person.person_id], key=event_order.__getitem__):
            attendance.attended[event_id].append(person)

    # 4. no-shows: registered-only persons first, then participants who skipped the event
    for person in [p for p in persons if p.registered_only]:
        events = [e for e in generic_events[person.home_project]
                  if e.event_id not in NO_ATTENDANCE_COLUMN_EVENTS]
        event = weighted_sample(rng, events, [affinity(person, e) for e in events], 1)[0]
        attendance.no_show[event.event_id].append(person)
    for event in EVENTS:
        if event.event_id in NO_ATTENDANCE_COLUMN_EVENTS:
            continue
        wanted = max(1, round(NO_SHOW_SHARE * len(attendance.attended[event.event_id])))
        missing = wanted - len(attendance.no_show[event.event_id])
        if missing <= 0:
            continue
        taken = {p.person_id for p in attendance.attended[event.event_id] + attendance.no_show[event.event_id]}
        candidates = [p for p in participants if p.home_project == event.project_id and p.person_id not in taken]
        attendance.no_show[event.event_id].extend(
            weighted_sample(rng, candidates, [affinity(p, event) for p in candidates], missing))
    return attendance


def build_world(rng: random.Random) -> World:
    organisations = build_organisations()
    persons = build_persons(rng, organisations)
    attendance = assign_attendance(rng, persons)
    return World(organisations=organisations, persons=persons, attendance=attendance)


def participation_date(event: Event) -> date:
    return event.start_date

"""A programme-sized synthetic data set: up to 1,000 projects, 100,000 events, 10 million
participations and 2 million persons, in the raw layout the pipeline reads.

``generate_programme(data_dir, participations=N)`` writes ``raw/programme/projects.csv``,
``raw/events/events.csv``, ``raw/registrations/<event_id>/<file>``, ``raw/SYNTHETIC.md``
(plus the demo's statistics and policy-survey files, so the whole graph has its inputs) and
the ground truth under ``ground_truth/`` (``programme_ground_truth.json`` with the headline
counts, ``programme_files.parquet`` per registration file, ``programme_participations.parquet``
and ``programme_persons.parquet``), which the pipeline never reads.

The shape follows N (the number of true participations): N/10,000 projects (2–1,000),
N/100 events (10–100,000), N/5 persons (≤ 2,000,000); one export per event, a few events
with two (one list per day).  The exports are as messy as the demo set's: CSV in UTF-8,
UTF-8 with BOM and cp1251 (semicolons), a small number of XLSX files with title rows;
Russian, English, Finnish and Swedish headers and values; Russians in Cyrillic in Russian
lists and in Latin elsewhere; e-mail case and spaces; upper-cased surnames; «ФИО» in one
column; no-shows, second registrations, exact duplicate rows, and rows to quarantine (test
entries, empty rows, malformed e-mails, unknown countries, unreadable dates, rows without a
name or e-mail).

Ground-truth definitions are the demo's (``pipelines.demo.generator``): a participation is a
distinct (person, event) with a staged row that says attended (or whose file has no
attendance column); unique participants of a project are the distinct persons with a
participation in its events.  Every person has one e-mail address, written in all of their
registrations, and no two persons of one organisation share a name, so a correct identity
resolution recovers the true persons exactly.

Everything is vectorised (numpy, polars); files are written from a thread pool.  The same
seed and N give the same files.
"""

from __future__ import annotations

import io
import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from pipelines.demo import pools, vocab
from pipelines.demo.population import ascii_fold

DEFAULT_SEED = 2016
GENERATOR_VERSION = 1  # bump when the output for a given seed and N changes
MARKER_FILE = "SYNTHETIC.md"
GROUND_TRUTH_DIR = "ground_truth"
TRUTH_FILE = "programme_ground_truth.json"
FILES_TRUTH = "programme_files.parquet"
PARTICIPATIONS_TRUTH = "programme_participations.parquet"
PERSONS_TRUTH = "programme_persons.parquet"
ORGANISATIONS_TRUTH = "programme_organisations.parquet"

MAX_PROJECTS = 1_000
MAX_EVENTS = 100_000
MAX_PERSONS = 2_000_000
MAX_XLSX_FILES = 150  # XLSX is slow to write and to read: a small share at large scale
RENDER_CHUNK_ROWS = 400_000  # rows rendered at a time (whole files), to bound the generator's memory

COUNTRY_WEIGHTS = {"RU": 0.40, "FI": 0.16, "SE": 0.10, "NO": 0.10, "EE": 0.06, "DK": 0.05, "LV": 0.05,
                   "LT": 0.05, "IS": 0.03}
COUNTRIES = tuple(COUNTRY_WEIGHTS)

# Extra registration rows, as shares of the participations.
NO_SHOW_SHARE = 0.07  # registered, marked as not attended
SECOND_REGISTRATION_SHARE = 0.02  # the same person twice in one list (another date)
EXACT_DUPLICATE_SHARE = 0.01  # a row exported twice (quarantined as duplicate_in_file)
QUARANTINE_SHARES = {  # rows the reader must quarantine, one reason each
    "test_record": 0.002,
    "empty_row": 0.001,
    "bad_email": 0.003,
    "unknown_country": 0.0015,
    "unparseable_date": 0.001,
    "missing_name": 0.0005,
}
REFUSED_CONSENT_SHARE = 0.03
TWO_LISTS_SHARE = 0.02  # events whose registrations come in two files (one per day)


@dataclass(frozen=True)
class ProgrammeShape:
    participations: int
    projects: int
    events: int
    persons: int

    @classmethod
    def for_participations(cls, participations: int) -> ProgrammeShape:
        if participations < 200:
            raise ValueError("a programme needs at least 200 participations")
        projects = int(min(MAX_PROJECTS, max(2, round(participations / 10_000))))
        events = int(min(MAX_EVENTS, max(10, round(participations / 100))))
        persons = int(min(MAX_PERSONS, max(50, round(participations / 5))))
        return cls(participations, projects, events, persons)


@dataclass
class ProgrammeSummary:
    """What a generation wrote (or found already written)."""

    data_dir: Path
    seed: int
    generated: bool
    shape: ProgrammeShape
    registration_files: int
    xlsx_files: int
    registration_rows: int
    unique_participants: int
    participations: int
    seconds: float
    ground_truth_path: Path
    projects: dict[str, dict[str, int]] = field(default_factory=dict)

    def __str__(self) -> str:
        verb = "generated" if self.generated else "kept (already present)"
        return (
            f"Synthetic programme {verb} in {self.data_dir / 'raw'} in {self.seconds:.1f} s: "
            f"{self.shape.projects} projects, {self.shape.events} events, {self.registration_files} "
            f"registration files ({self.xlsx_files} XLSX), {self.registration_rows} registration rows, "
            f"{self.participations} participations of {self.unique_participants} unique participants "
            f"(ground truth: {self.ground_truth_path})"
        )


# --------------------------------------------------------------------------------------
# file layouts: how one tool or hand-kept list writes its export
# --------------------------------------------------------------------------------------

HEADERS_RU = {
    "no": "№", "last": "Фамилия", "first": "Имя", "patronymic": "Отчество", "fio": "ФИО",
    "email": "Электронная почта", "phone": "Телефон", "org": "Организация", "org_type": "Тип организации",
    "country": "Страна", "city": "Город", "target_group": "Целевая группа", "sex": "Пол",
    "registered": "Дата регистрации", "attended": "Присутствовал",
    "consent": "Согласие на обработку данных для исследований",
}
HEADERS_EN = {
    "first": "First name", "last": "Last name", "email": "Email", "phone": "Phone", "org": "Organisation",
    "org_type": "Organisation type", "country": "Country", "city": "City", "target_group": "Target group",
    "registered": "Registered", "attended": "Attended", "consent": "Research consent",
}
HEADERS_FI = {
    "last": "Sukunimi", "first": "Etunimi", "email": "Sähköposti", "phone": "Puhelin", "org": "Organisaatio",
    "org_type": "Organisaation tyyppi", "country": "Maa", "city": "Kaupunki", "target_group": "Kohderyhmä",
    "registered": "Ilmoittautumispäivä", "attended": "Osallistui", "consent": "Tutkimuslupa",
}
HEADERS_SV = {
    "last": "Efternamn", "first": "Förnamn", "email": "E-post", "phone": "Telefon", "org": "Organisation",
    "org_type": "Organisationstyp", "country": "Land", "city": "Stad", "target_group": "Målgrupp",
    "sex": "Kön", "registered": "Anmäld", "attended": "Deltog", "consent": "Samtycke till forskning",
}
HEADERS_EN_WEBINAR = {
    "first": "First Name", "last": "Last Name", "email": "Email", "org": "Organization",
    "org_type": "Organization Type", "country": "Country", "city": "City", "target_group": "Target Group",
    "registered": "Registration Date", "consent": "Research Consent",
}
HEADERS_EN_SHORT = {
    "last": "Surname", "first": "First name", "email": "E-mail address", "org": "Organisation",
    "org_type": "Org. type", "country": "Country", "city": "City", "target_group": "Target group",
    "registered": "Date registered", "attended": "Participated", "consent": "Consent",
}


@dataclass(frozen=True)
class Layout:
    name: str
    container: str  # csv | xlsx
    lang: str  # language of free-text values (ru | en | fi | sv)
    fields: tuple[str, ...]
    headers: dict[str, str]
    share: float  # share of CSV events written in this layout (XLSX: see MAX_XLSX_FILES)
    filename: str  # pattern with {event}
    cyrillic: bool = False  # Russians (names, cities, organisations) in Cyrillic
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1251
    delimiter: str = ","
    date_style: str = "iso"
    yes_no: str = "en"
    country_style: str = "en"  # ru | en | en_mixed | fi | sv | iso
    sex_style: str | None = None
    title_rows: tuple[str, ...] = ()

    @property
    def numbered(self) -> bool:
        return "no" in self.fields

    @property
    def has_attendance(self) -> bool:
        return "attended" in self.fields


RU_FIELDS = ("last", "first", "patronymic", "email", "phone", "org", "org_type", "country", "city",
             "target_group", "sex", "registered", "attended", "consent")

LAYOUTS: tuple[Layout, ...] = (
    Layout("ru_cp1251", "csv", "ru", RU_FIELDS, HEADERS_RU, 0.20, "registraciya_{event}.csv", cyrillic=True,
           encoding="cp1251", delimiter=";", date_style="dmy_dot", yes_no="ru", country_style="ru", sex_style="ru"),
    Layout("ru_fio", "csv", "ru",
           ("no", "fio", "org", "org_type", "city", "country", "target_group", "email", "phone", "registered",
            "attended", "consent"), HEADERS_RU, 0.10, "uchastniki_{event}.csv", cyrillic=True, delimiter=";",
           date_style="dmy_dot", yes_no="num", country_style="ru"),
    Layout("en_form", "csv", "en",
           ("first", "last", "email", "phone", "org", "org_type", "country", "city", "target_group", "registered",
            "attended", "consent"), HEADERS_EN, 0.25, "{event}_registrations.csv", country_style="en_mixed"),
    Layout("fi_bom", "csv", "fi",
           ("last", "first", "email", "phone", "org", "org_type", "country", "city", "target_group", "registered",
            "attended", "consent"), HEADERS_FI, 0.12, "{event}_osallistujat.csv", encoding="utf-8-sig",
           delimiter=";", date_style="dmy_dot_nopad", yes_no="fi", country_style="fi"),
    Layout("sv_form", "csv", "sv",
           ("first", "last", "email", "org", "org_type", "country", "city", "target_group", "sex", "registered",
            "attended", "consent"), HEADERS_SV, 0.10, "{event}_deltagare.csv", yes_no="sv", country_style="sv",
           sex_style="sv"),
    Layout("en_webinar", "csv", "en",
           ("first", "last", "email", "org", "org_type", "country", "city", "target_group", "registered",
            "consent"), HEADERS_EN_WEBINAR, 0.13, "{event}_webinar_attendees.csv", yes_no="en_cap",
           country_style="iso"),
    Layout("en_short", "csv", "en",
           ("last", "first", "email", "org", "org_type", "country", "city", "target_group", "registered",
            "attended", "consent"), HEADERS_EN_SHORT, 0.10, "{event}_list.csv", date_style="dmy_slash_yy",
           yes_no="num", country_style="en"),
    Layout("ru_xlsx", "xlsx", "ru",
           ("no", "last", "first", "patronymic", "org", "org_type", "target_group", "country", "city", "email",
            "phone", "registered", "attended", "consent"), HEADERS_RU, 0.0, "spisok_{event}.xlsx", cyrillic=True,
           yes_no="x", country_style="ru",
           title_rows=("Список участников мероприятия {event}", "Синтетические данные (SYNTHETIC)")),
)
LAYOUT_INDEX = {layout.name: i for i, layout in enumerate(LAYOUTS)}

# Organisations are invented from these words; (Cyrillic, Latin) for Russian ones.
RU_ORG_WORDS_A = (
    ("Северный", "Severny"), ("Белое море", "Beloe More"), ("Онежский", "Onezhsky"), ("Поморский", "Pomorsky"),
    ("Ладожский", "Ladozhsky"), ("Карельский", "Karelsky"), ("Арктический", "Arktichesky"), ("Полярный", "Polyarny"),
    ("Кижский", "Kizhsky"), ("Беломорский", "Belomorsky"), ("Кольский", "Kolsky"), ("Двинский", "Dvinsky"),
    ("Валдайский", "Valdaisky"), ("Невский", "Nevsky"), ("Печорский", "Pechorsky"), ("Мезенский", "Mezensky"),
)
RU_ORG_WORDS_B = (
    ("свет", "Svet"), ("дизайн", "Dizain"), ("медиа", "Media"), ("ремёсла", "Remesla"), ("графика", "Grafika"),
    ("звук", "Zvuk"), ("фильм", "Film"), ("театр", "Teatr"), ("музей", "Muzei"), ("студия", "Studiya"),
    ("мастерская", "Masterskaya"), ("галерея", "Galereya"), ("архитектура", "Arkhitektura"), ("мода", "Moda"),
    ("книга", "Kniga"), ("фото", "Foto"), ("танец", "Tanets"), ("игры", "Igry"),
)
RU_ORG_FORMS = {  # organisation type -> (Cyrillic form, Latin form)
    "sme": ("ООО", "LLC"), "large_company": ("АО", "JSC"), "ngo": ("АНО", "ANO"),
    "public_body": ("ГБУК", "State institution"), "education": ("Колледж", "College"),
}
NORDIC_ORG_WORDS_A = ("Revontuli", "Norrsken", "Nordlys", "Havblik", "Polaris", "Kaamos", "Fjordlys", "Taiga",
                      "Aurora", "Kuura", "Saimaa", "Dzintars", "Meripiha", "Borealis", "Tundra", "Jokull")
NORDIC_ORG_WORDS_B = ("Design", "Media", "Studio", "Games", "Film", "Sound", "Crafts", "Theatre", "Gallery",
                      "Architecture", "Fashion", "Books", "Photo", "Dance", "Works", "Lab")
NORDIC_ORG_FORMS = {
    "FI": {"sme": "Oy", "large_company": "Oyj", "ngo": "ry", "public_body": "kulttuurikeskus", "education": "akatemia"},
    "SE": {"sme": "AB", "large_company": "AB (publ)", "ngo": "förening", "public_body": "kulturförvaltning",
           "education": "högskola"},
    "NO": {"sme": "AS", "large_company": "ASA", "ngo": "forening", "public_body": "kulturkontor", "education": "akademi"},
    "DK": {"sme": "ApS", "large_company": "A/S", "ngo": "forening", "public_body": "kulturhus", "education": "skole"},
    "IS": {"sme": "ehf.", "large_company": "hf.", "ngo": "félag", "public_body": "menningarhús", "education": "skóli"},
    "EE": {"sme": "OÜ", "large_company": "AS", "ngo": "MTÜ", "public_body": "keskus", "education": "kool"},
    "LV": {"sme": "SIA", "large_company": "AS", "ngo": "biedrība", "public_body": "centrs", "education": "skola"},
    "LT": {"sme": "UAB", "large_company": "AB", "ngo": "asociacija", "public_body": "centras", "education": "mokykla"},
}
ORG_TYPE_WEIGHTS = {"sme": 0.50, "ngo": 0.17, "public_body": 0.15, "education": 0.13, "large_company": 0.05}
TARGET_GROUP_OF_TYPE = {"sme": "cci_business", "large_company": "other_sector", "ngo": "support_organisation",
                        "public_body": "support_organisation", "education": "education"}

PROJECT_THEMES = ("Creative industries without borders", "Design for the North", "Barents culture lab",
                  "Nordic-Russian film bridge", "Crafts and tourism", "Music export accelerator",
                  "Museum innovation network", "Games across the Baltic", "Cultural entrepreneurship school",
                  "Architecture and heritage exchange")
EVENT_KINDS_TEXT = {"public_event": ("Seminar", "Workshop", "Conference", "Webinar", "Round table", "Festival day"),
                    "joint_action": ("Study trip", "B2B matchmaking", "Joint exhibition", "Co-production lab")}


# --------------------------------------------------------------------------------------
# public entry points
# --------------------------------------------------------------------------------------


def generate_programme(
    data_dir: Path,
    participations: int,
    seed: int = DEFAULT_SEED,
    *,
    overwrite: bool = False,
    include_reference_files: bool = True,
    xlsx_files: int | None = None,
    workers: int = 4,
    progress: bool = True,
) -> ProgrammeSummary:
    """Write a synthetic programme with ``participations`` true participations under ``data_dir``.

    An existing programme of the same seed, size and generator version is kept (its summary is
    read back); a different synthetic set is replaced only with ``overwrite``; a raw directory
    without ``SYNTHETIC.md`` (real data) is never touched.  ``include_reference_files`` adds the
    demo's statistics and policy-survey files; ``xlsx_files`` caps the XLSX exports (default:
    2 % of the events, at most 150); ``workers`` threads write the files.
    """
    started = time.perf_counter()
    data_dir = Path(data_dir)
    raw = data_dir / "raw"
    truth_path = data_dir / GROUND_TRUTH_DIR / TRUTH_FILE
    shape = ProgrammeShape.for_participations(participations)
    if (raw / MARKER_FILE).exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8")) if truth_path.exists() else {}
        same = truth.get("generator_version") == GENERATOR_VERSION and truth.get("seed") == seed and (
            truth.get("shape", {}).get("participations") == participations) and not truth.get("events_added")
        if same and not overwrite:
            return summary_from_truth(data_dir, truth, generated=False, seconds=time.perf_counter() - started)
        if not overwrite:
            described = f"{truth.get('shape')}, seed {truth.get('seed')}" if truth else "the demo set or another"
            raise FileExistsError(f"{raw} holds another synthetic set ({described}); pass overwrite to replace it")
    elif raw.exists() and any(p.is_file() for p in raw.rglob("*") if p.name != "README.md"):
        raise FileExistsError(f"{raw} holds files that are not synthetic (no {MARKER_FILE}); refusing to mix")
    for sub in ("programme", "events", "registrations", "statistics", "surveys"):
        shutil.rmtree(raw / sub, ignore_errors=True)
    shutil.rmtree(data_dir / GROUND_TRUTH_DIR, ignore_errors=True)

    say = _Progress(progress)
    rng = np.random.default_rng([seed, GENERATOR_VERSION, participations])
    projects = _projects(rng, shape)
    events = _events(rng, shape, projects)
    orgs = _organisations(rng, shape)
    persons = _persons(rng, shape, orgs)
    say(f"registries and {persons.height} persons")
    participation_pairs = _participations(rng, shape, events, persons)
    say(f"{participation_pairs.height} participations")
    event_files = _assign_files(rng, events, xlsx_files)
    rows = _registration_rows(rng, participation_pairs, events, event_files, persons)
    say(f"{rows.height} registration rows planned")

    raw.mkdir(parents=True, exist_ok=True)
    (raw / MARKER_FILE).write_text(_synthetic_md(seed, shape), encoding="utf-8")
    _write_registries(raw, projects, events)
    written = write_registration_files(raw, rows, persons, orgs, event_files, events, workers=workers, seed=seed)
    say(f"{written} registration files written")
    if include_reference_files:
        _write_reference_files(raw, seed)

    truth = _ground_truth(seed, shape, projects, events, event_files, rows)
    _write_truth(data_dir, rows, events, event_files, persons, orgs)
    seconds = time.perf_counter() - started
    truth["generation_seconds"] = round(seconds, 2)
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    say(f"ground truth written; {seconds:.1f} s in all")
    return summary_from_truth(data_dir, truth, generated=True, seconds=seconds)


def summary_from_truth(data_dir: Path, truth: dict, *, generated: bool, seconds: float) -> ProgrammeSummary:
    programme = truth["programme"]
    return ProgrammeSummary(
        data_dir=Path(data_dir),
        seed=truth["seed"],
        generated=generated,
        shape=ProgrammeShape(**truth["shape"]),
        registration_files=programme["registration_files"],
        xlsx_files=programme["xlsx_files"],
        registration_rows=programme["registration_rows"],
        unique_participants=programme["unique_participants"],
        participations=programme["participations"],
        seconds=seconds,
        ground_truth_path=Path(data_dir) / GROUND_TRUTH_DIR / TRUTH_FILE,
        projects={pid: {k: p[k] for k in ("unique_participants", "participations", "events")}
                  for pid, p in truth["projects"].items()},
    )


def read_ground_truth(data_dir: Path) -> dict:
    return json.loads((Path(data_dir) / GROUND_TRUTH_DIR / TRUTH_FILE).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class AddedEvent:
    event_id: str
    project_id: str
    source_file: str  # relative to raw/
    rows: int
    participations: int
    new_persons: int


def add_event_export(data_dir: Path, rows: int = 10_000, *, returning_share: float = 0.6,
                     seed: int = DEFAULT_SEED) -> AddedEvent:
    """Add one new event to a generated programme, with its registration export of ``rows`` rows
    (CSV, English form layout; ``returning_share`` of them persons already in the programme, the
    rest new persons), appended to events.csv; the ground truth is updated to match."""
    data_dir = Path(data_dir)
    raw = data_dir / "raw"
    truth_dir = data_dir / GROUND_TRUTH_DIR
    truth = read_ground_truth(data_dir)
    added = truth.setdefault("events_added", [])
    rng = np.random.default_rng([seed, GENERATOR_VERSION, truth["shape"]["participations"], 7919, len(added)])
    persons = pl.read_parquet(truth_dir / PERSONS_TRUTH)
    orgs = pl.read_parquet(truth_dir / ORGANISATIONS_TRUTH)
    events = pl.read_csv(raw / "events" / "events.csv", infer_schema=False)
    projects = pl.read_csv(raw / "programme" / "projects.csv", infer_schema=False)
    project = projects.row(int(rng.integers(0, projects.height)), named=True)
    event_id = f"{project['project_id']}-X{len(added) + 1:03d}"
    if event_id in set(events["event_id"]):
        raise FileExistsError(f"event {event_id} already exists")
    start = date.fromisoformat(project["end_date"]) - timedelta(days=int(rng.integers(0, 20)))

    returning = min(int(round(rows * returning_share)), persons.height)
    new = rows - returning
    chosen = rng.choice(persons.height, size=returning, replace=False)
    # newcomers work in organisations new to the programme (a growing programme reaches new ones)
    new_orgs = _organisations(rng, ProgrammeShape(new * 5, 2, 10, new), first_id=int(orgs["org"].max()) + 1,
                              tag=f"X{len(added) + 1}")
    new_persons = _persons(rng, ProgrammeShape(new * 5, 2, 10, new), new_orgs, first_id=persons.height,
                           email_tag=f"x{len(added) + 1}", taken=persons)
    orgs = pl.concat([orgs, new_orgs])
    persons = pl.concat([persons, new_persons])
    person_ids = np.concatenate([chosen, np.arange(persons.height - new, persons.height)])

    layout = LAYOUTS[LAYOUT_INDEX["en_form"]]
    event_row = {"event_id": event_id, "project_id": project["project_id"], "title": f"Final forum {event_id}",
                 "start_date": start.isoformat(), "end_date": start.isoformat(), "city": "Helsinki",
                 "country_code": "FI", "format": "in_person", "event_kind": "public_event"}
    file_name = layout.filename.format(event=event_id.lower())
    event_files = pl.DataFrame({
        "file_id": [0], "event_idx": [0], "event_id": [event_id], "layout": [LAYOUT_INDEX["en_form"]],
        "source_file": [f"registrations/{event_id}/{file_name}"], "part": [0], "parts": [1],
    }, schema_overrides={"file_id": pl.Int32, "event_idx": pl.Int32, "layout": pl.Int8, "part": pl.Int8,
                         "parts": pl.Int8})
    one_event = pl.DataFrame({"event_idx": [0], "event_id": [event_id], "project_id": [project["project_id"]],
                              "start_date": [start]}, schema_overrides={"event_idx": pl.Int32})
    frame = pl.DataFrame({"person": person_ids.astype(np.int32), "event_idx": np.zeros(rows, dtype=np.int32)})
    plan = _registration_rows(rng, frame, one_event, event_files, persons, extras=False)
    write_registration_files(raw, plan, persons, orgs, event_files, one_event, workers=1, seed=seed)
    with open(raw / "events" / "events.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(_csv_line(list(event_row.values())))

    counted = plan.filter(pl.col("counts"))
    known = set(pl.read_parquet(truth_dir / PARTICIPATIONS_TRUTH)["person"].unique().to_list())
    newcomers = len(set(counted["person"].unique().to_list()) - known)
    pairs = counted.select("person", pl.lit(event_id).alias("event_id"),
                           pl.lit(project["project_id"]).alias("project_id")).unique(maintain_order=True)
    pl.concat([pl.read_parquet(truth_dir / PARTICIPATIONS_TRUTH), pairs]).write_parquet(truth_dir / PARTICIPATIONS_TRUTH)
    persons.write_parquet(truth_dir / PERSONS_TRUTH)
    orgs.write_parquet(truth_dir / ORGANISATIONS_TRUTH)
    all_pairs = pl.read_parquet(truth_dir / PARTICIPATIONS_TRUTH)
    truth["programme"]["participations"] = all_pairs.height
    truth["programme"]["unique_participants"] = all_pairs["person"].n_unique()
    truth["programme"]["registration_rows"] += plan.height
    truth["programme"]["registration_files"] += 1
    in_project = all_pairs.filter(pl.col("project_id") == project["project_id"])
    truth["projects"][project["project_id"]].update(
        participations=in_project.height, unique_participants=in_project["person"].n_unique(),
        events=truth["projects"][project["project_id"]]["events"] + 1)
    summary = AddedEvent(event_id, project["project_id"], f"registrations/{event_id}/{file_name}", plan.height,
                         pairs.height, newcomers)
    added.append(asdict(summary))
    (truth_dir / TRUTH_FILE).write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    files_truth = pl.read_parquet(truth_dir / FILES_TRUTH)
    pl.concat([files_truth, _files_truth(plan, event_files)], how="diagonal_relaxed").fill_null(0).write_parquet(
        truth_dir / FILES_TRUTH)
    return summary


# --------------------------------------------------------------------------------------
# registries
# --------------------------------------------------------------------------------------


def _projects(rng: np.random.Generator, shape: ProgrammeShape) -> pl.DataFrame:
    n = shape.projects
    ids = ["JC"] + [f"CCI-{i:04d}" for i in range(2, n + 1)]
    starts = [date(2016, 2, 1)]
    ends = [date(2017, 4, 30)]
    month0 = rng.integers(0, 9 * 12, size=n)  # 2014-01 … 2022-12
    length = rng.integers(12, 37, size=n)
    for i in range(1, n):
        y, m = divmod(int(month0[i]), 12)
        start = date(2014 + y, m + 1, 1)
        ey, em = divmod(int(month0[i]) + int(length[i]), 12)
        ends.append(date(2014 + ey, em + 1, 1) - timedelta(days=1))
        starts.append(start)
    lead_country = rng.choice(list(COUNTRIES), size=n, p=list(COUNTRY_WEIGHTS.values()))
    lead_country[0] = "RU"
    names = ["Joining Creativity"] + [
        f"{PROJECT_THEMES[int(rng.integers(0, len(PROJECT_THEMES)))]} {i:04d} (synthetic)" for i in range(2, n + 1)
    ]
    leads = ["Karelian Resource Center of NGOs (КРЦОО), Petrozavodsk"] + [
        f"Synthetic lead organisation {i:04d} ({lead_country[i - 1]})" for i in range(2, n + 1)
    ]
    expected_unique = shape.persons / n
    targets = np.maximum(50, np.round(expected_unique * rng.uniform(0.6, 0.9, size=n) / 10) * 10).astype(int)
    targets[0] = 200
    return pl.DataFrame({
        "project_id": ids,
        "project_name": names,
        "programme": "Nordic Council of Ministers: co-operation with North-West Russia (synthetic programme)",
        "funder": "Nordic Council of Ministers",
        "lead_organisation": leads,
        "start_date": starts,
        "end_date": ends,
        "participant_target": targets,
        "lead_country": lead_country,
    })


def _events(rng: np.random.Generator, shape: ProgrammeShape, projects: pl.DataFrame) -> pl.DataFrame:
    n_projects = projects.height
    counts = rng.multinomial(shape.events - 5 * n_projects, np.full(n_projects, 1 / n_projects)) + 5
    project_idx = np.repeat(np.arange(n_projects), counts)
    n = len(project_idx)
    starts = projects["start_date"].to_numpy().astype("datetime64[D]")
    ends = projects["end_date"].to_numpy().astype("datetime64[D]")
    span = (ends - starts).astype(int)[project_idx]
    start = starts[project_idx] + (rng.random(n) * (span - 2)).astype(int).astype("timedelta64[D]")
    duration = rng.choice([0, 0, 0, 1, 2], size=n).astype("timedelta64[D]")
    fmt = rng.choice(["in_person", "online", "hybrid"], size=n, p=[0.7, 0.2, 0.1])
    kind = rng.choice(["public_event", "joint_action"], size=n, p=[0.8, 0.2])
    lead = projects["lead_country"].to_numpy()[project_idx]
    home = rng.random(n) < 0.5
    country = np.where(home | (fmt == "online"), lead,
                       rng.choice(list(COUNTRIES), size=n, p=list(COUNTRY_WEIGHTS.values())))
    city = np.array([_city_latin(c, int(k)) for c, k in zip(country, rng.integers(0, 1000, size=n))], dtype=object)
    city[fmt == "online"] = ""
    order = np.lexsort((start, project_idx))
    frame = pl.DataFrame({
        "project_idx": project_idx[order].astype(np.int32),
        "project_id": projects["project_id"].to_numpy()[project_idx[order]],
        "start_date": start[order],
        "end_date": (start + duration)[order],
        "city": city[order],
        "country_code": country[order],
        "format": fmt[order],
        "event_kind": kind[order],
        "kind_word": rng.integers(0, 6, size=n),
    }).with_columns(pl.col("start_date").cast(pl.Date), pl.col("end_date").cast(pl.Date))
    frame = frame.with_columns(
        (pl.col("project_id") + "-E" + (pl.int_range(pl.len()).over("project_id") + 1).cast(pl.String).str.zfill(3))
        .alias("event_id")
    )
    kinds = pl.col("event_kind")
    title_word = pl.when(kinds == "joint_action").then(
        (pl.col("kind_word") % 4).replace_strict(dict(enumerate(EVENT_KINDS_TEXT["joint_action"])),
                                                  return_dtype=pl.String)
    ).otherwise(
        pl.col("kind_word").replace_strict(dict(enumerate(EVENT_KINDS_TEXT["public_event"])), return_dtype=pl.String)
    )
    return frame.with_columns(
        pl.concat_str([title_word, pl.lit(" "), pl.col("event_id"),
                       pl.when(pl.col("city") != "").then(pl.lit(", ") + pl.col("city")).otherwise(pl.lit(""))])
        .alias("title"),
    ).with_row_index("event_idx").with_columns(pl.col("event_idx").cast(pl.Int32)).drop("kind_word")


def _city_latin(country: str, k: int) -> str:
    if country == "RU":
        keys = list(pools.RU_CITIES)
        return pools.RU_CITIES[keys[k % len(keys)]][1]
    cities = pools.NORDIC_CITIES[country]
    return cities[k % len(cities)]


def _write_registries(raw: Path, projects: pl.DataFrame, events: pl.DataFrame) -> None:
    (raw / "programme").mkdir(parents=True, exist_ok=True)
    (raw / "events").mkdir(parents=True, exist_ok=True)
    projects.select("project_id", "project_name", "programme", "funder", "lead_organisation", "start_date",
                    "end_date", "participant_target").write_csv(raw / "programme" / "projects.csv")
    events.select("event_id", "project_id", "title", "start_date", "end_date", "city", "country_code", "format",
                  "event_kind").write_csv(raw / "events" / "events.csv")


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    pl.DataFrame([values], orient="row").write_csv(buffer, include_header=False)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------
# organisations and persons
# --------------------------------------------------------------------------------------


def _organisations(rng: np.random.Generator, shape: ProgrammeShape, *, first_id: int = 0, tag: str = "") -> pl.DataFrame:
    """About one organisation per six persons, with invented names unique within their country.

    ``first_id`` numbers organisations added to an existing programme after its own; ``tag`` (a
    word added to every name) keeps their names apart from the existing ones."""
    n = max(20, shape.persons // 6)
    country = rng.choice(list(COUNTRIES), size=n, p=list(COUNTRY_WEIGHTS.values()))
    country[: len(COUNTRIES)] = COUNTRIES  # every country has an organisation
    org_type = rng.choice(list(ORG_TYPE_WEIGHTS), size=n, p=list(ORG_TYPE_WEIGHTS.values()))
    word_a = rng.integers(0, 16, size=n)
    word_b = rng.integers(0, 18, size=n)
    frame = pl.DataFrame({"country_code": country, "organisation_type": org_type, "a": word_a, "b": word_b})
    is_ru = pl.col("country_code") == "RU"
    ru_a_cyr = pl.col("a").replace_strict(dict(enumerate(w[0] for w in RU_ORG_WORDS_A)), return_dtype=pl.String)
    ru_a_lat = pl.col("a").replace_strict(dict(enumerate(w[1] for w in RU_ORG_WORDS_A)), return_dtype=pl.String)
    ru_b_cyr = pl.col("b").replace_strict(dict(enumerate(w[0] for w in RU_ORG_WORDS_B)), return_dtype=pl.String)
    ru_b_lat = pl.col("b").replace_strict(dict(enumerate(w[1] for w in RU_ORG_WORDS_B)), return_dtype=pl.String)
    no_a = pl.col("a").replace_strict(dict(enumerate(NORDIC_ORG_WORDS_A)), return_dtype=pl.String)
    no_b = (pl.col("b") % 16).replace_strict(dict(enumerate(NORDIC_ORG_WORDS_B)), return_dtype=pl.String)
    form_keys = {f"{c}|{t}": f for c, forms in NORDIC_ORG_FORMS.items() for t, f in forms.items()}
    form_keys.update({f"RU|{t}": f for t, (f, _) in RU_ORG_FORMS.items()})
    latin_forms = {f"RU|{t}": f for t, (_, f) in RU_ORG_FORMS.items()}
    form = (pl.col("country_code") + "|" + pl.col("organisation_type")).replace_strict(form_keys, return_dtype=pl.String)
    tagged = pl.lit(f" {tag}" if tag else "")
    frame = frame.with_columns(
        base_local=pl.when(is_ru).then(ru_a_cyr + " " + ru_b_cyr).otherwise(no_a + " " + no_b) + tagged,
        base_latin=pl.when(is_ru).then(ru_a_lat + " " + ru_b_lat).otherwise(no_a + " " + no_b) + tagged,
        form=form,
        latin_form=pl.when(is_ru).then(
            (pl.col("country_code") + "|" + pl.col("organisation_type")).replace_strict(latin_forms, default=None,
                                                                                       return_dtype=pl.String)
        ).otherwise(form),
    )
    # A name repeats within a country only with a number («Северный свет 2»), as real registers do.
    # (legal forms are not part of a name's identity: «Taiga Design Oy» and «Taiga Design ry» are one name)
    number = pl.int_range(pl.len()).over("country_code", "base_latin")
    suffix = pl.when(number == 0).then(pl.lit("")).otherwise(pl.lit(" ") + (number + 1).cast(pl.String))
    frame = frame.with_columns(
        name_local=pl.when(is_ru).then(pl.col("form") + " «" + pl.col("base_local") + suffix + "»")
        .otherwise(pl.col("base_local") + suffix + " " + pl.col("form")),
        name_latin=pl.col("base_latin") + suffix + " " + pl.col("latin_form"),
        domain=pl.concat_str([_per_distinct(frame, "base_latin", _slug),
                              (number + 1).cast(pl.String), pl.lit("."),
                              pl.col("country_code").str.to_lowercase().replace({"dk": "dk", "se": "se"})]),
        has_domain=pl.Series(rng.random(n) < 0.6),
        target_group=pl.col("organisation_type").replace_strict(TARGET_GROUP_OF_TYPE, return_dtype=pl.String),
        culture=pl.Series(rng.random(n) < 0.3),
    )
    # a few SMEs work outside the creative industries
    other = pl.Series(rng.random(n) < 0.15)
    frame = frame.with_columns(
        target_group=pl.when((pl.col("organisation_type") == "sme") & other).then(pl.lit("other_sector"))
        .otherwise(pl.col("target_group"))
    )
    return frame.with_row_index("org", offset=first_id).with_columns(pl.col("org").cast(pl.Int32)).select(
        "org", "country_code", "organisation_type", "target_group", "name_local", "name_latin", "domain",
        "has_domain")


def _slug(text: str) -> str:
    return "".join(ch for ch in ascii_fold(text).lower() if ch.isalnum())


def _per_distinct(frame: pl.DataFrame, column: str, function) -> pl.Expr:
    """``function`` applied once per distinct value of ``column`` (the pools are small, the rows many)."""
    values = frame[column].drop_nulls().unique().to_list()
    return pl.col(column).replace_strict({v: function(v) for v in values}, default=None, return_dtype=pl.String)


def _name_pools() -> dict[str, dict[str, np.ndarray]]:
    """Per country: first names (local, Latin) by sex, surnames (local, Latin) by sex, patronymics."""
    out: dict[str, dict[str, np.ndarray]] = {}
    ru_female = [pools.ru_female_surname(c, l) for c, l in pools.RU_SURNAMES]
    out["RU"] = {
        "first_local_m": np.array([c for c, _ in pools.RU_MALE_FIRST], dtype=object),
        "first_latin_m": np.array([l for _, l in pools.RU_MALE_FIRST], dtype=object),
        "first_local_f": np.array([c for c, _ in pools.RU_FEMALE_FIRST], dtype=object),
        "first_latin_f": np.array([l for _, l in pools.RU_FEMALE_FIRST], dtype=object),
        "last_local_m": np.array([c for c, _ in pools.RU_SURNAMES], dtype=object),
        "last_latin_m": np.array([l for _, l in pools.RU_SURNAMES], dtype=object),
        "last_local_f": np.array([c for c, _ in ru_female], dtype=object),
        "last_latin_f": np.array([l for _, l in ru_female], dtype=object),
        "patronymic_m": np.array([m for m, _ in pools.RU_PATRONYMICS], dtype=object),
        "patronymic_f": np.array([f for _, f in pools.RU_PATRONYMICS], dtype=object),
    }
    for country, names in pools.NORDIC_NAMES.items():
        surnames = names["surnames"]
        out[country] = {
            "first_local_m": np.array(names["male"], dtype=object),
            "first_latin_m": np.array(names["male"], dtype=object),
            "first_local_f": np.array(names["female"], dtype=object),
            "first_latin_f": np.array(names["female"], dtype=object),
            "last_local_m": np.array([m for m, _ in surnames], dtype=object),
            "last_latin_m": np.array([m for m, _ in surnames], dtype=object),
            "last_local_f": np.array([f for _, f in surnames], dtype=object),
            "last_latin_f": np.array([f for _, f in surnames], dtype=object),
        }
    return out


def _persons(rng: np.random.Generator, shape: ProgrammeShape, orgs: pl.DataFrame, *, first_id: int = 0,
             email_tag: str = "", taken: pl.DataFrame | None = None) -> pl.DataFrame:
    """``shape.persons`` persons with names, organisation, e-mail, phone and city.

    ``taken``: persons already in the programme (``org``, ``first_latin``, ``last_latin``), whose
    names the new persons of their organisations must not repeat; ``email_tag`` keeps new
    e-mail addresses apart from theirs."""
    n = shape.persons
    org_country = orgs["country_code"].to_numpy()
    # Organisation sizes vary (a few large ones, many small): weights within each country.
    weights = rng.lognormal(0.0, 0.9, size=orgs.height)
    org_of = np.empty(n, dtype=np.int32)
    country = rng.choice(list(COUNTRIES), size=n, p=list(COUNTRY_WEIGHTS.values()))
    for c in COUNTRIES:
        members = np.flatnonzero(country == c)
        candidates = np.flatnonzero(org_country == c)
        w = weights[candidates] / weights[candidates].sum()
        org_of[members] = rng.choice(candidates, size=len(members), p=w)
    female = rng.random(n) < 0.55
    names = _name_pools()
    cols = {k: np.empty(n, dtype=object) for k in ("first_local", "first_latin", "last_local", "last_latin",
                                                    "patronymic")}
    cols["patronymic"][:] = None

    def draw(index: np.ndarray) -> None:
        for c in COUNTRIES:
            pool = names[c]
            for sex, mask in (("f", female), ("m", ~female)):
                members = index[(country[index] == c) & mask[index]]
                if not len(members):
                    continue
                fi = rng.integers(0, len(pool[f"first_local_{sex}"]), size=len(members))
                li = rng.integers(0, len(pool[f"last_local_{sex}"]), size=len(members))
                cols["first_local"][members] = pool[f"first_local_{sex}"][fi]
                cols["first_latin"][members] = pool[f"first_latin_{sex}"][fi]
                cols["last_local"][members] = pool[f"last_local_{sex}"][li]
                cols["last_latin"][members] = pool[f"last_latin_{sex}"][li]
                if c == "RU":
                    pi = rng.integers(0, len(pool[f"patronymic_{sex}"]), size=len(members))
                    cols["patronymic"][members] = pool[f"patronymic_{sex}"][pi]

    draw(np.arange(n))
    # No two persons of one organisation share a name: namesakes in one organisation cannot be
    # told apart by any identity rule, and the ground truth must be recoverable.
    earlier = (taken.select("org", pl.col("first_latin").alias("f"), pl.col("last_latin").alias("l"))
               if taken is not None else pl.DataFrame(schema={"org": pl.Int32, "f": pl.String, "l": pl.String}))
    for attempt in range(200):
        names_now = pl.DataFrame({"org": orgs["org"].to_numpy()[org_of], "f": cols["first_latin"].astype(str),
                                  "l": cols["last_latin"].astype(str)})
        both = pl.concat([earlier, names_now], how="vertical_relaxed")
        repeated = both.select(pl.struct("org", "f", "l").is_first_distinct().not_()).to_series().to_numpy()[
            earlier.height:]
        if not repeated.any():
            break
        redo = np.flatnonzero(repeated)
        if attempt % 10 == 9:  # a small country's names run out in a big organisation: move to another
            for c in COUNTRIES:
                movers = redo[country[redo] == c]
                if len(movers):
                    org_of[movers] = rng.choice(np.flatnonzero(org_country == c), size=len(movers))
        draw(redo)
    else:
        raise RuntimeError("could not give every person of an organisation a distinct name")
    frame = pl.DataFrame({
        "person": np.arange(first_id, first_id + n, dtype=np.int32),
        "country_code": country,
        "sex": np.where(female, "female", "male"),
        "org": orgs["org"].to_numpy()[org_of],
        "first_local": cols["first_local"].astype(str),
        "first_latin": cols["first_latin"].astype(str),
        "last_local": cols["last_local"].astype(str),
        "last_latin": cols["last_latin"].astype(str),
        "patronymic": pl.Series(cols["patronymic"].tolist(), dtype=pl.String),
        "email_pattern": rng.integers(0, 5, size=n).astype(np.int8),
        "domain_pick": rng.integers(0, 1000, size=n).astype(np.int16),
        "work_email": rng.random(n) < 0.45,
        "city_pick": rng.integers(0, 1000, size=n).astype(np.int16),
        "phone_digits": rng.integers(10**6, 10**7, size=n).astype(np.int64),
        "consent_refused": rng.random(n) < REFUSED_CONSENT_SHARE,
    }).join(orgs.select("org", pl.col("domain").alias("org_domain"), "has_domain", "organisation_type",
                        "target_group"), on="org", how="left", maintain_order="left")
    f = _per_distinct(frame, "first_latin", _slug)
    last = _per_distinct(frame, "last_latin", _slug)
    local = (pl.when(pl.col("email_pattern") == 0).then(f + "." + last)
             .when(pl.col("email_pattern") == 1).then(f.str.slice(0, 1) + "." + last)
             .when(pl.col("email_pattern") == 2).then(f + last)
             .when(pl.col("email_pattern") == 3).then(last + "." + f)
             .otherwise(f + "_" + last))
    personal = {c: d for c, d in pools.PERSONAL_DOMAINS.items()}
    domain_of_country = pl.concat_str([pl.col("country_code"), pl.lit("|"),
                                       pl.col("domain_pick").cast(pl.String)])
    mapping = {f"{c}|{k}": personal[c][k % len(personal[c])] for c in COUNTRIES for k in range(1000)}
    frame = frame.with_columns(
        _local=local + email_tag,
        _domain=pl.when(pl.col("work_email") & pl.col("has_domain")).then(pl.col("org_domain"))
        .otherwise(domain_of_country.replace_strict(mapping, return_dtype=pl.String)),
    )
    # Numbered apart by the mailbox the address reaches: Gmail ignores dots, Yandex dots and hyphens
    # (mette.thomsen@gmail.com is mettethomsen@gmail.com), so those must not belong to two persons.
    mailbox = pl.concat_str([pl.col("_local").str.replace_all(r"[._\-]", ""), pl.lit("@"),
                             pl.col("_domain").replace({"googlemail.com": "gmail.com", "ya.ru": "yandex.ru"})])
    number = pl.int_range(pl.len()).over(mailbox)
    frame = frame.with_columns(
        email=pl.when(number == 0).then(pl.col("_local") + "@" + pl.col("_domain"))
        .otherwise(pl.col("_local") + (number + 1).cast(pl.String) + "@" + pl.col("_domain")),
    )
    plans = {c: pools.PHONE_PLANS[c] for c in COUNTRIES}
    code = pl.col("country_code").replace_strict({c: p[0] for c, p in plans.items()}, return_dtype=pl.String)
    prefix = (pl.col("country_code") + "|" + (pl.col("domain_pick") % 8).cast(pl.String)).replace_strict(
        {f"{c}|{k}": p[2][k % len(p[2])] for c, p in plans.items() for k in range(8)}, return_dtype=pl.String)
    width = pl.col("country_code").replace_strict({c: p[1] for c, p in plans.items()}, return_dtype=pl.Int64)
    national = prefix + pl.col("phone_digits").cast(pl.String)
    frame = frame.with_columns(phone_national=national.str.slice(0, width), phone_code=code)
    city_ru = {k: pools.RU_CITIES[key] for k, key in enumerate(pools.RU_CITIES)}
    city_key = pl.col("country_code") + "|" + (pl.col("city_pick") % 11).cast(pl.String)
    city_local = {f"RU|{k}": v[0] for k, v in city_ru.items()}
    city_latin = {f"RU|{k}": v[1] for k, v in city_ru.items()}
    for c, cities in pools.NORDIC_CITIES.items():
        for k in range(11):
            city_local[f"{c}|{k}"] = city_latin[f"{c}|{k}"] = cities[k % len(cities)]
    frame = frame.with_columns(
        city_local=city_key.replace_strict(city_local, return_dtype=pl.String),
        city_latin=city_key.replace_strict(city_latin, return_dtype=pl.String),
    )
    return frame.select("person", "country_code", "sex", "org", "organisation_type", "target_group",
                        "first_local", "first_latin", "last_local", "last_latin", "patronymic", "email",
                        "phone_code", "phone_national", "city_local", "city_latin", "consent_refused")


# --------------------------------------------------------------------------------------
# participations and registration rows
# --------------------------------------------------------------------------------------


def _participations(rng: np.random.Generator, shape: ProgrammeShape, events: pl.DataFrame,
                    persons: pl.DataFrame) -> pl.DataFrame:
    """Exactly ``shape.participations`` distinct (person, event) pairs.

    Each person has a home project (weighted by its number of events) and a few take part in a
    second one; events are drawn with a popularity weight within the project."""
    n_persons = persons.height
    event_project = events["project_idx"].to_numpy()
    n_projects = int(event_project.max()) + 1
    first_event = np.searchsorted(event_project, np.arange(n_projects))
    events_in = np.bincount(event_project, minlength=n_projects)
    popularity = rng.lognormal(0.0, 0.5, size=events.height)
    cumulative = np.cumsum(popularity)
    home = rng.choice(n_projects, size=n_persons, p=events_in / events_in.sum())
    second = rng.choice(n_projects, size=n_persons, p=events_in / events_in.sum())
    has_second = rng.random(n_persons) < 0.15

    def draw(person: np.ndarray) -> np.ndarray:
        use_second = has_second[person] & (rng.random(len(person)) < 0.35)
        project = np.where(use_second, second[person], home[person])
        lo = np.where(first_event[project] > 0, cumulative[first_event[project] - 1], 0.0)
        hi = cumulative[first_event[project] + events_in[project] - 1]
        return np.searchsorted(cumulative, lo + rng.random(len(person)) * (hi - lo), side="right")

    # Everyone takes part at least once; the rest are spread with a long tail.
    extra = rng.geometric(1 / 4.0, size=n_persons) - 1
    extra = np.floor(extra * (shape.participations - n_persons) / max(extra.sum(), 1)).astype(np.int64)
    person = np.concatenate([np.arange(n_persons), np.repeat(np.arange(n_persons), extra)])
    pairs = pl.DataFrame({"person": person.astype(np.int32), "event_idx": draw(person).astype(np.int32)}).unique(
        maintain_order=True)
    for _ in range(100):
        missing = shape.participations - pairs.height
        if missing <= 0:
            break
        more = rng.integers(0, n_persons, size=int(missing * 1.2) + 10)
        extra_pairs = pl.DataFrame({"person": more.astype(np.int32), "event_idx": draw(more).astype(np.int32)})
        pairs = pl.concat([pairs, extra_pairs]).unique(maintain_order=True)
    return pairs.head(shape.participations)


def _assign_files(rng: np.random.Generator, events: pl.DataFrame, xlsx_files: int | None) -> pl.DataFrame:
    """One export per event (two for a few events, one per day), each in a layout."""
    n = events.height
    csv_layouts = [i for i, layout in enumerate(LAYOUTS) if layout.container == "csv"]
    shares = np.array([LAYOUTS[i].share for i in csv_layouts])
    layout = np.array(csv_layouts)[rng.choice(len(csv_layouts), size=n, p=shares / shares.sum())]
    # Russian lists for events in Russia, mostly
    country = events["country_code"].to_numpy()
    russian = [LAYOUT_INDEX["ru_cp1251"], LAYOUT_INDEX["ru_fio"]]
    is_ru_layout = np.isin(layout, russian)
    swap = (country != "RU") & is_ru_layout & (rng.random(n) < 0.8)
    layout[swap] = LAYOUT_INDEX["en_form"]
    n_xlsx = min(MAX_XLSX_FILES, max(1, round(0.02 * n))) if xlsx_files is None else xlsx_files
    if n_xlsx:
        layout[rng.choice(n, size=min(n_xlsx, n), replace=False)] = LAYOUT_INDEX["ru_xlsx"]
    parts = np.where((rng.random(n) < TWO_LISTS_SHARE) & (layout != LAYOUT_INDEX["ru_xlsx"]), 2, 1)
    event_idx = np.repeat(np.arange(n), parts)
    part = np.concatenate([np.arange(p) for p in parts]) if n else np.array([], dtype=int)
    frame = pl.DataFrame({
        "event_idx": event_idx.astype(np.int32),
        "event_id": events["event_id"].to_numpy()[event_idx],
        "layout": layout[event_idx].astype(np.int8),
        "part": part.astype(np.int8),
        "parts": parts[event_idx].astype(np.int8),
    })
    patterns = {i: layout_.filename for i, layout_ in enumerate(LAYOUTS)}
    names = [
        patterns[lay].format(event=eid.lower()).replace(".", f"_day{p + 1}.", 1) if ps > 1
        else patterns[lay].format(event=eid.lower())
        for eid, lay, p, ps in zip(frame["event_id"], frame["layout"], frame["part"], frame["parts"])
    ]
    return frame.with_columns(
        source_file=pl.Series(["registrations/" + e + "/" + f for e, f in zip(frame["event_id"], names)]),
    ).with_row_index("file_id").with_columns(pl.col("file_id").cast(pl.Int32))


def _registration_rows(rng: np.random.Generator, pairs: pl.DataFrame, events: pl.DataFrame,
                       event_files: pl.DataFrame, persons: pl.DataFrame, *, extras: bool = True) -> pl.DataFrame:
    """The row plan: one row per registration row to write, with its expected fate.

    Columns: row_id, source (the row whose cells an exact duplicate repeats), person, event_idx, file_id, layout, kind (participation,
    no_show, second, duplicate, or a quarantine reason), reason (the reason code the reader
    must give, null for staged rows), attended (bool), counts (a participation), reg_days
    (days before the event), order (position in the file)."""
    n_persons = persons.height
    base = pairs.with_columns(kind=pl.lit("participation"), attended=pl.lit(True))
    frames = [base]
    if extras and pairs.height:
        def sample(share: float) -> pl.DataFrame:
            k = int(round(pairs.height * share))
            return pairs.sample(n=k, with_replacement=True, seed=int(rng.integers(2**31))) if k else pairs.head(0)

        # no-shows: someone from the same event's audience pool (a person not attending it)
        no_show = sample(NO_SHOW_SHARE).with_columns(
            person=pl.Series(rng.integers(0, n_persons, size=int(round(pairs.height * NO_SHOW_SHARE))), dtype=pl.Int32))
        no_show = no_show.join(pairs, on=["person", "event_idx"], how="anti", maintain_order="left").unique(
            maintain_order=True)
        frames.append(no_show.with_columns(kind=pl.lit("no_show"), attended=pl.lit(False)))
        frames.append(sample(SECOND_REGISTRATION_SHARE).unique(maintain_order=True).with_columns(kind=pl.lit("second"),
                                                                               attended=pl.lit(True)))
        # rows to quarantine: a participant's extra row with a typo, or a test / empty row
        for reason, share in QUARANTINE_SHARES.items():
            frames.append(sample(share).with_columns(kind=pl.lit(reason), attended=pl.lit(True)))
    rows = pl.concat(frames, how="vertical_relaxed")
    # Which file of the event: parts are split at random.
    parts = event_files.group_by("event_idx").agg(pl.col("file_id").min().alias("first_file"),
                                                  pl.col("parts").first(), pl.col("layout").first())
    rows = rows.join(parts, on="event_idx", how="left", maintain_order="left")
    rows = rows.with_columns(
        file_id=(pl.col("first_file") + pl.Series(rng.integers(0, 2, size=rows.height), dtype=pl.Int32)
                 % pl.col("parts").cast(pl.Int32)).cast(pl.Int32),
        reg_days=pl.Series(rng.integers(1, 60, size=rows.height), dtype=pl.Int16),
        order=pl.Series(rng.random(rows.height)),
    ).drop("first_file", "parts")
    # The same person's second registration is filed a week or more apart.
    rows = rows.with_columns(
        reg_days=pl.when(pl.col("kind") == "second").then(pl.col("reg_days") + 61).otherwise(pl.col("reg_days"))
    )
    # No-shows cannot be told in a list without an attendance column: they are simply not listed.
    no_attendance = [i for i, layout in enumerate(LAYOUTS) if not layout.has_attendance]
    rows = rows.filter(~((pl.col("kind") == "no_show") & pl.col("layout").is_in(no_attendance)))
    rows = rows.with_row_index("row_id").with_columns(pl.col("row_id").cast(pl.Int64))
    # `source`: the row whose cells this row repeats (itself, except for exact duplicates)
    rows = rows.with_columns(source=pl.col("row_id"))
    if extras:
        # exact duplicates (the same row exported twice), only where rows carry no running number
        numbered = [i for i, layout in enumerate(LAYOUTS) if layout.numbered]
        k = int(round(pairs.height * EXACT_DUPLICATE_SHARE))
        candidates = rows.filter(pl.col("kind").is_in(["participation", "no_show"])
                                 & ~pl.col("layout").is_in(numbered))
        if k and candidates.height:
            dup = candidates.sample(n=min(k, candidates.height), seed=int(rng.integers(2**31))).with_columns(
                row_id=pl.int_range(pl.len(), dtype=pl.Int64) + rows.height,
                kind=pl.lit("duplicate"),
                order=pl.col("order") + 1e-9,  # right after its original
            )
            rows = pl.concat([rows, dup])
    reason = (pl.when(pl.col("kind").is_in(list(QUARANTINE_SHARES))).then(pl.col("kind"))
              .when(pl.col("kind") == "duplicate").then(pl.lit("duplicate_in_file"))
              .otherwise(pl.lit(None, dtype=pl.String)))
    has_attendance = [i for i, layout in enumerate(LAYOUTS) if layout.has_attendance]
    counts = reason.is_null() & (pl.col("attended") | ~pl.col("layout").is_in(has_attendance))
    return rows.with_columns(reason=reason, counts=counts).sort("file_id", "order")


# --------------------------------------------------------------------------------------
# rendering and writing
# --------------------------------------------------------------------------------------


def _choose(code: pl.Expr, table: dict[str, tuple[str, ...]], variant: pl.Expr, default: str | None = None) -> pl.Expr:
    """code → one of its text variants (``variant`` picks among them)."""
    expr = None
    width = max((len(v) for v in table.values()), default=1)
    for k in range(width):
        mapping = {key: values[k % len(values)] for key, values in table.items()}
        mapped = code.replace_strict(mapping, default=default, return_dtype=pl.String)
        expr = mapped if expr is None else pl.when((variant % width) == k).then(mapped).otherwise(expr)
    return expr


def _yes_no(value: pl.Expr, style: str) -> pl.Expr:
    yes, no = vocab.YES_NO[style]
    return pl.when(value).then(pl.lit(yes)).otherwise(pl.lit(no))


def _dates(days: pl.Expr, style: str) -> pl.Expr:
    formats = {"iso": "%Y-%m-%d", "dmy_dot": "%d.%m.%Y", "dmy_dot_nopad": "%-d.%-m.%Y", "dmy_slash_yy": "%-d/%-m/%y"}
    return days.dt.strftime(formats[style])


def render_rows(rows: pl.DataFrame, persons: pl.DataFrame, orgs: pl.DataFrame, events: pl.DataFrame,
                layout: Layout, seed: int, part: int = 0) -> pl.DataFrame:
    """The cells of every row of one layout, in the layout's column order (strings; XLSX dates as dates)."""
    rng = np.random.default_rng([seed, LAYOUT_INDEX[layout.name], rows.height] + ([part] if part else []))
    n = rows.height
    frame = rows.join(persons, on="person", how="left", maintain_order="left").join(
        orgs.select("org", pl.col("name_local").alias("org_local"), pl.col("name_latin").alias("org_latin")),
        on="org", how="left", maintain_order="left").join(
        events.select("event_idx", pl.col("start_date").alias("event_date")), on="event_idx", how="left",
        maintain_order="left")
    frame = frame.with_columns(v=pl.Series(rng.integers(0, 60, size=n), dtype=pl.Int32),
                               u=pl.Series(rng.random(n)))
    cyr = layout.cyrillic
    ru = pl.col("country_code") == "RU"
    fold = layout.encoding == "cp1251"

    # Russians are written in Cyrillic in Russian lists and in Latin elsewhere; the other
    # participants' names, organisations and cities read the same in every list.
    latin_here = ru & pl.lit(not cyr)

    def as_written(column: str) -> pl.Expr:
        return pl.when(latin_here).then(pl.col(f"{column}_latin")).otherwise(pl.col(f"{column}_local"))

    first = as_written("first")
    last = as_written("last")
    # A few lists shout surnames in capitals.
    last = pl.when(pl.col("u") < 0.03).then(last.str.to_uppercase()).otherwise(last)
    org = as_written("org")
    city = as_written("city")
    patronymic = pl.when(ru).then(pl.col("patronymic")).otherwise(pl.lit(None, dtype=pl.String))
    # e-mail as typed: sometimes capitalised, a shouting domain, stray spaces
    email = pl.col("email")
    email = (pl.when(pl.col("u").is_between(0.10, 0.18)).then(email.str.slice(0, 1).str.to_uppercase() + email.str.slice(1))
             .when(pl.col("u").is_between(0.18, 0.21)).then(email.str.split("@").list.first() + "@"
                                                              + email.str.split("@").list.last().str.to_uppercase())
             .when(pl.col("u").is_between(0.21, 0.23)).then(pl.lit(" ") + email + pl.lit(" "))
             .otherwise(email))
    phone = pl.when(ru & pl.lit(cyr)).then(
        pl.concat_str([pl.lit("+7 ("), pl.col("phone_national").str.slice(0, 3), pl.lit(") "),
                       pl.col("phone_national").str.slice(3, 3), pl.lit("-"), pl.col("phone_national").str.slice(6, 2),
                       pl.lit("-"), pl.col("phone_national").str.slice(8, 2)])
    ).otherwise(pl.concat_str([pl.lit("+"), pl.col("phone_code"), pl.lit(" "), pl.col("phone_national").str.slice(0, 2),
                               pl.lit(" "), pl.col("phone_national").str.slice(2)]))
    country_table = _country_table(layout.country_style)
    country = _choose(pl.col("country_code"), country_table, pl.col("v"))
    lang = layout.lang
    org_type = _choose(pl.col("organisation_type"), vocab.ORG_TYPE_TEXT[lang], pl.col("v"))
    target = _choose(pl.col("target_group"), vocab.TARGET_GROUP_TEXT[lang], pl.col("v"))
    sex = None
    if layout.sex_style:
        female, male = vocab.SEX_TEXT[layout.sex_style]
        sex = pl.when(pl.col("sex") == "female").then(pl.lit(female)).otherwise(pl.lit(male))
    registered = pl.col("event_date") - pl.duration(days=pl.col("reg_days"))
    attended = _yes_no(pl.col("attended"), layout.yes_no)
    consent = _yes_no(~pl.col("consent_refused"), layout.yes_no if layout.yes_no != "x" else "ru")
    cells: dict[str, pl.Expr] = {
        "first": first, "last": last, "patronymic": patronymic, "email": email, "phone": phone, "org": org,
        "org_type": org_type, "country": country, "city": city, "target_group": target,
        "registered": registered if layout.container == "xlsx" else _dates(registered, layout.date_style),
        "attended": attended, "consent": consent,
        "fio": pl.concat_str([last, pl.lit(" "), first, pl.lit(" "), patronymic.fill_null("")]).str.strip_chars(),
    }
    if sex is not None:
        cells["sex"] = sex
    columns = [f for f in layout.fields if f != "no"]
    frame = frame.with_columns(**{f"c_{f}": cells[f] for f in columns})
    frame = _junk(frame, layout, columns)
    out = frame.select("row_id", "source", "file_id", *[pl.col(f"c_{f}").alias(f) for f in columns])
    # A duplicate repeats its original's cells exactly.
    dup = out.filter(pl.col("source") != pl.col("row_id"))
    if dup.height:
        originals = out.filter(pl.col("source") == pl.col("row_id")).drop("file_id", "row_id")
        dup = dup.select("row_id", "source", "file_id").join(originals, on="source", how="left",
                                                             maintain_order="left")
        out = pl.concat([out.filter(pl.col("source") == pl.col("row_id")), dup.select(out.columns)])
    out = out.join(rows.select("row_id", "order"), on="row_id").sort("file_id", "order", "row_id")
    if fold:
        # what a cp1251 export does to letters it cannot store: Latin letters lose their accents
        out = out.with_columns(_per_distinct(out, c, _cp1251_safe) for c in columns if c not in ("email", "registered"))
    if layout.numbered:
        out = out.with_columns(no=(pl.int_range(pl.len()).over("file_id") + 1).cast(pl.String))
        columns = ["no", *columns]
    return out.select("file_id", *columns)


def _cp1251_safe(text: str) -> str:
    try:
        text.encode("cp1251")
        return text
    except UnicodeEncodeError:
        return "".join(ch if _encodable(ch) else ascii_fold(ch) for ch in text)


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp1251")
        return True
    except UnicodeEncodeError:
        return False


def _country_table(style: str) -> dict[str, tuple[str, ...]]:
    if style == "iso":
        return {c: (c,) for c in COUNTRIES}
    if style == "en_mixed":
        return {c: (vocab.COUNTRY_NAMES["en"][c], vocab.COUNTRY_NAMES["en"][c], vocab.COUNTRY_NAMES["endonym"][c])
                for c in COUNTRIES}
    return {c: (vocab.COUNTRY_NAMES[style][c],) for c in COUNTRIES}


def _junk(frame: pl.DataFrame, layout: Layout, columns: list[str]) -> pl.DataFrame:
    """Overwrite the cells of the rows planned for quarantine, one reason each."""
    kind = pl.col("kind")
    ru = layout.lang == "ru"
    name_cols = [c for c in ("first", "last", "patronymic", "fio") if c in columns]
    updates: dict[str, pl.Expr] = {}
    test_first, test_last = ("Тест", "Тестов") if ru else ("Test", "Testov")
    for column in columns:
        cell = pl.col(f"c_{column}")
        expr = cell
        if column in name_cols:
            test_value = {"first": test_first, "last": test_last, "patronymic": None,
                          "fio": f"{test_last} {test_first}"}[column]
            expr = (pl.when(kind == "test_record").then(pl.lit(test_value, dtype=pl.String))
                    .when(kind == "empty_row").then(pl.lit("-"))
                    .when(kind == "missing_name").then(pl.lit(None, dtype=pl.String))
                    .otherwise(expr))
        elif column == "email":
            expr = (pl.when(kind == "test_record").then(pl.lit("test@test.com"))
                    .when(kind == "empty_row").then(pl.lit("-"))
                    .when(kind == "missing_name").then(pl.lit(None, dtype=pl.String))
                    .when(kind == "bad_email").then(pl.col("email").str.replace("@", " at "))
                    .otherwise(expr))
        elif column in ("phone", "org", "city", "org_type", "target_group", "sex", "attended", "consent"):
            expr = pl.when(kind == "empty_row").then(pl.lit("-") if column in ("phone", "org") else pl.lit(None, dtype=pl.String)).otherwise(expr)
        elif column == "country":
            expr = pl.when(kind == "unknown_country").then(pl.lit(vocab.UNKNOWN_COUNTRY)).otherwise(expr)
        elif column == "registered":
            if layout.container == "xlsx":
                continue  # a real date cell; _write_xlsx writes the unreadable one as text
            expr = pl.when(kind == "unparseable_date").then(pl.lit("ещё не знаю" if ru else "tbc")).when(
                kind == "empty_row").then(pl.lit(None, dtype=pl.String)).otherwise(expr)
        updates[f"c_{column}"] = expr
    # A missing-name row still has an organisation so that it is not an empty row.
    if "org" in columns:
        updates["c_org"] = pl.when(kind == "missing_name").then(pl.col("org_latin").fill_null("Unknown org")).otherwise(
            updates.get("c_org", pl.col("c_org")))
    return frame.with_columns(**updates)


def write_registration_files(raw: Path, rows: pl.DataFrame, persons: pl.DataFrame, orgs: pl.DataFrame,
                             event_files: pl.DataFrame, events: pl.DataFrame, *, workers: int = 4,
                             seed: int = DEFAULT_SEED) -> int:
    """Render and write every registration file of the plan; returns the number of files."""
    written = 0
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = []
        for index, layout in enumerate(LAYOUTS):
            files = event_files.filter(pl.col("layout") == index).select("file_id", "source_file")
            for part, subset in enumerate(_whole_file_chunks(rows.filter(pl.col("layout") == index))):
                cells = render_rows(subset, persons, orgs, events, layout, seed, part=part)
                if layout.container == "xlsx":
                    for file_id, sheet in cells.partition_by("file_id", as_dict=True, maintain_order=True).items():
                        source = files.filter(pl.col("file_id") == file_id[0])["source_file"][0]
                        futures.append(pool.submit(_write_xlsx, raw / source, layout, sheet.drop("file_id"),
                                                   subset.filter(pl.col("file_id") == file_id[0])))
                        written += 1
                    continue
                written += _write_csv_files(pool, futures, raw, layout, cells, files)
                del cells
        for future in futures:
            future.result()
    return written


def _whole_file_chunks(rows: pl.DataFrame) -> list[pl.DataFrame]:
    """The rows in chunks of about RENDER_CHUNK_ROWS, never splitting a file (bounds the memory)."""
    if not rows.height:
        return []
    sizes = rows.group_by("file_id", maintain_order=True).len()
    starts = sizes["len"].cum_sum() - sizes["len"]
    chunk_of = dict(zip(sizes["file_id"].to_list(), (starts // RENDER_CHUNK_ROWS).to_list()))
    labelled = rows.with_columns(pl.col("file_id").replace_strict(chunk_of, return_dtype=pl.Int64).alias("_chunk"))
    return [part.drop("_chunk") for part in labelled.partition_by("_chunk", maintain_order=True)]


def _write_csv_files(pool: ThreadPoolExecutor, futures: list, raw: Path, layout: Layout, cells: pl.DataFrame,
                     files: pl.DataFrame) -> int:
    header = layout.delimiter.join(layout.headers[f] for f in layout.fields)
    body = cells.drop("file_id").write_csv(include_header=False, separator=layout.delimiter, line_terminator="\n",
                                           quote_style="necessary", null_value="")
    lines = body.split("\n")
    counts = cells.group_by("file_id", maintain_order=True).len()
    offset = 0
    source_of = dict(zip(files["file_id"].to_list(), files["source_file"].to_list()))
    newline = "\r\n" if layout.encoding == "cp1251" else "\n"
    for file_id, count in counts.iter_rows():
        text = newline.join([header, *lines[offset: offset + count]]) + newline
        offset += count
        futures.append(pool.submit(_write_text, raw / source_of[file_id], text, layout.encoding))
    return counts.height


def _write_text(path: Path, text: str, encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


_XLSX_CREATED = datetime(2016, 1, 1, 12, 0, 0)


def _write_xlsx(path: Path, layout: Layout, cells: pl.DataFrame, plan: pl.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    event = path.parent.name
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "in_memory": False})
    workbook.set_properties({"created": _XLSX_CREATED})
    sheet = workbook.add_worksheet("Участники")
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    row = 0
    for title in layout.title_rows:
        sheet.write_string(row, 0, title.format(event=event))
        row += 1
    for col, name in enumerate(layout.fields):
        sheet.write_string(row, col, layout.headers[name])
    row += 1
    kinds = plan.sort("order", "row_id")["kind"].to_list()
    for values, kind in zip(cells.iter_rows(), kinds):
        for col, value in enumerate(values):
            if value is None:
                continue
            if kind == "unparseable_date" and col == layout.fields.index("registered"):
                sheet.write_string(row, col, "ещё не знаю")
            elif isinstance(value, date):
                sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), date_format)
            else:
                sheet.write_string(row, col, str(value))
        row += 1
    workbook.close()


# --------------------------------------------------------------------------------------
# reference files, marker and ground truth
# --------------------------------------------------------------------------------------


def _write_reference_files(raw: Path, seed: int) -> None:
    """The demo's statistics and policy-survey files, so every ingest asset has its input."""
    from pipelines.demo.generator import build_demo

    files, _ = build_demo(seed)
    for relative, content in files.items():
        if relative.startswith(("statistics/", "surveys/")):
            target = raw / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)


def _synthetic_md(seed: int, shape: ProgrammeShape) -> str:
    return f"""# Synthetic programme data (scale test)

Everything under this `raw/` directory is **synthetic**. It was generated by
`pipelines.demo.scale.generate_programme` with seed **{seed}** for
**{shape.participations:,} participations**: {shape.projects:,} projects, {shape.events:,} events and
about {shape.persons:,} persons. No row describes a real person: names, e-mail addresses, phone
numbers and organisations are invented. Project JC borrows the frame of Joining Creativity; all
other projects are invented.

The statistics and policy-survey files are the demo set's. The ground truth is kept outside
`raw/` (`ground_truth/{TRUTH_FILE}`); the pipeline never reads it.
"""


def _files_truth(rows: pl.DataFrame, event_files: pl.DataFrame) -> pl.DataFrame:
    per_file = rows.group_by("file_id").agg(
        pl.len().alias("rows_read"),
        pl.col("reason").is_null().sum().alias("rows_staged"),
        pl.col("reason").is_not_null().sum().alias("rows_quarantined"),
        pl.col("counts").sum().alias("participation_rows"),
    )
    reasons = rows.filter(pl.col("reason").is_not_null()).group_by("file_id", "reason").len().pivot(
        on="reason", index="file_id", values="len")
    layout_names = {i: layout.name for i, layout in enumerate(LAYOUTS)}
    return (event_files.select("file_id", "source_file", "event_id", "layout")
            .join(per_file, on="file_id", how="left").join(reasons, on="file_id", how="left")
            .with_columns(pl.col("layout").replace_strict(layout_names, return_dtype=pl.String))
            .fill_null(0).drop("file_id"))


def _ground_truth(seed: int, shape: ProgrammeShape, projects: pl.DataFrame, events: pl.DataFrame,
                  event_files: pl.DataFrame, rows: pl.DataFrame) -> dict:
    counted = rows.filter(pl.col("counts")).select("person", "event_idx").unique()
    counted = counted.join(events.select("event_idx", "project_id"), on="event_idx")
    per_project = counted.group_by("project_id").agg(pl.len().alias("participations"),
                                                     pl.col("person").n_unique().alias("unique_participants"))
    event_counts = events.group_by("project_id").len()
    project_truth = {}
    for project in projects.join(per_project, on="project_id", how="left").join(
            event_counts, on="project_id", how="left").iter_rows(named=True):
        project_truth[project["project_id"]] = {
            "participations": int(project["participations"] or 0),
            "unique_participants": int(project["unique_participants"] or 0),
            "events": int(project["len"] or 0),
            "participant_target": int(project["participant_target"]),
        }
    reasons = dict(rows.filter(pl.col("reason").is_not_null()).group_by("reason").len().sort("reason").iter_rows())
    xlsx = int((event_files["layout"] == LAYOUT_INDEX["ru_xlsx"]).sum())
    return {
        "synthetic": True,
        "generator": "pipelines.demo.scale.generate_programme",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "shape": asdict(shape),
        "definitions": {
            "participation": "distinct (person, event) with a staged row that says attended, or whose file has no "
                             "attendance column; no-shows and quarantined rows are not participations",
            "unique_participants": "distinct persons with at least one participation in the project's events",
        },
        "programme": {
            "participations": counted.height,
            "unique_participants": int(counted["person"].n_unique()),
            "registration_rows": rows.height,
            "rows_staged": int(rows["reason"].is_null().sum()),
            "rows_quarantined": int(rows["reason"].is_not_null().sum()),
            "quarantine_reasons": {k: int(v) for k, v in reasons.items()},
            "registration_files": event_files.height,
            "xlsx_files": xlsx,
            "layouts": dict(event_files.group_by("layout").len().with_columns(
                pl.col("layout").replace_strict({i: lay.name for i, lay in enumerate(LAYOUTS)},
                                                return_dtype=pl.String)).sort("layout").iter_rows()),
        },
        "projects": project_truth,
    }


def _write_truth(data_dir: Path, rows: pl.DataFrame, events: pl.DataFrame, event_files: pl.DataFrame,
                 persons: pl.DataFrame, orgs: pl.DataFrame) -> None:
    truth_dir = data_dir / GROUND_TRUTH_DIR
    truth_dir.mkdir(parents=True, exist_ok=True)
    _files_truth(rows, event_files).write_parquet(truth_dir / FILES_TRUTH)
    rows.filter(pl.col("counts")).select("person", "event_idx").unique().join(
        events.select("event_idx", "event_id", "project_id"), on="event_idx").select(
        "person", "event_id", "project_id").sort("event_id", "person").write_parquet(truth_dir / PARTICIPATIONS_TRUTH)
    persons.write_parquet(truth_dir / PERSONS_TRUTH)
    orgs.write_parquet(truth_dir / ORGANISATIONS_TRUTH)


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"  [{time.perf_counter() - self.started:7.1f} s] {message}", flush=True)



"""Registration exports: one file per event, each in the shape of a real tool or hand-kept list.

A file is described by a :class:`FileSpec` (container, encoding, header language, column
order, how dates / yes-no / countries / phones are written). Rows are planned first
(:class:`RowPlan`: who, attended or not, which quarantine case), then rendered to cells
and written. The plan is also what the ground truth counts.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import xlsxwriter

from pipelines.demo import pools, vocab
from pipelines.demo.population import Attendance, Person, ascii_fold, add_private_email
from pipelines.demo.programme import EVENTS, EVENTS_BY_ID

# --------------------------------------------------------------------------------------
# headers
# --------------------------------------------------------------------------------------

HEADERS_RU = {
    "no": "№", "last": "Фамилия", "first": "Имя", "patronymic": "Отчество", "fio": "ФИО",
    "email": "Электронная почта", "phone": "Телефон", "org": "Организация", "org_type": "Тип организации",
    "country": "Страна", "city": "Город", "target_group": "Целевая группа", "sex": "Пол",
    "registered": "Дата регистрации", "attended": "Присутствовал",
    "consent": "Согласие на обработку данных для исследований", "mode": "Формат участия",
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
HEADERS_EN_FORM = {
    "first": "First name", "last": "Last name", "email": "Email", "phone": "Phone", "org": "Organisation",
    "org_type": "Organisation type", "country": "Country", "city": "City", "target_group": "Target group",
    "registered": "Registered", "attended": "Attended", "consent": "Research consent", "comment": "Comments",
}
HEADERS_EN_WEBINAR = {
    "first": "First Name", "last": "Last Name", "email": "Email", "org": "Organization",
    "org_type": "Organization Type", "country": "Country", "city": "City", "target_group": "Target Group",
    "registered": "Registration Date", "consent": "Research Consent",
}
HEADERS_EN_B2B = {
    "first": "First name", "last": "Last name", "email": "E-mail", "phone": "Phone",
    "org": "Company / organisation", "org_type": "Type of organisation", "country": "Country",
    "city": "City", "target_group": "Target group", "registered": "Registration date",
    "attended": "Attended", "consent": "Consent to research use",
}
HEADERS_EN_TALLINN = {
    "last": "Surname", "first": "First name", "email": "E-mail address", "org": "Organisation",
    "org_type": "Org. type", "country": "Country", "city": "City", "target_group": "Target group",
    "registered": "Date registered", "attended": "Participated", "consent": "Consent",
}
HEADERS_EN_SNAKE = {
    "first": "first_name", "last": "last_name", "email": "email", "org": "organisation",
    "org_type": "organisation_type", "country": "country", "city": "city", "target_group": "target_group",
    "sex": "gender", "registered": "registered_at", "attended": "attended", "consent": "research_consent",
}
HEADERS_EN_CLINIC = {
    "last": "Last name", "first": "First name", "email": "Email", "phone": "Phone", "org": "Organisation",
    "org_type": "Organisation type", "country": "Country", "city": "City", "target_group": "Target group",
    "registered": "Registration date", "attended": "Attended", "consent": "Research consent",
}


@dataclass(frozen=True)
class FileSpec:
    event_id: str
    filename: str
    container: str  # csv | tsv_utf16 | xlsx
    lang: str  # vocabulary language for free text: ru | en | fi | sv
    header_language: str
    fields: tuple[str, ...]
    headers: dict[str, str]
    cyrillic_names: bool = False  # Russians written in Cyrillic (Russian-header files)
    encoding: str = "utf-8"  # csv: utf-8 | utf-8-sig | cp1251; tsv_utf16: utf-16 (LE with BOM)
    delimiter: str = ","
    line_terminator: str = "\r\n"
    date_style: str = "iso"  # text dates; xlsx files hold real dates shown with xlsx_date_format
    xlsx_date_format: str = "dd.mm.yyyy"
    attended_style: str = "en"
    consent_style: str = "en"
    country_style: str = "en"  # ru | en | en_mixed | fi | sv | iso
    sex_style: str | None = None
    phone_style: str = "intl"
    title_rows: tuple[str, ...] = ()
    sheet_name: str | None = None

    @property
    def relative_path(self) -> str:
        return f"registrations/{self.event_id}/{self.filename}"

    @property
    def header_row(self) -> int:
        return len(self.title_rows) + 1

    @property
    def header(self) -> list[str]:
        return [self.headers[f] for f in self.fields]


RU_FULL = ("last", "first", "patronymic", "email", "phone", "org", "org_type", "country", "city",
           "target_group", "sex", "registered", "attended", "consent")

FILE_SPECS: tuple[FileSpec, ...] = (
    FileSpec("JC-E01", "registraciya_seminar_2016-02-25.csv", "csv", "ru", "ru", RU_FULL, HEADERS_RU,
             cyrillic_names=True, encoding="cp1251", delimiter=";", date_style="dmy_dot",
             attended_style="ru", consent_style="ru", country_style="ru", sex_style="ru",
             phone_style="ru_paren"),
    FileSpec("JC-E02", "spisok_kruglyi_stol_arkhangelsk.xlsx", "xlsx", "ru", "ru",
             ("no", "last", "first", "patronymic", "org", "org_type", "target_group", "country", "city",
              "email", "phone", "registered", "attended", "consent"), HEADERS_RU, cyrillic_names=True,
             attended_style="x", consent_style="ru", country_style="ru", phone_style="ru_8",
             title_rows=("Список участников круглого стола, Архангельск, 12.04.2016",
                         "Проект «Joining Creativity» (Совет министров северных стран)"),
             sheet_name="Участники"),
    FileSpec("JC-E03", "webinar_attendees_2016-05-18.txt", "tsv_utf16", "en", "en",
             ("first", "last", "email", "org", "org_type", "country", "city", "target_group", "registered",
              "consent"), HEADERS_EN_WEBINAR, encoding="utf-16", delimiter="\t", date_style="iso",
             consent_style="en_cap", country_style="iso"),
    FileSpec("JC-E04", "reykjavik_roundtable_registrations.csv", "csv", "en", "en",
             ("first", "last", "email", "phone", "org", "org_type", "country", "city", "target_group",
              "registered", "attended", "consent", "comment"), HEADERS_EN_FORM, date_style="iso",
             attended_style="en", consent_style="en", country_style="en_mixed", phone_style="intl"),
    FileSpec("JC-E05", "murmansk_seminar_uchastniki.csv", "csv", "ru", "ru",
             ("no", "fio", "org", "org_type", "city", "country", "target_group", "email", "phone",
              "registered", "attended", "consent"), HEADERS_RU, cyrillic_names=True, encoding="cp1251",
             delimiter=";", date_style="dmy_dot", attended_style="num", consent_style="num",
             country_style="ru", phone_style="ru_8"),
    FileSpec("JC-E06", "opintomatka_helsinki_osallistujat.csv", "csv", "fi", "fi",
             ("last", "first", "email", "phone", "org", "org_type", "country", "city", "target_group",
              "registered", "attended", "consent"), HEADERS_FI, encoding="utf-8-sig", delimiter=";",
             date_style="dmy_dot_nopad", attended_style="fi", consent_style="fi", country_style="fi",
             phone_style="fi_local"),
    FileSpec("JC-E07", "studieresa_stockholm_deltagare.xlsx", "xlsx", "sv", "sv",
             ("last", "first", "email", "phone", "org", "org_type", "country", "city", "target_group", "sex",
              "registered", "attended", "consent"), HEADERS_SV, xlsx_date_format="yyyy-mm-dd",
             attended_style="sv", consent_style="sv", country_style="sv", sex_style="sv",
             phone_style="sv_local", sheet_name="Deltagare"),
    FileSpec("JC-E08", "b2b_matchmaking_spb_2016-10-20.xlsx", "xlsx", "en", "en",
             ("first", "last", "email", "phone", "org", "org_type", "country", "city", "target_group",
              "registered", "attended", "consent"), HEADERS_EN_B2B, xlsx_date_format="yyyy-mm-dd",
             attended_style="en_cap", consent_style="en_cap", country_style="iso", phone_style="plain",
             title_rows=("Joining Creativity – B2B matchmaking, St Petersburg, 20 October 2016",),
             sheet_name="Participants"),
    FileSpec("JC-E09", "tallinn_workshop.csv", "csv", "en", "en",
             ("last", "first", "email", "org", "org_type", "country", "city", "target_group", "registered",
              "attended", "consent"), HEADERS_EN_TALLINN, date_style="dmy_slash_yy", attended_style="num",
             consent_style="num", country_style="en_mixed"),
    FileSpec("JC-E10", "design_workshop_2016-12-08.csv", "csv", "ru", "ru",
             ("last", "first", "patronymic", "email", "phone", "org", "org_type", "country", "city",
              "target_group", "mode", "registered", "attended", "consent"), HEADERS_RU, cyrillic_names=True,
             date_style="iso", attended_style="ru", consent_style="ru", country_style="ru",
             phone_style="ru_paren"),
    FileSpec("JC-E11", "itogovaya_konferenciya_registraciya.xlsx", "xlsx", "ru", "ru",
             ("last", "first", "patronymic", "org", "org_type", "target_group", "country", "city", "email",
              "phone", "sex", "registered", "attended", "consent"), HEADERS_RU, cyrillic_names=True,
             attended_style="ru_cap", consent_style="ru_cap", country_style="ru", sex_style="ru",
             phone_style="ru_paren",
             title_rows=("Регистрация участников итоговой конференции проекта «Joining Creativity», "
                         "Петрозаводск, 16–17.02.2017",),
             sheet_name="Регистрация"),
    FileSpec("JC-E12", "results_webinar_export.csv", "csv", "en", "en",
             ("first", "last", "email", "org", "org_type", "country", "city", "target_group", "sex",
              "registered", "attended", "consent"), HEADERS_EN_SNAKE, line_terminator="\n",
             date_style="iso", attended_style="en", consent_style="en", country_style="iso", sex_style="en"),
    FileSpec("NB-CCI-E01", "kirkenes_kickoff_registrations.csv", "csv", "en", "en",
             ("first", "last", "email", "org", "org_type", "country", "city", "target_group", "registered",
              "attended", "consent"), HEADERS_EN_FORM, date_style="dmy_dot", attended_style="en",
             consent_style="en", country_style="en_mixed"),
    FileSpec("NB-CCI-E02", "rovaniemi_seminaari.csv", "csv", "fi", "fi",
             ("last", "first", "email", "org", "org_type", "country", "city", "target_group", "registered",
              "attended", "consent"), HEADERS_FI, encoding="utf-8-sig", delimiter=";",
             date_style="dmy_dot_nopad", attended_style="fi", consent_style="fi", country_style="fi"),
    FileSpec("NB-CCI-E03", "forum_murmansk_2017.csv", "csv", "ru", "ru", RU_FULL, HEADERS_RU,
             cyrillic_names=True, encoding="cp1251", delimiter=";", date_style="dmy_dot",
             attended_style="ru", consent_style="ru", country_style="ru", sex_style="ru", phone_style="ru_8"),
    FileSpec("NB-CCI-E04", "online_clinic_participants.xlsx", "xlsx", "en", "en",
             ("last", "first", "email", "phone", "org", "org_type", "country", "city", "target_group",
              "registered", "attended", "consent"), HEADERS_EN_CLINIC, xlsx_date_format="dd.mm.yyyy",
             attended_style="en", consent_style="en", country_style="en", phone_style="intl",
             sheet_name="Sheet1"),
)
SPECS_BY_EVENT: dict[str, FileSpec] = {spec.event_id: spec for spec in FILE_SPECS}

# --------------------------------------------------------------------------------------
# the rows the pipeline must quarantine (placed per event)
# --------------------------------------------------------------------------------------

# event_id -> list of (reason_code, variant)
QUARANTINE_PLAN: dict[str, list[tuple[str, str]]] = {
    "JC-E01": [("bad_email", "smirnova.mail.ru")],
    "JC-E03": [("test_record", "webinar")],
    "JC-E04": [("unknown_country", vocab.UNKNOWN_COUNTRY)],
    "JC-E09": [("bad_email", "@loovdisain.ee")],
    "JC-E11": [("test_record", "ru"), ("test_record", "en"), ("duplicate_in_file", "exact")],
    "JC-E12": [("test_record", "user")],
    "NB-CCI-E01": [("bad_email", "kari.nordmann(at)gmail.com")],
}
# event_id -> how many attending persons appear a second time (same e-mail, phone left out)
NEAR_DUPLICATES: dict[str, int] = {"JC-E01": 1, "JC-E11": 2}
PRIVATE_EMAIL_PERSONS = 6
EMAIL_VARIANT_SHARE = 0.12
MULTILINE_COMMENT_VISA = "Arriving from Petrozavodsk on 6 June.\nPlease send an invitation letter for the visa."
MULTILINE_COMMENT = "Arriving on the evening flight on 6 June.\nPlease send the programme in advance."
COMMENTS = ("Vegetarian meal, please", "Interested in B2B meetings with Russian partners",
            "Will bring product samples", "Arriving late (flight lands at 10:40)")


@dataclass(eq=False)
class RowPlan:
    kind: str  # person | test_record | bad_email | unknown_country | duplicate_in_file
    registered: date
    person: Person | None = None
    attended: bool = True
    email: str | None = None  # the address this row carries (primary or private)
    near_duplicate: bool = False  # the second row of a person in the same file
    drop_phone: bool = False
    comment: str = ""
    variant: str = ""  # for quarantine rows: which test row / malformed address / country string
    cells: list | None = None  # rendered values in spec.fields order

    @property
    def reason_code(self) -> str | None:
        return None if self.kind == "person" else self.kind


@dataclass
class RegistrationFile:
    spec: FileSpec
    rows: list[RowPlan] = field(default_factory=list)


# --------------------------------------------------------------------------------------
# value rendering
# --------------------------------------------------------------------------------------


def cp1251_safe(text: str) -> str:
    """Fold only the characters cp1251 cannot hold (Mäkinen -> Makinen, Þóra -> Thora)."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1251")
            out.append(ch)
        except UnicodeEncodeError:
            out.append(ascii_fold(ch))
    return "".join(out)


def format_date(value: date, style: str) -> str:
    if style == "dmy_dot":
        return value.strftime("%d.%m.%Y")
    if style == "dmy_dot_nopad":
        return f"{value.day}.{value.month}.{value.year}"
    if style == "iso":
        return value.isoformat()
    if style == "dmy_slash_yy":
        return f"{value.day}/{value.month}/{value.year % 100:02d}"
    raise ValueError(style)


# National number grouping for international notation, by country.
PHONE_GROUPS: dict[str, tuple[int, ...]] = {
    "RU": (3, 3, 2, 2), "FI": (2, 3, 4), "SE": (2, 3, 2, 2), "NO": (3, 2, 3), "DK": (2, 2, 2, 2),
    "IS": (3, 4), "EE": (4, 4), "LV": (4, 4), "LT": (3, 5),
}


def format_phone(digits: str, country: str, style: str) -> str:
    """A phone number (E.164 digits without '+') as a person would type it.

    Styles: ru_paren "+7 (921) 574-70-80", ru_8 "8 921 574-70-80" (Russian numbers only;
    others fall back to intl), fi_local "040 1234567" (Finnish numbers only), sv_local
    "070-123 45 67" (Swedish numbers only), plain "+79215747080", intl "+358 40 123 4567".
    """
    code = pools.PHONE_PLANS[country][0]
    national = digits[len(code):]
    if country == "RU" and style in ("ru_paren", "ru_8"):
        a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
        return f"+7 ({a}) {b}-{c}-{d}" if style == "ru_paren" else f"8 {a} {b}-{c}-{d}"
    if country == "FI" and style == "fi_local":
        return f"0{national[:2]} {national[2:]}"
    if country == "SE" and style == "sv_local":
        n = national
        return f"0{n[:2]}-{n[2:5]} {n[5:7]} {n[7:]}"
    if style == "plain":
        return "+" + digits
    groups, start = [], 0
    for size in PHONE_GROUPS[country]:
        groups.append(national[start:start + size])
        start += size
    return f"+{code} " + " ".join(groups)


def vary_email(rng: random.Random, email: str) -> str:
    """The same address as a person might type it: other case, stray spaces."""
    local, domain = email.split("@")
    variant = rng.randrange(5)
    if variant == 0:
        return email.upper()
    if variant == 1:
        return ".".join(p.capitalize() for p in local.split(".")) + "@" + domain.capitalize()
    if variant == 2:
        return " " + email
    if variant == 3:
        return email + "  "
    return " " + local.capitalize() + "@" + domain.upper() + " "


def _country_text(rng: random.Random, code: str, style: str) -> str:
    if style == "iso":
        return code
    if style == "en_mixed":
        use_endonym = rng.random() < (0.15 if code == "RU" else 0.4)
        return vocab.COUNTRY_NAMES["endonym" if use_endonym else "en"][code]
    return vocab.COUNTRY_NAMES[style][code]


def _org_type_text(rng: random.Random, person: Person, lang: str) -> str:
    org = person.organisation
    options = list(vocab.ORG_TYPE_TEXT[lang][org.organisation_type])
    special = vocab.ORG_TYPE_SPECIAL.get(lang, {})
    if org.target_group == "cci_business":
        options += special.get((org.organisation_type, "cci"), ())
    if any(word in org.name_latin.lower() for word in vocab.CULTURE_KEYWORDS):
        options += special.get((org.organisation_type, "culture"), ())
    return rng.choice(options)


def written_identity(spec: FileSpec, person: Person) -> tuple[str, str, str]:
    """(first name, last name, organisation) exactly as this file writes them."""
    if spec.cyrillic_names and person.is_russian:
        first, last, org = person.first_cyr, person.last_cyr, person.organisation.name_local
    else:
        first, last = person.first_latin, person.last_latin
        org = person.organisation.name_local if spec.cyrillic_names else person.organisation.name_latin
    if spec.encoding == "cp1251":
        first, last, org = cp1251_safe(first), cp1251_safe(last), cp1251_safe(org)
    return first, last, org


def render_person_row(rng: random.Random, spec: FileSpec, row: RowPlan) -> list:
    person = row.person
    first, last, org = written_identity(spec, person)
    cyr = spec.cyrillic_names and person.is_russian
    patronymic = person.patronymic_cyr if cyr else ""
    city = person.city_local if cyr else person.city_latin
    if spec.encoding == "cp1251":
        city = cp1251_safe(city)
    email = row.email
    if rng.random() < EMAIL_VARIANT_SHARE:
        email = vary_email(rng, email)
    values: dict[str, object] = {
        "first": first, "last": last, "patronymic": patronymic,
        "fio": " ".join(part for part in (last, first, patronymic) if part),
        "email": email,
        "phone": "" if row.drop_phone else format_phone(person.phone, person.country_code, spec.phone_style),
        "org": org,
        "org_type": _org_type_text(rng, person, spec.lang),
        "country": _country_text(rng, person.country_code, spec.country_style),
        "city": city,
        "target_group": rng.choice(vocab.TARGET_GROUP_TEXT[spec.lang][person.target_group]),
        "sex": vocab.SEX_TEXT[spec.sex_style][0 if person.sex == "female" else 1] if spec.sex_style else "",
        "registered": row.registered,
        "attended": vocab.YES_NO[spec.attended_style][0 if row.attended else 1],
        "consent": vocab.YES_NO[spec.consent_style][0 if person.research_consent else 1],
        "comment": row.comment,
        "mode": "онлайн" if person.city_latin != EVENTS_BY_ID[spec.event_id].city else "очно",
        "no": None,
    }
    return [values[f] for f in spec.fields]


def render_special_row(spec: FileSpec, row: RowPlan, variant: str) -> list:
    """Test rows, malformed e-mails and an unknown country (no true person behind them)."""
    ru = spec.lang == "ru"
    base: dict[str, object] = {
        "patronymic": "", "phone": "", "comment": "", "mode": "очно", "no": None,
        "registered": row.registered,
        "attended": vocab.YES_NO[spec.attended_style][0],
        "consent": vocab.YES_NO[spec.consent_style][0],
        "sex": "",
    }
    if row.kind == "test_record":
        if variant == "ru":
            first, last, email, org = "Тест", "Тест", "test@test.ru", "Тест"
        elif variant == "user":
            first, last, email, org = "Test", "User", "test.user@example.com", "Test organisation"
        elif variant == "webinar":
            first, last, email, org = "test", "test", "test@example.com", "test"
        else:
            first, last, email, org = "Test", "Test", "test@test.com", "Test"
        base.update(first=first, last=last, email=email, org=org, country=_fixed_country(spec, "RU"),
                    city="Петрозаводск" if ru else "Petrozavodsk",
                    org_type=vocab.ORG_TYPE_TEXT[spec.lang]["ngo"][0],
                    target_group=vocab.TARGET_GROUP_TEXT[spec.lang]["support_organisation"][0])
    elif row.kind == "bad_email":
        country = {"ru": "RU", "en": "EE" if "loov" in variant else "NO"}.get(spec.lang, "RU")
        org = {"RU": "ООО «Северный свет»", "EE": "Loov Disain OÜ", "NO": "Nordlys Media AS"}[country]
        base.update(first="", last="", email=variant, org=org, country=_fixed_country(spec, country),
                    city={"RU": "Петрозаводск", "EE": "Tallinn", "NO": "Tromsø"}[country],
                    org_type=vocab.ORG_TYPE_TEXT[spec.lang]["sme"][0],
                    target_group=vocab.TARGET_GROUP_TEXT[spec.lang]["cci_business"][0])
    elif row.kind == "unknown_country":
        base.update(first="Poseidon", last="Marinos", email="p.marinos@atlantis-arts.example",
                    org="Atlantis Arts Ltd", country=variant, city="Poseidonia",
                    org_type=vocab.ORG_TYPE_TEXT[spec.lang]["sme"][0],
                    target_group=vocab.TARGET_GROUP_TEXT[spec.lang]["cci_business"][0])
    else:
        raise ValueError(row.kind)
    base["fio"] = " ".join(p for p in (base["last"], base["first"]) if p)
    return [base[f] for f in spec.fields]


def _fixed_country(spec: FileSpec, code: str) -> str:
    style = "en" if spec.country_style == "en_mixed" else spec.country_style
    return code if style == "iso" else vocab.COUNTRY_NAMES[style][code]


# --------------------------------------------------------------------------------------
# planning
# --------------------------------------------------------------------------------------


def _registration_date(rng: random.Random, event_id: str) -> date:
    event = EVENTS_BY_ID[event_id]
    lead = 21 if event.is_online else 45
    return event.start_date - timedelta(days=rng.randint(1, lead))


def plan_files(rng: random.Random, attendance: Attendance, persons: list[Person]) -> list[RegistrationFile]:
    files: list[RegistrationFile] = []
    for event in EVENTS:
        spec = SPECS_BY_EVENT[event.event_id]
        reg = RegistrationFile(spec)
        for person in attendance.attended[event.event_id]:
            reg.rows.append(RowPlan("person", _registration_date(rng, event.event_id), person=person,
                                    attended=True, email=person.email))
        for person in attendance.no_show[event.event_id]:
            reg.rows.append(RowPlan("person", _registration_date(rng, event.event_id), person=person,
                                    attended=False, email=person.email))
        reg.rows.sort(key=lambda r: (r.registered, r.person.person_id))
        files.append(reg)
    _choose_private_emails(rng, files, {p.email for p in persons})
    for reg in files:
        _add_near_duplicates(rng, reg)
        _add_quarantine_rows(rng, reg)
    return files


def _choose_private_emails(rng: random.Random, files: list[RegistrationFile], taken: set[str]) -> None:
    """A few persons use a private address in one file; elsewhere in the data set the same
    person appears under the work address with the identical first name, last name and
    organisation as written in that file (so name + organisation tie the two)."""
    appearances: dict[str, list[tuple[RegistrationFile, RowPlan]]] = {}
    for reg in files:
        for row in reg.rows:
            if row.attended:
                appearances.setdefault(row.person.person_id, []).append((reg, row))
    candidates = []
    for person_id, items in appearances.items():
        options = []
        for reg, row in items:
            if "fio" in reg.spec.fields or reg.spec.event_id in NEAR_DUPLICATES:
                continue
            identity = written_identity(reg.spec, row.person)
            twins = [other for other, _ in items
                     if other is not reg and written_identity(other.spec, row.person) == identity]
            if twins:
                options.append(row)
        if options:
            candidates.append((person_id, options))
    for _person_id, options in rng.sample(candidates, min(PRIVATE_EMAIL_PERSONS, len(candidates))):
        row = rng.choice(options)
        row.email = add_private_email(rng, row.person, taken)
        taken.add(row.email)


def _add_near_duplicates(rng: random.Random, reg: RegistrationFile) -> None:
    count = NEAR_DUPLICATES.get(reg.spec.event_id, 0)
    attendees = [r for r in reg.rows if r.attended and r.email == r.person.email]
    event = EVENTS_BY_ID[reg.spec.event_id]
    for original in rng.sample(attendees, count):
        later = min(original.registered + timedelta(days=rng.randint(1, 6)), event.start_date - timedelta(days=1))
        duplicate = replace(original, registered=later, near_duplicate=True, drop_phone=True)
        index = reg.rows.index(original)
        reg.rows.insert(rng.randint(index + 1, len(reg.rows)), duplicate)


def _add_quarantine_rows(rng: random.Random, reg: RegistrationFile) -> None:
    for reason, variant in QUARANTINE_PLAN.get(reg.spec.event_id, []):
        if reason == "duplicate_in_file":
            continue  # rendered later: it must copy the rendered cells of another row
        row = RowPlan(reason, _registration_date(rng, reg.spec.event_id), attended=True, variant=variant)
        upper = max(1, len(reg.rows) // 2) if reason == "unknown_country" else len(reg.rows)
        reg.rows.insert(rng.randint(1, upper), row)


# --------------------------------------------------------------------------------------
# rendering and writing
# --------------------------------------------------------------------------------------


def render_file(rng: random.Random, reg: RegistrationFile) -> None:
    spec = reg.spec
    for row in reg.rows:
        if row.kind == "person":
            row.cells = render_person_row(rng, spec, row)
        else:
            row.cells = render_special_row(spec, row, row.variant)

    if any(reason == "duplicate_in_file" for reason, _ in QUARANTINE_PLAN.get(spec.event_id, [])):
        originals = [r for r in reg.rows if r.kind == "person" and r.attended and not r.near_duplicate]
        original = rng.choice(originals)
        copy = replace(original, kind="duplicate_in_file", cells=list(original.cells))
        index = reg.rows.index(original)
        reg.rows.insert(rng.randint(index + 1, len(reg.rows)), copy)

    if "comment" in spec.fields:
        comment_index = spec.fields.index("comment")
        first_special = next((i for i, r in enumerate(reg.rows) if r.kind != "person"), -1)
        # the one multi-line record comes after the quarantined row, so source rows stay unambiguous
        later = [r for r in reg.rows[first_special + 1:] if r.kind == "person" and r.attended]
        if not later:
            raise AssertionError(f"{spec.event_id}: no attendee after the quarantined row")
        russians = [r for r in later if r.person.is_russian]
        target = (russians or later)[-1]
        target.cells[comment_index] = MULTILINE_COMMENT_VISA if russians else MULTILINE_COMMENT
        for row in rng.sample([r for r in reg.rows if r.kind == "person"], 3):
            if not row.cells[comment_index]:
                row.cells[comment_index] = rng.choice(COMMENTS)

    if "no" in spec.fields:
        no_index = spec.fields.index("no")
        for number, row in enumerate(reg.rows, start=1):
            row.cells[no_index] = number

    if "registered" in spec.fields:
        # the D/M/YY file needs a day above 12 somewhere, or D/M and M/D cannot be told apart
        index = spec.fields.index("registered")
        if spec.date_style == "dmy_slash_yy" and not any(r.cells[index].day > 12 for r in reg.rows):
            raise AssertionError("D/M/YY file without a day above 12")


def _cell_text(spec: FileSpec, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value, spec.date_style)
    return str(value)


def file_bytes(spec: FileSpec, rows: list[RowPlan], created: datetime) -> bytes:
    if spec.container == "xlsx":
        return _xlsx_bytes(spec, rows, created)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=spec.delimiter, lineterminator=spec.line_terminator,
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow(spec.header)
    for row in rows:
        writer.writerow([_cell_text(spec, v) for v in row.cells])
    text = buffer.getvalue()
    if spec.container == "tsv_utf16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(spec.encoding)


def _xlsx_bytes(spec: FileSpec, rows: list[RowPlan], created: datetime) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({
        "title": spec.title_rows[0] if spec.title_rows else spec.filename,
        "author": "Synthetic demo generator",
        "comments": "SYNTHETIC demo data generated by pipelines.demo; not real persons.",
        "created": created,
    })
    sheet = workbook.add_worksheet(spec.sheet_name)
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": spec.xlsx_date_format})
    for r, title in enumerate(spec.title_rows):
        sheet.write_string(r, 0, title, bold)
    header_index = len(spec.title_rows)
    for c, name in enumerate(spec.header):
        sheet.write_string(header_index, c, name, bold)
    for r, row in enumerate(rows, start=header_index + 1):
        for c, value in enumerate(row.cells):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), date_format)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    sheet.set_column(0, len(spec.fields) - 1, 18)
    workbook.close()
    return buffer.getvalue()


def export_created(spec: FileSpec) -> datetime:
    """A fixed 'document created' stamp: the evening after the event ended."""
    event = EVENTS_BY_ID[spec.event_id]
    end = event.end_date + timedelta(days=1)
    return datetime(end.year, end.month, end.day, 18, 0, 0)

"""Words the registration reader recognises: header synonyms and value vocabularies.

Everything here is data plus the one folding function that makes matching case-,
punctuation-, whitespace- and diacritic-insensitive.  Parsers that use these tables live in
:mod:`pipelines.registrations.normalise`; the reader in :mod:`pipelines.registrations.reader`.

Languages covered: English, Russian, Finnish, Swedish (headers and values), plus
Norwegian, Danish, Icelandic, Estonian, Latvian, Lithuanian and German for the commonest
headers, country names and yes/no words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --------------------------------------------------------------------------------------
# Canonical fields
# --------------------------------------------------------------------------------------

#: Canonical fields a registration column can map to (``ignore`` drops a column on purpose).
FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "patronymic",
    "full_name",
    "email",
    "phone",
    "organisation",
    "organisation_type",
    "target_group",
    "country",
    "city",
    "sex",
    "registered_on",
    "attended",
    "research_consent",
)
IGNORE = "ignore"
MAPPABLE: tuple[str, ...] = (*FIELDS, IGNORE)

#: A file must have at least one of these columns: a name or an email identifies a person.
IDENTITY_FIELDS: frozenset[str] = frozenset({"full_name", "first_name", "last_name", "email"})

ORGANISATION_TYPES: tuple[str, ...] = (
    "sme",
    "large_company",
    "ngo",
    "public_body",
    "education",
    "self_employed",
    "other",
    "unknown",
)
TARGET_GROUPS: tuple[str, ...] = ("cci_business", "support_organisation", "education", "other_sector", "unknown")

#: Target group inferred from the organisation type when the file has no (usable) target-group column.
TARGET_GROUP_BY_ORGANISATION_TYPE: dict[str, str] = {
    "sme": "cci_business",
    "large_company": "cci_business",
    "self_employed": "cci_business",
    "ngo": "support_organisation",
    "public_body": "support_organisation",
    "education": "education",
    "other": "unknown",
    "unknown": "unknown",
}

# --------------------------------------------------------------------------------------
# Folding
# --------------------------------------------------------------------------------------

# Cyrillic letters that look like Latin ones; used only for words that mix both scripts
# (a header typed as «Е-mail» with a Cyrillic Е).
_HOMOGLYPHS = str.maketrans("аеорсхукмтвн", "aeopcxykmtbh")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")
_ORDINAL_PREFIX = re.compile(r"^\s*\d{1,2}\s*[.)]\s+(?=\D)")


def fold(text: object) -> str:
    return _fold(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=262_144)
def _fold(text: str) -> str:
    """Lower-case, diacritic-free, whitespace-collapsed form; punctuation becomes spaces.

    «Sähköposti» → ``sahkoposti``; «Ф.И.О.» → ``ф и о``; «E-mail *» → ``e mail``;
    «Присутствовал(а)» → ``присутствовал а``.  ``ё`` and ``й`` fold to ``е`` and ``и``.
    """
    value = unicodedata.normalize("NFKD", text).casefold()
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = value.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("đ", "d").replace("ł", "l")
    value = value.replace("þ", "th").replace("ð", "d").replace("ı", "i")
    value = re.sub(r"[^\w]+|_", " ", value)
    return " ".join(value.split())


def header_key(text: object) -> str:
    """Compact key of a header cell: :func:`fold` without spaces, leading «1.» numbering dropped."""
    return _header_key(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=262_144)
def _header_key(text: str) -> str:
    value = _ORDINAL_PREFIX.sub("", text)
    key = fold(value).replace(" ", "")
    if _CYRILLIC.search(key) and _LATIN.search(key):
        key = key.translate(_HOMOGLYPHS)
    return key


# --------------------------------------------------------------------------------------
# Header synonyms
# --------------------------------------------------------------------------------------

# Primary synonyms (rank 0): exact header texts, matched by header_key.
_HEADERS: dict[str, tuple[str, ...]] = {
    "first_name": (
        "first name", "firstname", "first", "given name", "given names", "forename", "first names",
        "attendee first name", "participant first name",
        "имя", "имя участника",
        "etunimi", "etunimet",
        "förnamn", "tilltalsnamn",
        "fornavn", "fornafn", "eesnimi", "vārds", "vardas", "vorname", "imię",
    ),
    "last_name": (
        "last name", "lastname", "surname", "family name",
        "attendee last name", "participant last name",
        "фамилия", "фамилия участника",
        "sukunimi",
        "efternamn",
        "etternavn", "efternavn", "eftirnafn", "perekonnanimi", "uzvārds", "pavardė", "nachname", "nazwisko",
    ),
    "patronymic": ("отчество", "patronymic", "patronymic name", "отчество при наличии", "отчество если есть"),
    "full_name": (
        "full name", "fullname", "name", "names", "participant", "participant name", "name of participant",
        "attendee", "attendee name", "name surname", "name and surname", "first and last name",
        "first name last name", "first name and last name", "surname name", "surname and name",
        "фио", "ф и о", "фамилия имя отчество", "фамилия имя", "фамилия и имя", "имя фамилия", "имя и фамилия",
        "фио участника", "участник", "ф и о участника", "фамилия имя отчество участника",
        "nimi", "koko nimi", "osallistuja", "osallistujan nimi", "etu ja sukunimi", "etunimi sukunimi",
        "namn", "fullständigt namn", "deltagare", "deltagarens namn", "för och efternamn", "förnamn efternamn",
        "navn", "fullt navn", "fulde navn", "nafn", "fullt nafn", "ees ja perekonnanimi",
        "vārds uzvārds", "vārds un uzvārds", "vardas pavardė", "vardas ir pavardė",
    ),
    "email": (
        "email", "e mail", "mail", "email address", "e mail address", "emailaddress", "e mail адрес",
        "attendee email", "participant email", "contact email", "your email",
        "электронная почта", "эл почта", "адрес электронной почты", "e mail адрес", "емейл", "емэйл", "имейл",
        "почта", "электронный адрес", "эл адрес",
        "sähköposti", "sähköpostiosoite", "s posti", "sposti",
        "e post", "epost", "e postadress", "e postadresse", "netfang", "e pasts", "el paštas", "e posti",
    ),
    "phone": (
        "phone", "telephone", "phone number", "telephone number", "mobile", "mobile phone", "mobile number",
        "cell", "cell phone", "tel", "tel no", "contact phone",
        "телефон", "тел", "мобильный телефон", "контактный телефон", "номер телефона", "моб телефон",
        "puhelin", "puhelinnumero", "matkapuhelin", "gsm", "puh",
        "telefon", "telefonnummer", "mobil", "mobiltelefon", "mobilnummer", "tlf", "sími", "telefons", "telefonas",
    ),
    "organisation": (
        "organisation", "organization", "company", "employer", "institution", "affiliation",
        "organisation name", "organization name", "company name", "company organisation",
        "company organization", "organisation company", "organization company", "workplace",
        "организация", "название организации", "наименование организации", "место работы", "компания",
        "организация учреждение", "организация место работы", "место работы учебы", "место работы организация",
        "organisaatio", "yritys", "työnantaja", "yhteisö", "organisaatio yritys", "yritys organisaatio",
        "organisaation nimi", "yrityksen nimi",
        "företag", "arbetsgivare", "organisation företag", "företag organisation",
        "organisasjon", "firma", "virksomhed", "arbeidsgiver", "stofnun", "fyrirtæki",
        "organisatsioon", "ettevõte", "organizācija", "uzņēmums", "organizacija", "įmonė",
    ),
    "organisation_type": (
        "organisation type", "organization type", "type of organisation", "type of organization",
        "company type", "organisation category", "type", "org type", "org. type", "type of org",
        "organisation kind", "sector type",
        "тип организации", "вид организации", "организационно правовая форма", "опф", "форма организации",
        "organisaation tyyppi", "organisaatiotyyppi", "organisaation laji",
        "organisationstyp", "typ av organisation", "organisasjonstype", "organisationstype",
    ),
    "target_group": (
        "target group", "group", "participant group", "participant category", "category",
        "целевая группа", "категория", "категория участника", "группа",
        "kohderyhmä", "osallistujaryhmä",
        "målgrupp", "kategori", "deltagargrupp", "målgruppe", "sihtrühm", "mērķa grupa", "tikslinė grupė",
    ),
    "country": (
        "country", "country of residence", "country region", "home country", "country code",
        "страна", "страна проживания", "государство",
        "maa", "asuinmaa", "kotimaa", "valtio",
        "land", "hemland", "bosättningsland", "bopælsland", "bostedsland", "riik", "valsts", "šalis", "staat",
    ),
    "city": (
        "city", "town", "city of residence", "city town", "municipality", "home city",
        "город", "населенный пункт", "город проживания",
        "kaupunki", "paikkakunta", "kotikunta", "kotipaikkakunta", "kunta",
        "ort", "stad", "hemort", "kommun", "by", "bosted", "borg", "linn", "pilsēta", "miestas", "stadt",
    ),
    "sex": ("sex", "gender", "пол", "sukupuoli", "kön", "kjønn", "køn", "kyn", "sugu", "dzimums", "lytis"),
    "registered_on": (
        "registration date", "date of registration", "registered", "registered at", "registered on",
        "date registered", "registration time", "date", "timestamp", "submitted", "submitted at",
        "submission date", "order date", "created", "created at", "signup date", "sign up date",
        "дата регистрации", "дата", "дата заявки", "дата подачи заявки", "отметка времени", "дата и время",
        "дата создания", "время регистрации", "дата создания заказа",
        "ilmoittautumispäivä", "ilmoittautumisaika", "ilmoittautunut", "rekisteröitymispäivä", "päivämäärä",
        "aikaleima", "pvm", "ilmoittautumispvm",
        "registreringsdatum", "anmälningsdatum", "anmäld", "datum", "tidsstämpel", "tidsstempel",
        "påmeldingsdato", "tilmeldingsdato", "registreerimise kuupäev", "reģistrācijas datums",
    ),
    "attended": (
        "attended", "attendance", "present", "participated", "checked in", "check in", "attended event",
        "присутствовал", "присутствовала", "присутствовал а", "присутствие", "явка", "пришел", "пришел а",
        "участвовал", "участвовал а", "отметка о присутствии", "был", "был а",
        "osallistui", "paikalla", "läsnä", "läsnäolo", "saapui",
        "deltog", "närvarande", "närvaro", "deltok", "mætti", "osales", "piedalījās", "dalyvavo",
    ),
    "research_consent": (
        "consent", "research consent", "consent to research", "consent for research", "research permission",
        "согласие", "согласие на обработку персональных данных", "согласие на исследование",
        "согласие на участие в исследовании", "согласие на обработку данных",
        "suostumus", "tutkimussuostumus", "tutkimuslupa",
        "samtycke", "samtycke till forskning", "forskningssamtycke", "samtykke", "nõusolek", "piekrišana", "sutikimas",
    ),
}

# Secondary synonyms (rank 1): used when no primary synonym names the same field.
_SECONDARY_HEADERS: dict[str, tuple[str, ...]] = {
    "email": ("buyer email", "purchaser email", "alternative email"),
    "phone": ("home phone", "work phone", "рабочий телефон"),
    "country": (
        "nationality", "citizenship", "гражданство", "kansalaisuus", "medborgarskap", "work country",
        "statsborgerskab", "statsborgerskap",
    ),
    "organisation": ("university", "вуз", "school", "employer organisation"),
}

# Rules (rank 2): regular expressions on fold(header), tried in order when no synonym matched.
_HEADER_RULES: tuple[tuple[str, str], ...] = (
    (IGNORE, r"рожд|birth|syntym|fodelse|fodd|\bage\b|возраст|\bika\b|alder|passport|паспорт|\bинн\b|buyer|покупател"),
    ("full_name", r"\bфио\b|ф и о|фамилия\W*имя|имя\W*фамилия|full name|name and surname|first and last name"
                  r"|koko nimi|etu ja sukunimi|fullstandigt namn|for och efternamn|your name"),
    ("patronymic", r"отчеств|patronym"),
    ("last_name", r"фамили|last name|surname|family name|sukunimi|efternamn|etternavn|efternavn"),
    ("first_name", r"\bимя\b|first name|given name|etunimi|fornamn|fornavn"),
    ("email", r"e ?mail|электронн\w* почт|\bэл\w* почт|\bemail|sahkoposti|\be ?post\b|e ?postadress|netfang"),
    ("phone", r"телефон|\bтел\b|phone|puhelin|telefon|\bmobil|\bgsm\b"),
    ("organisation_type", r"(тип|вид|форма)\w* (организац|учрежд|юридическ)|organi[sz]ation type|type of organi"
                          r"|organisaa?tio\w* (tyyppi|laji)|organisationstyp|typ av organisation"),
    ("target_group", r"целев\w* групп|target group|kohderyhm|malgrupp|категори\w* участник|participant categ"),
    ("research_consent", r"^(я )?соглас|consent|suostu|samtyck|samtykk|\bi agree\b|hyvaksyn"),
    ("attended", r"присутств|\battend|participated|checked in|check in|osallistui|paikalla|lasna|deltog|narvar|явк"),
    ("registered_on", r"дата (регистрац|заявк|подач)|отметка времени|registration (date|time)|date of registration"
                      r"|registered|timestamp|ilmoittautum\w* (pvm|paiva|aika)|registreringsdatum|anmalningsdatum"
                      r"|tidsstampel|aikaleima"),
    ("organisation", r"организац|учреждени|компани|место работы|organi[sz]ation|company|employer|institution"
                     r"|affiliation|organisaatio|yritys|tyonantaja|foretag|arbetsgivare|organisasjon|virksomhed"),
    ("country", r"\bстрана\b|\bcountry\b|\basuinmaa\b|\bmaa\b|\bland\b|\bvaltio\b"),
    ("city", r"\bгород\b|населенн\w* пункт|\bcity\b|\btown\b|kaupunki|paikkakunta|kotikunta|\bort\b|\bstad\b"),
    ("sex", r"^пол\b|\bgender\b|^sex\b|sukupuoli|^kon\b"),
)

_SYNONYM_INDEX: dict[str, tuple[str, int]] = {}
for _rank, _table in ((0, _HEADERS), (1, _SECONDARY_HEADERS)):
    for _field, _names in _table.items():
        for _name in _names:
            _key = header_key(_name)
            _previous = _SYNONYM_INDEX.get(_key)
            if _previous is not None and _previous[0] != _field and _previous[1] <= _rank:
                raise AssertionError(f"header synonym {_name!r} maps to both {_previous[0]} and {_field}")
            if _previous is None or _previous[1] > _rank:
                _SYNONYM_INDEX[_key] = (_field, _rank)
_COMPILED_RULES = tuple((field, re.compile(pattern)) for field, pattern in _HEADER_RULES)
_ANY_RULE = re.compile("|".join(f"(?:{pattern})" for _, pattern in _HEADER_RULES))

RANK_OVERRIDE = -1
RANK_PRIMARY = 0
RANK_SECONDARY = 1
RANK_RULE = 2


def match_header(text: object) -> tuple[str, int] | None:
    """The canonical field a header names and the match rank (0 synonym, 1 secondary, 2 rule).

    >>> match_header("Электронная почта")
    ('email', 0)
    >>> match_header("Ваш e-mail для связи")
    ('email', 2)
    """
    if text is None:
        return None
    return _match_header(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=262_144)
def _match_header(text: str) -> tuple[str, int] | None:
    key = header_key(text)
    if not key:
        return None
    if key in _SYNONYM_INDEX:
        return _SYNONYM_INDEX[key]
    folded = fold(_ORDINAL_PREFIX.sub("", text))
    if len(folded) > 80:  # a sentence, a title or a note rather than a header
        return None
    if not _ANY_RULE.search(folded):  # most cells are values: one search rules them all out
        return None
    for field, pattern in _COMPILED_RULES:
        if pattern.search(folded):
            return field, RANK_RULE
    return None


def header_synonyms() -> dict[str, tuple[str, ...]]:
    """Primary and secondary synonyms per field (for error messages and suggestions)."""
    merged: dict[str, tuple[str, ...]] = {}
    for field in FIELDS:
        merged[field] = _HEADERS.get(field, ()) + _SECONDARY_HEADERS.get(field, ())
    return merged


# --------------------------------------------------------------------------------------
# Placeholders, yes/no, sex
# --------------------------------------------------------------------------------------

#: Cell texts that mean "nothing here" in a text field (compared after fold()).
PLACEHOLDERS: frozenset[str] = frozenset(
    fold(v)
    for v in (
        "-", "--", "---", "—", "–", ".", "?", "n/a", "na", "n.a.", "none", "null", "nil", "nan", "#n/a",
        "нет", "не указано", "не указан", "не указана", "отсутствует", "нет данных",
        "ei", "ei ole", "ei tiedossa", "saknas", "ingen", "inget", "-/-",
    )
) | frozenset({""})

TRUE_SYMBOLS: frozenset[str] = frozenset({"+", "✓", "✔", "☑", "✅", "☒", "×", "*"})
FALSE_SYMBOLS: frozenset[str] = frozenset({"-", "–", "—", "✗", "✘", "☐", "❌"})

TRUE_WORDS: frozenset[str] = frozenset(
    fold(v)
    for v in (
        "yes", "y", "true", "t", "1", "x", "v", "ok", "present", "attended", "checked in", "agree", "i agree",
        "да", "д", "присутствовал", "присутствовала", "присутствовал(а)", "был", "была", "пришел", "пришла",
        "пришёл", "участвовал", "участвовала", "согласен", "согласна", "согласен(а)", "есть",
        "kyllä", "k", "joo", "on", "osallistui", "paikalla", "hyväksyn", "suostun",
        "ja", "j", "sant", "deltog", "närvarande", "samtycker", "godkänner",
        "já", "jah", "jā", "taip", "ano", "tak", "wahr",
    )
)

FALSE_WORDS: frozenset[str] = frozenset(
    fold(v)
    for v in (
        "no", "n", "false", "f", "0", "absent", "no show", "not attended", "disagree",
        "нет", "н", "не был", "не была", "не пришел", "не пришла", "не присутствовал", "не присутствовала",
        "не участвовал", "не согласен", "не согласна", "отсутствовал", "отсутствовала",
        "ei", "e", "ei osallistunut", "ei paikalla", "poissa",
        "nej", "falskt", "deltog inte", "deltog ej", "frånvarande", "nei", "nein", "ne", "nē", "nie",
    )
)
assert not TRUE_WORDS & FALSE_WORDS and "" not in TRUE_WORDS | FALSE_WORDS

_TRUE_PREFIX = re.compile(r"^(да|yes|kylla|ja|joo|согласен|согласна|i agree|agree|hyvaksyn|samtycker)\b")
_FALSE_PREFIX = re.compile(r"^(нет|no|ei|nej|nei|не|not|don t|do not)\b")

#: Marks that only ever mean "yes"; a column made of them and blanks is a tick column.
_TICK_WORDS: frozenset[str] = frozenset({fold(v) for v in ("x", "v", "1", "да", "yes", "kyllä", "ja")})


def is_tick_mark(text: object) -> bool:
    """A cell that only ever means "yes" (x, +, ✓, 1, да …): blanks beside it mean "no"."""
    if text is None:
        return False
    if isinstance(text, bool):
        return text
    if isinstance(text, (int, float)):
        return text == 1
    raw = str(text).strip()
    return raw in TRUE_SYMBOLS or fold(raw) in _TICK_WORDS


def yes_no(text: object) -> bool | None:
    """True/False for a yes/no cell in any supported language; None when unrecognised or blank."""
    if text is None:
        return None
    if isinstance(text, bool):
        return text
    if isinstance(text, (int, float)):
        if text in (0, 1):
            return bool(text)
        return None
    raw = str(text).strip()
    if raw in TRUE_SYMBOLS:
        return True
    if raw in FALSE_SYMBOLS:
        return False
    value = fold(raw)
    if not value:
        return None
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    if _FALSE_PREFIX.search(value):
        return False
    if _TRUE_PREFIX.search(value):
        return True
    return None


SEX_WORDS: dict[str, str] = {
    fold(v): "female"
    for v in (
        "f", "female", "woman", "w", "women", "ж", "жен", "женский", "женщина", "n", "nainen", "nais", "naiset",
        "k", "kvinna", "kvinne", "kvinde", "kona", "kv", "naine", "sieviete", "moteris", "weiblich", "mrs", "ms",
    )
}
SEX_WORDS.update(
    {
        fold(v): "male"
        for v in (
            "m", "male", "man", "men", "м", "муж", "мужской", "мужчина", "mies", "miehet", "mann", "mand", "karl",
            "karlkyn", "mees", "vīrietis", "vyras", "männlich", "mr",
        )
    }
)

# --------------------------------------------------------------------------------------
# Countries: ISO alpha-2, alpha-3 and names in the programme's languages
# --------------------------------------------------------------------------------------

# alpha2, alpha3, names (English, Russian, Finnish, Swedish, Norwegian, Danish, Icelandic,
# Estonian, Latvian, Lithuanian, German, endonyms; duplicates across languages are fine).
_COUNTRIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("FI", "FIN", ("Finland", "Финляндия", "Suomi", "Suomen tasavalta", "Republic of Finland", "Finnland", "Finnland",
                   "Soome", "Somija", "Suomija", "Финляндская Республика")),
    ("SE", "SWE", ("Sweden", "Швеция", "Ruotsi", "Sverige", "Sverige", "Svíþjóð", "Rootsi", "Zviedrija", "Švedija",
                   "Schweden")),
    ("NO", "NOR", ("Norway", "Норвегия", "Norja", "Norge", "Noreg", "Noregur", "Norra", "Norvēģija", "Norvegija",
                   "Norwegen")),
    ("DK", "DNK", ("Denmark", "Дания", "Tanska", "Danmark", "Danmörk", "Taani", "Dānija", "Danija", "Dänemark")),
    ("IS", "ISL", ("Iceland", "Исландия", "Islanti", "Island", "Ísland", "Islande", "Islandija")),
    ("EE", "EST", ("Estonia", "Эстония", "Viro", "Estland", "Eistland", "Eesti", "Igaunija", "Estija",
                   "Эстонская Республика")),
    ("LV", "LVA", ("Latvia", "Латвия", "Lettland", "Letland", "Läti", "Latvija", "Lettland")),
    ("LT", "LTU", ("Lithuania", "Литва", "Liettua", "Litauen", "Litháen", "Leedu", "Lietuva", "Litauen")),
    ("RU", "RUS", ("Russia", "Russian Federation", "Россия", "Российская Федерация", "РФ", "Russland", "Venäjä",
                   "Venäjän federaatio", "Ryssland", "Rusland", "Rússland", "Venemaa", "Krievija", "Rusija",
                   "Russland", "Ryska federationen", "Russische Föderation")),
    ("BY", "BLR", ("Belarus", "Беларусь", "Белоруссия", "Республика Беларусь", "Valko-Venäjä", "Vitryssland",
                   "Hviterussland", "Hviderusland", "Hvíta-Rússland", "Valgevene", "Baltkrievija", "Baltarusija",
                   "Weißrussland")),
    ("UA", "UKR", ("Ukraine", "Украина", "Ukraina", "Úkraína", "Ukrainа")),
    ("DE", "DEU", ("Germany", "Германия", "Saksa", "Tyskland", "Þýskaland", "Saksamaa", "Vācija", "Vokietija",
                   "Deutschland", "ФРГ")),
    ("PL", "POL", ("Poland", "Польша", "Puola", "Polen", "Pólland", "Poola", "Polija", "Lenkija", "Polska")),
    ("GB", "GBR", ("United Kingdom", "UK", "Great Britain", "Britain", "England", "Scotland", "Wales",
                   "Northern Ireland", "Великобритания", "Соединенное Королевство", "Англия", "Шотландия",
                   "Iso-Britannia", "Yhdistynyt kuningaskunta", "Englanti", "Storbritannien", "Förenade kungariket",
                   "Storbritannia", "Det forente kongerike", "Bretland", "Suurbritannia", "Ühendkuningriik",
                   "Lielbritānija", "Apvienotā Karaliste", "Didžioji Britanija", "Jungtinė Karalystė",
                   "Großbritannien", "Vereinigtes Königreich")),
    ("FR", "FRA", ("France", "Франция", "Ranska", "Frankrike", "Frankrig", "Frakkland", "Prantsusmaa", "Francija",
                   "Prancūzija", "Frankreich")),
    ("NL", "NLD", ("Netherlands", "The Netherlands", "Holland", "Нидерланды", "Голландия", "Alankomaat", "Hollanti",
                   "Nederländerna", "Nederland", "Nederlandene", "Holland", "Madalmaad", "Nīderlande", "Nyderlandai",
                   "Niederlande")),
    ("BE", "BEL", ("Belgium", "Бельгия", "Belgia", "Belgien", "Belgía", "Beļģija", "Belgija", "België", "Belgique")),
    ("LU", "LUX", ("Luxembourg", "Люксембург", "Luxemburg", "Lúxemborg", "Luksemburg", "Luksemburga", "Liuksemburgas")),
    ("IE", "IRL", ("Ireland", "Ирландия", "Irlanti", "Irland", "Írland", "Iirimaa", "Īrija", "Airija")),
    ("AT", "AUT", ("Austria", "Австрия", "Itävalta", "Österrike", "Østerrike", "Østrig", "Austurríki", "Austrija",
                   "Österreich")),
    ("CH", "CHE", ("Switzerland", "Швейцария", "Sveitsi", "Schweiz", "Sveits", "Sviss", "Šveits", "Šveice",
                   "Šveicarija", "Suisse")),
    ("IT", "ITA", ("Italy", "Италия", "Italia", "Italien", "Ítalía", "Itaalia", "Itālija", "Italija")),
    ("ES", "ESP", ("Spain", "Испания", "Espanja", "Spanien", "Spania", "Spánn", "Hispaania", "Spānija", "Ispanija",
                   "España")),
    ("PT", "PRT", ("Portugal", "Португалия", "Portugali", "Portúgal", "Portugāle", "Portugalija")),
    ("CZ", "CZE", ("Czech Republic", "Czechia", "Чехия", "Tšekki", "Tjeckien", "Tsjekkia", "Tjekkiet", "Tékkland",
                   "Tšehhi", "Čehija", "Čekija", "Tschechien", "Česko")),
    ("SK", "SVK", ("Slovakia", "Словакия", "Slovakien", "Slovakia", "Slóvakía", "Slovakkia", "Slovākija", "Slovakija",
                   "Slowakei")),
    ("HU", "HUN", ("Hungary", "Венгрия", "Unkari", "Ungern", "Ungarn", "Ungverjaland", "Ungari", "Ungārija",
                   "Vengrija", "Magyarország")),
    ("SI", "SVN", ("Slovenia", "Словения", "Slovenien", "Slóvenía", "Sloveenia", "Slovēnija", "Slovėnija",
                   "Slowenien")),
    ("HR", "HRV", ("Croatia", "Хорватия", "Kroatia", "Kroatien", "Króatía", "Horvaatia", "Horvātija", "Kroatija",
                   "Hrvatska")),
    ("RO", "ROU", ("Romania", "Румыния", "Rumänien", "Romania", "Rúmenía", "Rumeenia", "Rumānija", "Rumunija")),
    ("BG", "BGR", ("Bulgaria", "Болгария", "Bulgarien", "Búlgaría", "Bulgaaria", "Bulgārija", "Bulgarija")),
    ("GR", "GRC", ("Greece", "Греция", "Kreikka", "Grekland", "Hellas", "Grækenland", "Grikkland", "Kreeka", "Grieķija",
                   "Graikija", "Griechenland", "EL")),
    ("CY", "CYP", ("Cyprus", "Кипр", "Kypros", "Cypern", "Kypros", "Kýpur", "Küpros", "Kipra", "Kipras", "Zypern")),
    ("MT", "MLT", ("Malta", "Мальта", "Möltu")),
    ("MD", "MDA", ("Moldova", "Молдова", "Молдавия", "Republic of Moldova", "Moldavia", "Moldavien")),
    ("GE", "GEO", ("Georgia", "Грузия", "Georgien", "Gruusia", "Gruzija", "Gruzija", "Sakartvelo")),
    ("AM", "ARM", ("Armenia", "Армения", "Armenien", "Armeenia", "Armēnija", "Armėnija")),
    ("AZ", "AZE", ("Azerbaijan", "Азербайджан", "Azerbaidžan", "Azerbajdzjan", "Aserbaidschan")),
    ("KZ", "KAZ", ("Kazakhstan", "Казахстан", "Kazakstan", "Kasachstan", "Kasahstan", "Kazahstāna", "Kazachstanas")),
    ("RS", "SRB", ("Serbia", "Сербия", "Serbien", "Serbía", "Serbija")),
    ("TR", "TUR", ("Turkey", "Türkiye", "Турция", "Turkki", "Turkiet", "Tyrkia", "Tyrkiet", "Tyrkland", "Türgi",
                   "Turcija", "Turkija", "Türkei")),
    ("US", "USA", ("United States", "United States of America", "USA", "U.S.A.", "US", "США",
                   "Соединенные Штаты Америки", "Yhdysvallat", "Förenta staterna", "Amerika", "Vereinigte Staaten")),
    ("CA", "CAN", ("Canada", "Канада", "Kanada")),
    ("CN", "CHN", ("China", "Китай", "Kiina", "Kina", "Kína", "Hiina", "Ķīna", "Kinija")),
    ("JP", "JPN", ("Japan", "Япония", "Japani", "Jaapan", "Japāna", "Japonija")),
    ("FO", "FRO", ("Faroe Islands", "Фарерские острова", "Färsaaret", "Färöarna", "Færøyene", "Færøerne",
                   "Føroyar", "Færeyjar")),
    ("GL", "GRL", ("Greenland", "Гренландия", "Grönlanti", "Grönland", "Grønland", "Grænland", "Kalaallit Nunaat")),
)


def _country_key(text: str) -> str:
    return fold(text).replace(" ", "")


COUNTRY_ALPHA2: frozenset[str] = frozenset(code for code, _, _ in _COUNTRIES)
_COUNTRY_INDEX: dict[str, str] = {}
for _code, _alpha3, _names in _COUNTRIES:
    for _name in (_code, _alpha3, *_names):
        _key = _country_key(_name)
        _previous = _COUNTRY_INDEX.get(_key)
        if _previous is not None and _previous != _code:
            raise AssertionError(f"country name {_name!r} maps to both {_previous} and {_code}")
        _COUNTRY_INDEX[_key] = _code
# Codes that are not ISO alpha-2 but appear in real files.
_COUNTRY_INDEX[_country_key("UK")] = "GB"
_COUNTRY_INDEX[_country_key("EL")] = "GR"


def country_code(text: object) -> str | None:
    """ISO alpha-2 code for a country name/code in any supported language, else None.

    Tries the whole cell, then its parts split on ``/ , ; ( )`` (so «Finland / Suomi» and
    «Russia (Moscow)» work).
    """
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    key = _country_key(raw)
    if key in _COUNTRY_INDEX:
        return _COUNTRY_INDEX[key]
    for part in re.split(r"[/,;()]", raw):
        key = _country_key(part)
        if key and key in _COUNTRY_INDEX:
            return _COUNTRY_INDEX[key]
    return None


#: International calling codes and trunk prefixes for phone normalisation.
CALLING_CODES: dict[str, tuple[str, str | None, int]] = {
    # country: (calling code, trunk prefix, usual national significant number length)
    "FI": ("358", "0", 9),
    "SE": ("46", "0", 9),
    "NO": ("47", None, 8),
    "DK": ("45", None, 8),
    "IS": ("354", None, 7),
    "EE": ("372", None, 8),
    "LV": ("371", None, 8),
    "LT": ("370", "8", 8),
    "RU": ("7", "8", 10),
    "KZ": ("7", "8", 10),
    "BY": ("375", "8", 9),
    "UA": ("380", "0", 9),
    "DE": ("49", "0", 10),
    "PL": ("48", None, 9),
    "GB": ("44", "0", 10),
    "FR": ("33", "0", 9),
    "NL": ("31", "0", 9),
    "BE": ("32", "0", 9),
    "AT": ("43", "0", 10),
    "CH": ("41", "0", 9),
    "IT": ("39", None, 10),
    "ES": ("34", None, 9),
    "IE": ("353", "0", 9),
    "CZ": ("420", None, 9),
}

# --------------------------------------------------------------------------------------
# Organisation type and target group keyword rules
# --------------------------------------------------------------------------------------

#: Exact values of an organisation-type column (after fold()).
ORGANISATION_TYPE_WORDS: dict[str, str] = {fold(v): v for v in ORGANISATION_TYPES}
ORGANISATION_TYPE_WORDS.update(
    {
        fold(k): v
        for k, v in {
            "small company": "sme", "small business": "sme", "micro enterprise": "sme", "micro": "sme",
            "small": "sme", "medium": "sme", "company": "sme", "business": "sme", "private company": "sme",
            "enterprise": "sme", "startup": "sme", "start up": "sme",
            "large": "large_company", "large enterprise": "large_company", "corporation": "large_company",
            "ngo": "ngo", "nonprofit": "ngo", "non profit": "ngo", "association": "ngo", "foundation": "ngo",
            "public": "public_body", "public sector": "public_body", "government": "public_body",
            "municipality": "public_body", "public body": "public_body", "public organisation": "public_body",
            "education": "education", "university": "education", "school": "education", "research": "education",
            "self employed": "self_employed", "freelancer": "self_employed", "sole trader": "self_employed",
            "individual entrepreneur": "self_employed", "sole proprietor": "self_employed",
            "other": "other", "другое": "other", "иное": "other", "прочее": "other", "muu": "other",
            "annan": "other", "övrigt": "other", "övrig": "other", "andet": "other", "annet": "other",
            "private person": "other", "individual": "other", "частное лицо": "other", "физическое лицо": "other",
            "yksityishenkilö": "other", "privatperson": "other",
            "unknown": "unknown", "не знаю": "unknown", "en tiedä": "unknown", "vet ej": "unknown",
            "vet inte": "unknown",
            "ип": "self_employed", "нко": "ngo", "ано": "ngo", "мсп": "sme", "ооо": "sme", "вуз": "education",
            "oy": "sme", "ab": "sme", "ry": "ngo", "tmi": "self_employed", "amk": "education",
        }.items()
    }
)

# Keyword rules, tried in order on fold(text); the first match wins.  Used both for an
# organisation-type column and (when the file has none) for the organisation's name.
ORGANISATION_TYPE_RULES: tuple[tuple[str, str], ...] = (
    ("self_employed", r"\bип\b|индивидуальн\w* предпринимател|самозанят|self ?employed|freelanc|фрилансер"
                      r"|\btoiminimi\b|\btmi\b|elinkeinonharjoittaja|enskild (firma|naringsidkare)|\bfrilans"
                      r"|egen ?foretagare|enkeltpersonforetak|enkeltmandsvirksomhed|\bfie\b|individuali veikla|sole (trader|proprietor)"
                      r"|\bчастн\w* предпринимател|yksinyrittaja|ammatinharjoittaja"),
    ("education", r"университет|\bвуз|колледж|академи|институт|\bшкол|лице[ия]|гимнази|техникум|училищ"
                  r"|образовательн|universit|college|\bschool|academy|akatemia|polytechnic|yliopisto"
                  r"|ammattikorkeakoulu|\bamk\b|korkeakoulu|\bkoulu|opisto|\blukio|hogskola|skola|gymnasium"
                  r"|ulikool|\bkool\b|universitate|mokykla|kolegija|\beducation|koulutus|utbildning|research centre"
                  r"|research center|научн|tutkimuslaitos|oppilaitos"),
    ("public_body", r"муниципальн|государственн|бюджетн\w* учрежден|казенн\w* учрежден|public institution"
                    r"|state institution|governmental|cultural institution|culture institution|kulttuurilaitos|kulturinstitution"
                    r"|kulturinstitusjon|kulturinstitut|культурн\w* учрежден|kulturrad|arts council|taiteen edistamiskeskus|администраци|министерств|департамент|комитет по|управлени\w* культур"
                    r"|мэри[яи]|правительств|учреждени\w* культуры|музе[ияе]|библиотек|дом культуры|филармони"
                    r"|\bгбу|\bмбу|\bгау|\bмау|\bмбук|\bгбук|\bфгбу|\bмук\b|\bгук\b|museum|museo|museet|\blibrary"
                    r"|kirjasto|bibliotek|municipal|city of|city council|\bkaupunki\b|kaupungin|\bkunta\b|\bkommun\b"
                    r"|ministry|ministerio|ministerium|departement|government|regional council|maakuntaliitto"
                    r"|county council|landsting|regionforbund|public (body|sector|authority|organi[sz]ation)"
                    r"|julkinen|virasto|myndighet|\bstate\b|\bagency for\b|\bпубличн\w* (орган|сектор)"),
    ("ngo", r"\bнко\b|\bано\b|некоммерческ|\bфонд\b|фонд |ассоциаци|\bсоюз|общественн\w* (организац|объединени)"
            r"|\bngo\b|non ?profit|not for profit|charity|association|foundation|\bsociety\b|\bry\b|\br y\b"
            r"|yhdistys|jarjesto|saatio|\bliitto\b|forening|stiftelse|forbund|\bmtu\b|biedriba|asociacija|viesoji istaiga"
            r"|\bvsi\b|\bnpo\b|\bnfp\b|verein\b"),
    ("large_company", r"large (company|enterprise|business|corporation)|крупн\w* (предприят|компани|бизнес|организац)"
                      r"|корпораци|холдинг|\bпао\b|\bоао\b|\boyj\b|\babp\b|\bplc\b|\basa\b|suuryritys|storforetag"
                      r"|stort foretag|large$"),
    ("sme", r"\bsme\b|\bмсп\b|мал\w* (и средн\w* )?(предприят|бизнес|компани)|средн\w* (предприят|бизнес)"
            r"|микропредприят|small|medium|micro|pk yritys|pienyritys|mikroyritys|sma och medelstora"
            r"|smaforetag|\bооо\b|\bзао\b|\bао\b|\bнао\b|\bоао\b|\boy\b|\boy ab\b|\bab\b|\bas\b|\baps\b|\bsia\b"
            r"|\buab\b|\bou\b|\bltd\b|\bllc\b|\bgmbh\b|\bsp z o o\b|\behf\b|\bkb\b|\bhb\b|\binc\b|\bco\b"
            r"|limited|private company|\bcompany\b|\bфирма\b|\bкомпани|коммерческ|\byritys\b|\bforetag\b|business"
            r"|startup|start up|\bbyra\b|\bstudio\b|студия|агентство|\bagency\b|\bkommandittselskap"),
    ("other", r"^(other|другое|иное|прочее|muu|annan|ovrigt|ovrig|andet|annet)\b"),
)
_COMPILED_ORGANISATION_TYPE_RULES = tuple((t, re.compile(p)) for t, p in ORGANISATION_TYPE_RULES)

#: Exact values of a target-group column (after fold()).
TARGET_GROUP_WORDS: dict[str, str] = {fold(v): v for v in TARGET_GROUPS}
TARGET_GROUP_WORDS.update(
    {
        fold(k): v
        for k, v in {
            "1": "cci_business", "group 1": "cci_business", "группа 1": "cci_business", "ryhmä 1": "cci_business",
            "grupp 1": "cci_business", "tg1": "cci_business", "tg 1": "cci_business",
            "2": "support_organisation", "group 2": "support_organisation", "группа 2": "support_organisation",
            "ryhmä 2": "support_organisation", "grupp 2": "support_organisation", "tg2": "support_organisation",
            "tg 2": "support_organisation",
            "3": "education", "group 3": "education", "группа 3": "education", "ryhmä 3": "education",
            "grupp 3": "education", "tg3": "education", "tg 3": "education",
            "other": "other_sector", "другое": "other_sector", "иное": "other_sector", "прочее": "other_sector",
            "muu": "other_sector", "annan": "other_sector", "övrigt": "other_sector", "övrig": "other_sector",
            "other sector": "other_sector", "не знаю": "unknown", "en tiedä": "unknown", "vet ej": "unknown",
        }.items()
    }
)

TARGET_GROUP_RULES: tuple[tuple[str, str], ...] = (
    ("education", r"education|educational|universit|student|студент|\bвуз|образован|учебн|школ|колледж|academ"
                  r"|koulutus|oppilaitos|opiskelija|yliopisto|korkeakoulu|utbildning|hogskola|larosate|\bstudent"
                  r"|research|исследоват|научн|tutkimus|forskning|teacher|преподават|opettaja|larare"),
    ("support_organisation", r"support|intermediar|поддержк|инфраструктур|некоммерческ|\bнко\b|ассоциаци"
                             r"|учреждени\w* культур|культурн\w* учрежден|public (sector|body|authority)"
                             r"|municipal|муниципал|государств|tuki|kehittamis|kehittaja|julkinen|kunta|stod|framjande"
                             r"|kulturinstitution|museum|музе|библиотек|library|kirjasto|association|yhdistys"
                             r"|forening|policy|администрац|development agency|cluster|кластер|incubator|инкубатор"
                             r"|hautomo|inkubator"),
    ("other_sector", r"друг\w* отрасл|ин\w* отрасл|another (sector|industry|branch)|other (sector|industry|branch)"
                     r"|muun alan|muu ala|annan bransch|andra branscher|non ?cci|outside (the )?cci"),
    ("cci_business", r"\bcci\b|\bкки\b|creative (industr|business|sector|economy|enterprise|entrepreneur)"
                     r"|креативн|творческ\w* (индустри|бизнес)|предприним|бизнес|компани|business|entrepreneur"
                     r"|company|\bsme\b|\bмсп\b|freelanc|самозанят|luova|luovan|yritt|yritys|kreativ|foretag"
                     r"|naringsidkare|\bartist|художник|designer|дизайнер|taiteilija|konstnar"),
    ("other_sector", r"^(other|другое|иное|прочее|muu|annan|ovrig)\b|other sector|другая отрасль|muu ala"),
)
_COMPILED_TARGET_GROUP_RULES = tuple((t, re.compile(p)) for t, p in TARGET_GROUP_RULES)

# Legal forms inside organisation names (case-sensitive, whole tokens) and the type they imply.
LEGAL_FORMS: dict[str, str] = {
    # Russian (Cyrillic and Latin transliteration)
    "ООО": "sme", "ЗАО": "sme", "АО": "sme", "НАО": "sme", "ОАО": "large_company", "ПАО": "large_company",
    "OOO": "sme", "ZAO": "sme", "OAO": "large_company", "PAO": "large_company",
    "ИП": "self_employed", "IP": "self_employed", "АНО": "ngo", "ANO": "ngo", "НКО": "ngo", "NKO": "ngo",
    # Nordic and Baltic
    "Oy": "sme", "OY": "sme", "Ab": "sme", "AB": "sme", "Oyj": "large_company", "OYJ": "large_company",
    "Abp": "large_company", "Tmi": "self_employed", "TMI": "self_employed", "ry": "ngo", "r.y.": "ngo",
    "AS": "sme", "A/S": "sme", "ApS": "sme", "ASA": "large_company", "ENK": "self_employed", "IVS": "sme",
    "ehf": "sme", "ehf.": "sme", "hf": "large_company", "hf.": "large_company",
    "OÜ": "sme", "OU": "sme", "FIE": "self_employed", "MTÜ": "ngo", "MTU": "ngo",
    "SIA": "sme", "UAB": "sme", "MB": "sme", "IĮ": "self_employed",
    "VšĮ": "ngo", "VsI": "ngo",
    "KB": "sme", "HB": "sme", "EF": "self_employed",
    # elsewhere
    "Ltd": "sme", "Ltd.": "sme", "LTD": "sme", "LLC": "sme", "GmbH": "sme", "Inc": "sme", "Inc.": "sme",
    "plc": "large_company", "PLC": "large_company", "AG": "large_company",
    "e.V.": "ngo", "gGmbH": "ngo",
}
_LEGAL_FORM_PATTERN = re.compile(
    r"(?<![\w.])("
    + "|".join(re.escape(form.strip()) for form in sorted({f.strip() for f in LEGAL_FORMS}, key=len, reverse=True))
    + r")(?![\w/])"
)
_LEGAL_FORMS_STRIPPED = {form.strip(): kind for form, kind in LEGAL_FORMS.items()}
# For a bare organisation name only the unambiguous company words apply.
_NAME_COMPANY_RULES = (
    ("large_company", dict(_COMPILED_ORGANISATION_TYPE_RULES)["large_company"]),
    ("sme", re.compile(r"\bкомпани|\bфирма\b|студия|агентство|\bstudio\b|\bagency\b|\bbyra\b|limited"
                       r"|\bcompany\b|\bsp z o o\b")),
)


def organisation_type_from_text(text: object, *, explicit: bool) -> str | None:
    """Canonical organisation type for a type-column value (explicit) or an organisation name.

    Returns None when nothing matched (the caller decides: ``other`` for an explicit value,
    ``unknown`` for a name).
    """
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    value = fold(raw)
    if value in ORGANISATION_TYPE_WORDS:
        return ORGANISATION_TYPE_WORDS[value]
    for organisation_type, pattern in _COMPILED_ORGANISATION_TYPE_RULES:
        if organisation_type in ("sme", "large_company", "other") and not explicit:
            continue  # legal forms in names are handled below, case-sensitively
        if pattern.search(value):
            return organisation_type
    if not explicit:
        form = _LEGAL_FORM_PATTERN.search(raw)
        if form:
            return _LEGAL_FORMS_STRIPPED[form.group(1)]
        for organisation_type, pattern in _NAME_COMPANY_RULES:
            if pattern.search(value):
                return organisation_type
    return None


def target_group_from_text(text: object) -> str | None:
    """Canonical target group for a target-group cell, else None when unrecognised."""
    if text is None:
        return None
    value = fold(text)
    if not value:
        return None
    if value in TARGET_GROUP_WORDS:
        return TARGET_GROUP_WORDS[value]
    leading = re.match(r"^(?:group|группа|ryhma|grupp|tg)?\s*([123])\b", value)
    if leading:
        return TARGET_GROUP_WORDS[leading.group(1)]
    for target_group, pattern in _COMPILED_TARGET_GROUP_RULES:
        if pattern.search(value):
            return target_group
    return None


# --------------------------------------------------------------------------------------
# Names, test records, summary rows, months
# --------------------------------------------------------------------------------------

PATRONYMIC_CYRILLIC = re.compile(r"(ович|евич|ёвич|овна|евна|ёвна|ична|инична|ьич)$", re.IGNORECASE)
PATRONYMIC_LATIN = re.compile(r"(ovich|evich|ovitch|ovna|evna|ichna|inichna)$", re.IGNORECASE)
PATRONYMIC_SUFFIXES = frozenset({"оглы", "кызы", "ogly", "kyzy", "uly", "kyzy"})

# Surname endings: strong (2 points) and weak (1 point).
SURNAME_STRONG = re.compile(r"(ов|ев|ёв|ова|ева|ёва|ский|ская|цкий|цкая|ской|енко|швили|дзе|ян|янц)$", re.IGNORECASE)
SURNAME_WEAK = re.compile(r"(ин|ын|ина|ына|их|ых|ук|юк|ко|ич|ец|ай)$", re.IGNORECASE)

COMMON_RUSSIAN_FIRST_NAMES: frozenset[str] = frozenset(
    """
    александр алексей анатолий андрей антон аркадий артём артем борис вадим валентин валерий василий виктор
    виталий владимир владислав вячеслав геннадий георгий глеб григорий даниил денис дмитрий евгений егор иван
    игорь илья кирилл константин лев леонид максим марк матвей михаил никита николай олег павел пётр петр роман
    руслан сергей станислав степан тимур тимофей фёдор федор юрий ярослав
    александра алёна алена алина алла анастасия ангелина анна антонина валентина валерия вера вероника виктория
    галина дарья диана евгения екатерина елена елизавета жанна зоя инна ирина карина кира кристина ксения лариса
    лидия любовь людмила маргарита марина мария надежда наталья наталия нина оксана ольга полина раиса светлана
    софия софья тамара татьяна ульяна юлия яна
    """.split()
)

NAME_PARTICLES: frozenset[str] = frozenset(
    {"van", "von", "de", "der", "den", "af", "av", "da", "di", "du", "la", "le", "del", "della", "ter", "ten", "zu"}
)

_TEST_TOKEN = re.compile(
    r"^(test|tests|testing|testi|testuser|testtest|тест|тестовыи|тестовая|проверка|asdf\w*|qwerty\w*"
    r"|[йи]цукен\w*|фыва\w*|x{3,}|х{3,}|dummy|foobar|zzz+)\d*$"
)
TEST_EMAIL_DOMAINS: frozenset[str] = frozenset(
    {"test.com", "test.ru", "test.fi", "test.se", "test.test", "mailinator.com", "asdf.com", "qwerty.ru"}
)


def is_test_token(token: str) -> bool:
    return bool(_TEST_TOKEN.match(fold(token).replace(" ", "")))


_SUMMARY = re.compile(
    r"^(итого|всего|итог|total|totals|grand total|sum|summa|yhteensa|yht|kaikki yhteensa|totalt|i alt"
    r"|kokku|kopa|is viso)( участник\w*| человек| persons| participants| osallistujaa| deltagare)?"
    r"( \d+( \w+)?)?$"
)


def is_summary_text(text: str) -> bool:
    """A footer cell such as «Итого: 45», «Всего 45 участников», «Yhteensä», «Total: 12» (not «Summa Anna»)."""
    return bool(_SUMMARY.match(fold(text)))


MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan январь января янв tammikuu tammikuuta tammi januari januar jaanuar janvāris sausis",
        "february feb февраль февраля фев helmikuu helmikuuta helmi februari februar veebruar februāris vasaris",
        "march mar март марта maaliskuu maaliskuuta maalis mars marts märts marts kovas",
        "april apr апрель апреля апр huhtikuu huhtikuuta huhti aprill aprīlis balandis",
        "may май мая toukokuu toukokuuta touko maj mai maijs gegužė geguzes",
        "june jun июнь июня июн kesäkuu kesäkuuta kesä juni juuni jūnijs birželis",
        "july jul июль июля июл heinäkuu heinäkuuta heinä juli juuli jūlijs liepa",
        "august aug август августа авг elokuu elokuuta elo augusti augustus augusts rugpjūtis",
        "september sep sept сентябрь сентября сен сент syyskuu syyskuuta syys septembre septembris rugsėjis",
        "october oct октябрь октября окт lokakuu lokakuuta loka oktober oktoober oktobris spalis okt",
        "november nov ноябрь ноября ноя marraskuu marraskuuta marras novembris lapkritis",
        "december dec декабрь декабря дек joulukuu joulukuuta joulu december detsember decembris gruodis",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[fold(_name)] = _number

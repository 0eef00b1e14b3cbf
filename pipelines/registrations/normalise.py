"""Value parsers for registration cells: names, emails, phones, dates, countries, yes/no, categories.

Convention: a parser returns ``None`` for a blank cell (empty, whitespace, or a placeholder
such as «-», «n/a», «нет»), the normalised value for a good cell, and raises
:class:`ValueError` (with a message fit for a quarantine ``reason_detail``) for a cell
that holds something it cannot read — dates, countries and emails only.  Yes/no, sex and
category parsers never raise: an unrecognised value becomes ``None``/``unknown`` and the
reader notes a warning.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipelines.registrations import vocabulary as vocab

EXCEL_EPOCH_1900 = dt.date(1899, 12, 30)
EXCEL_EPOCH_1904 = dt.date(1904, 1, 1)
# Plausible registration dates: serials 32874 (1990-01-01) … 73050 (2099-12-31).
MIN_YEAR, MAX_YEAR = 1990, 2099

_WHITESPACE = re.compile(r"\s+")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text: integral floats without ``.0`` (Excel stores phone numbers as numbers),
    dates as ISO, whitespace (including no-break spaces and line breaks) collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if (value.hour, value.minute, value.second) != (0, 0, 0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _clean_str(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=262_144)
def _clean_str(value: str) -> str:
    text = unicodedata.normalize("NFC", value).replace("\u00a0", " ").replace("\u200b", "")
    return _WHITESPACE.sub(" ", text).strip()


def is_blank(value: Any) -> bool:
    """Empty, whitespace-only or a placeholder such as «-», «n/a», «нет», «ei»."""
    if value is None:
        return True
    if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        return isinstance(value, float) and math.isnan(value)
    return vocab.fold(cell_text(value)) in vocab.PLACEHOLDERS


def clean_text(value: Any) -> str | None:
    """Trimmed text as written, or None for a blank/placeholder cell."""
    if is_blank(value):
        return None
    return cell_text(value) or None


def is_cyrillic(text: str) -> bool:
    """More Cyrillic than Latin letters."""
    return len(_CYRILLIC_LETTER.findall(text)) > len(_LATIN_LETTER.findall(text))


# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameParts:
    first_name: str | None = None
    last_name: str | None = None
    patronymic: str | None = None


def _is_patronymic(token: str) -> bool:
    words = token.split()
    if not words:
        return False
    if len(words) > 1 and words[-1].casefold() in vocab.PATRONYMIC_SUFFIXES:
        return True
    bare = words[0].strip(".,")
    return bool(vocab.PATRONYMIC_CYRILLIC.search(bare) or vocab.PATRONYMIC_LATIN.search(bare))


_LATIN_SURNAME_STRONG = re.compile(r"(ov|ev|ova|eva|ovа|sky|skiy|skii|skij|skaya|skaja|enko|shvili|dze)$", re.IGNORECASE)


def _surname_score(token: str) -> int:
    bare = token.strip(".,").casefold()
    if _CYRILLIC_LETTER.search(bare):
        if bare.replace("ё", "е") in vocab.COMMON_RUSSIAN_FIRST_NAMES:
            return -3
        if vocab.SURNAME_STRONG.search(bare):
            return 2
        if vocab.SURNAME_WEAK.search(bare):
            return 1
        return 0
    return 2 if _LATIN_SURNAME_STRONG.search(bare) else 0


def _join(tokens: list[str]) -> str | None:
    return " ".join(tokens) or None


def split_full_name(text: str | None) -> NameParts:
    """Split a full name into first / last / patronymic.

    * «Иванов Иван Иванович» → last Иванов, first Иван, patronymic Иванович (three tokens,
      the third a patronymic: -ович/-евич/-овна/-евна/-ична/-инична/-ьич); «Иван Иванович
      Иванов» → first, patronymic, last.
    * Two Cyrillic tokens: the one that looks more like a surname (-ов/-ева/-ский …, not a
      common first name) is the surname; a tie keeps the Russian list order, surname first.
    * «Virtanen, Anna» → last Virtanen, first Anna; «VIRTANEN Anna» → the upper-case token is
      the surname; «Anna Virtanen» → first Anna, last Virtanen; «Jan van der Berg» → last
      «van der Berg»; «Anna Maria Virtanen» → first «Anna Maria».
    * A single token is not split (all parts None; the full name keeps it).
    """
    if not text:
        return NameParts()
    text = _WHITESPACE.sub(" ", text).strip()
    cyrillic = is_cyrillic(text)
    if "," in text:
        before, after = (part.strip() for part in text.split(",", 1))
        rest = after.split()
        if not before or not rest:
            return NameParts()
        if len(rest) >= 2 and _is_patronymic(rest[-1]):
            return NameParts(first_name=_join(rest[:-1]), last_name=before, patronymic=rest[-1])
        return NameParts(first_name=after, last_name=before)
    tokens = text.split(" ")
    # «… оглы» / «… кызы» belong to the patronymic before them
    if len(tokens) >= 3 and tokens[-1].casefold() in vocab.PATRONYMIC_SUFFIXES:
        tokens = [*tokens[:-2], f"{tokens[-2]} {tokens[-1]}"]
    if len(tokens) == 1:
        return NameParts()
    if len(tokens) >= 3:
        if _is_patronymic(tokens[2]):
            return NameParts(first_name=tokens[1], last_name=tokens[0], patronymic=_join(tokens[2:]))
        if _is_patronymic(tokens[1]):
            return NameParts(first_name=tokens[0], last_name=_join(tokens[2:]), patronymic=tokens[1])
        if _is_patronymic(tokens[-1]):
            return NameParts(first_name=_join(tokens[1:-1]), last_name=tokens[0], patronymic=tokens[-1])
    if cyrillic:
        if len(tokens) == 2 and _is_patronymic(tokens[1]):
            return NameParts(first_name=tokens[0], patronymic=tokens[1])
        if _surname_score(tokens[-1]) > _surname_score(tokens[0]):
            return NameParts(first_name=_join(tokens[:-1]), last_name=tokens[-1])
        return NameParts(first_name=_join(tokens[1:]), last_name=tokens[0])
    upper = [i for i, token in enumerate(tokens) if len(token) > 1 and token.isupper()]
    if upper and len(upper) < len(tokens) and upper == list(range(upper[0], upper[-1] + 1)):
        return NameParts(
            first_name=_join([t for i, t in enumerate(tokens) if i not in upper]),
            last_name=_join([tokens[i] for i in upper]),
        )
    for index in range(1, len(tokens)):
        if tokens[index].casefold() in vocab.NAME_PARTICLES:
            return NameParts(first_name=_join(tokens[:index]), last_name=_join(tokens[index:]))
    if len(tokens) == 2 and _surname_score(tokens[0]) > _surname_score(tokens[1]):
        return NameParts(first_name=tokens[1], last_name=tokens[0])
    return NameParts(first_name=_join(tokens[:-1]), last_name=tokens[-1])


def compose_full_name(first: str | None, last: str | None, patronymic: str | None) -> str | None:
    """A full name from parts: «Фамилия Имя Отчество» for Cyrillic, «First Last» otherwise."""
    parts = [p for p in (first, last, patronymic) if p]
    if not parts:
        return None
    if is_cyrillic(" ".join(parts)):
        return _join([p for p in (last, first, patronymic) if p])
    return _join([p for p in (first, patronymic, last) if p])


def is_test_record(names: list[str | None], email: str | None) -> bool:
    """Test/junk rows: a name token or email part like test, тест, asdf, qwerty, йцукен, xxx."""
    for name in names:
        if name and any(vocab.is_test_token(token) for token in re.split(r"[\s,.\-_]+", name) if token):
            return True
    if email and "@" in email:
        local, _, domain = email.rpartition("@")
        if domain.casefold() in vocab.TEST_EMAIL_DOMAINS:
            return True
        if any(vocab.is_test_token(token) for token in re.split(r"[._+\-]+", local) if token):
            return True
    return False


# --------------------------------------------------------------------------------------
# Email and phone
# --------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"^(?!\.)(?!.*\.\.)[\w.!#$%&'*+/=?^`{|}~-]+(?<!\.)@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$"
)
_ANGLE = re.compile(r"<([^<>]+@[^<>]+)>")


def normalise_email(value: Any) -> str | None:
    """Lower-cased, trimmed email; None when blank; ValueError when malformed.

    «Name <a@b.fi>» and «mailto:a@b.fi» yield the address; a cell with several addresses
    («a@b.fi; c@d.fi») yields the first.
    """
    if is_blank(value):
        return None
    text = cell_text(value)
    angle = _ANGLE.search(text)
    if angle:
        text = angle.group(1)
    text = re.sub(r"^mailto:", "", text.strip(), flags=re.IGNORECASE).strip().strip("\"'").strip()
    candidates = [part for part in re.split(r"[;,\s]+", text) if part]
    with_at = [part for part in candidates if "@" in part]
    email = (with_at[0] if with_at else text).strip().strip(".").lower()
    if not with_at or not _EMAIL.match(email):
        raise ValueError(f"malformed email {cell_text(value)!r}")
    return email


def normalise_phone(value: Any, country: str | None = None) -> str | None:
    """Digits with a leading ``+`` where the international form is known, else digits only.

    «+7 (916) 123-45-67» → ``+79161234567``; «8 916 123 45 67» with country RU →
    ``+79161234567``; «040 123 4567» with country FI → ``+358401234567``; «0046 8 123 456» → ``+468123456``; a domestic number of an
    unknown country stays digits only.
    Fewer than five digits → None.
    """
    if is_blank(value):
        return None
    text = cell_text(value)
    text = re.split(r"(?i)\b(?:ext|доб|вн|anknytning)\b|#", text)[0]
    text = re.split(r"[,;]|\s/\s", text)[0].strip()
    digits = re.sub(r"\D", "", text)
    if len(digits) < 5:
        return None
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if country and country in vocab.CALLING_CODES:
        code, trunk, national = vocab.CALLING_CODES[country]
        if code == "7":
            if len(digits) == 11 and digits[0] in "78":
                return "+7" + digits[1:]
            if len(digits) == 10 and digits[0] in "3489":
                return "+7" + digits
        elif trunk and digits.startswith(trunk) and not digits.startswith(code) and 6 <= len(digits) - 1 <= national + 1:
            return "+" + code + digits[len(trunk):]
        elif digits.startswith(code) and len(digits) - len(code) >= max(6, national - 2):
            return "+" + digits
        elif trunk is None and len(digits) == national:
            return "+" + code + digits
    return digits


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------

_YMD = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)(?:[ T,].*)?$")
_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)(?:\s*(?:г\.?|year)?)?(?:[ T,].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:[.,]\d+)?$")
_TEXT_DMY = re.compile(r"^(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})(?!\d)")
_TEXT_MDY = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?!\d)")


def excel_serial_to_date(serial: float, epoch: dt.date = EXCEL_EPOCH_1900) -> dt.date:
    """Excel serial day number → date (1900 system: 42475 → 2016-04-15)."""
    return epoch + dt.timedelta(days=int(math.floor(serial)))


def _checked(year: int, month: int, day: int, original: Any) -> dt.date:
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        value = dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"not a calendar date: {cell_text(original)!r}") from exc
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"date out of range {MIN_YEAR}–{MAX_YEAR}: {cell_text(original)!r}")
    return value


def infer_date_order(values: list[Any]) -> str:
    """``mdy`` when the slashed dates of a column can only be month-first (some second part
    is above 12 and no first part is); otherwise ``dmy``."""
    day_first = month_first = 0
    for value in values:
        if not isinstance(value, str):
            continue
        match = _SLASHED.match(value.strip())
        if match:
            a, b = int(match.group(1)), int(match.group(2))
            day_first += a > 12
            month_first += b > 12
    return "mdy" if month_first and not day_first else "dmy"


def parse_date(value: Any, order: str = "dmy", epoch: dt.date = EXCEL_EPOCH_1900) -> dt.date | None:
    """A registration date from a cell: datetime/date cells, Excel serials (number or text),
    ``DD.MM.YYYY``, ``D.M.YY``, ``YYYY-MM-DD``, ``D/M/YY`` (``M/D/YYYY`` when ``order='mdy'``
    or when the day cannot be first), ``YYYYMMDD``, «14 апреля 2016», «14. huhtikuuta 2016»,
    «April 14, 2016»; a time after the date is ignored.  None when blank; ValueError otherwise."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return _checked(value.year, value.month, value.day, value)
    if isinstance(value, dt.date):
        return _checked(value.year, value.month, value.day, value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        return _from_serial(float(value), epoch, value)
    if is_blank(value):
        return None
    text = cell_text(value)
    if match := _YMD.match(text):
        return _checked(int(match.group(1)), int(match.group(2)), int(match.group(3)), value)
    if match := _DMY.match(text):
        a, separator, b, year = int(match.group(1)), match.group(2), int(match.group(3)), int(match.group(4))
        month_first = separator == "/" and (b > 12 or (order == "mdy" and a <= 12))
        if month_first:
            a, b = b, a
        return _checked(year, b, a, value)
    if match := _COMPACT.match(text):
        return _checked(int(match.group(1)), int(match.group(2)), int(match.group(3)), value)
    if _SERIAL.match(text):
        return _from_serial(float(text.replace(",", ".")), epoch, value)
    folded = vocab.fold(text)
    if match := _TEXT_DMY.match(text.casefold()) or _TEXT_DMY.match(folded):
        month = vocab.MONTHS.get(vocab.fold(match.group(2)))
        if month:
            return _checked(int(match.group(3)), month, int(match.group(1)), value)
    if match := _TEXT_MDY.match(folded):
        month = vocab.MONTHS.get(vocab.fold(match.group(1)))
        if month:
            return _checked(int(match.group(3)), month, int(match.group(2)), value)
    raise ValueError(f"unreadable date {text!r}")


def _from_serial(serial: float, epoch: dt.date, original: Any) -> dt.date:
    value = excel_serial_to_date(serial, epoch) if serial > 0 else None
    if value is None or not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"number {cell_text(original)!r} is not a plausible Excel date serial")
    return value


# --------------------------------------------------------------------------------------
# Country, yes/no, sex, categories
# --------------------------------------------------------------------------------------


def parse_country(value: Any) -> str | None:
    """ISO alpha-2 code; None when blank; ValueError for text that names no known country."""
    if is_blank(value):
        return None
    text = cell_text(value)
    code = vocab.country_code(text)
    if code is None:
        raise ValueError(f"unknown country {text!r}")
    return code


def parse_bool(value: Any) -> bool | None:
    """yes/no in any supported language (да/нет, kyllä/ei, ja/nej, yes/no, 1/0, x, +/-, true/false)."""
    return vocab.yes_no(value)


def parse_sex(value: Any) -> str | None:
    """``female`` / ``male`` / None."""
    if is_blank(value):
        return None
    return vocab.SEX_WORDS.get(vocab.fold(cell_text(value)))


def organisation_type(explicit: Any, organisation: str | None) -> tuple[str, bool]:
    """Organisation type and whether an explicit value was recognised.

    An explicit organisation-type cell wins when recognised; otherwise the organisation's
    name is read for legal forms and keywords (ООО/Oy/AB/SIA/UAB/Ltd → ``sme``; ПАО/Oyj/plc
    → ``large_company``; ИП/toiminimi/enskild firma → ``self_employed``; университет/
    yliopisto/högskola → ``education``; музей/kunta/kommun/ministry → ``public_body``;
    НКО/АНО/фонд/ry/förening/association → ``ngo``).  Unrecognised explicit text →
    ``other``; nothing to go on → ``unknown``.
    """
    explicit_text = clean_text(explicit)
    if explicit_text:
        found = vocab.organisation_type_from_text(explicit_text, explicit=True)
        if found:
            return found, True
    inferred = vocab.organisation_type_from_text(organisation, explicit=False) if organisation else None
    if inferred:
        return inferred, explicit_text is None
    return ("other" if explicit_text else "unknown"), explicit_text is None


def target_group(explicit: Any, organisation_type_value: str) -> tuple[str, bool]:
    """Target group and whether an explicit value was recognised.

    An explicit target-group cell wins when recognised (``1``/``2``/``3``, «Группа 2», free
    text such as «креативный бизнес», «opiskelija», «stödorganisation»); otherwise it is
    inferred from the organisation type (sme/large_company/self_employed → ``cci_business``,
    ngo/public_body → ``support_organisation``, education → ``education``, else ``unknown``).
    """
    explicit_text = clean_text(explicit)
    if explicit_text:
        found = vocab.target_group_from_text(explicit_text)
        if found:
            return found, True
    return vocab.TARGET_GROUP_BY_ORGANISATION_TYPE.get(organisation_type_value, "unknown"), explicit_text is None

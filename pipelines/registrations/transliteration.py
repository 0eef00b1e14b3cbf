"""Russian Cyrillic → Latin transliteration and spelling-variant keys for names.

Two different jobs live here:

* :func:`transliterate` renders Russian Cyrillic text in one *named system*, the way a
  person or an office would write it.  It is used to produce Latin forms for display and by
  the evaluation-set generator to imitate real registrations.  Systems:

  ``icao``          ICAO Doc 9303 (2013), used in Russian passports since 2013:
                    «Алексей Щукин» → "Aleksei Shchukin", «Юлия» → "Iuliia".
  ``passport_1997`` the older Russian passport (MVD 1997) rules: «Алексей» → "Aleksey",
                    «Юлия» → "Yuliya", «Дмитрий» → "Dmitriy".
  ``bgn``           BGN/PCGN 1947: «Елена» → "Yelena", «Фёдор» → "Fyëdor",
                    «Наталья» → "Natal’ya" (apostrophes for ь/ъ, ye/yë after vowels).
  ``iso9``          ISO 9:1995 = GOST 7.79 system A (one letter per letter, diacritics):
                    «Щукин» → "Ŝukin", «Юлия» → "Ûliâ".
  ``gost_b``        GOST 7.79 system B (ASCII): «Щукин» → "Shhukin", «Цой» → "Coj",
                    «Харитонов» → "Xaritonov".
  ``popular``       what people type themselves: «Алексей» → "Alexey", «Ксения» → "Xenia",
                    «Дмитрий» → "Dmitry", «Юлия» → "Yulia", «Наталья» → "Natalya".

* :func:`name_key` maps the spelling variants of a name — in any of these systems, in
  Cyrillic, or with Nordic/Baltic letters — to one comparison key.  It is deliberately
  lossy (it only has to be *consistent*): Алексей / Aleksei / Alexey / Aleksey / Alexei /
  Aleksej → ``aleksei``; Юлия / Yulia / Iuliia / Julia / Yuliya → ``iulia``; Наталья /
  Natalia / Natalya / Nataliya → ``natalia``; Дмитрий / Dmitry / Dmitrii / Dmitriy →
  ``dmitri``; Щукин / Shchukin / Schukin / Shhukin / Ŝukin → ``šukin``; Смирнов / Smirnov /
  Smirnoff → ``smirnov``; Björn / Bjørn / Bjorn / Bjoern → ``bern``; Søren / Soeren → ``soren``.

  Steps, in order (see :func:`token_key`):

  1. NFKC + case-fold; Cyrillic → ICAO Latin (ё → e, й → i, ь and ъ dropped; Ukrainian and
     Belarusian letters too); Latin diacritics folded: ä→a, ö→o, å→a, ø→o, æ→ae, þ→th,
     ð→d, ü→u, õ→o, ß→ss, ISO 9 ŝ→shch, û→iu, â→ia, ë→e, è→e, and any other accent
     stripped — so Baltic/Czech ž, č, š become z, c, s (Žilinskienė = Zilinskiene);
     apostrophes (ь/ъ in BGN and ISO 9) dropped.
  2. endings: -off → -ov, -eff → -ev, -ow → -ov (Smirnoff, Iwanow), -nder → -ndr
     (Alexander/Aleksandr).
  3. digraphs (longest first): shch/shh/sch → š, tch/ch → č, zh → ž, sh → š, kh → h,
     ts/tz/cz → c, ck → k, x → ks, w → v, ph → f, q → k, j → i, y → i.
  4. doubled letters collapse (ii → i, nn → n, ss → s, …); consonant + iu → consonant + u
     (Liudmila/Ludmila); ie → e, and io → e after a consonant (BGN "ye", popular "yo"
     for е/ё: Yelena/Elena, Fyodor/Fedor; but Johansen keeps its "io"); then oe → o
     and ue → u (Danish/German ASCII "Soeren", "Bjoern" for ø/ö, and Zuyev/Зуев); doubled
     letters collapse again.

Known gaps, kept on purpose: GOST 7.79 B writes х as "x", which the key reads as "ks"
(Xaritonov ≠ Kharitonov); ISO 9 ž/č/š read as Baltic z/c/s, so ISO 9 "Žukov" and
"Zhukov" differ by one letter (the fuzzy rules can still meet them); a word-initial ё
written "Yo" (Yolkin) does not meet ICAO "Elkin"; translations and nicknames
(Alexander ↔ Sasha, Michael ↔ Mikhail, Северный свет ↔ Northern Light) are out of reach;
French/German renderings (Tchaikovski, Schtschukin) only partly fold.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "SYSTEMS",
    "fold_latin",
    "has_cyrillic",
    "name_key",
    "name_tokens",
    "to_latin",
    "token_key",
    "transliterate",
]

SYSTEMS = ("icao", "passport_1997", "bgn", "iso9", "gost_b", "popular")

_CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
_VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯ")
_SIGNS = set("ьъЬЪ")

# Base table shared by most systems (lower case).
_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia",
    # Ukrainian / Belarusian letters that turn up in Russian-language exports.
    "і": "i", "ї": "i", "є": "ie", "ґ": "g", "ў": "u",
}

_TABLES: dict[str, dict[str, str]] = {
    "icao": dict(_BASE),
    "passport_1997": {**_BASE, "й": "y", "ъ": "", "ю": "yu", "я": "ya"},
    "bgn": {**_BASE, "ё": "ë", "й": "y", "ъ": "”", "ь": "’", "ю": "yu", "я": "ya"},
    "iso9": {
        **_BASE, "ё": "ë", "ж": "ž", "й": "j", "х": "h", "ц": "c", "ч": "č", "ш": "š",
        "щ": "ŝ", "ъ": "ʺ", "ь": "ʹ", "э": "è", "ю": "û", "я": "â", "є": "ê", "ї": "ï",
    },
    "gost_b": {
        **_BASE, "ё": "yo", "й": "j", "х": "x", "ц": "c", "щ": "shh", "ъ": "``", "ы": "y'",
        "ь": "`", "э": "e`", "ю": "yu", "я": "ya",
    },
    "popular": {**_BASE, "ё": "yo", "й": "y", "ъ": "", "ю": "yu", "я": "ya"},
}


def has_cyrillic(text: str | None) -> bool:
    return bool(text) and _CYRILLIC_RE.search(text) is not None


def _map_char(text: str, i: int, system: str) -> tuple[str, int]:
    """Latin for ``text[i]`` (lower case) and how many source characters it consumed."""
    ch = text[i].lower()
    table = _TABLES[system]
    prev = text[i - 1].lower() if i > 0 else ""
    nxt = text[i + 1].lower() if i + 1 < len(text) else ""
    word_start = not prev.isalpha()
    word_end = not nxt.isalpha()
    if system == "bgn" and ch in ("е", "ё"):
        soft = word_start or prev in _VOWELS or prev in ("й", "ь", "ъ")
        base = "e" if ch == "е" else "ë"
        return ("y" + base if soft else base), 1
    if system == "gost_b" and ch == "ц":
        return ("cz" if nxt in ("е", "и", "ы", "й", "э", "ё", "ю", "я", "і") else "c"), 1
    if system == "popular":
        if ch == "к" and nxt == "с":
            return "x", 2
        if ch == "и" and nxt == "й" and (i + 2 >= len(text) or not text[i + 2].isalpha()):
            return "y", 2  # Дмитрий → Dmitry, Юрий → Yury
        if ch == "и" and nxt == "я" and (i + 2 >= len(text) or not text[i + 2].isalpha()):
            return "ia", 2  # Юлия → Yulia, Мария → Maria
        if ch == "е" and word_start:
            return "e", 1
        if ch == "ь" and nxt in ("е", "ё", "и", "ю", "я"):
            return "", 1
    if system == "passport_1997" and ch == "ь" and word_end:
        return "", 1
    if ch in table:
        return table[ch], 1
    return text[i], 1


def transliterate(text: str | None, system: str = "icao") -> str | None:
    """Render Russian Cyrillic in ``system`` (see module docstring); other characters pass.

    Capitalisation follows the source: a capital letter gives a capitalised Latin group
    ("Щ" → "Shch"), a capital inside an all-capitals word gives capitals ("ЩУКИН" → "SHCHUKIN").
    """
    if text is None:
        return None
    if system not in _TABLES:
        raise ValueError(f"unknown transliteration system {system!r}; choose from {SYSTEMS}")
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        latin, used = _map_char(text, i, system)
        source = text[i : i + used]
        if source[0].isupper() and latin:
            neighbours = text[max(0, i - 1) : i] + text[i + used : i + used + 1]
            all_caps = any(c.isalpha() for c in neighbours) and all(
                c.isupper() for c in neighbours if c.isalpha()
            )
            latin = latin.upper() if all_caps else latin[:1].upper() + latin[1:]
        out.append(latin)
        i += used
    return "".join(out)


# Latin letters folded before keys are built (lower case input).
_LATIN_FOLD = {
    "ä": "a", "ö": "o", "å": "a", "ø": "o", "æ": "ae", "þ": "th", "ð": "d", "ü": "u",
    "õ": "o", "ß": "ss", "ł": "l", "đ": "d", "œ": "oe",
    # ISO 9 letters; ž, č, š are left to the accent stripping below (z, c, s), as Baltic
    # names are written without their carons far more often than Russian ones in ISO 9
    "ŝ": "shch", "û": "iu", "â": "ia", "ë": "e", "è": "e", "ê": "ie", "ï": "i",
}
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`ʹʺ”“\"´ʼ"), None)


_LATIN_FOLD_TABLE = str.maketrans(_LATIN_FOLD)


@lru_cache(maxsize=1)
def _combining_marks() -> dict[int, None]:
    """A translation table deleting every character with a combining class."""
    return dict.fromkeys((c for c in range(0x110000) if unicodedata.combining(chr(c))), None)


def fold_latin(text: str | None) -> str | None:
    """Case-fold, fold Nordic/Baltic/ISO 9 letters and strip accents; keep other characters."""
    if text is None:
        return None
    if text.isascii():  # NFKC and NFKD leave ASCII alone, casefold() is lower(), nothing to fold
        return text.lower().translate(_APOSTROPHES)
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES).translate(_LATIN_FOLD_TABLE)
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed if decomposed.isascii() else decomposed.translate(_combining_marks())


_ICAO_LOWER = str.maketrans({**_TABLES["icao"], "ъ": ""})


def to_latin(text: str | None) -> str | None:
    """Lower-case Latin form of any name or organisation: Cyrillic via ICAO (but ъ dropped,
    as most systems drop or mark it), then folded (:func:`fold_latin`)."""
    if text is None:
        return None
    if has_cyrillic(text):
        # ICAO has no context rules, so a translation table gives the same as
        # transliterate(text.casefold(), "icao"), much faster.
        text = unicodedata.normalize("NFKC", text).casefold().translate(_ICAO_LOWER)
    return fold_latin(text)


_ENDINGS = [
    (re.compile(r"off$"), "ov"),
    (re.compile(r"eff$"), "ev"),
    (re.compile(r"ow$"), "ov"),
    (re.compile(r"nder$"), "ndr"),
]
_DIGRAPHS = {
    "shch": "š", "shh": "š", "sch": "š", "tch": "č", "ch": "č", "zh": "ž", "sh": "š",
    "kh": "h", "ts": "c", "tz": "c", "cz": "c", "ck": "k", "x": "ks", "w": "v", "ph": "f",
    "q": "k", "j": "i", "y": "i",
}
_DIGRAPH_RE = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))
_DOUBLE_RE = re.compile(r"(.)\1+")
_CONSONANT_IU_RE = re.compile(r"([bcdfghklmnprstvzšžč])iu")
_IE_RE = re.compile(r"ie")
_IO_RE = re.compile(r"(?<=[bcdfghklmnprstvzšžč])io")
_OE_UE_RE = re.compile(r"[ou]e")
_NON_ALNUM_RE = re.compile(r"[^0-9a-zšžč]+")
_TOKEN_SPLIT_RE = re.compile(r"[\s\-‐‑–—_.,;:/()\[\]]+")


@lru_cache(maxsize=500_000)
def token_key(token: str) -> str:
    """Variant key of one name token (see the module docstring for the steps)."""
    latin = to_latin(token) or ""
    latin = _NON_ALNUM_RE.sub("", latin)
    if not latin:
        return ""
    for pattern, replacement in _ENDINGS:
        latin = pattern.sub(replacement, latin)
    key = _DIGRAPH_RE.sub(lambda m: _DIGRAPHS[m.group(0)], latin)
    key = _DOUBLE_RE.sub(r"\1", key)
    key = _CONSONANT_IU_RE.sub(r"\1u", key)
    key = _IE_RE.sub("e", key)
    key = _IO_RE.sub("e", key)
    key = _OE_UE_RE.sub(lambda m: m.group(0)[0], key)
    key = _DOUBLE_RE.sub(r"\1", key)
    return key


def name_tokens(name: str | None) -> list[str]:
    """Variant keys of the tokens of ``name`` (split on spaces, hyphens and punctuation)."""
    if not name:
        return []
    tokens = (token_key(t) for t in _TOKEN_SPLIT_RE.split(name.strip()) if t)
    return [t for t in tokens if t]


def name_key(name: str | None) -> str:
    """One key for all spelling variants of ``name``; tokens keep their order."""
    return " ".join(name_tokens(name))

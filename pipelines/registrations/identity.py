"""Identity resolution: who is the same person, which is the same organisation.

Input is the staged registration rows of ``pipelines.registrations`` (see
docs/architecture.md, "Registration rows"); only ``registration_id`` and ``event_id`` must
be non-null.  Everything is deterministic and every accepted link is written down as
evidence, so each merge can be explained row by row.

Normalisation (per row, computed once per distinct value)
---------------------------------------------------------
* **email**: trimmed and case-folded.  Mailbox aliases that provably reach the same
  mailbox are folded: Gmail (``gmail.com``/``googlemail.com``) ignores dots and ``+tags``
  in the local part; Yandex (``yandex.ru/.com/.by/.kz/.ua``, ``ya.ru``) treats its domains
  as one and ``.``/``-`` in logins as equal and ignores ``+tags``.  Other providers are
  left alone: a ``+tag`` or dot may be significant there.
* **phone**: international digits, using the participant's country for numbers written
  nationally (``8 (912) …`` and ``+7 912 …`` meet, so do ``040 …`` and ``+358 40 …``);
  see :func:`normalise_phone`.
* **name**: first/last name (or, when both are empty, the tokens of ``full_name``) turned
  into variant keys with :func:`pipelines.registrations.transliteration.token_key` and
  *sorted*, so that script, transliteration system and first/last order do not matter
  («Алексей Смирнов», "Smirnov Alexey" and "Aleksei SMIRNOV" all give
  ``aleksei smirnov``).  One-letter tokens (initials) are dropped.  A patronymic is taken
  from ``patronymic`` or, in a three-token name, from a token ending in -ович/-евич/
  -овна/-евна/-ична (third token first, then second); it never takes part in the name
  key, but two *different* patronymics block a match (below).  (Ильич, Кузьмич, Лукич,
  Фомич, Никитич and Саввич are recognised too.)
* **organisation**: :func:`normalise_organisation` then :func:`resolve_organisations`
  (fuzzy within country); see there.

Rules, in order of precedence (``match_rule`` / ``evidence.rule``)
-----------------------------------------------------------------
1. ``email`` — same normalised email.  Guard against shared mailboxes: rows sharing an
   email but carrying different name keys are linked only when the names are compatible.
   For a role mailbox (``info@``, ``office@``, ``priem@``, …) they must pass the fuzzy
   name test of rule 4.  For a personal mailbox, after aligning the tokens (extra tokens
   such as a middle name ignored) at least one token must be identical and every other
   pair within 1 edit (2 when both have 5+ letters: a one-letter typo in Cyrillic can be
   two Latin letters, я → ia), with no masculine/feminine pair, no conflicting patronymic
   and Jaro–Winkler ≥ 0.80.  So an assistant registering a colleague with the
   assistant's own address, or a family mailbox, does not merge people — and a surname
   change behind one email is not followed either.  A row without a name joins the
   email group only if the named rows of that email form one group.
2. ``name+organisation`` — same name key (≥ 2 tokens) and same organisation key.
3. ``name+phone`` — same name key (≥ 2 tokens) and same phone.
   In rules 2 and 3 a group with two or more different patronymics is split by
   patronymic and its rows without patronymic stay out of that group (ambiguous).
4. ``fuzzy_name+organisation`` — same organisation key (which includes the country) and
   names that pass the *fuzzy name test*: same number of tokens (≥ 2), aligned token by
   token (best of the orderings), at least one token identical, every other token one
   edit away (a transposition of neighbours counts as one), with the same first letter
   and at least 5 letters long (4-letter names only by a transposition: Olga/Ogla, but
   Juha ≠ Jukka; Alina ≠ Galina), no masculine/feminine pair (Smirnov/Smirnova,
   Aleksandr/Aleksandra),
   no conflicting patronymic (patronymic keys more than 1 edit apart), and Jaro–Winkler
   similarity of the aligned names ≥ ``fuzzy_threshold`` (0.90).
   Two rows with different non-null personal emails (role mailboxes such as ``info@``
   do not count) are never linked by this rule unless they share a phone as well: work
   vs private email is rule 2's job, and a typo *plus* an unseen email stays apart.
   Candidates come from blocks: organisation key + first 3 letters of each name token,
   so a typo in one token still meets through the other token.  The link joins the
   smallest rows of the two name variants (a row without email where the email
   condition needs one).
5. ``fuzzy_name+phone`` — the fuzzy name test of rule 4 and the same phone (organisation
   may differ or be missing); block: the phone number.

A cluster never joins two conflicting patronymics: where the links would (through rows
without a patronymic), the cluster is rebuilt link by link, strongest rule first, and
the links that would join the conflict are dropped (``stats``:
``links_rejected_patronymic_conflict``).  In rules 4/5 a name without patronymic next to
several patronymics of that name (same organisation/phone) takes part in no fuzzy link.

Links are collected per rule with polars joins/group-bys on the blocking keys (rows with
identical keys are "star"-linked to the smallest row of their group, so a group of k rows
costs k-1 links, not k²), then clusters are the connected components of all links
(union-find by minimum-label hooking and pointer jumping over numpy arrays): transitive.
Python loops only run over candidate pairs inside blocks.  ``IdentityResult.stats``
reports the comparisons made next to the naive n(n-1)/2.

How it runs (:func:`encode_rows`, :func:`resolve_coded`): rows are numbered in
``registration_id`` order and turned into integer codes of their distinct values (email;
the four name columns; phone + country; organisation + country; country), and each
distinct value is normalised once.  Rows *with an email* whose normalised features are all
equal (email, name key, patronymic, phone, organisation key, country) behave alike in every
rule and are always linked by rule 1 (same email, same name), so they are collapsed to one
*node* named by their first row; rows without email stay nodes of their own.  The rules
run on nodes; the rows a node stands for are then linked to the hub of every star group
their node belongs to, exactly the links the row-by-row rules make, so the evidence, the
match rules and the clusters are those of the rows.  Only a component whose rows would
join two conflicting patronymics is rebuilt row by row (identical rows may then part).
Name pairs are scored once per distinct pair of names.

Keys
----
* ``person_key`` = ``privacy.person_key(representative)`` where the representative is
  the lexicographically smallest normalised personal email of the cluster that no other
  cluster uses (a role or shared mailbox such as ``info@`` never names a person), else
  the smallest ``name:<name key>|org:<organisation representative>|country:<cc>`` that
  no other cluster uses, else ``registration:<smallest registration_id>``; so keys are
  unique per cluster.
  Consequence: a key changes when a later load adds a smaller email to the cluster (or
  merges two clusters, or splits one); longitudinal marts should keep a key-history table
  or re-key from the raw layer on each full build (this warehouse rebuilds fully).
* ``organisation_key`` = ``privacy.organisation_key("<country>|<representative>")`` with
  the most frequent normalised name of the organisation cluster in the input (ties: the
  smallest), so a typo variant does not name the organisation; the same consequence
  applies (the key changes if another spelling becomes the most frequent).

Limitations: translations ("Северный свет" ↔ "Northern Light"), nicknames (Sasha ↔
Aleksandr) and a surname change without a shared email or phone are not linked; a person
who changes organisation *and* email, or leaves both empty, stays a separate cluster;
two different people with the same name in the same organisation are merged unless
their patronymics differ; GOST 7.79 B "x" for х (see transliteration).  Precision and
recall on the synthetic evaluation set: ``bench/identity_eval.py``.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import polars as pl
import pyarrow as pa
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from pipelines import privacy
from pipelines.lib.warehouse_io import duckdb_setting
from pipelines.registrations.transliteration import name_tokens, to_latin, token_key

__all__ = [
    "IdentityResult",
    "RULES",
    "normalise_email",
    "normalise_organisation",
    "normalise_phone",
    "parse_person_name",
    "resolve_organisations",
    "resolve_persons",
]

RULES = ("email", "name+organisation", "name+phone", "fuzzy_name+organisation", "fuzzy_name+phone")
_RULE_RANK = {rule: rank for rank, rule in enumerate(RULES)}

FUZZY_THRESHOLD = 0.90
EMAIL_NAME_THRESHOLD = 0.80
ORGANISATION_THRESHOLD = 0.85

# --------------------------------------------------------------------------- emails, phones

_GMAIL = {"gmail.com", "googlemail.com"}
_YANDEX = {"yandex.ru", "yandex.com", "yandex.by", "yandex.kz", "yandex.ua", "ya.ru"}
ROLE_MAILBOXES = frozenset(
    """info office mail post contact contacts kontakt kontakty admin administrator secretary
    sekretar secretariat priem priemnaya reception hello hr pr press events event
    registration reg team org general buh noreply no-reply support manager director
    direktor""".split()
)


@lru_cache(maxsize=200_000)
def normalise_email(email: str | None) -> str | None:
    """Trimmed, case-folded email with Gmail/Yandex alias rules; None when empty."""
    if email is None:
        return None
    text = unicodedata.normalize("NFKC", email).strip().casefold()
    text = text.strip("<>\"' ").replace("mailto:", "")
    if not text:
        return None
    if "@" not in text:
        return text
    local, domain = text.rsplit("@", 1)
    domain = domain.strip(".")
    if domain in _GMAIL:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    elif domain in _YANDEX:
        local = local.split("+", 1)[0].replace(".", "-")
        domain = "yandex.ru"
    return f"{local}@{domain}"


def _is_role_mailbox(email: str) -> bool:
    return email.split("@", 1)[0] in ROLE_MAILBOXES


_DIGITS_RE = re.compile(r"\D+")
CALLING_CODES = {
    "RU": "7", "KZ": "7", "BY": "375", "UA": "380", "FI": "358", "SE": "46", "NO": "47",
    "DK": "45", "IS": "354", "EE": "372", "LV": "371", "LT": "370", "DE": "49", "PL": "48",
    "GB": "44", "FR": "33", "NL": "31", "BE": "32", "AT": "43", "CH": "41", "IT": "39",
    "ES": "34", "CZ": "420", "FO": "298", "GL": "299", "AX": "358", "GE": "995", "AM": "374",
}
# National trunk prefixes dialled before the national number (none in NO, DK, IS, EE, LV).
TRUNK_PREFIXES = {
    "RU": "8", "KZ": "8", "BY": "8", "LT": "8", "FI": "0", "SE": "0", "AX": "0", "UA": "0",
    "DE": "0", "GB": "0", "FR": "0", "NL": "0", "BE": "0", "AT": "0", "CH": "0", "GE": "0",
}


@lru_cache(maxsize=200_000)
def normalise_phone(phone: str | None, country_code: str | None = None) -> str | None:
    """International digits (E.164 without "+") of a phone number, or None.

    "+…" and "00…" numbers are taken as international.  Otherwise the participant's
    country decides: its trunk prefix is dropped (8 in Russia and Lithuania, 0 in Finland
    and Sweden, none in Norway, Denmark, Iceland, Estonia, Latvia) and its calling code
    put in front; an 11-digit Russian number starting with 7 or 8 becomes 7…; a number
    that already starts with the calling code and is long enough is kept.  Fewer than 8
    digits in the end gives None.
    """
    if not phone:
        return None
    text = phone.strip()
    digits = _DIGITS_RE.sub("", text)
    country = (country_code or "").strip().upper()
    code = CALLING_CODES.get(country)
    if text.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    elif code is None:
        international = digits
    elif country in ("RU", "KZ") and len(digits) == 11 and digits[0] in "78":
        international = "7" + digits[1:]
    elif digits.startswith(code) and len(digits) >= len(code) + 8:
        international = digits
    else:
        trunk = TRUNK_PREFIXES.get(country, "")
        national = digits[len(trunk) :] if trunk and digits.startswith(trunk) else digits
        international = code + national
    return international if len(international) >= 8 else None


# --------------------------------------------------------------------------- person names

_PATRONYMIC_ENDINGS = ("ovič", "evič", "ovna", "evna", "ična")
_SHORT_PATRONYMICS = frozenset(token_key(p) for p in "Ильич Кузьмич Лукич Фомич Никитич Саввич".split())


def _looks_patronymic(key: str) -> bool:
    return (len(key) >= 6 and key.endswith(_PATRONYMIC_ENDINGS)) or key in _SHORT_PATRONYMICS


@lru_cache(maxsize=500_000)
def parse_person_name(
    first: str | None, last: str | None, patronymic: str | None, full: str | None
) -> tuple[tuple[str, ...], str | None]:
    """(sorted name token keys without patronymic and initials, patronymic key or None)."""
    patronymic_key = " ".join(name_tokens(patronymic)) or None
    if first or last:
        first_tokens = name_tokens(first)
        last_tokens = name_tokens(last)
        if patronymic_key is None and len(first_tokens) >= 2 and _looks_patronymic(first_tokens[-1]):
            patronymic_key = first_tokens.pop()
        elif patronymic_key is None and not first_tokens and len(last_tokens) == 3:
            last_tokens, patronymic_key = _split_full(last_tokens)
        tokens = first_tokens + last_tokens
    else:
        tokens = name_tokens(full)
        if patronymic_key is None and len(tokens) == 3:
            tokens, patronymic_key = _split_full(tokens)
    if patronymic_key is not None and patronymic_key in tokens and len(tokens) > 2:
        tokens = [t for t in tokens if t != patronymic_key]
    return tuple(sorted(t for t in tokens if len(t) > 1)), patronymic_key


def _split_full(tokens: list[str]) -> tuple[list[str], str | None]:
    for index in (2, 1):
        if _looks_patronymic(tokens[index]):
            return tokens[:index] + tokens[index + 1 :], tokens[index]
    return tokens, None


# --------------------------------------------------------------------------- name comparison


def _gender_pair(a: str, b: str) -> bool:
    """True when a and b are the masculine and feminine forms of one stem."""
    if a == b:
        return False
    for x, y in ((a, b), (b, a)):
        if y == x + "a":  # Smirnov/Smirnova, Aleksandr/Aleksandra, Evgeni/Evgenia
            return True
        for masculine, feminine in (("i", "aia"), ("oi", "aia")):
            if x.endswith(masculine) and y.endswith(feminine) and x[: -len(masculine)] == y[: -len(feminine)]:
                return True  # Sokolski/Sokolskaia, Tolstoi/Tolstaia
    return False


def _align(ta: tuple[str, ...], tb: tuple[str, ...]) -> list[tuple[str, str]]:
    """Token pairs of the best alignment of two token lists (up to 4 tokens each)."""
    if len(ta) > len(tb):
        return [(a, b) for b, a in _align(tb, ta)]
    if len(tb) > 4:
        return list(zip(ta, tb))
    best: list[tuple[str, str]] = []
    best_score = -1.0
    for perm in itertools.permutations(tb, len(ta)):
        score = sum(Levenshtein.normalized_similarity(a, b) for a, b in zip(ta, perm))
        if score > best_score:
            best, best_score = list(zip(ta, perm)), score
    return best


def _patronymics_conflict(pa: str | None, pb: str | None) -> bool:
    return pa is not None and pb is not None and Levenshtein.distance(pa, pb) > 1


def _close_tokens(a: str, b: str) -> bool:
    """Two different name tokens that may be one name: not a masculine/feminine pair, both
    at least 4 letters, the same first letter, and one edit apart (a transposition of
    neighbours is one edit); 4-letter names only by a transposition (Olga/Ogla, but
    Juha ≠ Jukka, Olga ≠ Olya).  Different real names one letter apart (Alina/Galina,
    Rimkus/Šimkus, Aino/Väinö) mostly differ in the first letter."""
    if _gender_pair(a, b) or min(len(a), len(b)) < 4 or a[0] != b[0]:
        return False
    if max(len(a), len(b)) < 5:  # short names: only a swap of neighbours (Olga/Ogla)
        return len(a) == len(b) and OSA.distance(a, b) == 1 and Levenshtein.distance(a, b) == 2
    return OSA.distance(a, b, score_cutoff=2) <= 1


def fuzzy_name_score(
    ta: tuple[str, ...],
    tb: tuple[str, ...],
    pa: str | None = None,
    pb: str | None = None,
    *,
    allow_extra_tokens: bool = False,
) -> float:
    """Fuzzy score of two name key tuples: Jaro–Winkler similarity of the aligned names, or
    0.0 when a hard constraint fails: fewer than 2 tokens, different token counts (unless
    ``allow_extra_tokens``), conflicting patronymics, no identical token, or an aligned
    pair of different tokens that is not :func:`_close_tokens`."""
    if min(len(ta), len(tb)) < 2 or _patronymics_conflict(pa, pb):
        return 0.0
    if len(ta) != len(tb) and not allow_extra_tokens:
        return 0.0
    pairs = _align(ta, tb)
    identical = 0
    for a, b in pairs:
        if a == b:
            identical += 1
        elif not _close_tokens(a, b):
            return 0.0
    if identical == 0:
        return 0.0
    left = " ".join(a for a, _ in pairs)
    right = " ".join(b for _, b in pairs)
    return float(JaroWinkler.normalized_similarity(left, right))


def _email_names_compatible(
    ta: tuple[str, ...], tb: tuple[str, ...], pa: str | None, pb: str | None, role: bool
) -> float:
    """Similarity (>0) when two names sharing one email may be the same person, else 0."""
    if ta == tb:
        return 1.0
    if role:
        score = fuzzy_name_score(ta, tb, pa, pb)
        return score if score >= FUZZY_THRESHOLD else 0.0
    if not ta or not tb or _patronymics_conflict(pa, pb):
        return 0.0
    pairs = _align(ta, tb)
    identical = 0
    for a, b in pairs:
        if a == b:
            identical += 1
            continue
        if _gender_pair(a, b):
            return 0.0
        allowed = 1 if min(len(a), len(b)) <= 4 else 2
        if OSA.distance(a, b, score_cutoff=allowed + 1) > allowed:
            return 0.0
    if identical == 0:
        return 0.0
    score = float(
        JaroWinkler.normalized_similarity(" ".join(a for a, _ in pairs), " ".join(b for _, b in pairs))
    )
    return score if score >= EMAIL_NAME_THRESHOLD else 0.0


# --------------------------------------------------------------------------- organisations

_LEGAL_FORM_TOKENS = """
ооо оао ао зао пао нао ип ано нко нп оо роо моо кфх тоо чп гуп муп фгуп
гбук мбук гаук маук фгбук мкук гкук гбу мбу фгбу гау мау фгау мку гку гоу
гбоу мбоу маоу гаоу фгбоу фгаоу фгоу ноу чоу ано чу ву во впо дпо спо
гбпоу гапоу мбудо мауdo мбоудо гбудо гбуко мбуко
llc ltd limited inc incorporated corp co plc gmbh ag kg sa sarl bv nv srl spa
jsc cjsc ojsc pjsc ngo npo
oy oyj ab publ as asa aps ehf hf ses sf sia uab ou mtu vsi mb kb hb ky tmi ry rf
ivs ba da ans nuf amba smba ks is tu sa ii pk
""".split()

_LEGAL_FORM_PHRASES = [
    "общество с ограниченной ответственностью",
    "общество с ограниченной ответственностью компания",
    "открытое акционерное общество",
    "закрытое акционерное общество",
    "публичное акционерное общество",
    "непубличное акционерное общество",
    "акционерное общество",
    "индивидуальный предприниматель",
    "автономная некоммерческая организация",
    "некоммерческая организация",
    "некоммерческое партнерство",
    "некоммерческое партнёрство",
    "общественная организация",
    "региональная общественная организация",
    "межрегиональная общественная организация",
    "федеральное государственное бюджетное образовательное учреждение высшего образования",
    "федеральное государственное бюджетное образовательное учреждение высшего профессионального образования",
    "федеральное государственное автономное образовательное учреждение высшего образования",
    "федеральное государственное бюджетное учреждение культуры",
    "федеральное государственное бюджетное учреждение",
    "государственное бюджетное учреждение культуры",
    "государственное автономное учреждение культуры",
    "государственное бюджетное учреждение",
    "государственное бюджетное образовательное учреждение",
    "муниципальное бюджетное учреждение культуры",
    "муниципальное автономное учреждение культуры",
    "муниципальное казенное учреждение культуры",
    "муниципальное бюджетное учреждение",
    "муниципальное бюджетное образовательное учреждение",
    "limited liability company",
    "private limited company",
    "public limited company",
    "limited company",
    "julkinen osakeyhtiö",
    "osakeyhtiö",
    "kommandiittiyhtiö",
    "rekisteröity yhdistys",
    "osuuskunta",
    "ekonomisk förening",
    "ideell förening",
    "handelsbolag",
    "kommanditbolag",
    "enskild firma",
    "interessentskab",
    "andelsselskab",
    "biedrība",
    "nodibinājums",
    "joint stock company",
    "closed joint stock company",
    "open joint stock company",
    "non-profit organisation",
    "non-profit organization",
    "non-governmental organisation",
    "non-governmental organization",
    "aktiebolag",
    "allmennaksjeselskap",
    "aksjeselskap",
    "aktieselskab",
    "anpartsselskab",
    "einkahlutafélag",
    "hlutafélag",
    "sabiedrība ar ierobežotu atbildību",
    "uždaroji akcinė bendrovė",
    "akcinė bendrovė",
    "viešoji įstaiga",
    "osaühing",
    "aktsiaselts",
    "mittetulundusühing",
    "sihtasutus",
    "gesellschaft mit beschränkter haftung",
    "the",
]

_ORG_SPLIT_RE = re.compile(r"[^0-9a-z]+")
_SLASH_FORMS_RE = re.compile(r"(?<![0-9a-z])([aikv])\s*/\s*s(?![0-9a-z])")
_DOTTED_INITIAL_RE = re.compile(r"(?<![0-9a-z])([a-z])\.(?=[a-z](?:[^0-9a-z]|$))")
_NUMBER_SIGN_RE = re.compile(r"№\s*|\b[Nn][Oo]?\.?\s*(?=\d)")
_DIGIT_RUN_RE = re.compile(r"\d+")


def _org_latin_tokens(text: str) -> list[str]:
    latin = to_latin(_NUMBER_SIGN_RE.sub(" ", text)) or ""
    latin = _SLASH_FORMS_RE.sub(r"\1s", latin)
    latin = _DOTTED_INITIAL_RE.sub(r"\1", latin)
    return [t for t in _ORG_SPLIT_RE.split(latin) if t]


_LEGAL_TOKENS = frozenset(t for form in _LEGAL_FORM_TOKENS for t in _org_latin_tokens(form))
_LEGAL_PHRASES: dict[str, list[tuple[str, ...]]] = {}
for _phrase in sorted({tuple(_org_latin_tokens(p)) for p in _LEGAL_FORM_PHRASES}, key=len, reverse=True):
    _LEGAL_PHRASES.setdefault(_phrase[0], []).append(_phrase)


@lru_cache(maxsize=200_000)
def normalise_organisation(name: str | None) -> str | None:
    """Comparison form of an organisation name: legal forms (Russian, Nordic, Baltic,
    English, German; abbreviated and spelled out), quotes, punctuation and case removed,
    Cyrillic transliterated, each word reduced to its variant key.

    «ООО «Северный свет»», "Severny Svet LLC" and "OOO Severnyi svet" → ``severni svet``.
    """
    if name is None:
        return None
    tokens = _org_latin_tokens(name)
    if not tokens:
        return None
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase in _LEGAL_PHRASES.get(tokens[i], ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            if tokens[i] not in _LEGAL_TOKENS:
                kept.append(tokens[i])
            i += 1
    if not kept:
        kept = tokens
    keys = [token_key(t) if not t.isdigit() else t for t in kept]
    return " ".join(k for k in keys if k) or None


_ORG_MIN_FUZZY_TOKEN = 5


def organisation_similarity(a: str, b: str) -> float:
    """Fuzzy similarity of two normalised organisation names, 0.0 unless they have the same
    words except one, the differing words are one edit apart (a transposition counts as
    one) and at least 5 letters long (4 for the shorter), and contain no number.  Returns
    the rapidfuzz ratio (0–1) of the token-sorted names otherwise."""
    ta, tb = sorted(a.split()), sorted(b.split())
    if len(ta) != len(tb):
        return 0.0
    only_a = list((Counter(ta) - Counter(tb)).elements())
    only_b = list((Counter(tb) - Counter(ta)).elements())
    if not only_a:
        return 1.0
    if len(only_a) != 1 or len(only_b) != 1:
        return 0.0
    x, y = only_a[0], only_b[0]
    if x.isdigit() or y.isdigit() or _DIGIT_RUN_RE.search(x + y):
        return 0.0
    if max(len(x), len(y)) < _ORG_MIN_FUZZY_TOKEN or min(len(x), len(y)) < _ORG_MIN_FUZZY_TOKEN - 1:
        return 0.0
    if OSA.distance(x, y, score_cutoff=2) > 1:
        return 0.0
    return fuzz.ratio(" ".join(ta), " ".join(tb)) / 100


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components (labels = smallest member index) of an undirected graph:
    union-find by minimum-label hooking with pointer jumping, vectorised."""
    parent = np.arange(n, dtype=np.int64)
    if len(left) == 0:
        return parent
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    while True:
        pl_, pr_ = parent[left], parent[right]
        if np.array_equal(pl_, pr_):
            return parent
        low = np.minimum(pl_, pr_)
        np.minimum.at(parent, pl_, low)
        np.minimum.at(parent, pr_, low)
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped


def resolve_organisations(
    names: pl.Series | pl.DataFrame,
    country_code: str | pl.Series | None = None,
    *,
    secret: bytes | None = None,
    threshold: float = ORGANISATION_THRESHOLD,
) -> pl.DataFrame:
    """Organisation keys for organisation names, one output row per input row (same order).

    ``names`` is a Series of names, or a DataFrame with ``organisation`` and
    ``country_code`` columns; ``country_code`` (a code for all rows or a Series) is needed
    with a Series.  Names are normalised with :func:`normalise_organisation`; within one
    country, names with the same words (in any order) share a key, and two names are
    merged when all words but one agree and that one is a one-edit typo of a word of 5+
    letters (:func:`organisation_similarity`), with a token-sorted rapidfuzz ratio ≥
    ``threshold``.  Short words and numbers must agree exactly ("Hav"≠"Alv",
    "Школа №12"≠"Школа №13"), and the generic words ("Production", "Театр") cannot
    carry a match.  Candidates come from symmetric-deletion keys (other words + the
    varied word with ≤ 1 letter deleted), so only plausible pairs are compared.
    Clusters are transitive (union-find), so a chain of typos joins one cluster.

    Columns: ``organisation``, ``country_code``, ``organisation_norm``,
    ``organisation_representative`` (the cluster's most frequent normalised name in the
    input, ties broken by the smallest),
    ``organisation_key`` (HMAC of ``<country>|<representative>``, null without a name),
    ``organisation_rule`` (``exact`` or ``fuzzy``: joined its cluster by a typo match),
    ``organisation_score`` (best fuzzy similarity, 1.0 for exact).  ``secret`` defaults to
    the project secret (``CCI_SECRET_FILE``).
    """
    if isinstance(names, pl.DataFrame):
        frame = names.select(
            pl.col("organisation").cast(pl.String),
            (pl.col("country_code") if "country_code" in names.columns else pl.lit(country_code))
            .cast(pl.String)
            .alias("country_code"),
        )
    else:
        country = country_code if isinstance(country_code, pl.Series) else pl.repeat(
            country_code, len(names), dtype=pl.String, eager=True
        )
        frame = pl.DataFrame(
            {"organisation": names.cast(pl.String), "country_code": country.cast(pl.String)}
        )
    table, _ = _organisation_table(frame, secret=secret, threshold=threshold)
    return frame.join(table, on=["organisation", "country_code"], how="left", nulls_equal=True, maintain_order="left")


def _organisation_table(
    frame: pl.DataFrame, *, secret: bytes | None, threshold: float
) -> tuple[pl.DataFrame, int]:
    """One row per distinct (organisation, country_code) with its norm, cluster and key.

    ``frame`` has one row per occurrence: the counts choose each cluster's representative."""
    distinct = frame.group_by("organisation", "country_code", maintain_order=True).agg(
        pl.len().alias("_rows")
    )
    return _organisation_table_counts(distinct, secret=secret, threshold=threshold)


def _organisation_table_counts(
    distinct: pl.DataFrame, *, secret: bytes | None, threshold: float
) -> tuple[pl.DataFrame, int]:
    """:func:`_organisation_table` from ``distinct``: one row per distinct (organisation,
    country_code) with ``_rows``, the number of rows carrying it (kept in that order)."""
    names = distinct.select("organisation").unique()
    normalise = normalise_organisation.__wrapped__  # once per distinct name: no cache needed
    names = names.with_columns(
        pl.Series(
            "organisation_norm", [normalise(v) for v in names["organisation"].to_list()], dtype=pl.String
        )
    )
    distinct = distinct.select("organisation", "country_code", "_rows").join(
        names, on="organisation", how="left", nulls_equal=True, maintain_order="left"
    ).with_columns(pl.col("country_code").fill_null("").str.to_uppercase().str.strip_chars().alias("_cc"))
    norms = (
        distinct.filter(pl.col("organisation_norm").is_not_null())
        .group_by("_cc", "organisation_norm")
        .agg(pl.col("_rows").sum())
        .sort("_cc", "organisation_norm")
    )
    norms = norms.with_columns(
        pl.Series(
            "_sorted",
            [" ".join(sorted(s.split())) for s in norms["organisation_norm"].to_list()],
            dtype=pl.String,
        )
    )
    # Exact level: equal token multisets (word order ignored) within a country.
    forms = norms.select("_cc", "_sorted").unique().sort("_cc", "_sorted").with_row_index("_s")
    n = forms.height
    pairs = _organisation_candidates(forms)
    comparisons = pairs.height
    sorted_forms = forms["_sorted"].to_list()
    left: list[int] = []
    right: list[int] = []
    scores: list[float] = []
    for a, b in pairs.iter_rows():
        score = organisation_similarity(sorted_forms[a], sorted_forms[b])
        if score >= threshold:
            left.append(a)
            right.append(b)
            scores.append(score)
    labels = _components(n, np.array(left), np.array(right))
    best_score = np.zeros(n)
    np.maximum.at(best_score, np.array(left, dtype=np.int64), np.array(scores, dtype=float))
    np.maximum.at(best_score, np.array(right, dtype=np.int64), np.array(scores, dtype=float))
    fuzzy_member = best_score > 0
    forms = forms.with_columns(
        pl.Series("_label", labels),
        pl.Series("organisation_rule", np.where(fuzzy_member, "fuzzy", "exact")),
        pl.Series("organisation_score", np.where(fuzzy_member, best_score, 1.0)),
    )
    norms = norms.join(forms.drop("_s"), on=["_cc", "_sorted"], how="left")
    # Representative: the cluster's most frequent spelling (ties: the smallest).
    norms = norms.with_columns(
        pl.col("organisation_norm")
        .sort_by([pl.col("_rows"), pl.col("organisation_norm")], descending=[True, False])
        .first()
        .over("_label")
        .alias("organisation_representative")
    )
    reps = norms.select("_cc", "organisation_representative").unique()
    reps = reps.with_columns(
        pl.Series(
            "organisation_key",
            privacy.keyed_hashes(
                "organisation",
                (f"{cc or '??'}|{rep}" for cc, rep in reps.iter_rows()),
                secret,
            ),
            dtype=pl.String,
        )
    )
    norms = norms.join(reps, on=["_cc", "organisation_representative"], how="left")
    table = distinct.join(
        norms.select(
            "_cc", "organisation_norm", "organisation_representative", "organisation_key",
            "organisation_rule", "organisation_score",
        ),
        on=["_cc", "organisation_norm"],
        how="left",
        maintain_order="left",
    ).drop("_cc", "_rows")
    return table, comparisons


def _organisation_candidates(forms: pl.DataFrame) -> pl.DataFrame:
    """Candidate pairs (``_s`` < ``_s_r``) of organisation forms for the fuzzy level: names
    whose tokens agree except one, which is one edit away, share a symmetric-deletion key —
    the other tokens plus the varied token with at most one letter deleted (SymSpell-style),
    so no block is larger than needed.  Tokens shorter than 4 letters and numbers vary not."""
    tokens = (
        forms.select("_s", "_cc", pl.col("_sorted").str.split(" ").alias("_toks"))
        .with_columns(pl.int_ranges(0, pl.col("_toks").list.len()).alias("_pos"))
        .with_columns(pl.col("_toks").alias("_tok"))
        .explode("_tok", "_pos")
        .filter(
            pl.col("_tok").str.len_chars() >= _ORG_MIN_FUZZY_TOKEN - 1,
            ~pl.col("_tok").str.contains(r"^[0-9]+$"),
        )
    )
    if tokens.height == 0:
        return pl.DataFrame(schema={"_s": pl.UInt32, "_s_r": pl.UInt32})
    keys = (
        tokens.select(
            "_s",
            "_cc",
            pl.concat_list(
                pl.col("_toks").list.head(pl.col("_pos")), pl.col("_toks").list.slice(pl.col("_pos") + 1)
            ).list.join(" ").alias("_rest"),
            "_tok",
            pl.int_ranges(-1, pl.col("_tok").str.len_chars()).alias("_del"),
        )
        .explode("_del")
        .select(
            "_s",
            "_cc",
            "_rest",
            pl.when(pl.col("_del") < 0)
            .then(pl.col("_tok"))
            .otherwise(pl.col("_tok").str.head(pl.col("_del")) + pl.col("_tok").str.slice(pl.col("_del") + 1))
            .alias("_var"),
        )
        .unique()
    )
    return (
        keys.join(keys, on=["_cc", "_rest", "_var"], suffix="_r")
        .filter(pl.col("_s") < pl.col("_s_r"))
        .select("_s", "_s_r")
        .unique()
        .sort("_s", "_s_r")
    )


# --------------------------------------------------------------------------- persons


@dataclass
class IdentityResult:
    """Result of :func:`resolve_persons`.

    ``assignments``: one row per registration — ``registration_id``, ``event_id``,
    ``person_cluster`` (0…k-1, numbered by each cluster's smallest registration_id; stable
    within a run), ``person_key`` (HMAC, see the module docstring), ``organisation_key``
    (of the row's own organisation, null without one), ``match_rule`` (the strongest
    accepted link touching the row, or ``singleton``).
    ``evidence``: one row per accepted link — ``left_registration_id``,
    ``right_registration_id``, ``rule``, ``score`` (1.0 for exact rules, the name
    similarity for the others); the clusters are exactly the connected components of it.
    ``organisations``: one row per distinct (organisation, country_code) with its
    normalised name, representative and key.
    ``stats``: ``rows``, ``naive_pairs`` (n(n-1)/2), ``comparisons`` (name comparisons
    made: ``email_comparisons`` inside email groups + ``fuzzy_comparisons`` inside
    blocks; equal keys are star-linked without comparing), ``organisation_comparisons``,
    ``largest_fuzzy_block``, the rejections (``email_pairs_rejected_shared_mailbox``,
    ``fuzzy_pairs_rejected_different_email``, ``patronymic_conflict_links_dropped``),
    ``links`` and ``links_<rule>``, ``clusters``, ``singletons``, ``organisations``."""

    assignments: pl.DataFrame
    evidence: pl.DataFrame
    organisations: pl.DataFrame
    stats: dict[str, int | float] = field(default_factory=dict)


_REQUIRED = ("registration_id", "event_id")
# What identifies a person in a registration row (or a survey response); each may be missing.
IDENTITY_COLUMNS = (
    "first_name", "last_name", "patronymic", "full_name", "email", "phone", "organisation",
    "country_code",
)
INPUT_COLUMNS = (*_REQUIRED, *IDENTITY_COLUMNS)  # all that resolution reads of a registration row
_NAME_COLUMNS = ("first_name", "last_name", "patronymic", "full_name")
_EVIDENCE_SCHEMA = {"_a": pl.Int64, "_b": pl.Int64, "rule": pl.String, "score": pl.Float64}
_LINK_SCHEMA = {"_lo": pl.Int64, "_hi": pl.Int64, "_rank": pl.Int32, "score": pl.Float64}
_MATCH_RULES = (*RULES, "singleton")
_SINGLETON = len(RULES)


@dataclass
class CodedRows:
    """Registration rows as integer codes into tables of their distinct values.

    Row ``i`` is the row with the i-th smallest ``registration_id``.  Each code array holds,
    per row, the position of the row's value(s) in the matching table: ``emails`` (column
    ``email``), ``names`` (``first_name``, ``last_name``, ``patronymic``, ``full_name``),
    ``phones`` (``phone``, ``country_code``), ``organisations`` (``organisation``,
    ``country_code``, ``_rows`` = rows carrying it, in order of first appearance) and
    ``countries`` (``country_code``).  A null value is a value like any other."""

    email: np.ndarray
    name: np.ndarray
    phone: np.ndarray
    organisation: np.ndarray
    country: np.ndarray
    emails: pl.DataFrame
    names: pl.DataFrame
    phones: pl.DataFrame
    organisations: pl.DataFrame
    countries: pl.DataFrame

    @property
    def n(self) -> int:
        return len(self.email)


def _factorize(frame: pl.DataFrame, columns: list[str], position: np.ndarray) -> tuple[np.ndarray, pl.DataFrame]:
    """Codes of the rows of ``frame`` over ``columns`` (nulls are values), in the order given
    by ``position`` (row ``j`` of ``frame`` goes to position ``position[j]``), and the
    table of distinct values, numbered in order of first appearance in that order, with
    ``_rows``: how many rows carry each."""
    n = frame.height
    first = (
        frame.select(*columns, pl.Series("_p", position))
        .select(pl.col("_p").min().over(columns))
        .to_series()
        .to_numpy()
        .astype(np.int64)
    )
    by_position = np.empty(n, dtype=np.int64)
    by_position[position] = first
    is_first = by_position == np.arange(n)
    code_of_first = np.cumsum(is_first) - 1
    codes = code_of_first[by_position]
    where = np.empty(n, dtype=np.int64)
    where[position] = np.arange(n)
    table = frame.select(columns)[where[is_first]].with_columns(
        pl.Series("_rows", np.bincount(codes, minlength=int(is_first.sum())), dtype=pl.Int64)
    )
    return codes, table


# The value groups a row is coded by, as in :class:`CodedRows` (code array, columns).
_CODE_GROUPS = (
    ("email", ("email",)),
    ("name", _NAME_COLUMNS),
    ("phone", ("phone", "country_code")),
    ("country", ("country_code",)),
    ("organisation", ("organisation", "country_code")),
)


def _coded_rows(codes: dict[str, np.ndarray], tables: dict[str, pl.DataFrame]) -> CodedRows:
    """:class:`CodedRows` from the code arrays and value tables of :data:`_CODE_GROUPS`."""
    return CodedRows(
        **codes, emails=tables["email"], names=tables["name"], phones=tables["phone"],
        organisations=tables["organisation"], countries=tables["country"],
    )


def encode_rows(rows: pl.DataFrame) -> tuple[CodedRows, pl.DataFrame]:
    """:class:`CodedRows` of registration rows, and ``registration_id``/``event_id`` in the
    coded order (sorted by ``registration_id``)."""
    missing = [c for c in _REQUIRED if c not in rows.columns]
    if missing:
        raise ValueError(f"registration rows lack required columns: {missing}")
    df = rows.select(
        pl.col("registration_id").cast(pl.String),
        pl.col("event_id").cast(pl.String),
        *[(pl.col(c) if c in rows.columns else pl.lit(None)).cast(pl.String).alias(c) for c in IDENTITY_COLUMNS],
    )
    # Stable row numbering, independent of input order.
    order = df["registration_id"].arg_sort().to_numpy()
    ids = df.select("registration_id", "event_id")[order]
    if ids.height and (ids["registration_id"] == ids["registration_id"].shift(1)).any():
        raise ValueError("registration_id must be unique")
    position = np.empty(df.height, dtype=np.int64)
    position[order] = np.arange(df.height)
    codes: dict[str, np.ndarray] = {}
    tables: dict[str, pl.DataFrame] = {}
    for group, columns in _CODE_GROUPS:
        codes[group], tables[group] = _factorize(df, list(columns), position)
    return _coded_rows(codes, tables), ids


_ROWS = "_identity_rows"  # temp view: the relation's rows, numbered (_r) in coded order
_VALUES = "_identity_values"  # temp table: one value group's distinct values and their codes


@contextlib.contextmanager
def _rows_table(con, relation: str) -> Iterator[int]:
    """:data:`_ROWS` while the block runs; yields its row count.

    The rows are stored sorted and numbered by their row ids: an ordered copy takes a
    quarter of the time of numbering by a window over ten million wide rows.  The order is
    kept because insertion order is preserved (set for the copy if the connection had not)."""
    texts = ", ".join(f"{c}::varchar as {c}" for c in IDENTITY_COLUMNS)
    with duckdb_setting(con, "preserve_insertion_order", "true"):
        con.execute(
            f"create or replace temp table {_ROWS}_sorted as select registration_id::varchar as registration_id, "
            f"event_id::varchar as event_id, {texts} from {relation} order by registration_id"
        )
    con.execute(f"create or replace temp view {_ROWS} as select rowid as _r, * from {_ROWS}_sorted")
    try:
        [(n, distinct)] = con.execute(f"select count(*), count(distinct registration_id) from {_ROWS}").fetchall()
        if distinct != n:
            raise ValueError("registration_id must be unique (and present)")
        yield n
    finally:
        con.execute(f"drop view if exists {_ROWS}")
        con.execute(f"drop table if exists {_ROWS}_sorted")


def _code_rows_table(con, n: int) -> CodedRows:
    """:class:`CodedRows` of the ``n`` rows of :data:`_ROWS`: each value group coded by DuckDB (a
    group-by, then a join on row numbers); Python receives integer arrays and the distinct values."""
    codes: dict[str, np.ndarray] = {}
    tables: dict[str, pl.DataFrame] = {}
    for group, columns in _CODE_GROUPS:
        listed = ", ".join(columns)
        con.execute(
            f"create or replace temp table {_VALUES} as select {listed}, _rows, "
            "(row_number() over (order by _first) - 1)::bigint as _code from ("
            f"select {listed}, min(_r) as _first, count(*)::bigint as _rows from {_ROWS} group by {listed})"
        )
        try:
            tables[group] = con.sql(f"select {listed}, _rows from {_VALUES} order by _code").pl()
            matched = " and ".join(f"r.{c} is not distinct from v.{c}" for c in columns)
            pairs = con.execute(f"select r._r, v._code from {_ROWS} r join {_VALUES} v on {matched}").fetchnumpy()
        finally:
            con.execute(f"drop table if exists {_VALUES}")
        code = np.empty(n, dtype=np.int64)
        code[np.asarray(pairs["_r"], dtype=np.int64)] = np.asarray(pairs["_code"], dtype=np.int64)
        codes[group] = code
        del pairs
    return _coded_rows(codes, tables)


def _dense_codes(values: list[str | None] | pl.Series) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 for None) numbering the distinct values in sorted order, and those values:
    comparing codes compares the strings."""
    series = values if isinstance(values, pl.Series) else pl.Series(values, dtype=pl.String)
    codes = (series.rank("dense").cast(pl.Int64) - 1).fill_null(-1).to_numpy()
    return codes, series.drop_nulls().unique().sort().to_list()


@dataclass
class _Features:
    """Per-row comparison features (numpy int arrays, -1 for null) and their tables."""

    E: np.ndarray  # normalised email (codes in string order)
    N: np.ndarray  # name key (codes in string order)
    T: np.ndarray  # name tokens
    P: np.ndarray  # patronymic key
    PH: np.ndarray  # normalised phone
    K: np.ndarray  # organisation key
    C: np.ndarray  # country (upper-cased, trimmed)
    emails: list[str]
    role: np.ndarray  # per E: a role mailbox
    names: list[str]
    patronymics: list[str]
    org_keys: list[str]
    org_reps: list[str]  # per K
    countries: list[str]


def _features(coded: CodedRows, org_table: pl.DataFrame) -> _Features:
    """Normalise each distinct value once and spread the results over the rows."""
    normalise_email_ = normalise_email.__wrapped__
    normalise_phone_ = normalise_phone.__wrapped__
    parse = parse_person_name.__wrapped__
    e_code, emails = _dense_codes([normalise_email_(v) for v in coded.emails["email"].to_list()])
    parsed = [parse(*r) for r in coded.names.select(_NAME_COLUMNS).iter_rows()]
    n_code, names = _dense_codes([" ".join(t) or None for t, _ in parsed])
    t_code = np.array([len(t) for t, _ in parsed], dtype=np.int64)
    p_code, patronymics = _dense_codes([p for _, p in parsed])
    ph_code, _ = _dense_codes([normalise_phone_(p, c) for p, c in coded.phones.select("phone", "country_code").iter_rows()])
    c_code, countries = _dense_codes(
        coded.countries.select(pl.col("country_code").str.to_uppercase().str.strip_chars())["country_code"].to_list()
    )
    orgs = coded.organisations.select("organisation", "country_code").join(
        org_table.select("organisation", "country_code", "organisation_representative", "organisation_key"),
        on=["organisation", "country_code"], how="left", nulls_equal=True, maintain_order="left",
    )
    k_code, org_keys = _dense_codes(orgs["organisation_key"].to_list())
    rep_of_key = dict(zip(orgs["organisation_key"].to_list(), orgs["organisation_representative"].to_list()))
    return _Features(
        E=e_code[coded.email], N=n_code[coded.name], T=t_code[coded.name], P=p_code[coded.name],
        PH=ph_code[coded.phone], K=k_code[coded.organisation], C=c_code[coded.country],
        emails=emails, role=np.array([_is_role_mailbox(e) for e in emails], dtype=bool),
        names=names, patronymics=patronymics, org_keys=org_keys,
        org_reps=[rep_of_key[k] for k in org_keys], countries=countries,
    )


def _nullable(values: np.ndarray, name: str) -> pl.Series:
    series = pl.Series(name, values, dtype=pl.Int64)
    return series.set(series < 0, None) if (values < 0).any() else series


@dataclass
class _Nodes:
    """Rows collapsed to nodes: rows with an email whose features are all equal are always
    linked by the email rule (same email, same name) and take part in every other rule
    alike, so one node stands for them; a row without email is a node of its own.  Node
    ``j`` is numbered by its first (smallest) row, so node order is row order."""

    first: np.ndarray  # per node: its first row
    of_row: np.ndarray  # per row: its node
    size: np.ndarray  # per node: rows


def _collapse(f: _Features) -> tuple[_Nodes, pl.DataFrame]:
    """The nodes, and per node: _i (node), E, N, T, P, PH, K, C, _pe (personal email)."""
    n = len(f.E)
    rows = pl.DataFrame(
        {"_r": np.arange(n, dtype=np.int64), "E": f.E, "N": f.N, "P": f.P, "PH": f.PH, "K": f.K, "C": f.C}
    )
    first = rows.select(
        pl.when(pl.col("E") >= 0).then(pl.col("_r").min().over("E", "N", "P", "PH", "K", "C")).otherwise(pl.col("_r"))
    ).to_series().to_numpy()
    is_first = first == np.arange(n)
    first_rows = np.flatnonzero(is_first)
    of_row = (np.cumsum(is_first) - 1)[first]
    size = np.bincount(of_row, minlength=len(first_rows))
    e = f.E[first_rows]
    personal = np.where(e >= 0, ~f.role[np.maximum(e, 0)] if len(f.role) else False, False)
    frame = pl.DataFrame(
        [
            pl.Series("_i", np.arange(len(first_rows), dtype=np.int64)),
            _nullable(e, "E"),
            _nullable(f.N[first_rows], "N"),
            pl.Series("T", f.T[first_rows], dtype=pl.Int64),
            _nullable(f.P[first_rows], "P"),
            _nullable(f.PH[first_rows], "PH"),
            _nullable(f.K[first_rows], "K"),
            _nullable(f.C[first_rows], "C"),
            _nullable(np.where(personal, e, -1), "_pe"),
        ]
    )
    return _Nodes(first=first_rows, of_row=of_row, size=size), frame


def _star_hubs(df: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """``_i`` and ``_hub``: the smallest node of its group of equal ``keys``."""
    return df.select("_i", pl.col("_i").min().over(keys).alias("_hub"))


def _star_links(hubs: pl.DataFrame, rule: str) -> pl.DataFrame:
    """Link every node of a group to the group's smallest node."""
    return hubs.filter(pl.col("_i") != pl.col("_hub")).select(
        pl.col("_hub").alias("_a"), pl.col("_i").alias("_b"), pl.lit(rule).alias("rule"), pl.lit(1.0).alias("score")
    )


def _name_group_hubs(df: pl.DataFrame, other: str) -> pl.DataFrame:
    """Rules 2/3: same name key and same ``other`` key, split by conflicting patronymics."""
    candidates = df.filter(
        pl.col("N").is_not_null(), pl.col("T") >= 2, pl.col(other).is_not_null()
    ).with_columns(pl.col("P").drop_nulls().n_unique().over("N", other).alias("_npatr"))
    single = candidates.filter(pl.col("_npatr") <= 1)
    split = candidates.filter(pl.col("_npatr") > 1, pl.col("P").is_not_null())
    return pl.concat([_star_hubs(single, ["N", other]), _star_hubs(split, ["N", other, "P"])])


def _email_links(df: pl.DataFrame, f: _Features) -> tuple[pl.DataFrame, pl.DataFrame, int, int]:
    """Rule 1: hubs of the same-email-same-name groups, links between different names of one
    email, comparisons made and pairs rejected by the shared-mailbox guard."""
    with_email = df.filter(pl.col("E").is_not_null())
    # Same email and same name (or patronymic-free equal name): star links, no comparison.
    hubs = _star_hubs(with_email.with_columns(pl.col("N").fill_null(-1)), ["E", "N"])
    sigs = (
        with_email.group_by("E", "N", maintain_order=True)
        .agg(pl.col("_i").min().alias("_rep"), pl.col("P").drop_nulls().first().alias("_patr"))
        .with_columns(pl.len().over("E").alias("_k"))
        .filter(pl.col("_k") > 1)
        .sort("E", "_rep")
    )
    links: list[tuple[int, int, str, float]] = []
    comparisons = 0
    rejected = 0
    names, patronymics = f.names, f.patronymics
    for (email,), group in sigs.group_by(["E"], maintain_order=True):
        role = bool(f.role[email])
        reps = group["_rep"].to_list()
        toks = [tuple(names[n].split()) if n is not None else () for n in group["N"].to_list()]
        patrs = [patronymics[p] if p is not None else None for p in group["_patr"].to_list()]
        named = [k for k, t in enumerate(toks) if t]
        unnamed = [k for k, t in enumerate(toks) if not t]
        accepted: list[tuple[int, int, float]] = []
        for x, y in itertools.combinations(named, 2):
            comparisons += 1
            score = _email_names_compatible(toks[x], toks[y], patrs[x], patrs[y], role)
            if score > 0:
                accepted.append((x, y, score))
            else:
                rejected += 1
        if named:
            labels = _components(
                len(toks), np.array([a for a, _, _ in accepted]), np.array([b for _, b, _ in accepted])
            )
            one_group = len({labels[k] for k in named}) == 1
            for k in unnamed:
                if one_group:
                    links.append((reps[named[0]], reps[k], "email", 1.0))
                else:
                    rejected += 1
        else:
            for k in unnamed[1:]:
                links.append((reps[unnamed[0]], reps[k], "email", 1.0))
        links.extend((reps[x], reps[y], "email", s) for x, y, s in accepted)
    frame = pl.DataFrame(links, schema=_EVIDENCE_SCHEMA, orient="row")
    return hubs, frame, comparisons, rejected


def _fuzzy_links(
    df: pl.DataFrame, f: _Features, threshold: float, key: str, rule: str
) -> tuple[pl.DataFrame, int, int, int]:
    """Rule 4 (``key`` = K, the organisation key) or rule 5 (``key`` = PH, the phone) links,
    with the comparisons made, pairs rejected for different emails and the largest block.

    Nodes are first collapsed to name variants (key, name, patronymic); candidate pairs of
    variants come from blocks: key + first 3 letters of each name token for organisations,
    the phone number itself for phones.  Each distinct pair of names is scored once."""
    base = df.filter(pl.col("N").is_not_null(), pl.col("T") >= 2, pl.col(key).is_not_null())
    variants = (
        base.group_by(key, "N", "P", maintain_order=True)
        .agg(
            pl.col("_i").min().alias("_rep"),
            pl.col("_i").filter(pl.col("_pe").is_null()).min().alias("_rep_noemail"),
        )
        # A name without patronymic next to two patronymics of that name is ambiguous
        # (as in rules 2/3): it takes part in no fuzzy link.
        .filter(pl.col("P").is_not_null() | (pl.col("P").drop_nulls().n_unique().over(key, "N") <= 1))
        .with_row_index("_v")
        .with_columns(pl.col("_v").cast(pl.Int64))
    )
    empty = pl.DataFrame(schema=_EVIDENCE_SCHEMA)
    if variants.height < 2:
        return empty, 0, 0, 0
    if key == "PH":
        exploded = variants.select("_v", key, pl.lit(0, dtype=pl.Int64).alias("_block"))
    else:
        prefixes = _name_prefixes(f.names)
        exploded = (
            variants.select("_v", key, "N")
            .join(prefixes, on="N", how="inner")
            .select("_v", key, "_block")
        )
    largest_block = int(exploded.group_by(key, "_block").len()["len"].max() or 0)
    pairs = (
        exploded.join(exploded, on=[key, "_block"], suffix="_r")
        .filter(pl.col("_v") < pl.col("_v_r"))
        .select("_v", "_v_r")
        .unique()
    )
    comparisons = pairs.height
    if comparisons == 0:
        return empty, 0, 0, largest_block
    side = variants.select("_v", "N", "P", "_rep", "_rep_noemail")
    pairs = pairs.join(side, on="_v").join(side, left_on="_v_r", right_on="_v", suffix="_r")
    pairs = pairs.filter(pl.col("N") != pl.col("N_r"))  # same name and key: rules 2/3 decided
    combos = pairs.select("N", "N_r", "P", "P_r").unique()
    names, patronymics = f.names, f.patronymics
    scores = [
        _fuzzy_score_coded(names[a], names[b], patronymics[pa] if pa is not None else None,
                           patronymics[pb] if pb is not None else None, threshold)
        for a, b, pa, pb in combos.iter_rows()
    ]
    combos = combos.with_columns(pl.Series("score", scores, dtype=pl.Float64)).filter(pl.col("score") >= threshold)
    pairs = pairs.join(combos, on=["N", "N_r", "P", "P_r"], how="inner", nulls_equal=True).sort("_v", "_v_r")
    if pairs.height == 0:
        return empty, comparisons, 0, largest_block
    links: list[tuple[int, int, str, float]] = []
    rejected_email = 0
    if key == "PH":
        for rep, rep_r, score in pairs.select("_rep", "_rep_r", "score").iter_rows():
            links.append((rep, rep_r, rule, score))
    else:
        # Rows that may be linked: one without email, or a shared email or phone.
        needed = pairs.filter(pl.col("_rep_noemail").is_null() & pl.col("_rep_noemail_r").is_null())
        wanted = pl.concat([needed["_v"], needed["_v_r"]]).unique()
        members = (
            base.select(key, "N", "P", "_pe", "PH")
            .join(variants.filter(pl.col("_v").is_in(wanted.implode())).select(key, "N", "P", "_v"),
                  on=[key, "N", "P"], how="inner", nulls_equal=True)
        )
        emails = {v: set(e) for v, e in members.group_by("_v").agg(pl.col("_pe").drop_nulls()).iter_rows()}
        phones = {v: set(p) for v, p in members.group_by("_v").agg(pl.col("PH").drop_nulls()).iter_rows()}
        for a, b, rep, rep_r, noemail, noemail_r, score in pairs.select(
            "_v", "_v_r", "_rep", "_rep_r", "_rep_noemail", "_rep_noemail_r", "score"
        ).iter_rows():
            if noemail is not None:
                pair = (noemail, rep_r)
            elif noemail_r is not None:
                pair = (rep, noemail_r)
            elif emails[a] & emails[b] or phones[a] & phones[b]:
                pair = (rep, rep_r)
            else:
                rejected_email += 1
                continue
            links.append((pair[0], pair[1], rule, score))
    return pl.DataFrame(links, schema=_EVIDENCE_SCHEMA, orient="row"), comparisons, rejected_email, largest_block


def _fuzzy_score_coded(ta: str, tb: str, pa: str | None, pb: str | None, threshold: float) -> float:
    """:func:`fuzzy_name_score` of two name keys, with its cheap refusals first: no shared
    token (the score needs an identical aligned pair) or a different token count."""
    a, b = ta.split(), tb.split()
    if len(a) != len(b) or set(a).isdisjoint(b):
        return 0.0
    # each token needs a partner that is equal or may be close (same first letter, both
    # at least 4 letters, lengths at most 1 apart), whatever the alignment
    for x in a:
        if not any(
            x == y or (x[0] == y[0] and min(len(x), len(y)) >= 4 and abs(len(x) - len(y)) <= 1) for y in b
        ):
            return 0.0
    return fuzzy_name_score(tuple(a), tuple(b), pa, pb)


def _name_prefixes(names: list[str]) -> pl.DataFrame:
    """(N, _block): the first 3 letters of each token of each name key, as codes."""
    rows = [(n, token[:3]) for n, name in enumerate(names) for token in name.split()]
    blocks = pl.DataFrame(rows, schema={"N": pl.Int64, "_prefix": pl.String}, orient="row").unique()
    codes = blocks.select("_prefix").unique().with_row_index("_block")
    return blocks.join(codes, on="_prefix").select("N", pl.col("_block").cast(pl.Int64))


def _patronymic_sets_conflict(a: set[str], b: set[str]) -> bool:
    return any(_patronymics_conflict(x, y) for x, y in itertools.product(a, b))


def _conflicted_labels(labels: np.ndarray, patronymics: np.ndarray, values: list[str]) -> np.ndarray:
    """Labels of the components whose members carry conflicting patronymics."""
    named = pl.DataFrame({"_label": labels, "_patr": patronymics}).filter(pl.col("_patr") >= 0).unique()
    candidates = named.filter(pl.len().over("_label") > 1).group_by("_label").agg("_patr")
    conflicted = [
        label
        for label, codes in candidates.iter_rows()
        if any(_patronymics_conflict(values[x], values[y]) for x, y in itertools.combinations(codes, 2))
    ]
    return np.array(sorted(conflicted), dtype=np.int64)


def _drop_patronymic_conflicts(
    n: int, links: pl.DataFrame, patronymics: list[str | None]
) -> tuple[pl.DataFrame, int]:
    """Keep a cluster from joining two different patronymics through rows without one.

    Clusters whose rows carry conflicting patronymics are rebuilt link by link, strongest
    rule first (then higher score, then smaller rows), with a union-find that refuses a
    link joining two groups with conflicting patronymics; those links are dropped (and
    do not appear in the evidence).  Other clusters are left as they are.  ``links`` are
    row links (``_lo`` < ``_hi``, ``_rank``, ``score``) over rows 0…n-1."""
    if links.height == 0:
        return links, 0
    labels = _components(n, links["_lo"].to_numpy(), links["_hi"].to_numpy())
    codes, values = _dense_codes(patronymics)
    conflicted = _conflicted_labels(labels, codes, values)
    if len(conflicted) == 0:
        return links, 0
    in_conflict = np.isin(labels[links["_lo"].to_numpy()], conflicted)
    links = links.with_columns(pl.Series("_conflicted", in_conflict))
    parent: dict[int, int] = {}
    pats: dict[int, set[str]] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keep: list[bool] = []
    rejected = 0
    ordered = links.filter(pl.col("_conflicted")).sort("_rank", pl.col("score").neg(), "_lo", "_hi")
    for lo, hi in ordered.select("_lo", "_hi").iter_rows():
        ra, rb = find(lo), find(hi)
        if ra != rb:
            pa = pats.setdefault(ra, {patronymics[lo]} - {None})
            pb = pats.setdefault(rb, {patronymics[hi]} - {None})
            if _patronymic_sets_conflict(pa, pb):
                keep.append(False)
                rejected += 1
                continue
            parent[rb] = ra
            pats[ra] = pa | pb
        keep.append(True)
    accepted = ordered.with_columns(pl.Series("_keep", keep)).filter("_keep").drop("_keep")
    kept = pl.concat([links.filter(~pl.col("_conflicted")), accepted]).drop("_conflicted")
    return kept.sort("_lo", "_hi"), rejected


@dataclass
class Resolution:
    """What :func:`resolve_coded` decides, as arrays over the coded rows.

    ``label``: per row, the first (smallest) row of its cluster; ``cluster``: per row,
    the cluster number (0…k-1 in order of the clusters' first rows); ``person_keys``: per
    cluster; ``org_key``: per row, index into ``org_keys`` (-1: none); ``rule``: per row,
    index into ``RULES`` + ``singleton``; evidence links ``left`` < ``right`` (rows),
    ``link_rule`` (index into ``RULES``) and ``link_score``, sorted by (left, right)."""

    label: np.ndarray
    cluster: np.ndarray
    person_keys: list[str]
    org_key: np.ndarray
    org_keys: list[str]
    rule: np.ndarray
    left: np.ndarray
    right: np.ndarray
    link_rule: np.ndarray
    link_score: np.ndarray
    organisations: pl.DataFrame
    stats: dict[str, int | float]
    component: np.ndarray  # per row: first row of its component before patronymic conflicts


def resolve_coded(
    coded: CodedRows,
    secret: bytes,
    registration_ids: Callable[[np.ndarray], list[str]],
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    org_threshold: float = ORGANISATION_THRESHOLD,
    org_table: pl.DataFrame | None = None,
) -> Resolution:
    """Cluster coded registration rows into persons (see the module docstring for the
    rules).  ``registration_ids(rows)`` gives the ids of rows (for the fallback keys);
    ``org_table`` (:func:`_organisation_table_counts` of a superset of the rows) replaces
    the organisation resolution of these rows."""
    n = coded.n
    org_comparisons = 0
    if org_table is None:
        org_table, org_comparisons = _organisation_table_counts(
            coded.organisations, secret=secret, threshold=org_threshold
        )
    f = _features(coded, org_table)
    del coded  # a caller that hands its codes over frees them here (ten million rows: 0.4 GB)
    nodes, df = _collapse(f)
    m = df.height
    first = nodes.first

    email_hubs, email_frame, email_comparisons, email_rejected = _email_links(df, f)
    org_hubs = _name_group_hubs(df, "K")
    phone_hubs = _name_group_hubs(df, "PH")
    fuzzy_links, fuzzy_comparisons, fuzzy_rejected, largest_block = _fuzzy_links(
        df, f, fuzzy_threshold, "K", "fuzzy_name+organisation"
    )
    phone_fuzzy_links, phone_fuzzy_comparisons, _, _ = _fuzzy_links(
        df, f, fuzzy_threshold, "PH", "fuzzy_name+phone"
    )
    fuzzy_comparisons += phone_fuzzy_comparisons
    links = pl.concat(
        [
            _star_links(email_hubs, "email").cast(_EVIDENCE_SCHEMA),
            email_frame.cast(_EVIDENCE_SCHEMA),
            _star_links(org_hubs, "name+organisation").cast(_EVIDENCE_SCHEMA),
            _star_links(phone_hubs, "name+phone").cast(_EVIDENCE_SCHEMA),
            fuzzy_links.cast(_EVIDENCE_SCHEMA),
            phone_fuzzy_links.cast(_EVIDENCE_SCHEMA),
        ]
    )
    # Intermediates go as soon as they are used: at ten million rows each is hundreds of MB.
    del df, email_frame, fuzzy_links, phone_fuzzy_links
    # One row per unordered pair, keeping the strongest rule.
    links = (
        links.select(
            pl.min_horizontal("_a", "_b").alias("_lo"),
            pl.max_horizontal("_a", "_b").alias("_hi"),
            pl.col("rule").replace_strict(_RULE_RANK, return_dtype=pl.Int32).alias("_rank"),
            "score",
        )
        .sort("_rank", pl.col("score").neg(), "_lo", "_hi")
        .unique(["_lo", "_hi"], keep="first", maintain_order=True)
    )
    lo = links["_lo"].to_numpy()
    hi = links["_hi"].to_numpy()
    rank = links["_rank"].to_numpy().astype(np.int64)
    score = links["score"].to_numpy()
    del links
    node_label = _components(m, lo, hi)
    node_p = f.P[first]

    # Hubs of the star rules, per node (-1: not in such a group), for the rows a node
    # stands for: each is linked to the hub of every group its node belongs to.
    hubs = np.full((3, m), -1, dtype=np.int64)
    for k, frame in enumerate((email_hubs, org_hubs, phone_hubs)):
        hubs[k, frame["_i"].to_numpy()] = frame["_hub"].to_numpy()
    del email_hubs, org_hubs, phone_hubs, frame
    dup_rows = np.flatnonzero(first[nodes.of_row] != np.arange(n))
    dup_node = nodes.of_row[dup_rows]
    dup_links = []
    for k in range(3):
        hub = hubs[k, dup_node]
        mask = hub >= 0
        for j in range(k):
            mask &= hub != hubs[j, dup_node]
        dup_links.append((first[hub[mask]], dup_rows[mask], np.full(int(mask.sum()), k, dtype=np.int64)))
    d_lo = np.concatenate([x[0] for x in dup_links])
    d_hi = np.concatenate([x[1] for x in dup_links])
    d_rank = np.concatenate([x[2] for x in dup_links])
    del hubs, dup_links, dup_rows, dup_node, hub, mask

    row_label = first[node_label[nodes.of_row]]
    component = row_label.copy()
    node_rank = np.full(m, _SINGLETON, dtype=np.int64)
    np.minimum.at(node_rank, lo, rank)
    np.minimum.at(node_rank, hi, rank)
    row_rank = node_rank[nodes.of_row]
    row_rank[nodes.size[nodes.of_row] > 1] = 0  # linked to its twins by the email rule

    e_lo, e_hi, e_rank, e_score = first[lo], first[hi], rank, score
    d_score = np.ones(len(d_lo))
    rejected_patronymic = 0
    conflicted = _conflicted_labels(node_label, node_p, f.patronymics) if len(lo) else np.empty(0, np.int64)
    if len(conflicted):
        # Rebuild those components row by row, as without the collapse.
        bad_node = np.isin(node_label, conflicted)
        rows = np.flatnonzero(bad_node[nodes.of_row])
        keep_links = ~bad_node[lo]
        keep_dups = ~bad_node[nodes.of_row[d_hi]]
        local = pl.DataFrame(
            {
                "_lo": np.searchsorted(rows, np.concatenate([first[lo[~keep_links]], d_lo[~keep_dups]])),
                "_hi": np.searchsorted(rows, np.concatenate([first[hi[~keep_links]], d_hi[~keep_dups]])),
                "_rank": np.concatenate([rank[~keep_links], d_rank[~keep_dups]]).astype(np.int32),
                "score": np.concatenate([score[~keep_links], d_score[~keep_dups]]),
            }
        ).sort("_lo", "_hi")
        patr = [f.patronymics[p] if p >= 0 else None for p in f.P[rows]]
        kept, rejected_patronymic = _drop_patronymic_conflicts(len(rows), local, patr)
        k_lo, k_hi = kept["_lo"].to_numpy(), kept["_hi"].to_numpy()
        k_rank = kept["_rank"].to_numpy().astype(np.int64)
        row_label[rows] = rows[_components(len(rows), k_lo, k_hi)]
        local_rank = np.full(len(rows), _SINGLETON, dtype=np.int64)
        np.minimum.at(local_rank, k_lo, k_rank)
        np.minimum.at(local_rank, k_hi, k_rank)
        row_rank[rows] = local_rank
        e_lo = np.concatenate([e_lo[keep_links], rows[k_lo]])
        e_hi = np.concatenate([e_hi[keep_links], rows[k_hi]])
        e_rank = np.concatenate([e_rank[keep_links], k_rank])
        e_score = np.concatenate([e_score[keep_links], kept["score"].to_numpy()])
        d_lo, d_hi, d_rank, d_score = d_lo[keep_dups], d_hi[keep_dups], d_rank[keep_dups], d_score[keep_dups]
    else:
        bad_node = np.zeros(m, dtype=bool)
        rows = np.empty(0, dtype=np.int64)

    left = np.concatenate([e_lo, d_lo])
    right = np.concatenate([e_hi, d_hi])
    order = np.argsort(left * max(n, 1) + right, kind="stable")
    left, right = left[order], right[order]
    link_rule = np.concatenate([e_rank, d_rank])[order]
    link_score = np.concatenate([e_score, d_score])[order]

    # Clusters, numbered by their first rows.
    is_label = np.zeros(n, dtype=bool)
    is_label[row_label] = True
    number = np.cumsum(is_label) - 1
    cluster = number[row_label]
    labels = np.flatnonzero(is_label)
    sizes = np.bincount(cluster, minlength=len(labels))

    # Representative identifier per cluster: the smallest email that no other cluster
    # uses, else the smallest name+organisation no other cluster uses, else the row.
    # Units: the nodes outside conflicted components, and the rows inside.
    good = np.flatnonzero(~bad_node)
    unit_row = np.concatenate([first[good], rows])
    unit_cluster = cluster[unit_row]
    e = f.E[unit_row]
    personal = np.where(e >= 0, ~f.role[np.maximum(e, 0)] if len(f.role) else False, False)
    reps: list[str | None] = [None] * len(labels)
    for c, code in _unique_min(unit_cluster, np.where(personal, e, -1)).iter_rows():
        reps[c] = f.emails[code]
    need = np.array([r is None for r in reps], dtype=bool)
    named = (f.N[unit_row] >= 0) & need[unit_cluster]
    if named.any():
        # name+organisation+country texts no other cluster has (compared as codes first)
        combos = (
            pl.DataFrame({"_c": unit_cluster, "N": f.N[unit_row], "K": f.K[unit_row], "C": f.C[unit_row]})
            .filter(pl.col("N") >= 0)
            .unique()
            .filter(pl.col("_c").n_unique().over("N", "K", "C") == 1)
            .filter(pl.col("_c").is_in(pl.Series(np.flatnonzero(need)).implode()))
        )
        best: dict[int, str] = {}
        for c, name, k, cc in combos.iter_rows():
            text = f"name:{f.names[name]}|org:{f.org_reps[k] if k >= 0 else ''}|country:{f.countries[cc] if cc >= 0 else ''}"
            if c not in best or text < best[c]:
                best[c] = text
        for c, text in best.items():
            reps[c] = text
    missing = [c for c, r in enumerate(reps) if r is None]
    if missing:
        ids = registration_ids(labels[missing])
        for c, rid in zip(missing, ids):
            reps[c] = f"registration:{rid}"
    person_keys = privacy.keyed_hashes("person", reps, secret)

    rule_counts = np.bincount(link_rule, minlength=len(RULES)) if len(link_rule) else np.zeros(len(RULES), int)
    stats: dict[str, int | float] = {
        "rows": n,
        "naive_pairs": n * (n - 1) // 2,
        "comparisons": email_comparisons + fuzzy_comparisons,
        "email_comparisons": email_comparisons,
        "fuzzy_comparisons": fuzzy_comparisons,
        "organisation_comparisons": org_comparisons,
        "largest_fuzzy_block": largest_block,
        "email_pairs_rejected_shared_mailbox": email_rejected,
        "fuzzy_pairs_rejected_different_email": fuzzy_rejected,
        "patronymic_conflict_links_dropped": rejected_patronymic,
        "links": len(left),
        **{f"links_{r}": int(rule_counts[k]) for k, r in enumerate(RULES)},
        "clusters": len(labels),
        "singletons": int((sizes == 1).sum()),
        "organisations": int(org_table["organisation_key"].drop_nulls().n_unique()),
    }
    return Resolution(
        label=row_label, cluster=cluster, person_keys=person_keys, org_key=f.K, org_keys=f.org_keys,
        rule=row_rank, left=left, right=right, link_rule=link_rule, link_score=link_score,
        organisations=org_table, stats=stats, component=component,
    )


def _unique_min(cluster: np.ndarray, value: np.ndarray) -> pl.DataFrame:
    """Per cluster, the smallest of its values (>= 0) that no other cluster has."""
    values = pl.DataFrame({"_c": cluster, "_v": value}).filter(pl.col("_v") >= 0).unique()
    return values.filter(pl.col("_c").n_unique().over("_v") == 1).group_by("_c").agg(pl.col("_v").min())


def resolve_persons(
    rows: pl.DataFrame,
    secret: bytes,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    org_threshold: float = ORGANISATION_THRESHOLD,
) -> IdentityResult:
    """Cluster registration rows into persons (see the module docstring for the rules): rows in
    memory, for small sets such as follow-up linkage; :func:`resolve_warehouse` gives the same
    for a warehouse relation, keeping the texts in DuckDB."""
    coded, ids = encode_rows(rows)
    registration_id = ids["registration_id"]
    result = resolve_coded(
        coded,
        secret,
        lambda index: registration_id.gather(index).to_list(),
        fuzzy_threshold=fuzzy_threshold,
        org_threshold=org_threshold,
    )
    assignments = ids.with_columns(
        pl.Series("person_cluster", result.cluster, dtype=pl.Int64),
        pl.Series("person_key", result.person_keys, dtype=pl.String).gather(result.cluster),
        pl.Series("organisation_key", [*result.org_keys, None], dtype=pl.String).gather(
            np.where(result.org_key >= 0, result.org_key, len(result.org_keys))
        ),
        pl.Series("match_rule", _MATCH_RULES, dtype=pl.String).gather(result.rule),
    )
    evidence = pl.DataFrame(
        [
            registration_id.gather(result.left).alias("left_registration_id"),
            registration_id.gather(result.right).alias("right_registration_id"),
            pl.Series("rule", RULES, dtype=pl.String).gather(result.link_rule),
            pl.Series("score", result.link_score, dtype=pl.Float64).round(4),
        ]
    )
    return IdentityResult(
        assignments=assignments, evidence=evidence, organisations=result.organisations, stats=result.stats
    )


def resolve_warehouse(
    con,
    secret: bytes,
    *,
    relation: str = "raw.registrations",
    assignments_table: str = "raw.person_identities",
    evidence_table: str = "raw.person_match_evidence",
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    org_threshold: float = ORGANISATION_THRESHOLD,
) -> dict[str, int | float]:
    """:func:`resolve_persons` of a DuckDB relation, written back as tables: the same rows as
    its ``assignments`` and ``evidence`` (in the same order).  The texts stay in DuckDB:
    Python holds integer codes only, and the tables are built by joins on row numbers, so
    ten million rows resolve in a few GB (DuckDB spills within its memory limit).
    Returns the resolution's stats plus ``persons``."""
    with _rows_table(con, relation) as n:

        def registration_ids(index: np.ndarray) -> list[str]:
            wanted = pa.table({"_r": np.asarray(index, dtype=np.int64), "_k": np.arange(len(index), dtype=np.int64)})
            con.register("_identity_wanted", wanted)
            try:
                found = con.execute(
                    f"select r.registration_id from _identity_wanted w join {_ROWS} r using (_r) order by w._k"
                ).fetchall()
            finally:
                con.unregister("_identity_wanted")
            return [rid for (rid,) in found]

        coded = [_code_rows_table(con, n)]
        # DuckDB held to 256 MB while Python resolves: it spills the rows table and hands its
        # buffers back (at ten million rows, 1.5 GB the resolution can use)
        with duckdb_setting(con, "memory_limit", "256MB"):
            # the codes are handed over (popped), so resolution frees them once used
            result = resolve_coded(
                coded.pop(), secret, registration_ids, fuzzy_threshold=fuzzy_threshold, org_threshold=org_threshold,
            )
        frames = {
            "_identity_rows_out": pa.table({
                "_r": np.arange(n, dtype=np.int64),
                "person_cluster": result.cluster.astype(np.int64),
                "_org": result.org_key.astype(np.int64),
                "_rule": result.rule.astype(np.int64),
            }),
            "_identity_persons": pa.table({
                "person_cluster": np.arange(len(result.person_keys), dtype=np.int64),
                "person_key": pa.array(result.person_keys, pa.string()),
            }),
            "_identity_organisations": pa.table({
                "_org": np.arange(len(result.org_keys), dtype=np.int64),
                "organisation_key": pa.array(result.org_keys, pa.string()),
            }),
            "_identity_rules": pa.table({
                "_rule": np.arange(len(_MATCH_RULES), dtype=np.int64), "match_rule": list(_MATCH_RULES),
            }),
            "_identity_links": pa.table({
                "_k": np.arange(len(result.left), dtype=np.int64),
                "_left": result.left.astype(np.int64),
                "_right": result.right.astype(np.int64),
                "_rule": result.link_rule.astype(np.int64),
                # rounded as resolve_persons rounds (polars), not by DuckDB's own rule
                "score": pl.Series(result.link_score, dtype=pl.Float64).round(4).to_arrow(),
            }),
        }
        for name, frame in frames.items():
            con.register(name, frame)
        try:
            for table in (assignments_table, evidence_table):
                con.execute(f"create schema if not exists {table.split('.')[0]}")
            con.execute("begin transaction")
            con.execute(
                f"create or replace table {assignments_table} as "
                "select r.registration_id, p.person_key, o.organisation_key, a.person_cluster, m.match_rule "
                f"from _identity_rows_out a join {_ROWS} r using (_r) "
                "join _identity_persons p using (person_cluster) "
                "left join _identity_organisations o using (_org) "
                "join _identity_rules m using (_rule) order by a._r"
            )
            con.execute(
                f"create or replace table {evidence_table} as "
                "select l.registration_id as left_registration_id, r.registration_id as right_registration_id, "
                "m.rule, k.score "
                f"from _identity_links k join {_ROWS} l on l._r = k._left join {_ROWS} r on r._r = k._right "
                "join (select _rule, match_rule as rule from _identity_rules) m using (_rule) order by k._k"
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        finally:
            for name in frames:
                con.unregister(name)
    return {**result.stats, "persons": len(set(result.person_keys))}

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

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from pipelines import privacy
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
    distinct = distinct.with_columns(
        pl.col("organisation")
        .map_elements(normalise_organisation, return_dtype=pl.String)
        .alias("organisation_norm"),
        pl.col("country_code").fill_null("").str.to_uppercase().str.strip_chars().alias("_cc"),
    )
    norms = (
        distinct.filter(pl.col("organisation_norm").is_not_null())
        .group_by("_cc", "organisation_norm")
        .agg(pl.col("_rows").sum())
        .sort("_cc", "organisation_norm")
        .with_columns(
            pl.col("organisation_norm")
            .map_elements(lambda s: " ".join(sorted(s.split())), return_dtype=pl.String)
            .alias("_sorted")
        )
    )
    # Exact level: equal token multisets (word order ignored) within a country.
    forms = norms.select("_cc", "_sorted").unique().sort("_cc", "_sorted").with_row_index("_s")
    n = forms.height
    # Fuzzy level: names whose tokens agree except one, which is one edit away.  Candidate
    # pairs share a symmetric-deletion key: the other tokens plus the varied token with
    # at most one letter deleted (SymSpell-style), so no block is larger than needed.
    key_rows: list[tuple[int, str, str]] = []
    for index, cc, sorted_form in forms.iter_rows():
        tokens = sorted_form.split()
        for i, token in enumerate(tokens):
            if len(token) < _ORG_MIN_FUZZY_TOKEN - 1 or token.isdigit():
                continue
            rest = " ".join(tokens[:i] + tokens[i + 1 :])
            variants = {token} | {token[:j] + token[j + 1 :] for j in range(len(token))}
            key_rows.extend((index, cc, f"{rest}|{v}") for v in variants)
    keys = pl.DataFrame(key_rows, schema={"_s": pl.UInt32, "_cc": pl.String, "_k": pl.String}, orient="row")
    pairs = (
        keys.join(keys, on=["_cc", "_k"], suffix="_r")
        .filter(pl.col("_s") < pl.col("_s_r"))
        .select("_s", "_s_r")
        .unique()
        .sort("_s", "_s_r")
    )
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
        pl.struct("_cc", "organisation_representative")
        .map_elements(
            lambda r: privacy.organisation_key(
                f"{r['_cc'] or '??'}|{r['organisation_representative']}", secret
            ),
            return_dtype=pl.String,
        )
        .alias("organisation_key")
    )
    norms = norms.join(reps, on=["_cc", "organisation_representative"], how="left")
    table = distinct.join(
        norms.select(
            "_cc", "organisation_norm", "organisation_representative", "organisation_key",
            "organisation_rule", "organisation_score",
        ),
        on=["_cc", "organisation_norm"],
        how="left",
    ).drop("_cc", "_rows")
    return table, comparisons


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
_OPTIONAL = (
    "first_name", "last_name", "patronymic", "full_name", "email", "phone", "organisation",
    "country_code",
)
_EVIDENCE_SCHEMA = {"_a": pl.Int64, "_b": pl.Int64, "rule": pl.String, "score": pl.Float64}


def _prepare(rows: pl.DataFrame, secret: bytes, org_threshold: float) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    missing = [c for c in _REQUIRED if c not in rows.columns]
    if missing:
        raise ValueError(f"registration rows lack required columns: {missing}")
    df = rows.select(
        pl.col("registration_id").cast(pl.String),
        pl.col("event_id").cast(pl.String),
        *[
            (pl.col(c) if c in rows.columns else pl.lit(None)).cast(pl.String).alias(c)
            for c in _OPTIONAL
        ],
    )
    if df["registration_id"].is_duplicated().any():
        raise ValueError("registration_id must be unique")
    # Stable row numbering, independent of input order.
    df = df.sort("registration_id").with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))

    emails = df.select("email").unique().with_columns(
        pl.col("email").map_elements(normalise_email, return_dtype=pl.String).alias("_email")
    )
    phones = df.select("phone", "country_code").unique()
    phones = phones.with_columns(
        pl.Series(
            "_phone", [normalise_phone(p, c) for p, c in phones.iter_rows()], dtype=pl.String
        )
    )
    name_cols = ["first_name", "last_name", "patronymic", "full_name"]
    names = df.select(name_cols).unique()
    parsed = [parse_person_name(*r) for r in names.iter_rows()]
    names = names.with_columns(
        pl.Series("_name", [" ".join(t) for t, _ in parsed], dtype=pl.String),
        pl.Series("_ntok", [len(t) for t, _ in parsed], dtype=pl.Int32),
        pl.Series("_patr", [p for _, p in parsed], dtype=pl.String),
    )
    org_frame = df.select("organisation", "country_code")
    org_table, org_comparisons = _organisation_table(org_frame, secret=secret, threshold=org_threshold)
    df = (
        df.join(emails, on="email", how="left", nulls_equal=True)
        .join(phones, on=["phone", "country_code"], how="left", nulls_equal=True)
        .join(names, on=name_cols, how="left", nulls_equal=True)
        .join(
            org_table.select("organisation", "country_code", "organisation_representative", "organisation_key"),
            on=["organisation", "country_code"],
            how="left",
            nulls_equal=True,
        )
        .with_columns(
            pl.when(pl.col("_email").map_elements(_is_role_mailbox, return_dtype=pl.Boolean))
            .then(None)
            .otherwise(pl.col("_email"))
            .alias("_personal_email"),
            pl.col("country_code").str.to_uppercase().str.strip_chars().alias("_cc"),
            pl.when(pl.col("_name") == "").then(None).otherwise(pl.col("_name")).alias("_name"),
        )
        .sort("_i")
    )
    return df, org_table, org_comparisons


def _star_links(df: pl.DataFrame, keys: list[str], rule: str) -> pl.DataFrame:
    """Link every row of a group with equal ``keys`` to the group's smallest row."""
    return (
        df.with_columns(pl.col("_i").min().over(keys).alias("_a"))
        .filter(pl.col("_i") != pl.col("_a"))
        .select("_a", pl.col("_i").alias("_b"), pl.lit(rule).alias("rule"), pl.lit(1.0).alias("score"))
    )


def _name_group_links(df: pl.DataFrame, other: str, rule: str) -> pl.DataFrame:
    """Rules 2/3: same name key and same ``other`` key, split by conflicting patronymics."""
    candidates = df.filter(
        pl.col("_name").is_not_null(), pl.col("_ntok") >= 2, pl.col(other).is_not_null()
    ).with_columns(pl.col("_patr").drop_nulls().n_unique().over("_name", other).alias("_npatr"))
    single = candidates.filter(pl.col("_npatr") <= 1)
    split = candidates.filter(pl.col("_npatr") > 1, pl.col("_patr").is_not_null())
    return pl.concat(
        [_star_links(single, ["_name", other], rule), _star_links(split, ["_name", other, "_patr"], rule)]
    )


def _email_links(df: pl.DataFrame) -> tuple[pl.DataFrame, int, int]:
    """Rule 1 links, comparisons made and pairs rejected by the shared-mailbox guard."""
    with_email = df.filter(pl.col("_email").is_not_null())
    # Same email and same name (or patronymic-free equal name): star links, no comparison.
    same = _star_links(with_email.with_columns(pl.col("_name").fill_null("")), ["_email", "_name"], "email")
    sigs = (
        with_email.group_by("_email", "_name", maintain_order=True)
        .agg(pl.col("_i").min().alias("_rep"), pl.col("_patr").drop_nulls().first().alias("_patr"))
        .with_columns(pl.len().over("_email").alias("_k"))
        .filter(pl.col("_k") > 1)
        .sort("_email", "_rep")
    )
    links: list[tuple[int, int, str, float]] = []
    comparisons = 0
    rejected = 0
    for (email,), group in sigs.group_by(["_email"], maintain_order=True):
        role = _is_role_mailbox(email)
        reps = group["_rep"].to_list()
        toks = [tuple(n.split()) if n else () for n in group["_name"].to_list()]
        patrs = group["_patr"].to_list()
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
    return pl.concat([same, frame]), comparisons, rejected


def _fuzzy_links(
    df: pl.DataFrame, threshold: float, key: str, rule: str
) -> tuple[pl.DataFrame, int, int, int]:
    """Rule 4 (``key`` = organisation_key) or rule 5 (``key`` = _phone) links, with the
    comparisons made, pairs rejected for different emails and the largest block.

    Rows are first collapsed to name variants (key, name, patronymic); candidate pairs of
    variants come from blocks: key + first 3 letters of each name token for organisations,
    the phone number itself for phones."""
    base = df.filter(pl.col("_name").is_not_null(), pl.col("_ntok") >= 2, pl.col(key).is_not_null())
    variants = (
        base.group_by(key, "_name", "_patr", maintain_order=True)
        .agg(
            pl.col("_i").min().alias("_rep"),
            pl.col("_i").filter(pl.col("_personal_email").is_null()).min().alias("_rep_noemail"),
            pl.col("_personal_email").drop_nulls().unique().sort().alias("_emails"),
            pl.col("_phone").drop_nulls().unique().sort().alias("_phones"),
        )
        # A name without patronymic next to two patronymics of that name is ambiguous
        # (as in rules 2/3): it takes part in no fuzzy link.
        .filter(
            pl.col("_patr").is_not_null()
            | (pl.col("_patr").drop_nulls().n_unique().over(key, "_name") <= 1)
        )
        .with_row_index("_v")
    )
    empty = pl.DataFrame(schema=_EVIDENCE_SCHEMA)
    if variants.height < 2:
        return empty, 0, 0, 0
    if key == "_phone":
        exploded = variants.select("_v", key, pl.lit("").alias("_block"))
    else:
        exploded = (
            variants.select("_v", key, pl.col("_name").str.split(" ").alias("_tok"))
            .explode("_tok")
            .with_columns(pl.col("_tok").str.head(3).alias("_block"))
            .select("_v", key, "_block")
            .unique()
        )
    largest_block = int(exploded.group_by(key, "_block").len()["len"].max() or 0)
    pairs = (
        exploded.join(exploded, on=[key, "_block"], suffix="_r")
        .filter(pl.col("_v") < pl.col("_v_r"))
        .select("_v", "_v_r")
        .unique()
        .sort("_v", "_v_r")
    )
    comparisons = pairs.height
    if comparisons == 0:
        return empty, 0, 0, largest_block
    names = [tuple(n.split()) for n in variants["_name"].to_list()]
    patrs = variants["_patr"].to_list()
    reps = variants["_rep"].to_list()
    reps_noemail = variants["_rep_noemail"].to_list()
    emails = [set(e) for e in variants["_emails"].to_list()]
    phones = [set(p) for p in variants["_phones"].to_list()]
    check_email = key != "_phone"
    links: list[tuple[int, int, str, float]] = []
    rejected_email = 0
    for a, b in pairs.iter_rows():
        if names[a] == names[b]:
            continue  # same name and key, different patronymic: rules 2/3 decided
        score = fuzzy_name_score(names[a], names[b], patrs[a], patrs[b])
        if score < threshold:
            continue
        pair = (reps[a], reps[b])
        if check_email:
            # Rows that may be linked: one without email, or a shared email or phone.
            if reps_noemail[a] is not None:
                pair = (reps_noemail[a], reps[b])
            elif reps_noemail[b] is not None:
                pair = (reps[a], reps_noemail[b])
            elif not (emails[a] & emails[b] or phones[a] & phones[b]):
                rejected_email += 1
                continue
        links.append((pair[0], pair[1], rule, score))
    return pl.DataFrame(links, schema=_EVIDENCE_SCHEMA, orient="row"), comparisons, rejected_email, largest_block


def _patronymic_sets_conflict(a: set[str], b: set[str]) -> bool:
    return any(_patronymics_conflict(x, y) for x in a for y in b)


def _drop_patronymic_conflicts(
    n: int, links: pl.DataFrame, patronymics: list[str | None]
) -> tuple[pl.DataFrame, int]:
    """Keep a cluster from joining two different patronymics through rows without one.

    Clusters whose rows carry conflicting patronymics are rebuilt link by link, strongest
    rule first (then higher score, then smaller rows), with a union-find that refuses a
    link joining two groups with conflicting patronymics; those links are dropped (and
    do not appear in the evidence).  Other clusters are left as they are."""
    if links.height == 0:
        return links, 0
    labels = _components(n, links["_lo"].to_numpy(), links["_hi"].to_numpy())
    named = pl.DataFrame(
        {"_label": labels, "_patr": pl.Series(patronymics, dtype=pl.String)}
    ).drop_nulls().unique()
    candidates = named.filter(pl.len().over("_label") > 1).group_by("_label").agg("_patr")
    conflicted = {
        label
        for label, values in candidates.iter_rows()
        if any(_patronymics_conflict(x, y) for x, y in itertools.combinations(values, 2))
    }
    if not conflicted:
        return links, 0
    in_conflict = np.isin(labels[links["_lo"].to_numpy()], np.fromiter(conflicted, dtype=np.int64))
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


def resolve_persons(
    rows: pl.DataFrame,
    secret: bytes,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    org_threshold: float = ORGANISATION_THRESHOLD,
) -> IdentityResult:
    """Cluster registration rows into persons (see the module docstring for the rules)."""
    df, org_table, org_comparisons = _prepare(rows, secret, org_threshold)
    n = df.height

    email_links, email_comparisons, email_rejected = _email_links(df)
    org_links = _name_group_links(df, "organisation_key", "name+organisation")
    phone_links = _name_group_links(df, "_phone", "name+phone")
    fuzzy_links, fuzzy_comparisons, fuzzy_rejected, largest_block = _fuzzy_links(
        df, fuzzy_threshold, "organisation_key", "fuzzy_name+organisation"
    )
    phone_fuzzy_links, phone_fuzzy_comparisons, _, _ = _fuzzy_links(
        df, fuzzy_threshold, "_phone", "fuzzy_name+phone"
    )
    fuzzy_links = pl.concat([fuzzy_links, phone_fuzzy_links])
    fuzzy_comparisons += phone_fuzzy_comparisons

    links = pl.concat(
        [
            email_links.cast(_EVIDENCE_SCHEMA),
            org_links.cast(_EVIDENCE_SCHEMA),
            phone_links.cast(_EVIDENCE_SCHEMA),
            fuzzy_links.cast(_EVIDENCE_SCHEMA),
        ]
    )
    # One row per unordered pair, keeping the strongest rule.
    links = (
        links.with_columns(
            pl.min_horizontal("_a", "_b").alias("_lo"),
            pl.max_horizontal("_a", "_b").alias("_hi"),
            pl.col("rule").replace_strict(_RULE_RANK, return_dtype=pl.Int32).alias("_rank"),
        )
        .sort("_rank", pl.col("score").neg(), "_lo", "_hi")
        .unique(["_lo", "_hi"], keep="first", maintain_order=True)
        .sort("_lo", "_hi")
    )

    links, rejected_patronymic = _drop_patronymic_conflicts(n, links, df["_patr"].to_list())
    labels = _components(n, links["_lo"].to_numpy(), links["_hi"].to_numpy())
    df = df.with_columns(pl.Series("_label", labels, dtype=pl.Int64))

    # Cluster number: rank of the cluster's smallest registration_id (rows are sorted by it).
    df = df.with_columns(pl.col("_label").rank("dense").sub(1).cast(pl.Int64).alias("person_cluster"))

    # Representative identifier per cluster: the smallest email that no other cluster
    # uses, else the smallest name+organisation no other cluster uses, else the row.
    def _unique_rep(values: pl.DataFrame, column: str) -> pl.DataFrame:
        values = values.filter(pl.col(column).is_not_null()).unique(["_label", column])
        return (
            values.filter(pl.col("_label").n_unique().over(column) == 1)
            .group_by("_label")
            .agg(pl.col(column).min())
        )

    email_rep = _unique_rep(df.select("_label", pl.col("_personal_email").alias("_rep_email")), "_rep_email")
    name_rep = _unique_rep(
        df.filter(pl.col("_name").is_not_null()).select(
            "_label",
            pl.format(
                "name:{}|org:{}|country:{}",
                pl.col("_name"),
                pl.col("organisation_representative").fill_null(""),
                pl.col("_cc").fill_null(""),
            ).alias("_rep_name"),
        ),
        "_rep_name",
    )
    fallback = df.group_by("_label").agg(
        pl.format("registration:{}", pl.col("registration_id").min()).alias("_rep_row")
    )
    reps = (
        fallback.join(email_rep, on="_label", how="left")
        .join(name_rep, on="_label", how="left")
        .with_columns(pl.coalesce("_rep_email", "_rep_name", "_rep_row").alias("_rep"))
    )
    reps = reps.with_columns(
        pl.col("_rep").map_elements(lambda v: privacy.person_key(v, secret), return_dtype=pl.String).alias("person_key")
    )
    df = df.join(reps.select("_label", "person_key"), on="_label", how="left")

    # match_rule: the strongest accepted link touching the row.
    touching = pl.concat(
        [links.select(pl.col("_lo").alias("_i"), "_rank"), links.select(pl.col("_hi").alias("_i"), "_rank")]
    ).group_by("_i").agg(pl.col("_rank").min())
    rank_to_rule = {rank: rule for rule, rank in _RULE_RANK.items()}
    df = df.join(touching, on="_i", how="left").with_columns(
        pl.col("_rank").replace_strict(rank_to_rule, default="singleton", return_dtype=pl.String).alias("match_rule")
    )
    assignments = df.sort("_i").select(
        "registration_id", "event_id", "person_cluster", "person_key", "organisation_key", "match_rule"
    )
    id_frame = df.select("_i", pl.col("registration_id").alias("_id"))
    evidence = (
        links.select("_lo", "_hi", "rule", "score")
        .join(id_frame.rename({"_i": "_lo", "_id": "left_registration_id"}), on="_lo", how="left")
        .join(id_frame.rename({"_i": "_hi", "_id": "right_registration_id"}), on="_hi", how="left")
        .sort("_lo", "_hi")
        .select("left_registration_id", "right_registration_id", "rule", pl.col("score").round(4))
    )

    rule_counts = dict(evidence.group_by("rule").len().iter_rows())
    clusters = int(df["_label"].n_unique())
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
        "links": evidence.height,
        **{f"links_{rule}": int(rule_counts.get(rule, 0)) for rule in RULES},
        "clusters": clusters,
        "singletons": int((df.group_by("_label").len()["len"] == 1).sum()),
        "organisations": int(org_table["organisation_key"].drop_nulls().n_unique()),
    }
    return IdentityResult(assignments=assignments, evidence=evidence, organisations=org_table, stats=stats)

"""The mess in the registration files resolves to the ground truth under simple deterministic rules.

This is a deliberately small, independent reader (plain csv / openpyxl and hard-coded
vocabularies), not the pipeline's: it shows that the truth is reachable exactly.

Rules: quarantine test rows, malformed e-mails, unknown countries and exact duplicate rows;
one person = e-mail (trimmed, lower case) OR identical first + last name + organisation
(diacritics folded, lower case), closed transitively; a participation = distinct
(person, event) whose attendance is not "no" (an empty cell in an attendance column means no).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict

import openpyxl

FIELD_BY_HEADER = {
    # Russian
    "Фамилия": "last", "Имя": "first", "ФИО": "fio", "Электронная почта": "email", "Организация": "org",
    "Страна": "country", "Присутствовал": "attended",
    # Finnish
    "Sukunimi": "last", "Etunimi": "first", "Sähköposti": "email", "Organisaatio": "org", "Maa": "country",
    "Osallistui": "attended",
    # Swedish
    "Efternamn": "last", "Förnamn": "first", "E-post": "email", "Organisation": "org", "Land": "country",
    "Deltog": "attended",
    # English
    "First name": "first", "First Name": "first", "first_name": "first", "Last name": "last",
    "Last Name": "last", "last_name": "last", "Surname": "last", "Email": "email", "E-mail": "email",
    "E-mail address": "email", "email": "email", "Organization": "org", "organisation": "org",
    "Company / organisation": "org", "Country": "country", "country": "country", "Attended": "attended",
    "Participated": "attended", "attended": "attended",
}
COUNTRY = {
    "RU": "RU", "FI": "FI", "SE": "SE", "NO": "NO", "DK": "DK", "IS": "IS", "EE": "EE", "LV": "LV", "LT": "LT",
    "Россия": "RU", "Финляндия": "FI", "Швеция": "SE", "Норвегия": "NO", "Дания": "DK", "Исландия": "IS",
    "Эстония": "EE", "Латвия": "LV", "Литва": "LT",
    "Russia": "RU", "Russian Federation": "RU", "Finland": "FI", "Sweden": "SE", "Norway": "NO",
    "Denmark": "DK", "Iceland": "IS", "Estonia": "EE", "Latvia": "LV", "Lithuania": "LT",
    "Suomi": "FI", "Sverige": "SE", "Norge": "NO", "Danmark": "DK", "Ísland": "IS", "Eesti": "EE",
    "Latvija": "LV", "Lietuva": "LT",
    "Venäjä": "RU", "Ruotsi": "SE", "Norja": "NO", "Tanska": "DK", "Islanti": "IS", "Viro": "EE",
    "Liettua": "LT",
    "Ryssland": "RU", "Island": "IS", "Estland": "EE", "Lettland": "LV", "Litauen": "LT",
}
YES = {"да", "yes", "kyllä", "ja", "1", "x"}
NO = {"нет", "no", "ei", "nej", "0", ""}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def fold(text: str) -> str:
    text = text.replace("ð", "d").replace("Ð", "D").replace("þ", "th").replace("Þ", "Th")
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae")
    keep = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch) and keep and "LATIN" in unicodedata.name(keep[-1], ""):
            continue  # drop Latin diacritics, keep Cyrillic й/ё intact
        keep.append(ch)
    return unicodedata.normalize("NFC", "".join(keep)).strip().lower()


def read_rows(path) -> list[dict]:
    """Data rows as {field: text}; unknown columns are ignored; title rows skipped."""
    if path.suffix == ".xlsx":
        table = [["" if v is None else str(v) for v in row]
                 for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]
    else:
        data = path.read_bytes()
        if data[:2] == b"\xff\xfe":
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1251")
        first_line = text.splitlines()[0]
        delimiter = max("\t;,", key=first_line.count)
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header_index = next(i for i, row in enumerate(table) if sum(cell in FIELD_BY_HEADER for cell in row) >= 3)
    header = [FIELD_BY_HEADER.get(cell) for cell in table[header_index]]
    rows = []
    for cells in table[header_index + 1:]:
        record = {name: cells[i] for i, name in enumerate(header) if name}
        record["_cells"] = tuple(cells)
        if "fio" in record:
            parts = record["fio"].split()
            record["last"], record["first"] = (parts + ["", ""])[:2]
        rows.append(record)
    return rows


def quarantine_reason(record: dict, seen: set) -> str | None:
    names = {record.get("first", "").strip().lower(), record.get("last", "").strip().lower()}
    email = record.get("email", "").strip().lower()
    if names & {"test", "тест"} or email.startswith("test"):
        return "test_record"
    if not EMAIL.match(email):
        return "bad_email"
    if record.get("country", "").strip() not in COUNTRY:
        return "unknown_country"
    if record["_cells"] in seen:
        return "duplicate_in_file"
    return None


class UnionFind:
    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def test_registrations_resolve_to_the_ground_truth(raw, truth):
    staged = []  # (event_id, record)
    for relative, info in truth["files"].items():
        rows = read_rows(raw / relative)
        assert len(rows) == info["rows_read"], relative
        seen: set = set()
        reasons: dict[str, int] = defaultdict(int)
        for row in rows:
            reason = quarantine_reason(row, seen)
            seen.add(row["_cells"])
            if reason:
                reasons[reason] += 1
            else:
                staged.append((info["event_id"], row))
        expected = {code: n for code, n in info["expected_quarantined"].items() if n}
        assert dict(reasons) == expected, relative
        assert len(rows) - sum(reasons.values()) == info["expected_staged"], relative

    groups = UnionFind()
    first_by_key: dict[tuple, int] = {}
    for index, (_, row) in enumerate(staged):
        keys = [("email", row["email"].strip().lower())]
        if row.get("first") and row.get("last"):
            keys.append(("name_org", fold(row["first"]), fold(row["last"]), fold(row["org"])))
        for key in keys:
            if key in first_by_key:
                groups.union(index, first_by_key[key])
            else:
                first_by_key[key] = index

    participations = set()
    country_of = {}
    for index, (event_id, row) in enumerate(staged):
        person = groups.find(index)
        country_of.setdefault(person, set()).add(COUNTRY[row["country"].strip()])
        attended = row.get("attended")
        if attended is None or attended.strip().lower() in YES:
            participations.add((person, event_id))
        else:
            assert attended.strip().lower() in NO, attended
    assert all(len(c) == 1 for c in country_of.values())  # one person, one country

    event_project = {e: v["project_id"] for e, v in truth["events"].items()}
    event_country = {e: v["country_code"] for e, v in truth["events"].items()}
    assert len({p for p, _ in participations}) == truth["programme"]["unique_participants"]
    assert len(participations) == truth["programme"]["participations"]
    for project_id, project in truth["projects"].items():
        pairs = [(p, e) for p, e in participations if event_project[e] == project_id]
        persons = {p for p, _ in pairs}
        assert len(persons) == project["unique_participants"], project_id
        assert len(pairs) == project["participations"], project_id
        by_country: dict[str, int] = defaultdict(int)
        for person in persons:
            by_country[next(iter(country_of[person]))] += 1
        assert dict(by_country) == project["unique_participants_by_country"], project_id
        cross_border = sum(next(iter(country_of[p])) != event_country[e] for p, e in pairs)
        assert cross_border == project["cross_border_participations"], project_id
    for event_id, event in truth["events"].items():
        assert sum(e == event_id for _, e in participations) == event["participations"], event_id


def test_the_mess_is_there(raw, truth):
    """E-mail case/space variants, Cyrillic + Latin spellings, private e-mails and near duplicates exist."""
    variants = truth["identity_variants"]
    assert variants["rows_with_email_case_or_whitespace_variant"] >= 20
    assert variants["russian_persons_in_cyrillic_and_latin"] >= 20
    assert variants["rows_with_private_email"] >= 3
    assert variants["near_duplicate_rows"] >= 2
    raw_emails = [row["email"] for info in truth["files"] for row in read_rows(raw / info)]
    assert any(e != e.strip() for e in raw_emails)
    assert any(e.strip() != e.strip().lower() for e in raw_emails)
    assert sum(info["no_show_rows"] for info in truth["files"].values()) >= 10

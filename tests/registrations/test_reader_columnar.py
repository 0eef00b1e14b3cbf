"""The vectorised row stage gives exactly what the row-by-row reader gives.

The row-by-row stage (``reader._read_row``) is the reference: it reads spreadsheets and is what
the reader's rules were written as.  Delimited text is read in bulk by
``pipelines.registrations.columnar``; these tests read the same files both ways and compare
every staged value, every quarantine reason and detail, every raw record and every manifest.
The exact polars forms of text rules are compared with the Python functions on hard inputs.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.demo.generator import generate_demo_data
from pipelines.demo.scale import generate_programme
from pipelines.registrations import columnar, formats
from pipelines.registrations import normalise as norm
from pipelines.registrations import vocabulary as vocab
from pipelines.registrations.reader import read_registration_files
from pipelines.registrations.versions import list_registration_files


def _both_ways(jobs, raw_root):
    return (read_registration_files(jobs, raw_root=raw_root),
            read_registration_files(jobs, raw_root=raw_root, vectorised=False))


def _assert_same(jobs, raw_root) -> int:
    vectorised, reference = _both_ways(jobs, raw_root)
    for job, a, b in zip(jobs, vectorised.files, reference.files):
        if isinstance(b, Exception):
            assert str(a) == str(b), job
        else:
            assert a.to_dict() == b.to_dict(), job
    for name in ("staged", "quarantined"):
        a = getattr(vectorised, name).sort("_file", "source_row")
        b = getattr(reference, name).sort("_file", "source_row")
        assert_frame_equal(a, b)
    return vectorised.staged.height + vectorised.quarantined.height


def test_every_demo_export_reads_the_same_both_ways(tmp_path):
    generate_demo_data(tmp_path)
    raw = tmp_path / "raw"
    jobs = list_registration_files(raw)
    assert _assert_same(jobs, raw) > 500


def test_every_programme_export_reads_the_same_both_ways(tmp_path):
    generate_programme(tmp_path, 4_000, seed=5, progress=False, include_reference_files=False)
    raw = tmp_path / "raw"
    jobs = list_registration_files(raw)
    assert {path.suffix for path, _ in jobs} == {".csv", ".xlsx"}
    assert _assert_same(jobs, raw) > 4_000


TRICKY = {
    # quoted cells (read with csv), a repeated header, a footer, a test entry, a duplicate row,
    # a ragged row with an extra cell, a blank line, whitespace of every kind
    "quoted.csv": (
        'Name;E-mail;Organisation;Country;Registered;Attended\n'
        '"Virtanen, Anna";anna@example.fi;"Oy ""Kuva"" Ab";Finland;1/13/2016;x\n'
        'Name;E-mail;Organisation;Country;Registered;Attended\n'
        '\n'
        'Test Testov;test@test.com;;Russia;2/14/2016;\n'
        '"Virtanen, Anna";anna@example.fi;"Oy ""Kuva"" Ab";Finland;1/13/2016;x\n'
        'Smith\u00a0 John ;JOHN@EXAMPLE.COM ;Org\u200b;UK;3/15/2016;x;extra\n'
        'Итого: 3;;;;;\n'
    ),
    # lines only: CRLF, a tick-mark column, Russian full names, phones of every form, a bad e-mail
    "lines.csv": (
        "ФИО;Email;Телефон;Страна;Дата регистрации;Присутствовал;Пол\r\n"
        "Иванов Иван Иванович;ivan@mail.ru;8 (912) 345-67-89;Россия;01.02.2016;да;м\r\n"
        "Петрова Анна;;+7 912 345 67 88;Россия;02.02.2016;;ж\r\n"
        "Smith John;john@;+44 20 7946 0958;UK;2016-02-03;нет;?\r\n"
        "Пустов;  ;;;;;\r\n"
        "-;-;-;-;-;-;-\r\n"
        "Сидоров Пётр Ильич;p.sidorov@yandex.ru;9123456789;Russia;3 февраля 2016;да;male\r\n"
        "Сидоров Пётр Ильич;p.sidorov@yandex.ru;9123456789;Russia;3 февраля 2016;да;male;;\r\n"
        "Сидоров  Пётр Ильич ;p.sidorov@yandex.ru;9123456789;Russia;3 февраля 2016;да;male\r\n"
    ),
    # an old Mac file (lone CR): records counted the way csv counts them
    "mac.csv": "first name,last name,email,country\rAnna,Berg,anna@berg.se,Sweden\rOla,Nord,ola@nord.no,Norge\r",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_hand_made_exports_read_the_same_both_ways(tmp_path, name):
    folder = tmp_path / "raw" / "registrations" / "EV-1"
    folder.mkdir(parents=True)
    (folder / name).write_text(TRICKY[name], encoding="utf-8", newline="")
    assert _assert_same([(folder / name, "EV-1")], tmp_path / "raw") > 0
    assert _assert_same([(folder / name, None)], tmp_path / "raw") > 0  # every row: no_event


def test_lines_only_text_is_handed_over_whole():
    text = "a;b\r\nc;d\r\n"
    body = formats._line_records(text, ";", 1)
    assert body is not None and body.text == "a;b\nc;d\n"
    assert formats._line_records('a;"b"\n', ";", 1) is None  # quotes: csv reads it
    assert formats._line_records("a;b\rc;d\r", ";", 1) is None  # lone CR: csv reads it


HARD_TEXTS = [
    "  Anna\u00a0\u00a0Berg ", "e\u0301", "tab\tand\nnewline", "\u200bzero\u200bwidth", "sep\x1cara\x1ftors",
    "\u3000ideographic\u3000", "", "   ", "A\u2028B", "Ω", "ﬁ ligature",
]


def test_cell_text_in_polars_is_the_python_rule():
    expected = [norm.cell_text(t) for t in HARD_TEXTS]
    got = pl.Series(HARD_TEXTS).to_frame("t").select(columnar.cell_text(pl.col("t"))).to_series().to_list()
    assert got == expected
    blanks = pl.Series(HARD_TEXTS).to_frame("t").select(columnar.visibly_blank(pl.col("t"))).to_series().to_list()
    assert blanks == [not t.strip() for t in HARD_TEXTS]


def test_full_names_are_composed_as_in_python():
    parts = [("Анна", "Петрова", "Ивановна"), ("Anna", "Berg", None), (None, "Иванов", None),
             ("Jean", "Dupré", None), ("Ivan", "Иванов", None), ("Aнна", "Pe", "Ov")]
    frame = pl.DataFrame(parts, schema=["first", "last", "patronymic"], orient="row")
    got = frame.select(columnar.compose_full_name(pl.col("first"), pl.col("last"), pl.col("patronymic")))
    assert got.to_series().to_list() == [norm.compose_full_name(*p) for p in parts]


EMAILS = ["anna@example.fi", "Anna.Berg@Example.FI", ".lead@dot.fi", "trail.@dot.fi", "a..b@c.fi", "a@b",
          "a@-b.fi", "a@b-.fi", "a@b.f1", "user+tag@gmail.com", "x_y%z@sub.domain.co.uk", "a@b.c",
          "Имя@почта.рф", "a b@c.fi", "Name <a@b.fi>", "mailto:a@b.fi", "a@b.fi; c@d.fi", "ä@b.fi"]


def test_plain_emails_take_the_fast_path_only_when_python_agrees():
    frame = pl.DataFrame({"t": EMAILS}).with_columns(
        pl.col("t").str.to_lowercase().str.contains(columnar._PLAIN_EMAIL).alias("plain"))
    assert frame["plain"].sum() >= 4
    for text, plain in frame.iter_rows():
        if plain:
            assert norm.normalise_email(text) == text.lower(), text


PHONES = ["+7 (912) 345-67-89", "+358 40 123 4567", "+1 2", "+44-20-7946-0958", "+7 912 345 67 89 доб. 12",
          "8 912 345 67 89", "+7(912)3456789", "+ 7 912"]


def test_plain_phones_take_the_fast_path_only_when_python_agrees():
    for text in PHONES:
        plain = pl.Series([text]).str.contains(columnar._PLAIN_PHONE)[0]
        if plain:
            digits = "".join(ch for ch in text if ch.isdigit())
            expected = "+" + digits if len(digits) >= 5 else None
            assert norm.normalise_phone(text, "FI") == expected == norm.normalise_phone(text, None), text


@pytest.mark.parametrize("word", ["test", "Test2", "ТЕСТ", "tëst", "ｔｅｓｔ", "te'st", "asdfgh", "QWERTY1", "йцукен",
                                  "фыва", "xxxx", "ххх", "dummy", "foobar", "zzzz", "тестовый", "проверка"])
def test_every_test_token_passes_the_prefilter(word):
    for value in (word, f"Anna {word}", f"{word}@example.com", f"anna@{word}.com"):
        if norm.is_test_record([value], None) or norm.is_test_record([], value):
            assert pl.Series([value]).to_frame("v").select(columnar.may_be_test(pl.col("v"))).item(), value


@pytest.mark.parametrize("text", ["Итого: 45", "ИТОГО", "Всего 12 участников", "Total: 12", "Grand total 3",
                                  "Yhteensä 7", "Summa", "Totalt 4", "I alt 9", "Kokku 2", "Kopā 3", "Iš viso 4"])
def test_every_footer_passes_the_prefilter(text):
    assert vocab.is_summary_text(text)
    assert pl.Series([text]).to_frame("v").select(columnar.may_be_summary(pl.col("v"))).item()


def test_test_email_domains_pass_the_prefilter():
    for domain in vocab.TEST_EMAIL_DOMAINS:
        value = f"anna@{domain}"
        assert norm.is_test_record([], value)
        assert pl.Series([value]).to_frame("v").select(columnar.may_be_test(pl.col("v"))).item(), value

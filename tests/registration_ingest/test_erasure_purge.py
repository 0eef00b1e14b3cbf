"""`cci forget` and rewriting raw files without a person's rows (--purge-raw).

Expected bytes are built here from the lines of the fixtures, by hand: the purged file must be
the original with exactly the person's records removed.
"""

from __future__ import annotations

import csv
import hashlib
import io

import openpyxl
import pytest

from pipelines.cli import main
from pipelines.registrations import erasure
from pipelines.registrations.reader import read_registration_file

from registration_ingest_data import EV_A_LINES, ev_a_bytes


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _log_rows(data_dir) -> list[dict]:
    with open(data_dir / "erasure" / "tombstones.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------------------
# purge_text / purge_xlsx on their own
# --------------------------------------------------------------------------------------


def test_purge_text_removes_a_multi_line_record_and_keeps_every_other_byte():
    data = ev_a_bytes()
    # Петров's record starts on line 3 and continues on line 4 (a quoted line break)
    expected = ("\r\n".join(EV_A_LINES[:2] + EV_A_LINES[3:]) + "\r\n").encode("cp1251")
    assert erasure.purge_text(data, "cp1251", ";", {3}) == expected


def test_purge_text_keeps_a_utf16_bom_tabs_and_an_excel_sep_line():
    lines = ["sep=\t", "Name\tEmail", "Anna Virtanen\tanna@example.fi", "Pekka Koski\tpekka@example.fi"]
    data = b"\xff\xfe" + "\n".join(lines).encode("utf-16-le")
    expected = b"\xff\xfe" + "\n".join(lines[:2] + lines[3:]).encode("utf-16-le")
    assert erasure.purge_text(data, "utf-16-le", "\t", {3}) == expected
    # the last record, which has no line break after it
    assert erasure.purge_text(data, "utf-16-le", "\t", {4}) == b"\xff\xfe" + ("\n".join(lines[:3]) + "\n").encode("utf-16-le")


def test_purge_text_refuses_a_row_that_is_not_a_record_start():
    with pytest.raises(erasure.PurgeRefused, match="not the start of a record"):
        erasure.purge_text(ev_a_bytes(), "cp1251", ";", {4})  # line 4 is inside Петров's record


def test_purge_xlsx_moves_the_rows_below_up_and_keeps_the_title_merge(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Участники"
    sheet.append(["Список участников", None, None])
    sheet.merge_cells("A1:C1")
    sheet.append(["ФИО", "Email", "Страна"])
    sheet.append(["Иванова Анна", "anna@example.ru", "Россия"])
    sheet.append(["Петров Пётр", "petrov@example.ru", "Россия"])
    sheet.append(["Сидоров Иван", "sidorov@example.ru", "Россия"])
    out = io.BytesIO()
    workbook.save(out)
    purged = openpyxl.load_workbook(io.BytesIO(erasure.purge_xlsx(out.getvalue(), {("Участники", 4)})))["Участники"]
    values = [list(row) for row in purged.iter_rows(values_only=True)]
    assert values == [["Список участников", None, None], ["ФИО", "Email", "Страна"],
                      ["Иванова Анна", "anna@example.ru", "Россия"], ["Сидоров Иван", "sidorov@example.ru", "Россия"]]
    assert [str(r) for r in purged.merged_cells.ranges] == ["A1:C1"]


# --------------------------------------------------------------------------------------
# cci forget
# --------------------------------------------------------------------------------------


def test_forget_records_only_a_keyed_hash_and_reports_the_matching_rows(data_dir, hmac_secret, capsys):
    before = {p: p.read_bytes() for p in (data_dir / "raw").rglob("*") if p.is_file()}
    assert main(["forget", "--email", "Anna.Ivanova@example.ru", "--reason", "request of 2026-03-01"]) == 0
    out = capsys.readouterr().out
    assert "2 in 2 file(s)" in out
    assert "registrations/EV-A/seminar_list.csv: row 2" in out and "registrations/EV-B/day1.csv: row 3" in out
    log_text = (data_dir / "erasure" / "tombstones.csv").read_text(encoding="utf-8")
    assert "anna" not in log_text.lower()
    [row] = _log_rows(data_dir)
    assert row["action"] == "tombstone" and row["key_kind"] == "email" and row["reason"] == "request of 2026-03-01"
    assert row["recorded_at"][:4].isdigit()
    # without --purge-raw the raw files are untouched
    assert {p: p.read_bytes() for p in (data_dir / "raw").rglob("*") if p.is_file()} == before
    # asking again adds no second tombstone
    assert main(["forget", "--email", "anna.ivanova@example.ru"]) == 0
    assert len(_log_rows(data_dir)) == 1


def test_forget_purge_raw_rewrites_the_files_without_the_person_and_logs_the_hashes(data_dir, hmac_secret, capsys):
    ev_a = data_dir / "raw" / "registrations" / "EV-A" / "seminar_list.csv"
    day1 = data_dir / "raw" / "registrations" / "EV-B" / "day1.csv"
    day2 = data_dir / "raw" / "registrations" / "EV-B" / "day2.csv"
    old = {ev_a: _sha(ev_a), day1: _sha(day1)}
    day2_bytes = day2.read_bytes()

    assert main(["forget", "--email", "anna.ivanova@example.ru", "--purge-raw"]) == 0
    out = capsys.readouterr().out
    assert "Raw files rewritten without these rows: 2" in out

    assert b"anna.ivanova" not in ev_a.read_bytes() and b"anna.ivanova" not in day1.read_bytes()
    assert ev_a.read_bytes() == ("\r\n".join(EV_A_LINES[:1] + EV_A_LINES[2:]) + "\r\n").encode("cp1251")
    assert day1.read_text(encoding="utf-8") == (
        "First name,Last name,Email,Country\n"
        "Liisa,Mäkinen,liisa.makinen@example.fi,Finland\n"
        "Johan,Berg,johan.berg@example.se,Sweden\n"
    )
    assert day2.read_bytes() == day2_bytes

    purges = [row for row in _log_rows(data_dir) if row["action"] == "purge_raw"]
    assert {row["source_file"]: (row["old_sha256"], row["new_sha256"], row["rows_removed"]) for row in purges} == {
        "registrations/EV-A/seminar_list.csv": (old[ev_a], _sha(ev_a), "1"),
        "registrations/EV-B/day1.csv": (old[day1], _sha(day1), "1"),
    }
    # nothing matches any more
    assert main(["forget", "--email", "anna.ivanova@example.ru"]) == 0
    assert "0 in 0 file(s)" in capsys.readouterr().out


def test_forget_purge_raw_rewrites_an_xlsx_export(data_dir, hmac_secret, capsys):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Day 2"
    for row in (["First name", "Last name", "Email", "Country"],
                ["Olav", "Dahl", "olav.dahl@example.no", "Norway"],
                ["Anna", "Ivanova", "ANNA.IVANOVA@example.ru", "Russia"],
                ["Karin", "Lund", "karin.lund@example.se", "Sweden"]):
        sheet.append(row)
    path = data_dir / "raw" / "registrations" / "EV-B" / "day2.xlsx"
    (data_dir / "raw" / "registrations" / "EV-B" / "day2.csv").unlink()
    workbook.save(path)

    assert main(["forget", "--email", "anna.ivanova@example.ru", "--purge-raw"]) == 0
    assert "registrations/EV-B/day2.xlsx: sheet 'Day 2' row 3" in capsys.readouterr().out
    values = [list(r) for r in openpyxl.load_workbook(path)["Day 2"].iter_rows(values_only=True)]
    assert values == [["First name", "Last name", "Email", "Country"], ["Olav", "Dahl", "olav.dahl@example.no", "Norway"],
                      ["Karin", "Lund", "karin.lund@example.se", "Sweden"]]


def test_forget_purge_raw_refuses_a_format_it_cannot_rewrite_and_leaves_it_alone(data_dir, hmac_secret, capsys):
    # an HTML table saved as .xls, as some web tools export
    html = ("<html><body><table><tr><td>Name</td><td>Email</td></tr>"
            "<tr><td>Anna Ivanova</td><td>anna.ivanova@example.ru</td></tr>"
            "<tr><td>Olav Dahl</td><td>olav.dahl@example.no</td></tr></table></body></html>").encode("utf-8")
    path = data_dir / "raw" / "registrations" / "EV-B" / "web_export.xls"
    path.write_bytes(html)
    assert main(["forget", "--email", "anna.ivanova@example.ru", "--purge-raw"]) == 1
    captured = capsys.readouterr()
    assert "NOT rewritten: registrations/EV-B/web_export.xls" in captured.out
    assert "could not be rewritten" in captured.err
    assert path.read_bytes() == html
    # the CSV files were still purged, and the tombstone keeps the .xls row out of every build
    assert b"anna.ivanova" not in (data_dir / "raw" / "registrations" / "EV-B" / "day1.csv").read_bytes()
    assert [row["action"] for row in _log_rows(data_dir)] == ["tombstone", "purge_raw", "purge_raw"]


def test_forget_by_name_and_event(data_dir, hmac_secret, capsys):
    assert main(["forget", "--name", "Иванова Анна", "--event", "EV-A"]) == 0
    out = capsys.readouterr().out
    assert "1 in 1 file(s)" in out and "registrations/EV-A/seminar_list.csv: row 2" in out
    [row] = _log_rows(data_dir)
    assert row["key_kind"] == "name_event" and row["event_id"] == "EV-A" and "Иванова" not in row["key"]


def test_forget_by_name_suggests_the_spelling_in_the_file_when_nothing_matches(data_dir, hmac_secret, capsys):
    assert main(["forget", "--name", "Pyotr Petrov", "--event", "EV-A"]) == 0
    out = capsys.readouterr().out
    assert "WARNING: nothing matches" in out
    assert "registrations/EV-A/seminar_list.csv row 3: 'Пётр Петров'" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["forget", "--name", "Anna Ivanova"], "--name needs --event"),
        (["forget", "--name", "Anna Ivanova", "--event", "EV-X"], "not in"),
        (["forget", "--email", "not-an-address"], "--email"),
        (["forget", "--email", "a@example.ru", "--reason", "asked by a@example.ru"], "must not contain personal data"),
    ],
)
def test_forget_refuses_unclear_requests(data_dir, hmac_secret, capsys, argv, message):
    assert main(argv) == 1
    assert message in capsys.readouterr().err
    assert not (data_dir / "erasure" / "tombstones.csv").exists()


def test_purged_file_reads_back_with_the_same_other_rows(data_dir, hmac_secret):
    path = data_dir / "raw" / "registrations" / "EV-A" / "seminar_list.csv"
    before = read_registration_file(path, "EV-A", raw_root=data_dir / "raw")
    assert main(["forget", "--email", "petrov@example.ru", "--purge-raw"]) == 0
    after = read_registration_file(path, "EV-A", raw_root=data_dir / "raw")
    columns = ["first_name", "last_name", "email", "country_code"]
    assert after.staged.select(columns).rows() == [r for r in before.staged.select(columns).rows() if r[2] != "petrov@example.ru"]
    assert after.quarantined["raw_record"].to_list() == before.quarantined["raw_record"].to_list()

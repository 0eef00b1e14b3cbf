"""`cci check FILE`: what the pipeline would make of one export, without touching the warehouse."""

from __future__ import annotations

import json

from pipelines.cli import main
from pipelines.registrations import erasure


def _files_snapshot(data_dir) -> dict:
    return {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}


def test_check_reports_format_mapping_and_quarantined_rows_and_changes_nothing(data_dir, capsys):
    before = _files_snapshot(data_dir)
    path = data_dir / "raw" / "registrations" / "EV-A" / "seminar_list.csv"
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "EV-A (from the folder)" in out
    assert "csv, encoding cp1251, delimiter ';'" in out
    assert "'Электронная почта'" in out and "→ email" in out
    assert "'Комментарий'" in out and "not used" in out
    assert "4 read: 3 would be staged, 1 quarantined" in out
    assert "row 6" in out and "bad_email" in out and "smirnova.mail.ru" in out  # the quarantined row's cells
    # staged rows are summarised, never listed
    assert "anna.ivanova@example.ru" not in out and "Иванова" not in out
    assert "loadable: 3 row(s) would be staged" in out
    assert _files_snapshot(data_dir) == before
    assert not (data_dir / "warehouse").exists()


def test_check_json_and_event_option_for_a_file_outside_the_raw_folder(data_dir, tmp_path, capsys):
    outside = tmp_path / "downloads" / "export.csv"
    outside.parent.mkdir()
    outside.write_text("Name,E-mail,Country\nKarin Lund,karin.lund@example.se,Sweden\n", encoding="utf-8")
    assert main(["check", str(outside), "--event", "EV-B", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["loadable"] and report["event_id"] == "EV-B" and report["event_known"] is True
    assert report["file"]["column_mapping"] == {"Name": "full_name", "E-mail": "email", "Country": "country"}
    assert report["would_stage"] == 1 and report["quarantined"] == []


def test_check_without_a_known_event_is_not_loadable(data_dir, tmp_path, capsys):
    outside = tmp_path / "export.csv"
    outside.write_text("Name,E-mail\nKarin Lund,karin.lund@example.se\n", encoding="utf-8")
    assert main(["check", str(outside)]) == 1
    assert "no event id" in capsys.readouterr().err
    assert main(["check", str(outside), "--event", "EV-NOPE"]) == 1
    assert "not in events/events.csv" in capsys.readouterr().err


def test_check_unknown_headers_prints_the_mapping_to_add(data_dir, capsys):
    path = data_dir / "raw" / "registrations" / "EV-B" / "crm_dump.csv"
    path.write_text("Kundnummer;Kontakt;Land\n1001;2002;3\n", encoding="utf-8")
    assert main(["check", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Headers found: 'Kundnummer', 'Kontakt', 'Land'" in captured.out
    assert 'sources:\n  - match: "EV-B/crm_dump.csv"\n    headers:' in captured.out
    assert "mapping" in captured.err


def test_check_shows_a_mapping_yml_fix_taking_effect(data_dir, capsys):
    path = data_dir / "raw" / "registrations" / "EV-B" / "crm_dump.csv"
    path.write_text("Kundnummer;Kontakt;Land\n1001;karin.lund@example.se;Sweden\n", encoding="utf-8")
    (data_dir / "raw" / "registrations" / "mapping.yml").write_text(
        'sources:\n  - match: "EV-B/crm_dump.csv"\n    headers:\n      "Kontakt": email\n      "Kundnummer": ignore\n',
        encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert "1 read: 1 would be staged" in capsys.readouterr().out


def test_check_reports_supersession_and_erased_rows(data_dir, hmac_secret, secret, capsys):
    folder = data_dir / "raw" / "registrations" / "EV-B"
    (folder / "day1.v2.csv").write_text(
        "First name,Last name,Email,Country\nJohan,Berg,johan.berg@example.com,Sweden\n"
        "Anna,Ivanova,anna.ivanova@example.ru,Russia\n", encoding="utf-8")
    erasure.append_log([{"recorded_at": "2026-01-01T00:00:00+00:00", "action": erasure.ACTION_TOMBSTONE,
                         "key_kind": erasure.KIND_EMAIL, "key": erasure.email_tombstone_key("anna.ivanova@example.ru", secret)}])
    assert main(["check", str(folder / "day1.csv"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["version"]["status"] == "superseded"
    assert "registrations/EV-B/day1.v2.csv" in report["version"]["detail"]
    assert report["erased"] == [{"source_sheet": None, "source_row": 3}]
    assert report["would_stage"] == 2

    assert main(["check", str(folder / "day1.v2.csv")]) == 0
    out = capsys.readouterr().out
    assert "corrects (supersedes) registrations/EV-B/day1.csv" in out
    assert "2 read: 1 would be staged, 0 quarantined, 1 erased" in out
    assert "anna.ivanova" not in out

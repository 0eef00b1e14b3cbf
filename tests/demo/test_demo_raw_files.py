"""The raw files have the promised shapes, checked with plain csv / openpyxl (not the generator)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

PROJECT_COLUMNS = ["project_id", "project_name", "programme", "funder", "lead_organisation", "start_date",
                   "end_date", "participant_target"]
EVENT_COLUMNS = ["event_id", "project_id", "title", "start_date", "end_date", "city", "country_code", "format",
                 "event_kind"]


def read_csv(path, encoding="utf-8", delimiter=","):
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def registration_file(raw, event_id):
    files = sorted((raw / "registrations" / event_id).iterdir())
    assert len(files) == 1, files
    return files[0]


def test_synthetic_marker_names_the_seed(raw, truth):
    text = (raw / "SYNTHETIC.md").read_text(encoding="utf-8")
    assert "synthetic" in text.lower()
    assert f"seed **{truth['seed']}**" in text
    assert truth["synthetic"] is True


def test_projects_csv(raw, truth):
    rows = read_csv(raw / "programme" / "projects.csv")
    assert rows[0] == PROJECT_COLUMNS
    projects = {row[0]: dict(zip(PROJECT_COLUMNS, row)) for row in rows[1:]}
    assert set(projects) == {"JC", "NB-CCI"} == set(truth["projects"])
    jc = projects["JC"]
    assert jc["project_name"] == "Joining Creativity"
    assert jc["funder"] == "Nordic Council of Ministers"
    assert (jc["start_date"], jc["end_date"]) == ("2016-02-01", "2017-04-30")
    assert int(jc["participant_target"]) == 200 == truth["projects"]["JC"]["participant_target"]


def test_events_csv(raw, truth):
    rows = read_csv(raw / "events" / "events.csv")
    assert rows[0] == EVENT_COLUMNS
    events = [dict(zip(EVENT_COLUMNS, row)) for row in rows[1:]]
    assert {e["event_id"] for e in events} == set(truth["events"])
    assert all(e["event_kind"] in ("public_event", "joint_action") for e in events)
    assert all(e["format"] in ("in_person", "online", "hybrid") for e in events)
    assert all(len(e["country_code"]) == 2 and e["country_code"].isupper() for e in events)
    jc = [e for e in events if e["project_id"] == "JC"]
    assert 10 <= len(jc) <= 14
    for event in jc:
        start, end = date.fromisoformat(event["start_date"]), date.fromisoformat(event["end_date"])
        assert date(2016, 2, 1) <= start <= end <= date(2017, 4, 30), event
    cities = {(e["city"], e["country_code"]) for e in jc}
    assert {("Arkhangelsk", "RU"), ("Reykjavík", "IS"), ("Helsinki", "FI"), ("Stockholm", "SE")} <= cities
    closing = [e for e in jc if e["start_date"] == "2017-02-16"]
    assert closing and closing[0]["end_date"] == "2017-02-17" and closing[0]["city"] == "Petrozavodsk"
    assert any(e["format"] == "online" and e["city"] == "" for e in jc)
    nb = [e for e in events if e["project_id"] == "NB-CCI"]
    assert 3 <= len(nb) <= 4


def test_one_registration_folder_per_event(raw, truth):
    folders = sorted(p.name for p in (raw / "registrations").iterdir() if p.is_dir())
    assert folders == sorted(truth["events"])
    files = sorted(str(p.relative_to(raw)) for p in (raw / "registrations").rglob("*") if p.is_file())
    assert files == sorted(truth["files"])
    assert len(files) == len(folders)


def test_cp1251_csv_decodes_as_cp1251_only(raw, truth):
    path = registration_file(raw, "JC-E01")
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows = read_csv(path, encoding="cp1251", delimiter=";")
    assert rows[0][:3] == ["Фамилия", "Имя", "Отчество"]
    assert "Согласие на обработку данных для исследований" in rows[0]
    relative = str(path.relative_to(raw))
    assert len(rows) - 1 == truth["files"][relative]["rows_read"]
    assert {row[rows[0].index("Присутствовал")] for row in rows[1:]} <= {"да", "нет"}


def test_full_name_file(raw, truth):
    path = registration_file(raw, "JC-E05")
    rows = read_csv(path, encoding="cp1251", delimiter=";")
    assert "ФИО" in rows[0]
    full_names = [row[rows[0].index("ФИО")] for row in rows[1:]]
    assert sum(len(name.split()) == 3 for name in full_names) > len(full_names) // 2
    assert len(rows) - 1 == truth["files"][str(path.relative_to(raw))]["rows_read"]


def test_utf16_tab_file_starts_with_bom(raw, truth):
    path = registration_file(raw, "JC-E03")
    data = path.read_bytes()
    assert data[:2] == b"\xff\xfe"
    text = data.decode("utf-16")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    assert rows[0][:3] == ["First Name", "Last Name", "Email"]
    assert len(rows) - 1 == truth["files"][str(path.relative_to(raw))]["rows_read"]


def test_finnish_file_has_utf8_bom(raw, truth):
    path = registration_file(raw, "JC-E06")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    rows = read_csv(path, encoding="utf-8-sig", delimiter=";")
    assert rows[0][:3] == ["Sukunimi", "Etunimi", "Sähköposti"]
    assert {row[rows[0].index("Osallistui")] for row in rows[1:]} <= {"kyllä", "ei"}
    assert len(rows) - 1 == truth["files"][str(path.relative_to(raw))]["rows_read"]


def test_quoted_line_break_is_one_row(raw, truth):
    path = registration_file(raw, "JC-E04")
    text = path.read_text(encoding="utf-8")
    rows = read_csv(path)
    assert any("\n" in cell for row in rows for cell in row)
    assert text.count("\n") > len(rows)
    assert len(rows) - 1 == truth["files"][str(path.relative_to(raw))]["rows_read"]


def test_day_month_short_year_dates_are_unambiguous(raw):
    rows = read_csv(registration_file(raw, "JC-E09"))
    values = [row[rows[0].index("Date registered")] for row in rows[1:]]
    days = [int(v.split("/")[0]) for v in values]
    assert all(len(v.split("/")[2]) == 2 for v in values)
    assert max(days) > 12


def test_xlsx_title_rows_and_real_dates(raw, truth):
    path = registration_file(raw, "JC-E02")
    info = truth["files"][str(path.relative_to(raw))]
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Список участников круглого стола, Архангельск, 12.04.2016"
    assert info["title_rows"] == 2 and info["header_row"] == 3
    header = rows[info["header_row"] - 1]
    assert "Фамилия" in header and "Присутствовал" in header
    data = rows[info["header_row"]:]
    assert len(data) == info["rows_read"]
    registered = [row[header.index("Дата регистрации")] for row in data]
    assert all(isinstance(value, datetime) for value in registered)
    assert {row[header.index("Присутствовал")] for row in data} <= {"x", None}


def test_swedish_xlsx_headers(raw, truth):
    path = registration_file(raw, "JC-E07")
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    for name in ("Efternamn", "Förnamn", "E-post", "Organisation", "Land", "Stad", "Målgrupp", "Deltog"):
        assert name in rows[0]
    assert len(rows) - 1 == truth["files"][str(path.relative_to(raw))]["rows_read"]


def test_row_counts_add_up(truth):
    for relative, info in truth["files"].items():
        assert info["rows_read"] == info["expected_staged"] + sum(info["expected_quarantined"].values()), relative
        assert len(info["quarantined_rows"]) == sum(info["expected_quarantined"].values())
        event = truth["events"][info["event_id"]]
        assert event["registrations_rows"] == info["rows_read"]
    quarantined = {}
    for info in truth["files"].values():
        for code, count in info["expected_quarantined"].items():
            quarantined[code] = quarantined.get(code, 0) + count
    assert quarantined["test_record"] >= 3
    assert quarantined["bad_email"] >= 2
    assert quarantined["unknown_country"] >= 1
    assert quarantined["duplicate_in_file"] == 1


def test_person_truth_adds_up(truth):
    persons = truth["persons"]
    assert len({p["person_id"] for p in persons}) == len(persons) == truth["programme"]["unique_participants"]
    assert sum(len(p["events"]) for p in persons) == truth["programme"]["participations"]
    event_project = {e: v["project_id"] for e, v in truth["events"].items()}
    for project_id, project in truth["projects"].items():
        members = [p for p in persons if any(event_project[e] == project_id for e in p["events"])]
        assert project["unique_participants"] == len(members)
        assert project["participations"] == sum(
            1 for p in members for e in p["events"] if event_project[e] == project_id)
        assert sum(project["unique_participants_by_country"].values()) == len(members)
        assert sum(project["unique_participants_by_target_group"].values()) == len(members)
        months = project["cumulative_unique_participants_by_month"]
        assert list(months.values()) == sorted(months.values())
        assert list(months.values())[-1] == len(members)
    for event_id, event in truth["events"].items():
        assert event["participations"] == sum(event_id in p["events"] for p in persons)
    jc = truth["projects"]["JC"]
    assert jc["unique_participants"] > 200 >= jc["participant_target"]
    russians = jc["unique_participants_by_country"]["RU"] / jc["unique_participants"]
    assert 0.6 <= russians <= 0.8
    assert jc["cross_border_participations"] > 0
    assert truth["programme"]["persons_in_several_projects"] > 0
    assert any(not p["research_consent"] for p in persons)
    assert {p["target_group"] for p in persons} <= {"cci_business", "support_organisation", "education",
                                                   "other_sector"}


def test_ground_truth_has_no_names_or_emails(demo_dir, raw):
    text = (demo_dir / "ground_truth" / "demo_ground_truth.json").read_text(encoding="utf-8")
    assert "@" not in text
    rows = read_csv(registration_file(raw, "JC-E04"))
    surnames = {row[1] for row in rows[1:] if len(row[1]) >= 5}
    assert surnames and not any(name in text for name in surnames)


def test_statistics_shapes(raw):
    eurostat = (raw / "statistics" / "eurostat" / "demo_r_pjanaggr3_synthetic.tsv").read_text(encoding="utf-8")
    lines = eurostat.splitlines()
    assert lines[0].split("\t")[0] == "unit,sex,age,geo\\time"
    years = [int(y) for y in lines[0].split("\t")[1:]]
    assert years == sorted(years, reverse=True) and years[0] == 2018 and years[-1] == 2014
    geos = {line.split("\t")[0].split(",")[3] for line in lines[1:]}
    assert {"FI1B", "SE11", "NO07", "DK01", "IS00", "EE00", "LV00", "LT01", "FI", "NO"} <= geos
    cells = [cell for line in lines[1:] for cell in line.split("\t")[1:]]
    assert any(cell.startswith(":") for cell in cells)
    assert {cell.split(" ")[1] for cell in cells if " " in cell} >= {"", "p", "e", "b"}
    uusimaa = next(line for line in lines if line.startswith("NR,T,TOTAL,FI1B\t"))
    assert 1_500_000 < int(uusimaa.split("\t")[2].split(" ")[0]) < 1_800_000

    sheet = openpyxl.load_workbook(next((raw / "statistics" / "rosstat").glob("*.xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    labels = [str(row[0]).strip() for row in rows if row[0]]
    assert "Республика Карелия" in labels and "г. Санкт-Петербург" in labels
    assert any(label.startswith("в том числе Ненецкий") for label in labels)
    assert any("СИНТЕТИЧ" in str(cell) for row in rows[:5] for cell in row if cell)
    assert any(cell == "…" for row in rows for cell in row)
    karelia = next(row for row in rows if row[0] == "Республика Карелия")
    assert all(600_000 < value < 660_000 for value in karelia[1:])


def test_policy_survey(raw, truth):
    rows = read_csv(raw / "surveys" / "policy" / "policy_survey_2017_responses.csv")
    codebook = read_csv(raw / "surveys" / "policy" / "codebook.csv")
    assert codebook[0] == ["item_code", "dimension", "text_en", "text_ru", "scale_min", "scale_max",
                           "reverse_coded"]
    items = [row[0] for row in codebook[1:]]
    assert all(item in rows[0] for item in items)
    assert len(rows) - 1 == truth["surveys"]["policy"]["respondents"]
    assert 60 <= len(rows) - 1 <= 100
    countries = {row[rows[0].index("country")] for row in rows[1:]}
    assert {"RU", "FI", "EE", "NO"} <= countries

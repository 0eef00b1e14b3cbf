"""A small raw data directory written by hand: two events, a few exports, known people.

Expected values in the tests are worked out from these cells by hand.
"""

from __future__ import annotations

from pathlib import Path

EVENTS_CSV = (
    "event_id,project_id,title,start_date,end_date,city,country_code,format,event_kind\n"
    "EV-A,P1,Seminar A,2016-03-01,2016-03-01,Petrozavodsk,RU,in_person,public_event\n"
    "EV-B,P1,Workshop B,2016-05-10,2016-05-11,Helsinki,FI,in_person,joint_action\n"
)

# EV-A: one list, semicolon, cp1251, CRLF, a multi-line quoted comment, one bad email (row 6)
EV_A_LINES = [
    "Фамилия;Имя;Электронная почта;Страна;Комментарий",  # 1
    "Иванова;Анна;anna.ivanova@example.ru;Россия;",  # 2
    'Петров;Пётр;petrov@example.ru;Россия;"прилетаю вечером\r\nнужна виза"',  # 3-4 (one record on two lines)
    "Makinen;Liisa;LIISA.MAKINEN@example.fi ;Финляндия;",  # 5
    ";;smirnova.mail.ru;Россия;",  # 6: bad_email
]
# EV-B: day 1 and day 2 lists, UTF-8, comma
EV_B_DAY1 = (
    "First name,Last name,Email,Country\n"
    "Liisa,Mäkinen,liisa.makinen@example.fi,Finland\n"
    "Anna,Ivanova,anna.ivanova@example.ru,Russia\n"
    "Johan,Berg,johan.berg@example.se,Sweden\n"
)
EV_B_DAY2 = (
    "First name,Last name,Email,Country\n"
    "Olav,Dahl,olav.dahl@example.no,Norway\n"
)

PEOPLE_EMAILS = [
    "anna.ivanova@example.ru", "petrov@example.ru", "liisa.makinen@example.fi",
    "johan.berg@example.se", "olav.dahl@example.no",
]


def ev_a_bytes() -> bytes:
    return ("\r\n".join(EV_A_LINES) + "\r\n").encode("cp1251")


def write_raw(data_dir: Path) -> Path:
    raw = data_dir / "raw"
    (raw / "events").mkdir(parents=True, exist_ok=True)
    (raw / "events" / "events.csv").write_text(EVENTS_CSV, encoding="utf-8")
    (raw / "registrations" / "EV-A").mkdir(parents=True, exist_ok=True)
    (raw / "registrations" / "EV-B").mkdir(parents=True, exist_ok=True)
    (raw / "registrations" / "EV-A" / "seminar_list.csv").write_bytes(ev_a_bytes())
    (raw / "registrations" / "EV-B" / "day1.csv").write_text(EV_B_DAY1, encoding="utf-8")
    (raw / "registrations" / "EV-B" / "day2.csv").write_text(EV_B_DAY2, encoding="utf-8")
    return raw

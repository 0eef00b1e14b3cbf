"""A tiny raw data directory for the regional marts, every number chosen so that the expected
figures can be computed by hand (see the comments next to each file)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import xlsxwriter

PROJECTS_CSV = """project_id,project_name,programme,funder,lead_organisation,start_date,end_date,participant_target
P1,Regional test project one,Test programme,Test funder,Test lead,2016-01-01,2016-12-31,40
P2,Regional test project two,Test programme,Test funder,Test lead,2017-01-01,2017-12-31,10
"""

EVENTS_CSV = """event_id,project_id,title,start_date,end_date,city,country_code,format,event_kind
E1,P1,Seminar in Helsinki,2016-03-10,2016-03-10,Helsinki,FI,in_person,public_event
E2,P1,Seminar in Petrozavodsk,2016-09-01,2016-09-01,Petrozavodsk,RU,in_person,public_event
E3,P2,Forum in Murmansk,2017-03-01,2017-03-01,Murmansk,RU,in_person,public_event
"""

FIRST_NAMES = ("Aino", "Eero", "Helmi", "Juha", "Kaisa", "Lauri", "Mervi", "Niko", "Outi", "Pekka")
LAST_NAMES = ("Virtanen", "Korhonen", "Nieminen", "Mäkinen", "Hämäläinen", "Laine")
RU_NAMES = (("Иван", "Петров"), ("Анна", "Смирнова"), ("Олег", "Волков"), ("Мария", "Орлова"),
            ("Павел", "Зайцев"), ("Ольга", "Соколова"), ("Игорь", "Белов"), ("Нина", "Котова"),
            ("Юрий", "Попов"), ("Вера", "Лебедева"), ("Глеб", "Фролов"))  # fmt: skip
HEADER = "First name,Last name,Email,Organisation,Country,City,Target group,Attended\n"


def _finnish_row(i: int, city: str, attended: str = "yes") -> str:
    first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[i // len(FIRST_NAMES)]
    return f"{first},{last},fi{i}@example.fi,Studio {i} Oy,Finland,{city},CCI business,{attended}\n"


def _russian_row(i: int, city: str) -> str:
    first, last = RU_NAMES[i]
    return f"{first},{last},ru{i}@example.ru,ООО Студия {i},Russia,{city},CCI business,yes\n"


def registration_files() -> dict[str, str]:
    # E1 (P1, 2016): 25 persons of Helsinki-Uusimaa (FI1B) in three spellings, 2 of Tampere
    # (FI19), 1 of Utsjoki (not in the gazetteer: counted in FI only) and 1 no-show.
    e1 = HEADER
    spellings = ("Helsinki", "Espoo", "Helsingfors")
    e1 += "".join(_finnish_row(i, spellings[i % 3]) for i in range(25))
    e1 += _finnish_row(25, "Tampere") + _finnish_row(26, "Tampere")
    e1 += _finnish_row(27, "Utsjoki")
    e1 += _finnish_row(28, "Helsinki", attended="no")
    # E2 (P1, 2016): 4 of Petrozavodsk (RU-KR), 3 of Arkhangelsk (RU-ARK), 2 of Naryan-Mar
    # (RU-NEN), and one Finn of E1 again (still one person of FI1B).
    e2 = HEADER
    e2 += "".join(_russian_row(i, "г. Петрозаводск") for i in range(4))
    e2 += "".join(_russian_row(i, "Arkhangelsk") for i in range(4, 7))
    e2 += "".join(_russian_row(i, "Нарьян-Мар") for i in range(7, 9))
    e2 += _finnish_row(1, "Espoo")
    # E3 (P2, 2017): 2 of Murmansk (RU-MUR) and one Nenets participant of E2 again.
    e3 = HEADER + _russian_row(9, "Murmansk") + _russian_row(10, "Мурманск") + _russian_row(7, "Naryan-Mar")
    return {"E1": e1, "E2": e2, "E3": e3}


# Population on 1 January (Eurostat bulk TSV, years descending, flag glued after a space).
POPULATION_TSV = (
    "unit,sex,age,geo\\time\t2017 \t2016 \t2015 \n"
    "NR,F,TOTAL,FI1B\t510000 \t505000 \t500000 \n"
    "NR,T,TOTAL,EL\t10700000 \t10750000 \t10800000 \n"
    "NR,T,TOTAL,FI\t5050000 \t5000000 \t4990000 \n"
    "NR,T,TOTAL,FI19\t801000 \t800000 p\t799000 \n"
    "NR,T,TOTAL,FI1B\t1010000 \t1000000 \t990000 \n"
    "NR,T,TOTAL,IS00\t345000 \t340000 \t335000 \n"
    "NR,T,TOTAL,LT01\t: \t810000 \t: \n"
    "NR,T,TOTAL,NO01\t1260000 \t1250000 \t1240000 \n"
)

# GDP: FI1B per inhabitant in EUR (estimated); FI19 total in million EUR; IS00 total in
# million ISK (converted with the fallback ISK rate, as the ECB file has no ISK).
GDP_TSV = (
    "unit,geo\\time\t2016 \n"
    "EUR_HAB,FI1B\t50000 e\n"
    "MIO_EUR,FI19\t30000 \n"
    "MIO_NAC,IS00\t2900 \n"
)

# Employment by NACE section, thousands: FI1B complete, FI19 with J confidential-like missing.
EMPLOYMENT_TSV = (
    "unit,nace_r2,age,geo\\time\t2016 \n"
    "THS,J,Y15-64,FI1B\t55.0 \n"
    "THS,J,Y_GE15,FI1B\t60.0 b\n"
    "THS,J,Y_GE15,FI19\t: u\n"
    "THS,R-U,Y_GE15,FI1B\t40.0 \n"
    "THS,R-U,Y_GE15,FI19\t20.0 \n"
    "THS,TOTAL,Y_GE15,FI1B\t800.0 \n"
    "THS,TOTAL,Y_GE15,FI19\t600.0 \n"
)

# ECB reference rates, newest first, a trailing comma on every line; RUB 2016 mean = 75.
ECB_CSV = (
    "Date,USD,RUB,ISK,\n"
    "2016-03-01,1.09,80.0,N/A,\n"
    "2016-02-01,1.10,75.0,N/A,\n"
    "2016-01-04,1.08,70.0,N/A,\n"
)
# ISK from another publisher, in the ECB layout: 2016 mean = 145.
FALLBACK_CSV = "Date,ISK,\n2016-02-01,150.0,\n2016-01-04,140.0,\n"

# fedstat export of organisation counts (as of 1 October), activities indented by spaces.
ORGANISATIONS_CSV = (
    '"Количество организаций по данным государственной регистрации с 2017 г. (единица, Всего)",,,,\n'
    ",,,,\n"
    ",,,2019,2020\n"
    ",,,на 1 октября,на 1 октября\n"
    "ВСЕГО (по всем формам собственности),        Мурманская область,ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА,900,910\n"
    "ВСЕГО (по всем формам собственности),        Мурманская область,"
    "    Деятельность полиграфическая и предоставление услуг в этой области,40,\n"
    "ВСЕГО (по всем формам собственности),        Мурманская область,СТРОИТЕЛЬСТВО,500,510\n"
    "ВСЕГО (по всем формам собственности),        Мурманская область,ДЕЯТЕЛЬНОСТЬ В ОБЛАСТИ ИНФОРМАЦИИ И СВЯЗИ,120,125\n"
    "ВСЕГО (по всем формам собственности),        Мурманская область,    Деятельность издательская,51,43\n"
    'ВСЕГО (по всем формам собственности),        Мурманская область,"ДЕЯТЕЛЬНОСТЬ В ОБЛАСТИ КУЛЬТУРЫ, '
    'СПОРТА, ОРГАНИЗАЦИИ ДОСУГА И РАЗВЛЕЧЕНИЙ",369,379\n'
)

MISSING = "…"
# Rosstat population on 1 January; Arkhangelsk Oblast as printed (with the okrug), the okrug
# and the oblast without it; 2017 partly missing.
POPULATION_ROWS = (
    ("Российская Федерация 1)", (146_500_000, 146_800_000)),
    ("Северо-Западный федеральный округ", (13_900_000, 13_950_000)),
    ("Республика Карелия", (630_000, MISSING)),
    ("Архангельская область", (1_150_000, 1_140_000)),
    ("   в том числе Ненецкий авт. округ", (44_000, MISSING)),
    ("   Архангельская область без авт. округа", (1_106_000, MISSING)),
    ("Мурманская область", (760_000, 755_000)),
)
# Rosstat GRP, million roubles at current prices.
GRP_ROWS = (
    ("Республика Карелия", (200_000, MISSING)),
    ("Мурманская область", (380_000, 400_000)),
)


def rosstat_xlsx(title: str, unit: str, years: tuple[int, ...], rows) -> bytes:
    """A workbook laid out like Rosstat's: update note, merged title and unit rows, a row of
    years written as text («2016г.»), regions as rows, «…» for a missing value."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Лист1")
    sheet.write_string(0, 0, "Обновлено 15.03.2018")
    sheet.merge_range(1, 1, 1, len(years), title)
    sheet.merge_range(3, 1, 3, len(years), unit)
    for c, year in enumerate(years, start=1):
        sheet.write_string(5, c, f"{year}г.")
    for r, (label, values) in enumerate(rows, start=7):
        sheet.write_string(r, 0, label)
        for c, value in enumerate(values, start=1):
            if value == MISSING:
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    workbook.close()
    return buffer.getvalue()


def write_raw_data(raw: Path) -> None:
    (raw / "programme").mkdir(parents=True)
    (raw / "programme" / "projects.csv").write_text(PROJECTS_CSV, encoding="utf-8")
    (raw / "events").mkdir()
    (raw / "events" / "events.csv").write_text(EVENTS_CSV, encoding="utf-8")
    for event_id, text in registration_files().items():
        folder = raw / "registrations" / event_id
        folder.mkdir(parents=True)
        (folder / f"{event_id.lower()}_participants.csv").write_text(text, encoding="utf-8")
    statistics = raw / "statistics"
    for folder in ("eurostat", "rosstat", "fx/fallback"):
        (statistics / folder).mkdir(parents=True)
    (statistics / "eurostat" / "demo_r_pjanaggr3.tsv").write_text(POPULATION_TSV, encoding="utf-8")
    (statistics / "eurostat" / "nama_10r_2gdp.tsv").write_text(GDP_TSV, encoding="utf-8")
    (statistics / "eurostat" / "lfst_r_lfe2en2.tsv").write_text(EMPLOYMENT_TSV, encoding="utf-8")
    (statistics / "fx" / "eurofxref-hist.csv").write_text(ECB_CSV, encoding="utf-8")
    (statistics / "fx" / "fallback" / "isk_central_bank_of_iceland.csv").write_text(FALLBACK_CSV, encoding="utf-8")
    (statistics / "rosstat" / "organisations_fedstat.csv").write_text(ORGANISATIONS_CSV, encoding="utf-8")
    (statistics / "rosstat" / "chislennost_naseleniya.xlsx").write_bytes(
        rosstat_xlsx("Численность постоянного населения на 1 января", "(человек)", (2016, 2017), POPULATION_ROWS)
    )
    (statistics / "rosstat" / "vrp_2016_2017.xlsx").write_bytes(
        rosstat_xlsx("Валовой региональный продукт по субъектам Российской Федерации в 2016-2017гг.",
                     "(в текущих ценах; миллионов рублей)", (2016, 2017), GRP_ROWS)
    )


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("regional_data") / "raw"
    write_raw_data(raw)
    return raw

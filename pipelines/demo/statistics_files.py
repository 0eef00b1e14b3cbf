"""Synthetic regional statistics in the shapes of the real sources.

- Eurostat bulk TSV (``demo_r_pjanaggr3``): header ``unit,sex,age,geo\\time`` then years
  descending, each cell ``value`` + space + flags (``: `` when missing).
- Rosstat xlsx: title rows, a year header row written as text («2014г.»), regions as rows in
  Russian with nested «в том числе» rows, «…» for a missing value and a footnote.

Values are invented around realistic magnitudes (population on 1 January, persons).
"""

from __future__ import annotations

import io
import random
from datetime import datetime

import xlsxwriter

YEARS = (2014, 2015, 2016, 2017, 2018)
EUROSTAT_FILE = "statistics/eurostat/demo_r_pjanaggr3_synthetic.tsv"
ROSSTAT_FILE = "statistics/rosstat/chislennost_naseleniya_szfo_synthetic.xlsx"

# NUTS 2 (2016 version): code -> (approximate population 1 Jan 2016, yearly growth)
NUTS2_2016: dict[str, dict[str, tuple[int, float]]] = {
    "DK": {"DK01": (1_789_000, 0.009), "DK02": (827_500, 0.004), "DK03": (1_211_800, 0.004),
           "DK04": (1_293_300, 0.008), "DK05": (585_500, 0.003)},
    "EE": {"EE00": (1_316_000, 0.001)},
    "FI": {"FI19": (1_379_100, 0.000), "FI1B": (1_620_300, 0.010), "FI1C": (1_160_500, -0.002),
           "FI1D": (1_298_500, -0.003), "FI20": (29_000, 0.008)},
    "IS": {"IS00": (332_500, 0.020)},
    "LT": {"LT01": (805_400, 0.002), "LT02": (2_083_200, -0.018)},
    "LV": {"LV00": (1_969_000, -0.009)},
    "NO": {"NO01": (1_251_700, 0.015), "NO02": (384_200, 0.002), "NO03": (984_800, 0.007),
           "NO04": (768_200, 0.006), "NO05": (890_700, 0.005), "NO06": (449_500, 0.009),
           "NO07": (481_700, 0.003)},
    "SE": {"SE11": (2_231_400, 0.017), "SE12": (1_638_800, 0.013), "SE21": (834_300, 0.012),
           "SE22": (1_459_900, 0.014), "SE23": (1_963_500, 0.013), "SE31": (838_700, 0.007),
           "SE32": (371_300, 0.004), "SE33": (513_100, 0.005)},
}
FEMALE_SHARE = {"DK": 0.503, "EE": 0.533, "FI": 0.507, "IS": 0.495, "LT": 0.537, "LV": 0.540,
                "NO": 0.497, "SE": 0.499}

# Flags placed on purpose: (geo prefix, year) -> flag; "missing" writes ":".
EUROSTAT_FLAGS: dict[tuple[str, int], str] = {
    ("EE", 2015): "b",
    ("LT", 2018): "p",
    ("IS", 2018): "e",
    ("NO02", 2015): "missing",
    ("NO06", 2015): "missing",
    ("NO07", 2015): "missing",
}


def _series(rng: random.Random, base: int, growth: float) -> dict[int, int]:
    values = {}
    for year in YEARS:
        noise = 1 + rng.uniform(-0.0008, 0.0008)
        values[year] = round(base * (1 + growth) ** (year - 2016) * noise)
    return values


def eurostat_tsv(rng: random.Random) -> tuple[bytes, dict]:
    """The TSV bytes and a summary for the ground truth."""
    totals: dict[str, dict[int, int]] = {}
    for country, regions in NUTS2_2016.items():
        country_total = {year: 0 for year in YEARS}
        for code, (base, growth) in regions.items():
            totals[code] = _series(rng, base, growth)
            for year in YEARS:
                country_total[year] += totals[code][year]
        totals[country] = country_total

    def flag_for(geo: str, year: int) -> str:
        for (prefix, flag_year), flag in EUROSTAT_FLAGS.items():
            if flag_year == year and (geo == prefix or (len(prefix) == 2 and geo.startswith(prefix))):
                return flag
        return ""

    years_desc = sorted(YEARS, reverse=True)
    lines = ["unit,sex,age,geo\\time\t" + "\t".join(f"{y} " for y in years_desc)]
    geos = sorted(totals)
    for sex in ("F", "M", "T"):
        for geo in geos:
            cells = []
            share = FEMALE_SHARE[geo[:2]]
            for year in years_desc:
                total = totals[geo][year]
                female = round(total * share)
                value = {"F": female, "M": total - female, "T": total}[sex]
                flag = flag_for(geo, year)
                if flag == "missing":
                    cells.append(": ")
                else:
                    cells.append(f"{value} {flag}")
            lines.append(f"NR,{sex},TOTAL,{geo}\t" + "\t".join(cells))
    text = "\n".join(lines) + "\n"
    summary = {
        "path": EUROSTAT_FILE,
        "rows": len(lines) - 1,
        "geo_codes": geos,
        "years": list(years_desc),
        "missing_cells": sum(line.count(": ") for line in lines[1:]),
        "population_total_2017": {geo: totals[geo][2017] for geo in geos if len(geo) == 2},
    }
    return text.encode("utf-8"), summary


# Rosstat rows: (label as printed, key) ; value series by key
ROSSTAT_BASE_2016: dict[str, tuple[int, float]] = {
    "karelia": (629_900, -0.0045),
    "komi": (850_500, -0.009),
    "arkhangelsk_total": (1_174_000, -0.0075),
    "nao": (43_800, 0.002),
    "vologda": (1_184_000, -0.003),
    "kaliningrad": (976_000, 0.008),
    "leningrad_oblast": (1_791_000, 0.015),
    "murmansk": (762_200, -0.0055),
    "novgorod": (615_700, -0.006),
    "pskov": (646_300, -0.009),
    "spb": (5_225_700, 0.011),
}
RUSSIA_TOTAL = {2014: 143_667_000, 2015: 146_267_000, 2016: 146_545_000, 2017: 146_804_000,
                2018: 146_880_000}
ROSSTAT_ROWS: tuple[tuple[str, str], ...] = (
    ("Российская Федерация 1)", "russia"),
    ("Северо-Западный федеральный округ", "szfo"),
    ("Республика Карелия", "karelia"),
    ("Республика Коми", "komi"),
    ("Архангельская область", "arkhangelsk_total"),
    ("   в том числе Ненецкий авт. округ", "nao"),
    ("   Архангельская область без авт. округа", "arkhangelsk_without_nao"),
    ("Вологодская область", "vologda"),
    ("Калининградская область", "kaliningrad"),
    ("Ленинградская область", "leningrad_oblast"),
    ("Мурманская область", "murmansk"),
    ("Новгородская область", "novgorod"),
    ("Псковская область", "pskov"),
    ("г. Санкт-Петербург", "spb"),
)
ROSSTAT_MISSING = (("nao", 2014), ("arkhangelsk_without_nao", 2014))


def rosstat_xlsx(rng: random.Random, seed: int) -> tuple[bytes, dict]:
    values: dict[str, dict[int, int]] = {
        key: _series(rng, base, growth) for key, (base, growth) in ROSSTAT_BASE_2016.items()
    }
    values["arkhangelsk_without_nao"] = {
        y: values["arkhangelsk_total"][y] - values["nao"][y] for y in YEARS}
    subjects = ("karelia", "komi", "arkhangelsk_total", "vologda", "kaliningrad", "leningrad_oblast",
                "murmansk", "novgorod", "pskov", "spb")
    values["szfo"] = {y: sum(values[k][y] for k in subjects) for y in YEARS}
    values["russia"] = {y: round(v * (1 + rng.uniform(-0.0002, 0.0002))) for y, v in RUSSIA_TOTAL.items()}

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({
        "title": "Численность населения (синтетические данные)",
        "author": "Synthetic demo generator",
        "comments": f"SYNTHETIC demo data, pipelines.demo seed {seed}; not Rosstat statistics.",
        "created": datetime(2018, 3, 15, 9, 0, 0),
    })
    sheet = workbook.add_worksheet("Лист1")
    bold = workbook.add_format({"bold": True, "align": "center", "text_wrap": True})
    number = workbook.add_format({"num_format": "# ##0"})
    sheet.write_string(0, 0, "Обновлено 15.03.2018")
    sheet.merge_range(1, 1, 1, len(YEARS), "Численность постоянного населения на 1 января", bold)
    sheet.merge_range(2, 1, 2, len(YEARS),
                      "СИНТЕТИЧЕСКИЕ ДАННЫЕ для демонстрации, не официальная статистика Росстата", bold)
    sheet.merge_range(3, 1, 3, len(YEARS), "(человек)", bold)
    for c, year in enumerate(YEARS, start=1):
        sheet.write_string(5, c, f"{year}г.", bold)
    first_data_row = 7
    for r, (label, key) in enumerate(ROSSTAT_ROWS, start=first_data_row):
        sheet.write_string(r, 0, label)
        for c, year in enumerate(YEARS, start=1):
            if (key, year) in ROSSTAT_MISSING:
                sheet.write_string(r, c, "…")
            else:
                sheet.write_number(r, c, values[key][year], number)
    footnote_row = first_data_row + len(ROSSTAT_ROWS) + 1
    sheet.write_string(footnote_row, 0,
                       "1) С 2015 г. – с учетом Республики Крым и г. Севастополя.")
    sheet.write_string(footnote_row + 1, 0,
                       f"Данные синтетические: сгенерированы pipelines.demo (seed {seed}).")
    sheet.set_column(0, 0, 45)
    sheet.set_column(1, len(YEARS), 14)
    workbook.close()
    summary = {
        "path": ROSSTAT_FILE,
        "header_row": 6,
        "first_data_row": first_data_row + 1,
        "regions": [label.strip() for label, _ in ROSSTAT_ROWS],
        "years": list(YEARS),
        "missing_cells": len(ROSSTAT_MISSING),
        "population_2017": {key: values[key][2017] for _, key in ROSSTAT_ROWS},
    }
    return buffer.getvalue(), summary

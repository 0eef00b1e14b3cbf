"""A small synthetic policy survey: wide responses, a codebook and the answer labels."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

RESPONSES_FILE = "surveys/policy/policy_survey_2017_responses.csv"
CODEBOOK_FILE = "surveys/policy/codebook.csv"
LABELS_FILE = "surveys/policy/scale_labels.csv"

CODEBOOK_COLUMNS = ("item_code", "dimension", "text_en", "text_ru", "scale_min", "scale_max", "reverse_coded")
# item_code, dimension, English text, Russian text, reverse coded
ITEMS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("STR1", "strategy", "Our region has a strategy for the creative industries.",
     "В нашем регионе есть стратегия развития креативных индустрий.", False),
    ("STR2", "strategy", "The strategy names cross-border cooperation as a priority.",
     "Стратегия называет приграничное сотрудничество приоритетом.", False),
    ("STR3", "strategy", "Creative industries are visible in regional development plans.",
     "Креативные индустрии отражены в планах регионального развития.", False),
    ("FUN1", "funding", "Creative businesses can find public funding for international projects.",
     "Креативный бизнес может найти государственное финансирование международных проектов.", False),
    ("FUN2", "funding", "Funding rules are easy to understand for small organisations.",
     "Правила финансирования понятны небольшим организациям.", False),
    ("FUN3", "funding", "Co-financing requirements keep small firms out of projects.",
     "Требования софинансирования не позволяют малым фирмам участвовать в проектах.", True),
    ("INT1", "internationalisation", "Companies in our region sell creative products abroad.",
     "Компании нашего региона продают креативные продукты за рубежом.", False),
    ("INT2", "internationalisation", "It is easy to find partners in neighbouring countries.",
     "Легко найти партнёров в соседних странах.", False),
    ("INT3", "internationalisation", "Visa and customs procedures hinder cooperation.",
     "Визовые и таможенные процедуры мешают сотрудничеству.", True),
    ("NET1", "networks", "Support organisations cooperate across the border.",
     "Организации поддержки сотрудничают через границу.", False),
    ("NET2", "networks", "Education institutions take part in creative-industry networks.",
     "Образовательные учреждения участвуют в сетях креативных индустрий.", False),
)
LABELS_EN = ("strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree")
LABELS_RU = ("полностью не согласен", "не согласен", "затрудняюсь ответить", "согласен", "полностью согласен")

RESPONDENTS_BY_COUNTRY = {"RU": 34, "FI": 10, "SE": 8, "NO": 8, "DK": 4, "IS": 3, "EE": 5, "LV": 4, "LT": 4}
ROLES = {
    "public_body": ("policy maker", "civil servant"),
    "ngo": ("support organisation staff", "network coordinator"),
    "sme": ("entrepreneur", "manager"),
    "education": ("researcher", "lecturer"),
}
ORG_TYPE_WEIGHTS = {"public_body": 30, "ngo": 25, "sme": 30, "education": 15}
# Russian respondents lean lower on internationalisation, Nordic higher on funding
COUNTRY_SHIFT = {"RU": {"internationalisation": -0.6, "funding": -0.3},
                 "FI": {"funding": 0.4}, "SE": {"funding": 0.4}, "NO": {"funding": 0.5}}
LABEL_SHARE = 0.08
MISSING_SHARE = 0.04


def survey_files(rng: random.Random) -> tuple[dict[str, bytes], dict]:
    """{relative path: bytes} for responses, codebook and labels; plus a ground-truth summary."""
    header = ["respondent_id", "submitted", "country", "role", "organisation_type"] + [i[0] for i in ITEMS]
    rows = []
    numeric: dict[str, list[int]] = {i[0]: [] for i in ITEMS}
    respondent = 0
    for country, count in RESPONDENTS_BY_COUNTRY.items():
        for _ in range(count):
            respondent += 1
            org_type = rng.choices(list(ORG_TYPE_WEIGHTS), weights=list(ORG_TYPE_WEIGHTS.values()))[0]
            submitted = date(2017, 3, 1) + timedelta(days=rng.randint(0, 40))
            row = [f"R{respondent:03d}", submitted.isoformat(), country, rng.choice(ROLES[org_type]), org_type]
            for code, dimension, _en, _ru, _reverse in ITEMS:
                mean = 3.2 + COUNTRY_SHIFT.get(country, {}).get(dimension, 0.0)
                value = min(5, max(1, round(rng.gauss(mean, 1.0))))
                draw = rng.random()
                if draw < MISSING_SHARE:
                    row.append("")
                    continue
                numeric[code].append(value)
                if draw < MISSING_SHARE + LABEL_SHARE:
                    labels = LABELS_RU if country == "RU" else LABELS_EN
                    row.append(labels[value - 1])
                else:
                    row.append(str(value))
            rows.append(row)

    responses = io.StringIO()
    writer = csv.writer(responses, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)

    codebook = io.StringIO()
    writer = csv.writer(codebook, lineterminator="\n")
    writer.writerow(CODEBOOK_COLUMNS)
    for code, dimension, en, ru, reverse in ITEMS:
        writer.writerow([code, dimension, en, ru, 1, 5, "true" if reverse else "false"])

    labels = io.StringIO()
    writer = csv.writer(labels, lineterminator="\n")
    writer.writerow(["value", "label_en", "label_ru"])
    for value, (en, ru) in enumerate(zip(LABELS_EN, LABELS_RU), start=1):
        writer.writerow([value, en, ru])

    files = {
        RESPONSES_FILE: responses.getvalue().encode("utf-8"),
        CODEBOOK_FILE: codebook.getvalue().encode("utf-8"),
        LABELS_FILE: labels.getvalue().encode("utf-8"),
    }
    summary = {
        "responses_path": RESPONSES_FILE,
        "respondents": respondent,
        "respondents_by_country": dict(RESPONDENTS_BY_COUNTRY),
        "items": [i[0] for i in ITEMS],
        "answers_by_item": {code: len(values) for code, values in numeric.items()},
        "item_means_raw": {code: round(sum(v) / len(v), 4) for code, v in numeric.items() if v},
    }
    return files, summary

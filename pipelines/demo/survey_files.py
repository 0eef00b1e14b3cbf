"""Synthetic surveys: the NDPC policy survey and the Joining Creativity participant follow-up.

Policy survey (``surveys/policy/``): a wide CSV with item codes as headers, answers as numbers or
as labels in the respondent's language (Russian, Finnish, Swedish, English), "don't know" and
"not applicable" as labels or codes 8 / 9, and the cells the reader must quarantine: labels that
are not in the label file, out-of-range numbers, a fraction, a dropped item still in the export
(``EXP1``), a respondent from an unknown country and a respondent id answering twice.

Follow-up survey (``surveys/followup/``): six months after the project, a subset of JC
participants answer an English-question XLSX (answers in English, Finnish or Swedish labels)
or a Russian Google-Forms CSV.  Respondents write the e-mail they registered with (sometimes in
other case or with spaces), a private e-mail seen in a registration, or no e-mail but the name
and organisation exactly as in one of their registrations, or a new e-mail with that name and
organisation.  Three strangers (a forwarded link), one person who registered but never came
and one participant answering twice are among the responses.

Both write their truth (scores by country, quarantine counts, linked respondents, outcome
indicators with their denominators) for the ground-truth JSON.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import date, datetime, timedelta

import xlsxwriter

from pipelines.demo import vocab
from pipelines.demo.population import World, ascii_fold
from pipelines.demo.programme import EVENTS
from pipelines.demo.registration_files import RegistrationFile, vary_email, written_identity

RESPONSES_FILE = "surveys/policy/policy_survey_2017_responses.csv"
CODEBOOK_FILE = "surveys/policy/codebook.csv"
LABELS_FILE = "surveys/policy/scale_labels.csv"

CODEBOOK_COLUMNS = ("item_code", "dimension", "text_en", "text_ru", "scale_min", "scale_max", "reverse_coded")
# item_code, dimension, English text, Russian text, reverse coded
ITEMS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("STR1", "strategy", "Our region has an adopted strategy for the cultural and creative industries.",
     "В нашем регионе принята стратегия развития культурных и креативных индустрий.", False),
    ("STR2", "strategy", "The regional strategy names cross-border cooperation in the creative industries as a priority.",
     "Региональная стратегия называет приграничное сотрудничество в креативных индустриях приоритетом.", False),
    ("STR3", "strategy", "Creative industries are missing from regional development plans.",
     "Креативные индустрии не отражены в планах регионального развития.", True),
    ("FUN1", "funding", "Creative businesses can find public funding for international projects.",
     "Креативный бизнес может найти государственное финансирование международных проектов.", False),
    ("FUN2", "funding", "Funding rules are easy to understand for small organisations.",
     "Правила финансирования понятны небольшим организациям.", False),
    ("FUN3", "funding", "Co-financing requirements keep small firms out of projects.",
     "Требования софинансирования не позволяют малым фирмам участвовать в проектах.", True),
    ("INT1", "internationalisation_export", "Companies in our region sell creative products and services abroad.",
     "Компании нашего региона продают креативные товары и услуги за рубежом.", False),
    ("INT2", "internationalisation_export", "Export support services are available to creative businesses.",
     "Креативному бизнесу доступны услуги поддержки экспорта.", False),
    ("INT3", "internationalisation_export", "Visa and customs procedures hinder cooperation with partners abroad.",
     "Визовые и таможенные процедуры мешают сотрудничеству с зарубежными партнёрами.", True),
    ("INC1", "incubators_clusters", "An incubator or accelerator serves creative businesses in our region.",
     "В нашем регионе работает инкубатор или акселератор для креативного бизнеса.", False),
    ("INC2", "incubators_clusters", "Creative businesses in our region work together in clusters or networks.",
     "Креативные предприятия нашего региона объединены в кластеры или сети.", False),
    ("EDU1", "education_skills", "Education institutions offer training in creative entrepreneurship.",
     "Образовательные учреждения обучают креативному предпринимательству.", False),
    ("EDU2", "education_skills", "Graduates of creative fields find work in our region.",
     "Выпускники творческих специальностей находят работу в нашем регионе.", False),
    ("EDU3", "education_skills", "Creative professionals lack the business skills they need to grow.",
     "Специалистам творческих профессий не хватает навыков ведения бизнеса.", True),
    ("IPR1", "intellectual_property", "Creative businesses know how to protect their intellectual property.",
     "Креативные предприятия знают, как защитить свою интеллектуальную собственность.", False),
    ("IPR2", "intellectual_property", "Advice on copyright and licensing is easy to get.",
     "Консультацию по авторскому праву и лицензированию легко получить.", False),
    ("STA1", "statistics_mapping", "Official statistics show the size of the creative industries in our region.",
     "Официальная статистика отражает масштаб креативных индустрий в нашем регионе.", False),
    ("STA2", "statistics_mapping", "Creative businesses in our region have been mapped in the last five years.",
     "За последние пять лет проведено картирование креативных предприятий нашего региона.", False),
    ("CBC1", "cross_border_cooperation", "It is easy to find partners in neighbouring countries.",
     "Легко найти партнёров в соседних странах.", False),
    ("CBC2", "cross_border_cooperation", "Support organisations cooperate across the border.",
     "Организации поддержки сотрудничают через границу.", False),
    ("CBC3", "cross_border_cooperation", "Cross-border projects of the creative industries receive public support.",
     "Приграничные проекты креативных индустрий получают государственную поддержку.", False),
)
DROPPED_ITEM = "EXP1"  # still in the export, removed from the codebook: its answers are quarantined
SCALE = (1, 5)
DONT_KNOW_CODE, NOT_APPLICABLE_CODE = 8, 9
# scale labels by language (value 1..5), then don't know, not applicable ("|" separates alternatives)
AGREEMENT_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"),
    "ru": ("полностью не согласен", "скорее не согласен", "ни согласен, ни не согласен", "скорее согласен",
           "полностью согласен"),
    "fi": ("täysin eri mieltä", "jokseenkin eri mieltä", "ei samaa eikä eri mieltä", "jokseenkin samaa mieltä",
           "täysin samaa mieltä"),
    "sv": ("helt av annan åsikt", "delvis av annan åsikt", "varken av samma eller annan åsikt",
           "delvis av samma åsikt", "helt av samma åsikt"),
}
DONT_KNOW_LABELS = {"en": "don't know|dk", "ru": "затрудняюсь ответить|не знаю", "fi": "en osaa sanoa|eos",
                    "sv": "vet inte|kan inte säga"}
NOT_APPLICABLE_LABELS = {"en": "not applicable|n/a", "ru": "не применимо|неприменимо",
                         "fi": "ei koske minua|ei sovellu", "sv": "ej tillämpligt|inte aktuellt"}
LABEL_COLUMNS = ("value", "kind", "label_en", "label_ru", "label_fi", "label_sv")

RESPONDENTS_BY_COUNTRY = {"RU": 34, "FI": 10, "SE": 8, "NO": 8, "DK": 4, "IS": 3, "EE": 5, "LV": 4, "LT": 4}
ROLES = {
    "public_body": ("policy maker", "civil servant"),
    "ngo": ("support organisation staff", "network coordinator"),
    "sme": ("entrepreneur", "manager"),
    "education": ("researcher", "lecturer"),
}
ORG_TYPE_WEIGHTS = {"public_body": 30, "ngo": 25, "sme": 30, "education": 15}
NORDIC = ("FI", "SE", "NO", "DK", "IS")
# Russian respondents see a weaker environment for exports, funding and statistics; Nordic ones
# a stronger one for funding, skills and statistics.
COUNTRY_SHIFT: dict[str, dict[str, float]] = {
    "RU": {"internationalisation_export": -0.7, "funding": -0.3, "statistics_mapping": -0.5,
           "cross_border_cooperation": -0.2},
    **{c: {"funding": 0.4, "education_skills": 0.3, "statistics_mapping": 0.5} for c in NORDIC},
    **{c: {"incubators_clusters": 0.3} for c in ("EE", "LV", "LT")},
}
LANGUAGE_OF = {"RU": "ru", "FI": "fi", "SE": "sv"}
BLANK_SHARE, DONT_KNOW_SHARE, NOT_APPLICABLE_SHARE, LABEL_SHARE = 0.04, 0.06, 0.02, 0.3
# (respondent index, item, cell, reason): cells the reader must quarantine
POLICY_QUARANTINE_CELLS = (
    (3, "FUN1", "somewhat agree", "unknown_label"),
    (7, "INT2", "скорее да", "unknown_label"),
    (12, "CBC1", "6", "out_of_range"),
    (20, "EDU2", "0", "out_of_range"),
    (41, "STA1", "3.5", "not_a_scale_value"),
)
UNKNOWN_COUNTRY_RESPONDENT = 25  # country written as vocab.UNKNOWN_COUNTRY
DUPLICATE_RESPONDENT = 50  # answers twice; the earlier row is quarantined (duplicate_response)


def _labels_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _first(label: str) -> str:
    return label.split("|")[0]


def _policy_cell(rng: random.Random, language: str, value: int) -> str:
    if rng.random() >= LABEL_SHARE:
        return str(value)
    label = AGREEMENT_LABELS[language][value - 1]
    style = rng.random()
    if style < 0.2:
        return label.capitalize()
    if style < 0.3 and language == "en":
        return f"{value} - {label}"
    return label


def survey_files(rng: random.Random) -> tuple[dict[str, bytes], dict]:
    """{relative path: bytes} for the policy responses, codebook and labels; plus its ground truth."""
    header = ["respondent_id", "submitted", "country", "role", "organisation_type"] + [i[0] for i in ITEMS] + [DROPPED_ITEM]
    rows: list[list[str]] = []
    scores: dict[tuple[str, str], list[int]] = {}  # (item, country) -> scores of counted answers
    dimension_scores: dict[tuple[str, str], list[float]] = {}  # (dimension, country) -> respondent means
    status_counts: Counter = Counter()
    status_by_item: dict[str, Counter] = {code: Counter() for code, *_ in ITEMS}
    quarantine_plan = {(index, item): (cell, reason) for index, item, cell, reason in POLICY_QUARANTINE_CELLS}
    respondent = 0
    for country, count in RESPONDENTS_BY_COUNTRY.items():
        for _ in range(count):
            respondent += 1
            language = LANGUAGE_OF.get(country, "en")
            if country == "FI" and rng.random() < 0.25:
                language = "sv"  # a Finland-Swede
            org_type = rng.choices(list(ORG_TYPE_WEIGHTS), weights=list(ORG_TYPE_WEIGHTS.values()))[0]
            submitted = date(2017, 3, 1) + timedelta(days=rng.randint(0, 40))
            written_country = vocab.UNKNOWN_COUNTRY if respondent == UNKNOWN_COUNTRY_RESPONDENT else country
            row = [f"R{respondent:03d}", submitted.isoformat(), written_country, rng.choice(ROLES[org_type]), org_type]
            counted = respondent != UNKNOWN_COUNTRY_RESPONDENT
            kept_scores: dict[str, list[int]] = {}
            for code, dimension, _en, _ru, reverse in ITEMS:
                mean = 3.2 + COUNTRY_SHIFT.get(country, {}).get(dimension, 0.0)
                score = min(5, max(1, round(rng.gauss(mean, 1.0))))
                answer = SCALE[0] + SCALE[1] - score if reverse else score
                draw = rng.random()
                planned = quarantine_plan.get((respondent, code))
                if planned:
                    row.append(planned[0])
                    status_counts[planned[1]] += 1
                    continue
                if draw < BLANK_SHARE:
                    row.append("")
                    status_counts["blank"] += 1
                    continue
                if draw < BLANK_SHARE + DONT_KNOW_SHARE:
                    row.append(str(DONT_KNOW_CODE) if rng.random() < 0.4 else _first(DONT_KNOW_LABELS[language]))
                    status = "dont_know"
                elif draw < BLANK_SHARE + DONT_KNOW_SHARE + NOT_APPLICABLE_SHARE:
                    row.append(str(NOT_APPLICABLE_CODE) if rng.random() < 0.4 else _first(NOT_APPLICABLE_LABELS[language]))
                    status = "not_applicable"
                else:
                    row.append(_policy_cell(rng, language, answer))
                    status = "scored"
                if not counted:
                    status_counts["unknown_country"] += 1
                    continue
                status_counts[status] += 1
                status_by_item[code][status] += 1
                if status == "scored":
                    kept_scores.setdefault(dimension, []).append(score)
                    scores.setdefault((code, country), []).append(score)
            extra = str(min(5, max(1, round(rng.gauss(3.0, 1.0)))))
            row.append(extra)
            status_counts["unknown_country" if not counted else "unknown_item"] += 1
            rows.append(row)
            for dimension, values in kept_scores.items():
                dimension_scores.setdefault((dimension, country), []).append(sum(values) / len(values))

    # the duplicate respondent's earlier, superseded submission goes first; the reader quarantines it
    duplicate_index = DUPLICATE_RESPONDENT - 1
    original = rows[duplicate_index]
    earlier = list(original)
    earlier[1] = (date.fromisoformat(original[1]) - timedelta(days=3)).isoformat()
    earlier[5:] = [str(rng.randint(1, 5)) if rng.random() > 0.3 else "" for _ in earlier[5:]]
    rows.insert(duplicate_index, earlier)
    status_counts["duplicate_response"] += sum(1 for cell in earlier[5:] if cell)
    status_counts["blank"] += sum(1 for cell in earlier[5:5 + len(ITEMS)] if not cell)  # EXP1 is no item

    responses = io.StringIO()
    writer = csv.writer(responses, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)

    codebook = [list(CODEBOOK_COLUMNS)] + [
        [code, dimension, en, ru, SCALE[0], SCALE[1], "true" if reverse else "false"]
        for code, dimension, en, ru, reverse in ITEMS
    ]
    labels = [list(LABEL_COLUMNS)] + [
        [value, "scale", *(AGREEMENT_LABELS[lang][value - 1] for lang in ("en", "ru", "fi", "sv"))]
        for value in range(SCALE[0], SCALE[1] + 1)
    ] + [
        [DONT_KNOW_CODE, "dont_know", *(DONT_KNOW_LABELS[lang] for lang in ("en", "ru", "fi", "sv"))],
        [NOT_APPLICABLE_CODE, "not_applicable", *(NOT_APPLICABLE_LABELS[lang] for lang in ("en", "ru", "fi", "sv"))],
    ]
    files = {
        RESPONSES_FILE: responses.getvalue().encode("utf-8"),
        CODEBOOK_FILE: _labels_csv(codebook),
        LABELS_FILE: _labels_csv(labels),
    }
    quarantined = {reason: status_counts[reason] for reason in
                   ("unknown_item", "unknown_label", "out_of_range", "not_a_scale_value", "unknown_country",
                    "duplicate_response")}
    summary = {
        "responses_path": RESPONSES_FILE,
        "respondents": len(rows),  # data rows of the response file
        "accepted_respondents": respondent - 1,  # without the unknown-country respondent and the superseded row
        "respondents_by_country": dict(RESPONDENTS_BY_COUNTRY),
        "items": [i[0] for i in ITEMS],
        "reverse_coded_items": [i[0] for i in ITEMS if i[4]],
        "dimensions": sorted({i[1] for i in ITEMS}),
        "answers_read": sum(status_counts[s] for s in ("scored", "dont_know", "not_applicable")) + sum(quarantined.values()),
        "answers_scored": status_counts["scored"],
        "answers_dont_know": status_counts["dont_know"],
        "answers_not_applicable": status_counts["not_applicable"],
        "answers_blank": status_counts["blank"],
        "quarantined_by_reason": quarantined,
        "dont_know_by_item": {code: counter["dont_know"] for code, counter in status_by_item.items()},
        "item_scores_by_country": {
            code: {country: _stats(values) for (c, country), values in sorted(scores.items()) if c == code}
            for code, *_ in ITEMS
        },
        "dimension_scores_by_country": {
            dimension: {country: _stats(values) for (d, country), values in sorted(dimension_scores.items())
                        if d == dimension}
            for dimension in sorted({i[1] for i in ITEMS})
        },
        "definitions": {
            "score": "answer after reverse coding (scale_min + scale_max - answer for reverse-coded items)",
            "item_scores_by_country": "n, mean and median of scored answers (don't know, not applicable, blank "
                                      "and quarantined answers excluded)",
            "dimension_scores_by_country": "over respondents of the mean of their scored items in the dimension",
        },
    }
    return files, summary


def _stats(values: list[float]) -> dict:
    ordered = sorted(values)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    return {"n": n, "mean": round(sum(ordered) / n, 6), "median": median}


# ======================================================================================
# follow-up survey
# ======================================================================================

FOLLOWUP_DIR = "surveys/followup"
FOLLOWUP_SURVEY_ID = "JC-FU-2017"
FOLLOWUP_PROJECT = "JC"
FIELDED = (date(2017, 9, 4), date(2017, 10, 13))
FOLLOWUP_XLSX = "followup_2017.xlsx"
FOLLOWUP_RU_CSV = "followup_2017_ru.csv"
RESPONSE_SHARE = 0.36

# item, outcome, label set, scale (min, max or None), texts en/ru/fi/sv
FOLLOWUP_ITEMS = (
    ("FU1", "new_contacts_abroad", "count", (0, None),
     "How many new contacts abroad did you make thanks to the project?",
     "Сколько новых зарубежных контактов вы установили благодаря проекту?",
     "Kuinka monta uutta ulkomaista kontaktia sait hankkeen ansiosta?",
     "Hur många nya kontakter utomlands fick du tack vare projektet?"),
    ("FU2", "joint_projects_started", "count", (0, None),
     "How many joint projects with partners from another country have you started since the project?",
     "Сколько совместных проектов с партнёрами из другой страны вы начали после проекта?",
     "Kuinka monta yhteishanketta toisen maan kumppanien kanssa olet aloittanut hankkeen jälkeen?",
     "Hur många gemensamma projekt med partner från ett annat land har du startat efter projektet?"),
    ("FU3", "cooperation_agreements_signed", "count", (0, None),
     "How many cooperation agreements with partners abroad have you signed since the project?",
     "Сколько соглашений о сотрудничестве с зарубежными партнёрами вы подписали после проекта?",
     "Kuinka monta yhteistyösopimusta ulkomaisten kumppanien kanssa olet allekirjoittanut hankkeen jälkeen?",
     "Hur många samarbetsavtal med partner utomlands har du undertecknat efter projektet?"),
    ("FU4", "sales_to_partner_country", "yes_no", (0, 1),
     "Have you sold products or services to the partner country since the project?",
     "Продавали ли вы товары или услуги в страну-партнёра после проекта?",
     "Oletko myynyt tuotteita tai palveluja kumppanimaahan hankkeen jälkeen?",
     "Har du sålt produkter eller tjänster till partnerlandet efter projektet?"),
    ("FU5", "intention_to_continue", "yes_no", (0, 1),
     "Do you intend to continue cooperating with the partners you met in the project?",
     "Планируете ли вы продолжать сотрудничество с партнёрами, с которыми познакомились в проекте?",
     "Aiotko jatkaa yhteistyötä hankkeessa tapaamiesi kumppanien kanssa?",
     "Tänker du fortsätta samarbeta med de partner du träffade i projektet?"),
    ("FU6", "satisfaction", "satisfaction", (1, 5),
     "How satisfied are you with the project overall? (1 = very dissatisfied, 5 = very satisfied)",
     "Насколько вы удовлетворены проектом в целом? (1 — очень недоволен, 5 — очень доволен)",
     "Kuinka tyytyväinen olet hankkeeseen kokonaisuutena? (1 = erittäin tyytymätön, 5 = erittäin tyytyväinen)",
     "Hur nöjd är du med projektet som helhet? (1 = mycket missnöjd, 5 = mycket nöjd)"),
)
FOLLOWUP_LABELS: dict[str, list[tuple[str, int | str, dict[str, str]]]] = {
    "count": [
        ("scale", 0, {"en": "none|no new contacts", "ru": "ни одного|нисколько", "fi": "ei yhtään", "sv": "inga|ingen"}),
        ("dont_know", "", {"en": "don't know", "ru": "не знаю|затрудняюсь ответить", "fi": "en osaa sanoa|en tiedä",
                           "sv": "vet inte"}),
    ],
    "yes_no": [
        ("scale", 0, {"en": "no", "ru": "нет", "fi": "ei", "sv": "nej"}),
        ("scale", 1, {"en": "yes", "ru": "да", "fi": "kyllä", "sv": "ja"}),
        ("dont_know", "", {"en": "don't know|not sure", "ru": "не знаю|затрудняюсь ответить",
                           "fi": "en osaa sanoa|en tiedä", "sv": "vet inte"}),
    ],
    "satisfaction": [
        ("scale", 1, {"en": "very dissatisfied", "ru": "очень недоволен", "fi": "erittäin tyytymätön",
                      "sv": "mycket missnöjd"}),
        ("scale", 2, {"en": "dissatisfied", "ru": "скорее недоволен", "fi": "melko tyytymätön", "sv": "ganska missnöjd"}),
        ("scale", 3, {"en": "neither satisfied nor dissatisfied", "ru": "ни доволен, ни недоволен",
                      "fi": "ei tyytyväinen eikä tyytymätön", "sv": "varken nöjd eller missnöjd"}),
        ("scale", 4, {"en": "satisfied", "ru": "скорее доволен", "fi": "melko tyytyväinen", "sv": "ganska nöjd"}),
        ("scale", 5, {"en": "very satisfied", "ru": "очень доволен", "fi": "erittäin tyytyväinen", "sv": "mycket nöjd"}),
    ],
}
XLSX_HEADER = ["Response ID", "Start time", "Submitted", "Language", "Email", "First name", "Last name",
               "Organisation", "Country"]
RU_HEADER = ["Отметка времени", "Адрес электронной почты", "Фамилия", "Имя", "Организация", "Страна"]
# Outside the population: a link forwarded to colleagues. (first, last, organisation, country, email, file)
STRANGERS = (
    ("Heidi", "Lampinen", "Lampinen Design Oy", "FI", "heidi.lampinen@lampinendesign.fi", FOLLOWUP_XLSX),
    ("Magnus", "Strandberg", "Strandberg Media AB", "SE", "magnus@strandbergmedia.se", FOLLOWUP_XLSX),
    ("Ольга", "Кукушкина", "ООО «Кукушка»", "RU", "kukushkina.olga@yandex.ru", FOLLOWUP_RU_CSV),
)
# (file, item, cell, reason): answers the reader must quarantine, placed on the first fitting respondents
FOLLOWUP_QUARANTINE_CELLS = (
    (FOLLOWUP_RU_CSV, "FU1", "несколько", "unknown_label"),
    (FOLLOWUP_XLSX, "FU1", "several", "unknown_label"),
    (FOLLOWUP_XLSX, "FU6", "7", "out_of_range"),
    (FOLLOWUP_RU_CSV, "FU2", "1,5", "not_a_scale_value"),
)
IDENTIFIED_BY = ("email", "email_variant", "private_email", "name_organisation", "new_email_name_organisation")
IDENTIFIED_BY_WEIGHTS = (0.45, 0.2, 0.0, 0.25, 0.1)  # private_email is used by everyone who has one in the sample


def _followup_codebook() -> bytes:
    header = ["item_code", "dimension", "text_en", "text_ru", "text_fi", "text_sv", "scale_min", "scale_max",
              "reverse_coded", "label_set"]
    rows = [header] + [
        [code, outcome, en, ru, fi, sv, scale[0], "" if scale[1] is None else scale[1], "false", label_set]
        for code, outcome, label_set, scale, en, ru, fi, sv in FOLLOWUP_ITEMS
    ]
    return _labels_csv(rows)


def _followup_labels() -> bytes:
    rows = [["label_set", *LABEL_COLUMNS]]
    for label_set, entries in FOLLOWUP_LABELS.items():
        for kind, value, labels in entries:
            rows.append([label_set, value, kind, *(labels[lang] for lang in ("en", "ru", "fi", "sv"))])
    return _labels_csv(rows)


def _draw_outcomes(rng: random.Random, target_group: str) -> dict[str, int | None]:
    business = target_group == "cci_business"
    contacts = 0 if rng.random() < 0.28 else min(15, 1 + int(rng.expovariate(0.35)))
    joint = 0 if rng.random() < (0.6 if contacts else 0.95) else rng.randint(1, 3)
    agreements = 0 if rng.random() < (0.75 if joint else 0.93) else rng.randint(1, 2)
    sales = int(rng.random() < (0.3 if business else 0.06))
    intention = int(rng.random() < 0.8)
    satisfaction = rng.choices((1, 2, 3, 4, 5), weights=(2, 6, 18, 42, 32))[0]
    return {"new_contacts_abroad": contacts, "joint_projects_started": joint,
            "cooperation_agreements_signed": agreements, "sales_to_partner_country": sales,
            "intention_to_continue": intention, "satisfaction": satisfaction}


def _answer_cell(rng: random.Random, label_set: str, value: int, language: str, container: str) -> object:
    """A true value as a respondent's survey tool writes it."""
    if label_set == "count":
        if value == 0 and rng.random() < 0.3:
            return _first(FOLLOWUP_LABELS["count"][0][2][language])
        return value if container == "xlsx" else str(value)
    labels = {entry[1]: entry[2] for entry in FOLLOWUP_LABELS[label_set] if entry[0] == "scale"}
    if label_set == "satisfaction" and rng.random() < 0.6:
        return value if container == "xlsx" else str(value)
    label = _first(labels[value][language])
    return label.capitalize() if rng.random() < 0.5 else label


def _dont_know_cell(label_set: str, language: str) -> str:
    entry = next(e for e in FOLLOWUP_LABELS[label_set] if e[0] == "dont_know")
    return _first(entry[2][language])


def followup_files(rng: random.Random, world: World, registration_files: list[RegistrationFile]
                   ) -> tuple[dict[str, bytes], dict]:
    """The follow-up survey files ({path under raw/: bytes}) and its ground truth."""
    jc_events = [e.event_id for e in EVENTS if e.project_id == FOLLOWUP_PROJECT]
    participants: dict[str, object] = {}
    for event_id in jc_events:
        for person in world.attendance.attended[event_id]:
            participants.setdefault(person.person_id, person)
    no_shows = [p for p in world.persons if p.registered_only
                and any(p in world.attendance.no_show[e] for e in jc_events)]
    registered_emails = {p.email for p in world.persons} | {p.private_email for p in world.persons if p.private_email}

    # where each person appears, as written (files with one name column cannot give first/last)
    written: dict[str, list[tuple[bool, tuple[str, str, str]]]] = {}
    private_in_file: dict[str, str] = {}
    for reg in registration_files:
        if reg.spec.event_id not in jc_events:
            continue
        for row in reg.rows:
            if row.kind != "person":
                continue
            if row.email and row.email != row.person.email:
                private_in_file[row.person.person_id] = row.email
            if "fio" not in reg.spec.fields and "full_name" not in reg.spec.fields:
                cyrillic = reg.spec.cyrillic_names and row.person.is_russian
                written.setdefault(row.person.person_id, []).append((cyrillic, written_identity(reg.spec, row.person)))

    for first, last, *_ in STRANGERS:
        clash = [p for p in world.persons if (p.first_latin, p.last_latin) == (first, last)
                 or (p.first_cyr, p.last_cyr) == (first, last)]
        if clash:
            raise AssertionError(f"stranger {first} {last} is in the population")

    ordered = sorted(participants.values(), key=lambda p: p.person_id)
    sampled = sorted(rng.sample(ordered, round(RESPONSE_SHARE * len(ordered))), key=lambda p: p.person_id)
    respondents = []  # dicts: person, identified_by, file, language, written identity
    for person in sampled + no_shows[:1]:
        file = FOLLOWUP_RU_CSV if person.is_russian else FOLLOWUP_XLSX
        cyrillic_wanted = file == FOLLOWUP_RU_CSV
        choices = [identity for cyr, identity in written.get(person.person_id, []) if cyr == cyrillic_wanted]
        if person.person_id in private_in_file:
            mode = "private_email"
        else:
            mode = rng.choices(IDENTIFIED_BY, weights=IDENTIFIED_BY_WEIGHTS)[0]
        if mode in ("name_organisation", "new_email_name_organisation") and not choices:
            mode = "email"
        first, last, organisation = (rng.choice(choices) if choices else
                                     ((person.first_cyr, person.last_cyr, person.organisation.name_local)
                                      if cyrillic_wanted else
                                      (person.first_latin, person.last_latin, person.organisation.name_latin)))
        email = {"email": person.email, "email_variant": vary_email(rng, person.email),
                 "private_email": private_in_file.get(person.person_id), "name_organisation": "",
                 "new_email_name_organisation": None}[mode]
        if mode == "new_email_name_organisation":
            email = f"{ascii_fold(person.first_latin).lower()}.{ascii_fold(person.last_latin).lower()}.work@gmail.com"
            if email in registered_emails:
                raise AssertionError(f"new e-mail {email} is a registered one")
        language = {"RU": "ru", "FI": "fi", "SE": "sv"}.get(person.country_code, "en")
        if person.country_code == "FI" and rng.random() < 0.2:
            language = "sv"
        respondents.append({"person": person, "identified_by": mode, "file": file, "language": language,
                            "identity": (first, last, organisation, email), "country": person.country_code,
                            "participant": person.person_id in participants})
    for first, last, organisation, country, email, file in STRANGERS:
        respondents.append({"person": None, "identified_by": "stranger", "file": file,
                            "language": "ru" if file == FOLLOWUP_RU_CSV else "en",
                            "identity": (first, last, organisation, email), "country": country, "participant": False})

    # submissions: fielding window; one participant answers twice (the later answer counts)
    span = (FIELDED[1] - FIELDED[0]).days
    for respondent in respondents:
        day = FIELDED[0] + timedelta(days=rng.randint(0, span - 4))
        respondent["submitted"] = datetime(day.year, day.month, day.day, rng.randint(8, 21), rng.randint(0, 59),
                                           rng.randint(0, 59))
        target_group = respondent["person"].target_group if respondent["person"] else "unknown"
        respondent["outcomes"] = _draw_outcomes(rng, target_group)
        respondent["superseded"] = False
    twice = next(r for r in respondents if r["identified_by"] == "email" and r["participant"]
                 and r["file"] == FOLLOWUP_XLSX)
    if (twice["submitted"] - timedelta(days=3)).date() < FIELDED[0]:
        twice["submitted"] += timedelta(days=3)
    earlier = {**twice, "submitted": twice["submitted"] - timedelta(days=3), "superseded": True,
               "outcomes": _draw_outcomes(rng, twice["person"].target_group)}
    respondents.append(earlier)
    respondents.sort(key=lambda r: r["submitted"])

    # answer cells, with item non-response, "don't know" and the planned quarantined cells
    quarantine_plan = list(FOLLOWUP_QUARANTINE_CELLS)
    file_truth = {name: Counter() for name in (FOLLOWUP_XLSX, FOLLOWUP_RU_CSV)}
    for respondent in respondents:
        cells, statuses = {}, {}
        container = "xlsx" if respondent["file"] == FOLLOWUP_XLSX else "csv"
        for code, outcome, label_set, _scale, *_texts in FOLLOWUP_ITEMS:
            planned = next((q for q in quarantine_plan if q[0] == respondent["file"] and q[1] == code
                            and respondent["participant"] and not respondent["superseded"]), None)
            draw = rng.random()
            if planned:
                quarantine_plan.remove(planned)
                cells[code], statuses[code] = planned[2], planned[3]
            elif draw < 0.05:
                cells[code], statuses[code] = None, "blank"
            elif draw < 0.09 and label_set != "satisfaction":
                cells[code], statuses[code] = _dont_know_cell(label_set, respondent["language"]), "dont_know"
            else:
                cells[code] = _answer_cell(rng, label_set, respondent["outcomes"][outcome], respondent["language"],
                                           container)
                statuses[code] = "scored"
            file_truth[respondent["file"]][statuses[code]] += 1
        respondent["cells"], respondent["statuses"] = cells, statuses
    if quarantine_plan:
        raise AssertionError(f"quarantine cells not placed: {quarantine_plan}")

    files = {
        f"{FOLLOWUP_DIR}/surveys.csv": _labels_csv([
            ["survey_id", "project_id", "file", "fielded_from", "fielded_to"],
            [FOLLOWUP_SURVEY_ID, FOLLOWUP_PROJECT, FOLLOWUP_XLSX, FIELDED[0].isoformat(), FIELDED[1].isoformat()],
            [FOLLOWUP_SURVEY_ID, FOLLOWUP_PROJECT, FOLLOWUP_RU_CSV, FIELDED[0].isoformat(), FIELDED[1].isoformat()],
        ]),
        f"{FOLLOWUP_DIR}/codebook.csv": _followup_codebook(),
        f"{FOLLOWUP_DIR}/scale_labels.csv": _followup_labels(),
        f"{FOLLOWUP_DIR}/{FOLLOWUP_XLSX}": _followup_xlsx([r for r in respondents if r["file"] == FOLLOWUP_XLSX]),
        f"{FOLLOWUP_DIR}/{FOLLOWUP_RU_CSV}": _followup_ru_csv([r for r in respondents if r["file"] == FOLLOWUP_RU_CSV]),
    }
    return files, _followup_truth(respondents, participants, file_truth)


def _followup_xlsx(respondents: list[dict]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": "Joining Creativity follow-up survey 2017", "author": "Synthetic demo generator",
                             "comments": "SYNTHETIC demo data generated by pipelines.demo; not real persons.",
                             "created": datetime(2017, 10, 16, 9, 0, 0)})
    sheet = workbook.add_worksheet("Responses")
    bold = workbook.add_format({"bold": True})
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    header = XLSX_HEADER + [item[4] for item in FOLLOWUP_ITEMS]
    for column, name in enumerate(header):
        sheet.write_string(0, column, name, bold)
    language_names = {"en": "English", "fi": "Suomi", "sv": "Svenska", "ru": "Русский"}
    for index, respondent in enumerate(respondents, start=1):
        first, last, organisation, email = respondent["identity"]
        submitted = respondent["submitted"]
        started = submitted - timedelta(minutes=4 + index % 11)
        sheet.write_number(index, 0, 1000 + index)
        sheet.write_datetime(index, 1, started, stamp)
        sheet.write_datetime(index, 2, submitted, stamp)
        sheet.write_string(index, 3, language_names[respondent["language"]])
        for column, value in enumerate((email, first, last, organisation), start=4):
            if value:
                sheet.write_string(index, column, value)
        country_style = {"fi": "fi", "sv": "sv"}.get(respondent["language"], "en")
        sheet.write_string(index, 8, vocab.COUNTRY_NAMES[country_style][respondent["country"]])
        for offset, (code, *_rest) in enumerate(FOLLOWUP_ITEMS):
            value = respondent["cells"][code]
            if value is None:
                continue
            if isinstance(value, int):
                sheet.write_number(index, len(XLSX_HEADER) + offset, value)
            else:
                sheet.write_string(index, len(XLSX_HEADER) + offset, value)
    workbook.close()
    return buffer.getvalue()


def _followup_ru_csv(respondents: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(RU_HEADER + [item[5] for item in FOLLOWUP_ITEMS])
    for respondent in respondents:
        first, last, organisation, email = respondent["identity"]
        writer.writerow([respondent["submitted"].strftime("%d.%m.%Y %H:%M:%S"), email or "", last, first, organisation,
                         vocab.COUNTRY_NAMES["ru"][respondent["country"]]]
                        + ["" if respondent["cells"][code] is None else str(respondent["cells"][code])
                           for code, *_ in FOLLOWUP_ITEMS])
    return buffer.getvalue().encode("utf-8")


def _followup_truth(respondents: list[dict], participants: dict, file_truth: dict[str, Counter]) -> dict:
    counted = [r for r in respondents if r["participant"] and not r["superseded"]]
    outcomes = {o: (code, label_set) for code, o, label_set, *_ in FOLLOWUP_ITEMS}

    def answered(group: list[dict], outcome: str) -> list[int]:
        code = outcomes[outcome][0]
        return [r["outcomes"][outcome] for r in group if r["statuses"][code] == "scored"]

    def indicators(group: list[dict], participant_count: int) -> dict:
        result = {
            "followup_respondents": {"value": len(group), "numerator": len(group), "denominator": participant_count},
            "followup_response_rate": {"value": round(100 * len(group) / participant_count, 6),
                                       "numerator": len(group), "denominator": participant_count},
        }
        for outcome, share_code, total_code in (
            ("new_contacts_abroad", "respondents_with_new_contacts_abroad_pct", "new_contacts_abroad"),
            ("joint_projects_started", "respondents_with_joint_projects_pct", "joint_projects_started"),
            ("cooperation_agreements_signed", "respondents_with_cooperation_agreements_pct",
             "cooperation_agreements_signed"),
        ):
            values = answered(group, outcome)
            positive = sum(1 for v in values if v > 0)
            result[share_code] = {"value": round(100 * positive / len(values), 6) if values else None,
                                  "numerator": positive, "denominator": len(values)}
            result[total_code] = {"value": sum(values), "numerator": sum(values), "denominator": len(values)}
        for outcome, code in (("sales_to_partner_country", "respondents_with_sales_to_partner_country_pct"),
                              ("intention_to_continue", "respondents_intending_to_continue_pct")):
            values = answered(group, outcome)
            result[code] = {"value": round(100 * sum(values) / len(values), 6) if values else None,
                            "numerator": sum(values), "denominator": len(values)}
        satisfaction = answered(group, "satisfaction")
        result["satisfaction_mean"] = {"value": round(sum(satisfaction) / len(satisfaction), 6) if satisfaction else None,
                                       "numerator": sum(satisfaction), "denominator": len(satisfaction)}
        satisfied = sum(1 for v in satisfaction if v >= 4)
        result["respondents_satisfied_pct"] = {
            "value": round(100 * satisfied / len(satisfaction), 6) if satisfaction else None,
            "numerator": satisfied, "denominator": len(satisfaction)}
        cooperating = {r["person"].organisation.org_id for r in group
                       if any(v > 0 for v in (
                           r["outcomes"]["joint_projects_started"] if r["statuses"]["FU2"] == "scored" else 0,
                           r["outcomes"]["cooperation_agreements_signed"] if r["statuses"]["FU3"] == "scored" else 0))}
        organisations = {r["person"].organisation.org_id for r in group}
        reporting = sum(1 for r in group if any(
            r["statuses"][code] == "scored" and r["outcomes"][outcome] > 0
            for code, outcome in (("FU2", "joint_projects_started"), ("FU3", "cooperation_agreements_signed"))))
        result["organisations_cooperating_across_borders"] = {
            "value": len(cooperating), "numerator": len(cooperating), "denominator": len(organisations),
            "respondents_reporting_cooperation": reporting}
        joint = answered(group, "joint_projects_started")
        result["joint_action_participations_after_project"] = {
            "value": sum(joint), "numerator": sum(joint), "denominator": len(joint)}
        return result

    participants_by_country = Counter(p.country_code for p in participants.values())
    by_country = {}
    for country in sorted({r["country"] for r in counted}):
        group = [r for r in counted if r["country"] == country]
        by_country[country] = indicators(group, participants_by_country[country])
    reasons = ("unknown_label", "out_of_range", "not_a_scale_value")
    return {
        "survey_id": FOLLOWUP_SURVEY_ID,
        "project_id": FOLLOWUP_PROJECT,
        "fielded_from": FIELDED[0].isoformat(),
        "fielded_to": FIELDED[1].isoformat(),
        "files": {
            f"{FOLLOWUP_DIR}/{name}": {
                "responses": sum(1 for r in respondents if r["file"] == name),
                "answers_read": sum(v for k, v in counts.items() if k != "blank"),
                "answers_scored": counts["scored"], "answers_dont_know": counts["dont_know"],
                "answers_not_applicable": 0, "answers_blank": counts["blank"],
                "quarantined_by_reason": {reason: counts[reason] for reason in reasons if counts[reason]},
            }
            for name, counts in file_truth.items()
        },
        "responses": len(respondents),
        "participants": len(participants),
        "counted_respondents": len(counted),
        "linked_participant_responses": sum(1 for r in respondents if r["participant"]),
        "linked_non_participant_responses": sum(1 for r in respondents if r["person"] and not r["participant"]),
        "not_linked_responses": sum(1 for r in respondents if r["person"] is None),
        "superseded_responses": sum(1 for r in respondents if r["superseded"]),
        "identified_by": dict(sorted(Counter(r["identified_by"] for r in respondents).items())),
        "respondents": [
            {"person_id": r["person"].person_id if r["person"] else None, "file": r["file"],
             "identified_by": r["identified_by"], "participant": r["participant"], "superseded": r["superseded"],
             "country_code": r["country"]}
            for r in respondents
        ],
        "outcomes": {"total": indicators(counted, len(participants)), "country": by_country},
        "definitions": {
            "counted_respondents": "JC participants who answered (latest submission per person); strangers and "
                                   "persons who only registered are not counted",
            "denominators": "shares, totals and means: counted respondents with a scored answer to the item (blank, "
                            "don't know and quarantined answers excluded); response rate: JC unique participants",
            "organisations_cooperating_across_borders": "distinct organisations of counted respondents reporting at "
                                                        "least one joint project started or cooperation agreement "
                                                        "signed (Interreg RCR84 style)",
            "joint_action_participations_after_project": "sum of joint projects started over counted respondents "
                                                         "(Interreg RCR85 style)",
        },
    }

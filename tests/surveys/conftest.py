"""Small, realistic survey fixtures written the way users and survey tools write them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pipelines.surveys.codebook import read_codebook

POLICY_ITEMS = [
    # item_code, dimension, text_en, text_ru, text_fi, text_sv, reverse
    ("FUN1", "funding", "Creative businesses can find public funding for international projects.",
     "Креативный бизнес может найти государственное финансирование международных проектов.",
     "Luovat yritykset löytävät julkista rahoitusta kansainvälisiin hankkeisiin.",
     "Kreativa företag hittar offentlig finansiering för internationella projekt.", False),
    ("FUN2", "funding", "Co-financing requirements keep small firms out of projects.",
     "Требования софинансирования не позволяют малым фирмам участвовать в проектах.",
     "Omarahoitusvaatimukset pitävät pienet yritykset poissa hankkeista.",
     "Krav på medfinansiering håller små företag utanför projekt.", True),
    ("STR1", "strategy", "Our region has an adopted strategy for the creative industries.",
     "В нашем регионе принята стратегия развития креативных индустрий.",
     "Alueellamme on hyväksytty luovien alojen strategia.",
     "Vår region har en antagen strategi för de kreativa näringarna.", False),
]
AGREEMENT = {
    "en": ["strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"],
    "ru": ["полностью не согласен", "скорее не согласен", "ни согласен, ни не согласен", "скорее согласен",
           "полностью согласен"],
    "fi": ["täysin eri mieltä", "jokseenkin eri mieltä", "ei samaa eikä eri mieltä", "jokseenkin samaa mieltä",
           "täysin samaa mieltä"],
    "sv": ["helt av annan åsikt", "delvis av annan åsikt", "varken av samma eller annan åsikt",
           "delvis av samma åsikt", "helt av samma åsikt"],
}


def csv_bytes(rows: list[list], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_policy_codebook(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [["item_code", "dimension", "text_en", "text_ru", "text_fi", "text_sv", "scale_min", "scale_max",
             "reverse_coded"]]
    rows += [[c, d, en, ru, fi, sv, 1, 5, "true" if rev else "false"] for c, d, en, ru, fi, sv, rev in POLICY_ITEMS]
    # saved from Excel in a Nordic locale: semicolons and a BOM
    (folder / "codebook.csv").write_bytes(csv_bytes(rows, delimiter=";", encoding="utf-8-sig"))
    labels = [["value", "kind", "label_en", "label_ru", "label_fi", "label_sv"]]
    labels += [[v, "scale", *(AGREEMENT[lang][v - 1] for lang in ("en", "ru", "fi", "sv"))] for v in range(1, 6)]
    labels += [[8, "dont_know", "don't know|dk", "затрудняюсь ответить", "en osaa sanoa", "vet inte"],
               [9, "not_applicable", "not applicable", "не применимо", "ei koske minua", "ej tillämpligt"]]
    (folder / "scale_labels.csv").write_bytes(csv_bytes(labels))


@pytest.fixture
def policy_dir(tmp_path) -> Path:
    folder = tmp_path / "raw" / "surveys" / "policy"
    write_policy_codebook(folder)
    return folder


@pytest.fixture
def policy_codebook(policy_dir):
    return read_codebook(policy_dir / "codebook.csv", policy_dir / "scale_labels.csv", "policy")


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory):
    """One generated demo set (raw files and ground truth) for the survey tests."""
    import json

    from pipelines.demo.generator import generate_demo_data

    data_dir = tmp_path_factory.mktemp("survey_demo")
    generate_demo_data(data_dir, seed=2016)
    truth = json.loads((data_dir / "ground_truth" / "demo_ground_truth.json").read_text(encoding="utf-8"))
    return data_dir / "raw", truth

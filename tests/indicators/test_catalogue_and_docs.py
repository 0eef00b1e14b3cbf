"""The indicator catalogue and the researchers' documentation agree with the models."""

from __future__ import annotations

import csv
import re

import yaml

from pipelines import settings

DBT = settings.DBT_PROJECT_DIR
DOCS = settings.PROJECT_ROOT / "docs"
MARTS = ["dim_projects", "dim_events", "dim_persons", "dim_organisations", "dim_indicators", "fct_participations",
         "fct_indicator_values", "fct_indicator_achievement", "fct_participants_cumulative", "fct_validation_results"]


def catalogue() -> list[dict[str, str]]:
    with open(DBT / "seeds" / "indicator_catalogue.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_indicator_is_named_and_defined_in_english_and_russian():
    for row in catalogue():
        for column in ("indicator_name", "indicator_name_ru", "definition", "definition_ru"):
            assert row[column].strip(), (row["indicator_code"], column)
        assert re.search("[а-яё]", row["indicator_name_ru"] + row["definition_ru"], re.IGNORECASE), row["indicator_code"]


def test_each_interreg_common_indicator_is_mapped_once():
    mapped = [row["interreg_code"] for row in catalogue() if row["interreg_code"]]
    assert sorted(mapped) == sorted(["RCO81", "RCO87", "RCO115", "RCR84", "RCR85"])
    for row in catalogue():
        if row["interreg_code"]:
            assert row["interreg_name"] and (
                row["interreg_relation"] == "equivalent" or row["interreg_relation"].startswith("proxy: "))


def test_every_indicator_has_an_iati_reference_in_the_reporting_organisation_vocabulary():
    rows = catalogue()
    assert {row["iati_vocabulary"] for row in rows} == {"99"}
    assert len({row["iati_code"] for row in rows}) == len(rows)
    assert all(re.match(r"^(urn:|https?://)\S+$", row["iati_indicator_uri"]) for row in rows)


def test_outcome_indicators_come_from_the_follow_up_survey():
    for row in catalogue():
        assert (row["indicator_type"] == "outcome") == (row["data_source"] == "follow_up_survey"), row["indicator_code"]


def test_every_validation_rule_has_its_blocking_test():
    with open(DBT / "seeds" / "validation_rules.csv", encoding="utf-8") as handle:
        rules = list(csv.DictReader(handle))
    tests = {path.stem for path in (DBT / "tests" / "validation").glob("*.sql")}
    assert tests == {f"{rule['rule_code'].lower()}_{rule['rule_name']}" for rule in rules}
    for rule in rules:
        sql = (DBT / "tests" / "validation" / f"{rule['rule_code'].lower()}_{rule['rule_name']}.sql").read_text()
        assert f"ref('int_validation_rules_evaluated') }}}}\nwhere rule_code = '{rule['rule_code']}' and violations > 0" in sql
    evaluated = (DBT / "models" / "intermediate" / "int_validation_comparisons_evaluated.sql").read_text()
    for rule in rules:
        assert f"'{rule['rule_code']}' as rule_code" in evaluated, rule["rule_code"]


def test_data_dictionary_lists_every_column_of_every_mart():
    dictionary = (DOCS / "data-dictionary.md").read_text(encoding="utf-8")
    for mart in MARTS:
        spec = yaml.safe_load((DBT / "models" / "marts" / f"{mart}.yml").read_text())["models"][0]
        assert spec["config"]["contract"]["enforced"] is True, mart
        section = dictionary.split(f"### `{mart}`", 1)
        assert len(section) == 2, f"{mart} has no section in docs/data-dictionary.md"
        body = section[1].split("\n### ", 1)[0]
        documented = re.findall(r"^\| `(\w+)` \| (\w+) \|", body, re.MULTILINE)
        assert documented == [(column["name"], column["data_type"]) for column in spec["columns"]], mart
        assert all(column.get("description") for column in spec["columns"]), mart


def test_indicator_docs_name_every_indicator_and_rule():
    text = (DOCS / "indicators.md").read_text(encoding="utf-8")
    for row in catalogue():
        assert f"`{row['indicator_code']}`" in text, row["indicator_code"]
    for code in ("VR01", "VR02", "VR03", "VR04", "VR05", "VR06", "VR07", "VR08"):
        assert f"| {code} |" in text

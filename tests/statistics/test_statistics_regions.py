"""Region codes: Russian name matching, code normalisation, NUTS versions, the dimension."""

from __future__ import annotations

import csv
import glob
import gzip
import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import xlrd

from pipelines.statistics import (
    map_nuts,
    map_nuts_relations,
    match_russian_region,
    normalise_region_code,
    nuts_correspondence,
    region_dimension,
)
from pipelines.statistics.regions import NUTS_VERSIONS, nuts_codes

NORDIC_BALTIC = ("DK", "EE", "FI", "IS", "LT", "LV", "NO", "SE")
DELIBERATE_AGGREGATES = {"RU", "RU-ARK+NEN", "RU-TYU+KHM+YAN"} | {
    "RU-CFD", "RU-NWFD", "RU-SFD", "RU-NCFD", "RU-VFD", "RU-UFD", "RU-SIBFD", "RU-FEFD", "RU-KRFD",
}  # fmt: skip


# --- Russian names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("г.Санкт-Петербург", "RU-SPE"),
        ("г. Санкт-Петербург", "RU-SPE"),
        ("Город Санкт-Петербург город федерального значения", "RU-SPE"),
        ("Санкт-Петербург", "RU-SPE"),
        ("RU-SPB", "RU-SPE"),
        ("Республика Карелия", "RU-KR"),
        ("Республика   Карелия 3", "RU-KR"),
        ("Мурманская область", "RU-MUR"),
        ("Ненецкий автономный округ (Архангельская область)", "RU-NEN"),
        ("в том числе Ненецкий авт.округ", "RU-NEN"),
        ("  в т.ч. Ненецкий авт. округ", "RU-NEN"),
        ("Архангельская область", "RU-ARK+NEN"),
        ("Архангельская область без авт. округа", "RU-ARK"),
        ("Архангельская область без авт.округа 5", "RU-ARK"),
        ("Архангельская область (кроме Ненецкого автономного округа)", "RU-ARK"),
        ("Тюменская область", "RU-TYU+KHM+YAN"),
        ("Тюменская область без авт.округов", "RU-TYU"),
        ("Ханты-Мансийский автономный округ - Югра (Тюменская область)", "RU-KHM"),
        ("Республика Северная Осетия — Алания", "RU-SE"),
        ("Чувашская Республика - Чувашия", "RU-CU"),
        ("Северо-Западный федеральный округ", "RU-NWFD"),
        ("СЗФО", "RU-NWFD"),
        ("Российская Федерация 2", "RU"),
        ("г. Севастополь", "UA-40"),
        ("Murmansk Oblast", "RU-MUR"),
        ("Вологодская обл. и прочее", None),
        ("Атлантида", None),
        ("", None),
    ],
)
def test_match_russian_region(name: str, code: str | None) -> None:
    assert match_russian_region(name) == code


def _real_region_labels(reference_data: Path) -> dict[str, set[str]]:
    """Every row label that carries data in the three Rosstat files, read independently."""
    rosstat = reference_data / "rosstat"
    vrp = openpyxl.load_workbook(rosstat / "vrp98-14.xlsx", data_only=True).active
    vrp_labels = {
        row[0] for row in vrp.iter_rows(min_row=8, values_only=True)
        if row[0] and any(v is not None for v in row[1:])
    }  # fmt: skip
    sheet = xlrd.open_workbook(glob.glob(str(rosstat / "365-367*.xls"))[0]).sheet_by_index(0)
    xls_labels = {
        sheet.cell_value(r, 0) for r in range(4, sheet.nrows)
        if any(sheet.cell_type(r, c) == xlrd.XL_CELL_NUMBER for c in range(1, sheet.ncols))
        or any(sheet.cell_value(r, c) == "…" for c in range(1, sheet.ncols))
    }  # fmt: skip
    with open(rosstat / "rosstat-org-stats.csv", encoding="utf-8") as handle:
        csv_labels = {row[1] for row in list(csv.reader(handle))[4:]}
    return {"vrp98-14.xlsx": vrp_labels, "806.xls": xls_labels, "org-stats.csv": csv_labels}


@pytest.mark.reference_data
def test_every_region_row_of_the_real_files_maps_to_a_code(reference_data: Path) -> None:
    codes = set(region_dimension().get_column("region_code"))
    for name, labels in _real_region_labels(reference_data).items():
        matched = {label: match_russian_region(label) for label in labels}
        assert None not in matched.values(), (name, [k for k, v in matched.items() if v is None])
        assert set(matched.values()) <= codes
        subjects = {code for code in matched.values() if code not in DELIBERATE_AGGREGATES}
        # 83 subjects partition Russia (plus Crimea and Sevastopol where Rosstat has them)
        assert len(subjects) in (83, 85), name
        assert len(set(matched.values())) == len(labels), name  # no two rows share a code


@pytest.mark.reference_data
def test_codes_agree_with_iso_3166_2(reference_data: Path) -> None:
    iso = json.loads((reference_data / "codes" / "iso3166-2.json").read_text(encoding="utf-8"))
    iso_codes = {entry["code"] for entry in iso["3166-2"]}
    iso_russian = {code for code in iso_codes if code.startswith("RU-")}
    dimension = region_dimension()
    subjects = set(dimension.filter(pl.col("level") == "federal_subject").get_column("region_code"))
    assert subjects == iso_russian and len(subjects) == 83
    assert {"UA-43", "UA-40"} <= iso_codes
    non_iso = set(dimension.filter(pl.col("code_system") == "package").get_column("region_code"))
    assert not non_iso & iso_codes


@pytest.mark.reference_data
def test_third_party_code_lists_agree_except_for_deliberate_choices(reference_data: Path) -> None:
    # r_codes.csv (semicolon, no header: name;okato;iso) uses RU-SPB, RU-CR, RU-SEV; regions.csv
    # (FNS) uses ISO. Both code the plain oblasts «Архангельская/Тюменская область» as RU-ARK/RU-TYU,
    # which here are the oblasts without their okrugs.
    deliberate = {"Архангельская область": "RU-ARK+NEN", "Тюменская область": "RU-TYU+KHM+YAN"}
    with open(reference_data / "codes" / "r_codes.csv", encoding="utf-8") as handle:
        r_codes = [(row[0], row[2]) for row in csv.reader(handle, delimiter=";")]
    with open(reference_data / "codes" / "regions.csv", encoding="utf-8") as handle:
        fns = [(row["name"], row["iso_code"]) for row in csv.DictReader(handle) if row["iso_code"] != "KZ-BAY"]
    assert len(r_codes) == 85 and len(fns) == 85
    for name, code in r_codes + fns:
        expected = deliberate.get(name, normalise_region_code(code))
        assert match_russian_region(name) == expected, name
        assert match_russian_region(code) == normalise_region_code(code)


def test_nenets_and_tyumen_okrugs_are_never_double_counted() -> None:
    dimension = region_dimension()
    level = dict(dimension.select("region_code", "level").rows())
    assert level["RU-ARK"] == level["RU-NEN"] == level["RU-TYU"] == "federal_subject"
    assert level["RU-ARK+NEN"] == level["RU-TYU+KHM+YAN"] == "aggregate"
    nw = dimension.filter(pl.col("is_nw_russia") & (pl.col("level") == "federal_subject"))
    assert sorted(nw.get_column("region_code")) == sorted(
        ["RU-SPE", "RU-LEN", "RU-KR", "RU-KO", "RU-ARK", "RU-NEN", "RU-VLG", "RU-KGD", "RU-MUR", "RU-NGR", "RU-PSK"]
    )
    assert match_russian_region("Архангельская область") != match_russian_region(
        "Архангельская область без авт. округа"
    )


# --- codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "normal"),
    [("EL", "GR"), ("uk", "GB"), ("EL30", "EL30"), (" ru-spb ", "RU-SPE"), ("RU-CR", "UA-43"),
     ("RU-SEV", "UA-40"), ("no082", "NO082"), ("RU-MUR", "RU-MUR"), ("EU27_2020", "EU27_2020")],
)  # fmt: skip
def test_normalise_region_code(code: str, normal: str) -> None:
    assert normalise_region_code(code) == normal


# --- NUTS ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "source", "target", "expected"),
    [
        ("NO011", 2016, 2021, {"NO081": "recoded"}),
        ("NO012", 2016, 2021, {"NO082": "part_of"}),
        ("NO03", 2016, 2021, {"NO08": "overlaps", "NO09": "overlaps"}),
        ("NO01", 2013, 2021, {"NO08": "part_of"}),
        ("NO082", 2021, 2016, {"NO012": "contains", "NO031": "contains", "NO032": "contains"}),
        ("NO074", 2021, 2013, {"NO072": "contains", "NO073": "contains"}),
        ("NO061", 2013, 2021, {"NO060": "part_of"}),
        ("NO060", 2021, 2013, {"NO061": "contains", "NO062": "contains"}),
        ("LT00A", 2013, 2021, {"LT011": "recoded"}),
        ("LT00", 2013, 2016, {"LT01": "contains", "LT02": "contains"}),
        ("LT02", 2021, 2013, {"LT00": "part_of"}),
        ("FI1D4", 2013, 2016, {"FI1D8": "boundary_change"}),
        ("FI1D", 2013, 2021, {"FI1D": "identical"}),
        ("EE006", 2016, 2021, {"EE009": "boundary_change"}),
        ("DK014", 2013, 2021, {"DK014": "identical"}),
        ("SE110", 2021, 2013, {"SE110": "identical"}),
    ],
)
def test_map_nuts_between_versions(code: str, source: int, target: int, expected: dict[str, str]) -> None:
    assert map_nuts_relations(code, source, target) == expected
    assert map_nuts(code, source, target) == sorted(expected)


def test_map_nuts_rejects_codes_and_versions_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="not a NUTS 2021 code"):
        map_nuts("NO011", 2021, 2016)
    with pytest.raises(ValueError, match="NUTS version"):
        map_nuts("DK01", 2010, 2016)


def test_every_code_has_a_successor_and_every_new_code_a_predecessor() -> None:
    new_territory = {"NO0B", "NO0B1", "NO0B2"}  # Jan Mayen and Svalbard joined NUTS in 2021
    for older, newer in zip(NUTS_VERSIONS, NUTS_VERSIONS[1:]):
        forward = nuts_correspondence(older, newer)
        assert set(forward.get_column("from_code")) == nuts_codes(older)
        reached = set(forward.get_column("to_code"))
        assert nuts_codes(newer) - reached == (new_territory if newer == 2021 else set())
        for row in forward.iter_rows(named=True):  # levels never mix
            assert len(row["from_code"]) == len(row["to_code"]), row


@pytest.mark.reference_data
def test_nuts_code_lists_match_the_real_files(reference_data: Path) -> None:
    def ours(version: int, levels: set[int]) -> set[str]:
        return {c for c in nuts_codes(version) if len(c) - 2 in levels and "Z" not in c[2:]}

    # NUTS 2016: nuts-2016.tsv (all levels)
    with open(reference_data / "nuts_geo" / "nuts-2016.tsv", encoding="utf-8") as handle:
        nuts_2016 = {row["nuts-2016"] for row in csv.DictReader(handle, delimiter="\t")}
    assert ours(2016, {0, 1, 2, 3}) == {c for c in nuts_2016 if c[:2] in NORDIC_BALTIC}
    # NUTS 2021: the GISCO level 2 and 3 boundary files
    nuts_2021 = set()
    for level in (2, 3):
        path = reference_data / "nuts_geo" / f"NUTS_RG_03M_2021_4326_LEVL_{level}.geojson.gz"
        features = json.loads(gzip.decompress(path.read_bytes()))["features"]
        nuts_2021 |= {f["properties"]["NUTS_ID"] for f in features if f["properties"]["CNTR_CODE"] in NORDIC_BALTIC}
    assert ours(2021, {2, 3}) == nuts_2021
    # NUTS 2013: the 2017-vintage LFS file codes levels 0-2 in NUTS 2013 (IS included)
    with gzip.open(reference_data / "eurostat" / "lfst_r_lfe2emp.tsv.gz", "rt", encoding="utf-8") as handle:
        lfs_geo = {line.split("\t", 1)[0].rsplit(",", 1)[1] for line in list(handle)[1:]}
    assert ours(2013, {0, 1, 2}) == {c for c in lfs_geo if c[:2] in NORDIC_BALTIC}


# --- the dimension ---------------------------------------------------------------------


def test_region_dimension_without_reference_files() -> None:
    dimension = region_dimension()
    assert dimension.get_column("region_code").is_unique().all()
    row = {r["region_code"]: r for r in dimension.iter_rows(named=True)}
    assert row["FI"]["name_en"] == "Finland" and row["FI"]["name_ru"] == "Финляндия"
    assert row["FI"]["nuts_versions"] == "2013,2016,2021"
    assert row["GR"]["note"] == "Eurostat writes EL"
    assert row["NO082"] | {"note": None} == {
        "region_code": "NO082", "level": "nuts3", "country_code": "NO", "code_system": "nuts",
        "nuts_versions": "2021", "name_en": "Viken", "name_local": "Viken", "name_ru": None,
        "parent_code": "NO08", "is_nordic": True, "is_baltic": False, "is_nw_russia": False,
        "is_ndpc_partner": True, "note": None,
    }  # fmt: skip
    assert row["LV006"]["is_baltic"] and not row["LV006"]["is_nordic"]
    assert row["RU-MUR"]["is_nw_russia"] and row["RU-MUR"]["parent_code"] == "RU-NWFD"
    assert row["RU-MUR"]["name_en"] == "Murmansk Oblast" and row["RU-MUR"]["name_ru"] == "Мурманская область"
    assert not row["RU-MOW"]["is_nw_russia"]
    assert row["RU-NWFD"]["code_system"] == "package" and row["RU-NWFD"]["is_nw_russia"]
    assert row["UA-43"]["country_code"] == "UA" and row["UA-43"]["code_system"] == "iso3166-2"
    partners = set(dimension.filter(pl.col("is_ndpc_partner") & (pl.col("level") == "country")).get_column("region_code"))
    assert partners == {"DE", "DK", "EE", "FI", "IS", "LT", "LV", "NO", "PL", "RU", "SE"}
    assert "US" not in row


@pytest.mark.reference_data
def test_region_dimension_with_iso_country_list(reference_data: Path) -> None:
    dimension = region_dimension(reference_data / "codes" / "iso3166-1.json")
    countries = dimension.filter(pl.col("level") == "country")
    assert countries.height == 249
    assert dimension.get_column("region_code").is_unique().all()
    assert dict(countries.select("region_code", "name_en").rows())["JP"] == "Japan"

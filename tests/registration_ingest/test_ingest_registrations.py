"""The registration ingest assets on the hand-made raw directory (conftest.py): re-ingestion,
corrections, a malformed file, erasure tombstones; and the checks that guard them."""

from __future__ import annotations

import dagster as dg
import duckdb
import polars as pl
import pytest
from dagster_duckdb import DuckDBResource

from pipelines import privacy, settings
from pipelines.defs import checks, ingest
from pipelines.registrations import erasure

RAW_TABLES = ("registrations", "registration_quarantine", "registration_files", "registrations_superseded",
              "person_identities")


def _ingest(data_dir) -> dg.ExecuteInProcessResult:
    database = settings.warehouse_db()
    database.parent.mkdir(parents=True, exist_ok=True)
    result = dg.materialize(
        [ingest.raw_events, ingest.raw_registrations, ingest.raw_person_identities],
        resources={"duckdb": DuckDBResource(database=str(database))},
    )
    assert result.success
    return result


def _table(name: str) -> pl.DataFrame:
    con = duckdb.connect(str(settings.warehouse_db()), read_only=True)
    try:
        frame = con.sql(f"select * from raw.{name}").pl()
    finally:
        con.close()
    return frame.drop("_ingested_at", strict=False)


def _check(definition) -> dg.AssetCheckResult:
    context = dg.build_asset_check_context(resources={"duckdb": DuckDBResource(database=str(settings.warehouse_db()))})
    return definition(context)


def _files() -> dict[str, dict]:
    return {row["_source_file"]: row for row in _table("registration_files").iter_rows(named=True)}


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def test_reingesting_the_same_files_changes_nothing(data_dir, hmac_secret):
    _ingest(data_dir)
    first = {name: _table(name) for name in RAW_TABLES}
    assert first["registrations"].height == 7  # 3 of EV-A (one bad email quarantined), 3 + 1 of EV-B
    _ingest(data_dir)
    for name in RAW_TABLES:
        assert _sorted(_table(name)).equals(_sorted(first[name])), name


def test_an_identical_copy_dropped_again_is_not_loaded_twice(data_dir, hmac_secret):
    _ingest(data_dir)
    before = _table("registrations")
    day2 = data_dir / "raw" / "registrations" / "EV-B" / "day2.csv"
    (day2.parent / "day2 (1).csv").write_bytes(day2.read_bytes())
    _ingest(data_dir)
    assert _sorted(_table("registrations")).equals(_sorted(before))
    copy = _files()["registrations/EV-B/day2 (1).csv"]
    assert copy["status"] == "duplicate" and copy["superseded_by"] == "registrations/EV-B/day2.csv"
    assert copy["rows_read"] == 0
    assert _check(checks.rows_reconcile_per_file).passed


def test_a_corrected_reexport_supersedes_the_earlier_one_which_stays_traceable(data_dir, hmac_secret):
    corrected = (
        "First name,Last name,Email,Country\n"
        "Liisa,Mäkinen,liisa.makinen@example.fi,Finland\n"
        "Anna,Ivanova,anna.ivanova@example.ru,Russia\n"
        "Johan,Berg,johan.berg@example.com,Sweden\n"  # the corrected address
        "Karin,Lund,karin.lund@example.se,Sweden\n"  # a registration the first export missed
    )
    (data_dir / "raw" / "registrations" / "EV-B" / "day1_corrected.csv").write_text(corrected, encoding="utf-8")
    _ingest(data_dir)

    files = _files()
    old, new = files["registrations/EV-B/day1.csv"], files["registrations/EV-B/day1_corrected.csv"]
    assert old["status"] == "superseded" and old["superseded_by"] == "registrations/EV-B/day1_corrected.csv"
    assert "file name" in old["status_detail"]
    assert (old["rows_read"], old["rows_staged"], old["rows_quarantined"]) == (3, 3, 0)
    assert new["status"] == "loaded" and new["rows_staged"] == 4

    staged = _table("registrations")
    assert "registrations/EV-B/day1.csv" not in staged["_source_file"].to_list()
    emails_b = set(staged.filter(pl.col("event_id") == "EV-B")["email"])
    assert emails_b == {"liisa.makinen@example.fi", "anna.ivanova@example.ru", "johan.berg@example.com",
                        "karin.lund@example.se", "olav.dahl@example.no"}

    kept = _table("registrations_superseded")
    assert kept["_source_file"].unique().to_list() == ["registrations/EV-B/day1.csv"]
    assert sorted(kept["email"]) == ["anna.ivanova@example.ru", "johan.berg@example.se", "liisa.makinen@example.fi"]
    assert kept["reason_code"].null_count() == 3
    assert set(kept["superseded_by"]) == {"registrations/EV-B/day1_corrected.csv"}

    assert _check(checks.rows_reconcile_per_file).passed
    assert _check(ingest.superseded_files_reconcile).passed


def test_a_correction_declared_in_mapping_yml(data_dir, hmac_secret):
    registrations = data_dir / "raw" / "registrations"
    (registrations / "EV-A" / "final_list.csv").write_text(
        "Фамилия;Имя;Электронная почта;Страна\nИванова;Анна;anna.ivanova@example.ru;Россия\n", encoding="utf-8"
    )
    (registrations / "mapping.yml").write_text(
        "corrections:\n  - file: EV-A/final_list.csv\n    supersedes: seminar_list.csv\n", encoding="utf-8"
    )
    _ingest(data_dir)
    files = _files()
    assert files["registrations/EV-A/seminar_list.csv"]["status"] == "superseded"
    assert "mapping.yml" in files["registrations/EV-A/seminar_list.csv"]["status_detail"]
    kept = _table("registrations_superseded")
    # all 4 input rows of the superseded file are kept: 3 stageable, 1 that the reader quarantined
    assert kept.height == 4 and sorted(kept["reason_code"].drop_nulls()) == ["bad_email"]
    assert _table("registration_quarantine").filter(
        pl.col("_source_file") == "registrations/EV-A/seminar_list.csv").height == 0
    assert _check(ingest.superseded_files_reconcile).passed


def test_the_superseded_reconciliation_check_catches_a_staged_row_of_a_superseded_file(data_dir, hmac_secret):
    (data_dir / "raw" / "registrations" / "EV-B" / "day2.v2.csv").write_text(
        "First name,Last name,Email,Country\nOlav,Dahl,olav.dahl@example.no,Norway\nKarin,Lund,karin.lund@example.se,Sweden\n",
        encoding="utf-8")
    _ingest(data_dir)
    assert _check(ingest.superseded_files_reconcile).passed
    con = duckdb.connect(str(settings.warehouse_db()))
    # plant a loader bug: the staged view forgets the file status, so the superseded file's rows are staged
    columns = ", ".join(f'"{c}"' for c in con.sql("select * from raw.registrations limit 0").columns)
    con.execute(f"create or replace view raw.registrations as select {columns} from raw.registration_rows "
                "where reason_code is null")
    con.close()
    result = _check(ingest.superseded_files_reconcile)
    assert not result.passed
    assert result.metadata["files_not_reconciled"].value[0]["_source_file"] == "registrations/EV-B/day2.csv"


def test_a_malformed_file_fails_alone_with_a_clear_message(data_dir, hmac_secret):
    (data_dir / "raw" / "registrations" / "EV-B" / "crm_dump.csv").write_text(
        "Kundnummer;Kontakt;Land\n1001;2002;3\n", encoding="utf-8")
    _ingest(data_dir)
    files = _files()
    broken = files["registrations/EV-B/crm_dump.csv"]
    assert broken["status"] == "failed"
    assert "registrations/EV-B/crm_dump.csv" in broken["error"] and "mapping.yml" in broken["error"]
    assert all(f["status"] == "loaded" for name, f in files.items() if name != "registrations/EV-B/crm_dump.csv")
    assert _table("registrations").height == 7
    warning = _check(checks.every_file_loaded)
    assert not warning.passed and warning.severity == dg.AssetCheckSeverity.WARN
    assert [f["_source_file"] for f in warning.metadata["failed_files"].value] == ["registrations/EV-B/crm_dump.csv"]
    assert _check(checks.rows_reconcile_per_file).passed


def test_an_erased_email_is_left_out_of_every_table_and_counted(data_dir, hmac_secret, secret):
    _ingest(data_dir)
    persons_before = _table("person_identities")["person_key"].n_unique()
    assert persons_before == 5  # Иванова Анна = Anna Ivanova and Makinen = Mäkinen share their emails

    erasure.append_log([{"recorded_at": "2026-01-01T00:00:00+00:00", "action": erasure.ACTION_TOMBSTONE,
                         "key_kind": erasure.KIND_EMAIL, "key": erasure.email_tombstone_key("Anna.Ivanova@example.ru", secret),
                         "reason": "test"}])
    assert "anna" not in erasure.tombstones_file().read_text(encoding="utf-8").lower()
    _ingest(data_dir)

    staged = _table("registrations")
    assert staged.height == 5 and "anna.ivanova@example.ru" not in staged["email"].to_list()
    assert _table("person_identities")["person_key"].n_unique() == persons_before - 1
    quarantine = _table("registration_quarantine")
    erased = quarantine.filter(pl.col("reason_code") == "erased")
    assert sorted(zip(erased["_source_file"], erased["_source_row"])) == [
        ("registrations/EV-A/seminar_list.csv", 2), ("registrations/EV-B/day1.csv", 3)]
    assert erased["raw_record"].null_count() == 2
    assert not any("anna" in (cell or "").lower() or "иванова" in (cell or "").lower()
                   for column in quarantine.columns if quarantine[column].dtype == pl.String
                   for cell in quarantine[column].to_list())
    files = _files()
    assert files["registrations/EV-A/seminar_list.csv"]["rows_erased"] == 1
    assert files["registrations/EV-B/day1.csv"]["rows_erased"] == 1
    assert _check(checks.rows_reconcile_per_file).passed
    absent = _check(ingest.erased_persons_absent)
    assert absent.passed and absent.metadata["rows_erased"].value == 2


def test_a_quarantined_row_of_an_erased_person_loses_its_cells_too(data_dir, hmac_secret, secret):
    day2 = data_dir / "raw" / "registrations" / "EV-B" / "day2.csv"
    day2.write_text(day2.read_text(encoding="utf-8") + "Olav,Dahl,olav.dahl@example.no,Atlantis\n", encoding="utf-8")
    erasure.append_log([{"recorded_at": "2026-01-01T00:00:00+00:00", "action": erasure.ACTION_TOMBSTONE,
                         "key_kind": erasure.KIND_EMAIL, "key": erasure.email_tombstone_key("olav.dahl@example.no", secret)}])
    _ingest(data_dir)
    quarantine = _table("registration_quarantine").filter(pl.col("_source_file") == "registrations/EV-B/day2.csv")
    assert sorted(quarantine["_source_row"]) == [2, 3] and set(quarantine["reason_code"]) == {"erased"}
    assert quarantine["raw_record"].null_count() == 2
    details = sorted(quarantine["reason_detail"])
    assert "unknown_country" in details[0] and "would be staged" in details[1]


def test_a_name_tombstone_holds_for_its_event_only_in_any_order_and_without_diacritics(data_dir, hmac_secret, secret):
    erasure.append_log([{"recorded_at": "2026-01-01T00:00:00+00:00", "action": erasure.ACTION_TOMBSTONE,
                         "key_kind": erasure.KIND_NAME_EVENT, "event_id": "EV-B",
                         "key": erasure.name_event_key("MAKINEN Liisa", "EV-B", secret)}])
    _ingest(data_dir)
    staged = _table("registrations")
    # EV-B's «Liisa Mäkinen» is erased; the same person's EV-A row is another event's registration
    assert staged.filter((pl.col("event_id") == "EV-B") & (pl.col("first_name") == "Liisa")).height == 0
    assert staged.filter((pl.col("event_id") == "EV-A") & (pl.col("first_name") == "Liisa")).height == 1


def test_the_erasure_check_fails_when_an_erased_person_is_staged(data_dir, hmac_secret, secret):
    _ingest(data_dir)  # no tombstone yet: Johan is staged
    erasure.append_log([{"recorded_at": "2026-01-01T00:00:00+00:00", "action": erasure.ACTION_TOMBSTONE,
                         "key_kind": erasure.KIND_EMAIL, "key": erasure.email_tombstone_key("johan.berg@example.se", secret)}])
    result = _check(ingest.erased_persons_absent)
    assert not result.passed and result.metadata["rows_matching"].value == 1


def test_the_keys_need_the_secret_and_depend_on_it(secret):
    other = b"another-secret-of-at-least-32-characters!"
    assert erasure.email_tombstone_key(" Anna@Example.RU ", secret) == erasure.email_tombstone_key("anna@example.ru", secret)
    assert erasure.email_tombstone_key("anna@example.ru", secret) != erasure.email_tombstone_key("anna@example.ru", other)
    assert erasure.email_tombstone_key("anna@example.ru", secret) == privacy.email_key("anna@example.ru", secret)
    assert erasure.name_event_key("Anna Mäkinen", "EV", secret) == erasure.name_event_key("makinen  ANNA", "EV", secret)
    assert erasure.name_event_key("Anna Mäkinen", "EV", secret) != erasure.name_event_key("Anna Mäkinen", "EV2", secret)
    with pytest.raises(ValueError):
        erasure.name_event_key("Anna", "EV", secret)
    with pytest.raises(ValueError):
        erasure.email_tombstone_key("anna.example.ru", secret)

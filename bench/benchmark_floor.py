"""The floor: the build's transformations run directly in one DuckDB connection.

What a bare DuckDB pipeline would cost for the same raw files and the same dbt models:

1. **Read** every registration export with DuckDB's own ``read_csv``, one call per group of
   files with the same format (encoding, delimiter, header row and column mapping as the
   reader detected them — taken from the manifests the build stored in raw.registration_parses).  Files in cp1251 are
   transcoded to UTF-8 first (DuckDB reads cp1251 only with its ``encodings`` extension, which
   is not installed offline); XLSX files are opened with openpyxl (no ``excel`` extension
   offline either).  Both are timed as part of the floor.
2. **Normalise and quarantine** in SQL: header mapping, trimming and placeholders, value
   dictionaries (countries, organisation types, target groups, yes/no, sex, dates) computed
   once per distinct value with the reader's own value functions — the equivalent of seed
   tables — and the reader's quarantine rules in SQL (empty, test, missing name, bad e-mail,
   unknown country, unreadable date, duplicate in file).
3. **Identity**: exact keys only — the normalised e-mail, else name + organisation — hashed
   with the secret.  This is the part of identity resolution that SQL does cheaply; the
   pipeline's fuzzy rules and guards are not reproduced, so the floor is a lower bound.
4. The other ``raw`` tables (statistics, surveys, regions, …) and the seeds are copied from
   the built warehouse: they are small and not what scales.
5. **Models**: the compiled SQL of every dbt model of the build's run (its own target
   directory), in dependency order, as ``create or replace view|table``.
6. **Publish**: every mart copied to Parquet.

Checks (dbt tests, Great Expectations), dashboards and exports have no floor counterpart.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl

from benchmark_support import Stopwatch

FIELDS = ("first_name", "last_name", "patronymic", "full_name", "email", "phone", "organisation",
          "organisation_type", "target_group", "country", "city", "sex", "registered_on", "attended",
          "research_consent")
# Tables the floor derives itself from the registration exports.
REGISTRATION_TABLES = ("registrations", "registration_quarantine", "registration_files", "person_identities",
                       "registrations_superseded", "person_match_evidence", "registration_rows",
                       "registration_parses")
PLACEHOLDERS = ("", "-", "—", "–", "n/a", "н/д", "нет данных", ".")


def file_manifests(data_dir: Path, built: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The reader's manifest of every loaded registration file, as the build stored it
    (``raw.registration_parses``): how each file was read is the plan, not part of the floor.
    Only files still on disk: a build that later loaded another file (the benchmark's
    incremental event, removed after it) still describes the generated set."""
    manifests = built.sql(
        "select f._source_file as source_file, f._file_hash as file_hash, p.manifest "
        "from built.raw.registration_files as f join built.raw.registration_parses as p using (_source_file) "
        "where f.status = 'loaded'").pl()
    raw_root = Path(data_dir) / "raw"
    return manifests.filter(pl.Series([(raw_root / f).is_file() for f in manifests["source_file"]], dtype=pl.Boolean))


_ENV_VAR = re.compile(r"""\{\{\s*env_var\(\s*'([^']+)'\s*(?:,\s*'([^']*)'\s*)?\)\s*\}\}""")


def duckdb_settings() -> dict[str, str]:
    """The DuckDB settings of the dbt profile (memory limit …), with its env_var() defaults
    rendered as dbt renders them, but those naming paths."""
    import yaml

    profile = yaml.safe_load((Path(__file__).resolve().parents[1] / "dbt_project" / "profiles.yml").read_text())
    target = next(iter(profile["cci_warehouse"]["outputs"].values()))
    settings = {k: _ENV_VAR.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ""), str(v))
                for k, v in (target.get("settings") or {}).items()}
    return {k: v for k, v in settings.items() if "directory" not in k}


def run_floor(data_dir: Path, built_db: Path, dbt_target: Path, floor_dir: Path, secret: bytes,
              reference_db: Path | None = None) -> dict:
    """The floor for one data directory.  ``built_db`` is that directory's build (its small tables
    and table shapes are reused); ``reference_db``, another complete build, stands in for the
    tables a stopped build had not written yet (their shapes, the seeds, small lookup tables)."""
    data_dir, floor_dir = Path(data_dir), Path(floor_dir)
    raw_root = data_dir / "raw"
    shutil.rmtree(floor_dir, ignore_errors=True)
    floor_dir.mkdir(parents=True)
    database = floor_dir / built_db.name  # same catalog name as the build, so compiled refs resolve
    con = duckdb.connect(str(database))
    for name, value in duckdb_settings().items():  # the same limits as the build's dbt profile
        con.execute(f"set {name} = '{value}'")
    con.execute(f"attach '{built_db}' as built (read_only)")
    if reference_db is not None:
        con.execute(f"attach '{reference_db}' as ref (read_only)")
    watch = Stopwatch()
    manifests = file_manifests(data_dir, con.cursor())
    watch.lap("plan (untimed)")

    con.execute("create schema if not exists raw")
    _registries(con, raw_root)
    rows_read = _read_registration_files(con, raw_root, manifests, floor_dir)
    watch.lap("read_files")
    _normalise_and_quarantine(con, manifests)
    watch.lap("normalise_quarantine")
    _identities(con, secret)
    watch.lap("identity")
    _copy_other_raw_and_seeds(con)
    watch.lap("copy_small_tables")
    models = _run_models(con, dbt_target)
    watch.lap("models")
    marts = _export_marts(con, floor_dir / "marts")
    watch.lap("publish_parquet")
    summary = _summary(con)
    con.close()
    laps = dict(watch.laps)
    laps.pop("plan (untimed)", None)
    return {"seconds": round(sum(laps.values()), 2), "laps": laps, "rows_read": rows_read, "models": models,
            "marts": marts, "summary": summary,
            "notes": ["cp1251 files transcoded in Python (no DuckDB encodings extension offline)",
                      "XLSX files read with openpyxl (no DuckDB excel extension offline)",
                      "identity: exact e-mail or name+organisation keys only"]}


# ---------------------------------------------------------------------- reading


def _insert(con: duckdb.DuckDBPyConnection, table: str, select_sql: str) -> None:
    """Insert a query's rows by column name, keeping only the columns the table (the build's shape) has."""
    wanted = {row[0] for row in con.execute(f"describe {table}").fetchall()}
    offered = [row[0] for row in con.execute(f"describe ({select_sql})").fetchall()]
    columns = ", ".join(f'"{c}"' for c in offered if c in wanted)
    con.execute(f"insert into {table} by name select {columns} from ({select_sql})")



def _registries(con: duckdb.DuckDBPyConnection, raw_root: Path) -> None:
    for table, relative in (("projects", "programme/projects.csv"), ("events", "events/events.csv")):
        path = raw_root / relative
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        con.execute(f"create or replace table raw.{table} as select * from {_source(con, 'raw', table)} limit 0")
        _insert(con, f"raw.{table}",
                f"select *, '{relative}' as _source_file, "
                f"cast(row_number() over () + 1 as bigint) as _source_row, '{digest}' as _file_hash, "
                f"now() as _ingested_at from read_csv('{path}', all_varchar = true, header = true)")


def _read_registration_files(con: duckdb.DuckDBPyConnection, raw_root: Path, manifests: pl.DataFrame,
                             floor_dir: Path) -> int:
    """Every file's data rows as text, mapped to the reader's field names, in ``floor_cells``."""
    fields_sql = ", ".join(f"{f} varchar" for f in FIELDS)
    con.execute(f"create or replace table floor_cells (source_file varchar, file_hash varchar, event_id varchar, "
                f"source_row bigint, raw_cells varchar, {fields_sql})")
    groups: dict[tuple, list[dict]] = {}
    for row in manifests.iter_rows(named=True):
        manifest = json.loads(row["manifest"])
        mapping = tuple(sorted(manifest["column_mapping"].items()))
        key = (manifest["format"], manifest["encoding"], manifest["delimiter"], manifest["header_row"], mapping)
        groups.setdefault(key, []).append(manifest)
    transcoded = floor_dir / "utf8"
    for (fmt, encoding, delimiter, header_row, mapping), files in groups.items():
        if fmt == "xlsx":
            _insert_xlsx(con, raw_root, files, dict(mapping))
            continue
        paths = []
        for manifest in files:
            path = raw_root / manifest["source_file"]
            if encoding not in ("utf-8", "utf-8-sig"):
                target = transcoded / manifest["source_file"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes().decode(encoding).encode("utf-8"))
                path = target
            paths.append(str(path))
        by_path = pl.DataFrame({"path": paths, "source_file": [m["source_file"] for m in files],
                                "file_hash": [m["file_hash"] for m in files],
                                "event_id": [m["event_id"] for m in files]})
        con.register("floor_paths", by_path)
        selected = ", ".join(
            f'"{header}" as {field}' for header, field in mapping if field in FIELDS)
        missing = ", ".join(f"null as {f}" for f in FIELDS if f not in dict(mapping).values())
        skip = (header_row or 1) - 1
        con.execute(
            f"""insert into floor_cells by name
            select p.source_file, p.file_hash, p.event_id,
                   cast(row_number() over (partition by c.filename) + {skip + 1} as bigint) as source_row,
                   to_json(struct_pack(*COLUMNS(* exclude (filename))))::varchar as raw_cells,
                   {selected}{', ' + missing if missing else ''}
            from read_csv($paths, delim = '{delimiter}', header = true, skip = {skip}, all_varchar = true,
                          filename = true, null_padding = true) as c
            join floor_paths as p on p.path = c.filename""", {"paths": paths})
        con.unregister("floor_paths")
    return con.execute("select count(*) from floor_cells").fetchone()[0]


def _insert_xlsx(con: duckdb.DuckDBPyConnection, raw_root: Path, files: list[dict], mapping: dict[str, str]) -> None:
    import datetime as dt

    import openpyxl

    records = []
    for manifest in files:
        workbook = openpyxl.load_workbook(raw_root / manifest["source_file"], read_only=True, data_only=True)
        sheet = workbook[manifest["sheets"][0]] if manifest["sheets"] else workbook.active
        header = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number < manifest["header_row"]:
                continue
            if number == manifest["header_row"]:
                header = [str(v) if v is not None else None for v in values]
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            cells = {h: v for h, v in zip(header, values) if h is not None}
            record = {"source_file": manifest["source_file"], "file_hash": manifest["file_hash"],
                      "event_id": manifest["event_id"], "source_row": number,
                      "raw_cells": json.dumps({k: str(v) if v is not None else None for k, v in cells.items()},
                                              ensure_ascii=False)}
            for header_text, field in mapping.items():
                if field in FIELDS:
                    value = cells.get(header_text)
                    if isinstance(value, (dt.date, dt.datetime)):
                        value = value.strftime("%Y-%m-%d")
                    record[field] = None if value is None else str(value)
            records.append(record)
        workbook.close()
    if records:
        frame = pl.DataFrame(records, infer_schema_length=None)
        con.register("floor_xlsx", frame)
        con.execute("insert into floor_cells by name select * from floor_xlsx")
        con.unregister("floor_xlsx")


# ---------------------------------------------------------------------- normalising


def _dictionary(con: duckdb.DuckDBPyConnection, name: str, values_sql: str, function) -> None:
    """A lookup table ``name(value, code)`` from the distinct values of a query."""
    values = [row[0] for row in con.execute(values_sql).fetchall()]
    codes = []
    for value in values:
        try:
            codes.append(function(value))
        except ValueError:
            codes.append(None)
    frame = pl.DataFrame({"value": values, "code": codes}, schema={"value": pl.String, "code": pl.String})
    con.register(f"_{name}", frame)
    con.execute(f"create or replace temp table {name} as select * from _{name}")
    con.unregister(f"_{name}")


def _normalise_and_quarantine(con: duckdb.DuckDBPyConnection, manifests: pl.DataFrame) -> None:
    from pipelines.registrations import normalise as norm
    from pipelines.registrations import vocabulary as vocab

    placeholders = ", ".join(f"'{p}'" for p in PLACEHOLDERS)
    cleaned = ", ".join(
        f"case when lower(trim({f})) in ({placeholders}) then null else trim({f}) end as {f}" for f in FIELDS)
    con.execute(f"create or replace temp table floor_clean as select source_file, file_hash, event_id, source_row, "
                f"raw_cells, {cleaned} from floor_cells")
    _dictionary(con, "dict_country", "select distinct country from floor_clean where country is not null",
                norm.parse_country)
    _dictionary(con, "dict_date", "select distinct registered_on from floor_clean where registered_on is not null",
                lambda v: (d.isoformat() if (d := norm.parse_date(v, "dmy")) else None))
    _dictionary(con, "dict_bool",
                "select distinct v from (select attended as v from floor_clean union select research_consent "
                "from floor_clean) where v is not null",
                lambda v: None if (b := norm.parse_bool(v)) is None else str(b).lower())
    _dictionary(con, "dict_tick", "select distinct attended from floor_clean where attended is not null",
                lambda v: "true" if vocab.is_tick_mark(v) else "false")
    _dictionary(con, "dict_sex", "select distinct sex from floor_clean where sex is not null", norm.parse_sex)
    _dictionary(con, "dict_org_type", "select distinct organisation_type from floor_clean "
                "where organisation_type is not null",
                lambda v: vocab.organisation_type_from_text(v, explicit=True))
    _dictionary(con, "dict_org_name", "select distinct organisation from floor_clean where organisation is not null",
                lambda v: vocab.organisation_type_from_text(v, explicit=False))
    _dictionary(con, "dict_group", "select distinct target_group from floor_clean where target_group is not null",
                vocab.target_group_from_text)
    test_domains = ", ".join(f"'{d}'" for d in sorted(vocab.TEST_EMAIL_DOMAINS))
    test_token = r"(^|[\s,.\-_])(test|tests|testing|testi|тест|asdf\w*|qwerty\w*|x{3,}|dummy)\d*($|[\s,.\-_])"
    by_type = vocab.TARGET_GROUP_BY_ORGANISATION_TYPE
    group_of_type = " ".join(f"when '{t}' then '{g}'" for t, g in by_type.items())
    con.execute(f"""
    create or replace temp table floor_rows as
    with named as (
        select c.*,
            coalesce(c.first_name, case when c.full_name is not null then
                case when regexp_matches(c.full_name, '[а-яА-ЯёЁ]') then split_part(c.full_name, ' ', 2)
                     else split_part(c.full_name, ' ', 1) end end) as first_n,
            coalesce(c.last_name, case when c.full_name is not null then
                case when regexp_matches(c.full_name, '[а-яА-ЯёЁ]') then split_part(c.full_name, ' ', 1)
                     else split_part(c.full_name, ' ', 2) end end) as last_n,
            coalesce(c.patronymic, case when regexp_matches(coalesce(c.full_name, ''), '[а-яА-ЯёЁ]')
                 then nullif(split_part(c.full_name, ' ', 3), '') end) as patronymic_n,
            lower(trim(c.email)) as email_n,
            -- a column of tick marks only: its blanks mean "no" (as the reader reads them)
            bool_and(coalesce(t.code = 'true', true)) over (partition by c.source_file)
                and count(c.attended) over (partition by c.source_file) > 0 as tick_column
        from floor_clean as c
        left join dict_tick as t on t.value = c.attended
    ),
    coded as (
        select n.*,
            dc.code as country_code, dd.code as registered_code, ds.code as sex_code,
            coalesce(dt.code, dn.code, case when n.organisation_type is not null then 'other' else 'unknown' end)
                as organisation_type_code,
            ba.code as attended_code, bc.code as consent_code, dg.code as group_code
        from named as n
        left join dict_country as dc on dc.value = n.country
        left join dict_date as dd on dd.value = n.registered_on
        left join dict_sex as ds on ds.value = n.sex
        left join dict_org_type as dt on dt.value = n.organisation_type
        left join dict_org_name as dn on dn.value = n.organisation
        left join dict_bool as ba on ba.value = n.attended
        left join dict_bool as bc on bc.value = n.research_consent
        left join dict_group as dg on dg.value = n.target_group
    ),
    judged as (
        select *,
            case
                when event_id is null then 'no_event'
                when first_n is null and last_n is null and email_n is null and phone is null and organisation is null
                    then 'empty_row'
                when regexp_matches(lower(coalesce(first_n, '') || ' ' || coalesce(last_n, '')), '{test_token}')
                     or split_part(email_n, '@', 2) in ({test_domains}) then 'test_record'
                when first_n is null and last_n is null and email_n is null then 'missing_name'
                when email_n is not null and not regexp_full_match(email_n, '[^@\\s]+@[^@\\s]+\\.[^@\\s\\d]{{2,}}')
                    then 'bad_email'
                when country is not null and country_code is null then 'unknown_country'
                when registered_on is not null and registered_code is null then 'unparseable_date'
            end as reason
        from coded
    )
    select *,
        case when reason is null and row_number() over (partition by source_file, raw_cells order by source_row) > 1
             then 'duplicate_in_file' else reason end as reason_code
    from judged""")
    con.execute(f"create or replace table raw.registrations as "
                f"select * from {_source(con, 'raw', 'registrations')} limit 0")
    _insert(con, "raw.registrations", f"""
    select substr(file_hash, 1, 16) || ':' || source_row as registration_id, event_id,
           source_file as _source_file, source_row as _source_row, file_hash as _file_hash,
           first_n as first_name, last_n as last_name, patronymic_n as patronymic,
           coalesce(full_name, concat_ws(' ', first_n, last_n)) as full_name, email_n as email,
           regexp_replace(phone, '[^0-9+]', '', 'g') as phone, organisation,
           organisation_type_code as organisation_type,
           coalesce(group_code, case organisation_type_code {group_of_type} else 'unknown' end) as target_group,
           country_code, city, sex_code as sex, cast(registered_code as date) as registered_on,
           case when attended_code is not null then attended_code = 'true'
                when attended is null and tick_column then false end as attended,
           case when consent_code is not null then consent_code = 'true' end as research_consent,
           now() as _ingested_at
    from floor_rows where reason_code is null""")
    con.execute(f"create or replace table raw.registration_quarantine as "
                f"select * from {_source(con, 'raw', 'registration_quarantine')} limit 0")
    _insert(con, "raw.registration_quarantine", """
    select event_id, source_file as _source_file, cast(null as varchar) as source_sheet, source_row as _source_row,
           file_hash as _file_hash, reason_code, reason_code as reason_detail, raw_cells as raw_record,
           now() as _ingested_at
    from floor_rows where reason_code is not null""")
    con.execute(f"create or replace table raw.registration_files as "
                f"select * from {_source(con, 'raw', 'registration_files')} limit 0")
    _insert(con, "raw.registration_files", """
    select source_file as _source_file, any_value(file_hash) as _file_hash, any_value(event_id) as event_id,
           'loaded' as status, count(*) as rows_read, count(*) filter (where reason_code is null) as rows_staged,
           count(*) filter (where reason_code is not null) as rows_quarantined, 0 as rows_erased,
           now() as _ingested_at
    from floor_rows group by source_file""")
    # formats and encodings as the reader saw them
    formats = manifests.select(pl.col("source_file"), pl.col("manifest").map_elements(
        lambda m: json.loads(m)["format"], return_dtype=pl.String).alias("file_format"),
        pl.col("manifest").map_elements(lambda m: json.loads(m)["encoding"], return_dtype=pl.String).alias("encoding"))
    con.register("floor_formats", formats)
    con.execute("update raw.registration_files set file_format = f.file_format, encoding = f.encoding "
                "from floor_formats as f where f.source_file = raw.registration_files._source_file")
    con.unregister("floor_formats")


# ---------------------------------------------------------------------- identity


def _identities(con: duckdb.DuckDBPyConnection, secret: bytes) -> None:
    salt = secret.hex()
    con.execute(f"create or replace table raw.person_identities as "
                f"select * from {_source(con, 'raw', 'person_identities')} limit 0")
    _insert(con, "raw.person_identities", f"""
    with keyed as (
        select registration_id, event_id,
               case when email is not null then 'email:' || email
                    else 'name:' || lower(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))
                         || '|org:' || lower(coalesce(organisation, '')) end as person_basis,
               case when organisation is not null
                    then coalesce(country_code, '??') || '|' || lower(trim(organisation)) end as organisation_basis,
               case when email is not null then 'email' else 'name+organisation' end as match_rule
        from raw.registrations
    )
    select registration_id, event_id,
           substr(sha256('{salt}' || person_basis), 1, 16) as person_key,
           case when organisation_basis is not null
                then substr(sha256('{salt}' || organisation_basis), 1, 16) end as organisation_key,
           dense_rank() over (order by person_basis) - 1 as person_cluster,
           match_rule
    from keyed""")
    for table in ("registrations_superseded", "person_match_evidence"):
        source = _source(con, "raw", table, required=False)
        if source:
            con.execute(f"create or replace table raw.{table} as select * from {source} limit 0")


def _source(con: duckdb.DuckDBPyConnection, schema: str, table: str, required: bool = True) -> str | None:
    """``built.<schema>.<table>``, else the reference build's, for a table the floor copies or imitates."""
    for database in ("built", "ref"):
        found = con.execute("select count(*) from (select database_name, schema_name, table_name from duckdb_tables() "
                            "union all select database_name, schema_name, view_name from duckdb_views()) "
                            "where database_name = ? and schema_name = ? and table_name = ?",
                            [database, schema, table]).fetchone()[0]
        if found:
            return f'{database}.{schema}."{table}"'
    if required:
        raise RuntimeError(f"{schema}.{table} is in neither the build nor a reference build")
    return None


def _copy_other_raw_and_seeds(con: duckdb.DuckDBPyConnection) -> None:
    tables = con.execute("select distinct schema_name, table_name from duckdb_tables() "
                         "where database_name in ('built', 'ref') "
                         "and (schema_name = 'raw' or schema_name = 'reference')").fetchall()
    for schema, table in tables:
        if schema == "raw" and (table in REGISTRATION_TABLES or table in ("projects", "events")):
            continue
        con.execute(f"create schema if not exists {schema}")
        con.execute(f'create or replace table {schema}."{table}" as select * from {_source(con, schema, table)}')



# ---------------------------------------------------------------------- models


def _run_models(con: duckdb.DuckDBPyConnection, target: Path) -> int:
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    order, seen = [], set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in nodes:
            return
        seen.add(uid)
        for parent in nodes[uid]["depends_on"]["nodes"]:
            visit(parent)
        order.append(uid)

    for uid in sorted(nodes):
        visit(uid)
    count = 0
    for uid in order:
        node = nodes[uid]
        materialized = node["config"]["materialized"]
        if materialized == "ephemeral":
            continue  # inlined into its dependants' compiled SQL
        compiled = target / "compiled" / node["package_name"] / node["original_file_path"]
        if not compiled.exists():
            raise FileNotFoundError(f"no compiled SQL for {uid} at {compiled}: was the model built in this run?")
        sql = compiled.read_text(encoding="utf-8").rstrip().rstrip(";")
        relation = f'"{node["database"]}"."{node["schema"]}"."{node.get("alias") or node["name"]}"'
        kind = "view" if materialized == "view" else "table"
        con.execute(f'create schema if not exists "{node["database"]}"."{node["schema"]}"')
        try:
            con.execute(f"create or replace {kind} {relation} as {sql}")
        except duckdb.Error as error:
            raise RuntimeError(f"floor: {uid} failed after {count} models: {error}") from error
        count += 1
    return count


def _export_marts(con: duckdb.DuckDBPyConnection, directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    marts = [row[0] for row in con.execute("select table_name from duckdb_tables() where schema_name = 'marts' "
                                       "and database_name = current_database()").fetchall()]
    for mart in marts:
        con.execute(f"copy marts.{mart} to '{directory / mart}.parquet' (format parquet)")
    return len(marts)


def _summary(con: duckdb.DuckDBPyConnection) -> dict:
    """Headline figures of the floor's marts, to set beside the pipeline's and the ground truth."""
    out = {}
    queries = {
        "registrations_staged": "select count(*) from raw.registrations",
        "rows_quarantined": "select count(*) from raw.registration_quarantine",
        "participations": "select count(*) from intermediate.int_participations_deduplicated",
        "unique_participants": "select count(distinct person_key) from intermediate.int_participations_deduplicated",
    }
    for name, sql in queries.items():
        try:
            out[name] = con.execute(sql).fetchone()[0]
        except duckdb.Error as error:
            message = re.sub(r"\s+", " ", str(error))[:80]
            out[name] = f"n/a ({message})"
    return out

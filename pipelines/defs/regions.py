"""The region dimension, its hierarchy, code aliases and the city gazetteer as raw tables, and
where each registration city lies.

The code lists ship with the package (`pipelines/statistics/data/`), so these tables are rebuilt
from code on every run; only `raw.registration_city_regions` depends on the registration files.
"""


import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.warehouse_io import ingested_now, replace_table
from pipelines.statistics import region_dimension
from pipelines.statistics.gazetteer import load_cities, locate_cities
from pipelines.statistics.regions import EUROSTAT_COUNTRY_CODES, NON_STANDARD_CODES

ANCESTOR_SCHEMA = {
    "region_code": pl.String, "ancestor_code": pl.String, "distance": pl.Int64, "relation": pl.String,
}
ALIAS_SCHEMA = {"alias_code": pl.String, "region_code": pl.String, "reason": pl.String}


def region_ancestors(dimension: pl.DataFrame) -> pl.DataFrame:
    """Every region with itself and every region that contains it: one row per pair.

    ``relation`` is ``self`` (distance 0), ``parent`` (the parent chain: NUTS 3 → 2 → 1 →
    country; subject → federal district → RU) or ``aggregate``: ``RU-ARK`` and ``RU-NEN``
    both lie in the aggregate ``RU-ARK+NEN`` (whose own parent is the federal district), so
    counting persons "in RU-ARK+NEN" takes both without making the aggregate a parent.
    """
    parents = dict(dimension.select("region_code", "parent_code").iter_rows())
    aggregates = dimension.filter(pl.col("level") == "aggregate").get_column("region_code").to_list()
    contained_in: dict[str, list[str]] = {}
    for aggregate in aggregates:
        prefix, members = aggregate.split("-", 1)
        for member in members.split("+"):
            code = f"{prefix}-{member}"
            if code not in parents:
                raise ValueError(f"aggregate {aggregate} names {code}, which is not in the dimension")
            contained_in.setdefault(code, []).append(aggregate)
    rows: list[tuple[str, str, int, str]] = []
    for code in parents:
        seen = {code}
        rows.append((code, code, 0, "self"))
        current, distance = parents.get(code), 1
        while current is not None and current not in seen:
            rows.append((code, current, distance, "parent"))
            seen.add(current)
            current, distance = parents.get(current), distance + 1
        for aggregate in contained_in.get(code, []):
            rows.append((code, aggregate, 1, "aggregate"))
    return pl.DataFrame(rows, schema=ANCESTOR_SCHEMA, orient="row")


def region_code_aliases() -> pl.DataFrame:
    """Codes that sources write otherwise than the dimension (Eurostat ``EL``/``UK``, ``RU-SPB``…)."""
    rows = [(alias, code, "Eurostat country code") for alias, code in EUROSTAT_COUNTRY_CODES.items()]
    rows += [(alias, code, "non-standard code in published code lists") for alias, code in NON_STANDARD_CODES.items()]
    return pl.DataFrame(rows, schema=ALIAS_SCHEMA, orient="row")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "regions"], group_name="ingest", kinds={"polars", "duckdb"},
                     description="The region dimension: countries, NUTS 1–3 (2013/2016/2021) of the Nordic and Baltic "
                                 "countries, Russian federal subjects (ISO 3166-2), federal districts and aggregates."),
        dg.AssetSpec(["raw", "region_ancestors"], group_name="ingest", kinds={"duckdb"},
                     description="Each region with every region containing it (parent chain and aggregates such as RU-ARK+NEN)."),
        dg.AssetSpec(["raw", "region_code_aliases"], group_name="ingest", kinds={"duckdb"},
                     description="Region codes as some sources write them (Eurostat EL, UK; RU-SPB) and the code used here."),
        dg.AssetSpec(["raw", "gazetteer_cities"], group_name="ingest", kinds={"duckdb"},
                     description="The city gazetteer: names in English, the local language and Russian, aliases, region code."),
    ],
    pool=WAREHOUSE_POOL,
)
def raw_region_reference(duckdb: DuckDBResource):
    now = ingested_now()
    dimension = region_dimension()
    tables = {
        "regions": dimension,
        "region_ancestors": region_ancestors(dimension),
        "region_code_aliases": region_code_aliases(),
        "gazetteer_cities": load_cities(),
    }
    with duckdb.get_connection() as con:
        for name, frame in tables.items():
            replace_table(con, f"raw.{name}", frame.with_columns(pl.lit(now).alias("_ingested_at")))
    for name, frame in tables.items():
        yield dg.MaterializeResult(asset_key=["raw", name], metadata={"rows": frame.height})


@dg.asset(
    key=["raw", "registration_city_regions"],
    deps=[["raw", "registrations"]],
    group_name="ingest",
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
    description=(
        "Each distinct (country, city) written in a registration, located in the region dimension with the "
        "gazetteer (NUTS 2 of 2016 or ISO 3166-2); unmatched spellings are kept with a null region."
    ),
)
def raw_registration_city_regions(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        pairs = con.sql(
            "select distinct upper(trim(country_code)) as country_code, city "
            "from raw.registrations where city is not null"
        ).pl()
    located = locate_cities(pairs).with_columns(pl.lit(ingested_now()).alias("_ingested_at"))
    with duckdb.get_connection() as con:
        replace_table(con, "raw.registration_city_regions", located)
    unmatched = located.filter(pl.col("region_code").is_null())
    if unmatched.height:
        context.log.info(f"{unmatched.height} registration cities not in the gazetteer (located by country only)")
    methods = located.group_by("match_method").len().sort("match_method").to_dicts()
    return dg.MaterializeResult(
        metadata={
            "cities": located.height,
            "unmatched": unmatched.height,
            "methods": dg.MetadataValue.json(methods),
            "unmatched_examples": dg.MetadataValue.json(
                unmatched.head(20).select("country_code", "city").to_dicts()
            ),
        }
    )

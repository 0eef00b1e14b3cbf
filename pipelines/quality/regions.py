"""Expectations on the regional marts: the region dimension covers the programme's area, codes are
normalised, and derived figures stay within their ranges (a missing input gives null, never zero)."""

from pipelines.quality import E, MartSuite
from pipelines.statistics import region_dimension
from pipelines.statistics.regions import BALTIC, NORDIC, NW_RUSSIA_DISTRICT, nuts_codes

LEVELS = ["country", "nuts1", "nuts2", "nuts3", "federal_district", "federal_subject", "subdivision", "aggregate"]
FLAG_PATTERN = r"^[:a-z\-]+$"


def required_regions() -> list[str]:
    """Every country, every NUTS 2 region of 2016 (Extra-Regio aside) of the Nordic and Baltic
    countries, and every North-West Russian subject with its district."""
    nuts2 = sorted(code for code in nuts_codes(2016) if len(code) == 4 and not code.endswith("ZZ"))
    dimension = region_dimension()
    nw_russia = dimension.filter(dimension["parent_code"] == NW_RUSSIA_DISTRICT)["region_code"].to_list()
    return sorted({*NORDIC, *BALTIC, "RU", NW_RUSSIA_DISTRICT, *nuts2, *nw_russia})


SUITES = [
    MartSuite("dim_regions", lambda: [
        E.ExpectColumnValuesToBeUnique(column="region_code"),
        E.ExpectColumnValuesToBeInSet(column="level", value_set=LEVELS),
        E.ExpectColumnDistinctValuesToContainSet(column="region_code", value_set=required_regions()),
        E.ExpectColumnValuesToNotBeNull(column="is_nordic"),
        E.ExpectColumnValuesToNotBeNull(column="is_baltic"),
        E.ExpectColumnValuesToNotBeNull(column="is_nw_russia"),
        E.ExpectColumnValuesToNotBeNull(column="is_ndpc_partner"),
    ]),
    MartSuite("fct_regional_statistics", lambda: [
        E.ExpectColumnValuesToNotBeNull(column="region_code"),
        E.ExpectColumnValuesToNotBeInSet(column="region_code", value_set=["EL", "UK", "RU-SPB"]),
        E.ExpectColumnValuesToBeInSet(column="nuts_version", value_set=[2013, 2016, 2021]),
        E.ExpectColumnValuesToMatchRegex(column="source_file_hash", regex=r"^[0-9a-f]{64}$"),
        E.ExpectColumnValuesToNotBeNull(column="is_aggregate_region"),
    ]),
    MartSuite("fct_regional_context", lambda: [
        E.ExpectCompoundColumnsToBeUnique(column_list=["region_code", "year", "project_id"]),
        E.ExpectColumnValuesToBeBetween(column="population", min_value=0, strict_min=True),
        E.ExpectColumnValuesToBeBetween(column="gdp_per_capita_eur", min_value=0, strict_min=True),
        E.ExpectColumnValuesToBeBetween(column="employment_j_r_u_pct", min_value=0, max_value=100),
        E.ExpectColumnValuesToBeBetween(column="participants", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="participants_per_100k", min_value=0),
        E.ExpectColumnValuesToBeInSet(column="exchange_rate_source", value_set=["ecb", "fallback", "missing"]),
        E.ExpectColumnValuesToMatchRegex(column="gdp_per_capita_flag", regex=FLAG_PATTERN),
        E.ExpectColumnValuesToMatchRegex(column="participants_per_100k_flag", regex=FLAG_PATTERN),
        # A country counts its participants whose city is unknown too, so it holds at least those.
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="participants", column_B="participants_without_region", or_equal=True,
            row_condition='region_level=="country"', condition_parser="pandas",
        ),
    ]),
]

"""Expectations on the participation marts (projects, events, persons, organisations, indicators,
achievement and validation results)."""

from pipelines.quality import E, MartSuite

KEY_PATTERN = r"^[0-9a-f]{16}$"
TARGET_GROUPS = ["cci_business", "support_organisation", "education", "other_sector", "unknown"]
PERIOD_TYPES = ["month", "quarter", "year", "cumulative", "project_to_date"]
DISAGGREGATIONS = ["total", "target_group", "country", "organisation_type", "sex", "region", "event"]
INTERREG_CODES = ["RCO81", "RCO87", "RCO115", "RCR84", "RCR85"]

SUITES = [
    MartSuite("dim_projects", lambda: [
        E.ExpectColumnValuesToNotBeNull(column="project_id"),
        E.ExpectColumnValuesToBeUnique(column="project_id"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="end_date", column_B="start_date", or_equal=True),
    ]),
    MartSuite("dim_events", lambda: [
        E.ExpectColumnValuesToBeUnique(column="event_id"),
        E.ExpectColumnValuesToMatchRegex(column="country_code", regex=r"^[A-Z]{2}$"),
        E.ExpectColumnValuesToBeInSet(column="event_kind", value_set=["public_event", "joint_action"]),
        E.ExpectColumnValuesToBeBetween(column="participations", min_value=0),
    ]),
    MartSuite("dim_persons", lambda: [
        E.ExpectColumnValuesToBeUnique(column="person_key"),
        E.ExpectColumnValuesToMatchRegex(column="person_key", regex=KEY_PATTERN),
        E.ExpectColumnValuesToBeInSet(column="target_group", value_set=TARGET_GROUPS),
        E.ExpectColumnValuesToBeBetween(column="events_attended", min_value=1),
    ]),
    MartSuite("dim_organisations", lambda: [
        E.ExpectColumnValuesToBeUnique(column="organisation_key"),
        E.ExpectColumnValuesToMatchRegex(column="organisation_key", regex=KEY_PATTERN),
    ]),
    MartSuite("fct_participations", lambda: [
        E.ExpectColumnValuesToNotBeNull(column="person_key"),
        E.ExpectColumnValuesToMatchRegex(column="person_key", regex=KEY_PATTERN),
        E.ExpectCompoundColumnsToBeUnique(column_list=["person_key", "event_id"]),
        E.ExpectColumnValuesToBeInSet(column="target_group", value_set=TARGET_GROUPS),
        E.ExpectColumnValuesToNotBeNull(column="is_cross_border"),
    ]),
    MartSuite("fct_indicator_values", lambda: [
        E.ExpectColumnValuesToBeBetween(column="value", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="n", min_value=0),
        E.ExpectColumnValuesToBeInSet(column="period_type", value_set=PERIOD_TYPES),
        E.ExpectColumnValuesToBeInSet(column="disaggregation", value_set=DISAGGREGATIONS),
        E.ExpectColumnValuesToBeInSet(column="indicator_type", value_set=["output", "outcome"]),
        E.ExpectColumnValuesToNotBeNull(column="is_small_cell"),
        E.ExpectCompoundColumnsToBeUnique(column_list=[
            "project_id", "indicator_code", "period_type", "period_id", "disaggregation", "disaggregation_value"]),
    ]),
    MartSuite("fct_indicator_achievement", lambda: [
        E.ExpectColumnValuesToNotBeNull(column="target"),
        E.ExpectColumnValuesToBeBetween(column="target", min_value=0),
        E.ExpectColumnValuesToBeInSet(column="target_source", value_set=["targets_file", "registry", "trajectory"]),
        E.ExpectCompoundColumnsToBeUnique(column_list=["project_id", "indicator_code", "period_type", "period_id"]),
    ]),
    MartSuite("dim_indicators", lambda: [
        E.ExpectColumnValuesToBeUnique(column="indicator_code"),
        E.ExpectColumnValuesToNotBeNull(column="indicator_name_ru"),
        E.ExpectColumnValuesToBeInSet(column="iati_vocabulary", value_set=["99"]),
        E.ExpectColumnValuesToBeInSet(column="interreg_code", value_set=INTERREG_CODES),
    ]),
    MartSuite("fct_validation_results", lambda: [
        # A release is published only when every rule held (tests/validation/ block the build).
        E.ExpectColumnValuesToBeInSet(column="passed", value_set=[True]),
        E.ExpectColumnValuesToBeBetween(column="violations", min_value=0, max_value=0),
    ]),
    MartSuite("fct_participants_cumulative", lambda: [
        E.ExpectColumnValuesToBeBetween(column="cumulative_unique_participants", min_value=0),
        E.ExpectCompoundColumnsToBeUnique(column_list=["project_id", "month_end"]),
    ]),
]

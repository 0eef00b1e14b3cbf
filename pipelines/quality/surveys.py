"""Expectations on the survey marts (policy scores, index, comparisons; follow-up outcomes)."""

from pipelines.quality import E, MartSuite

POLICY_DIMENSIONS = [
    "strategy", "funding", "internationalisation_export", "incubators_clusters", "education_skills",
    "intellectual_property", "statistics_mapping", "cross_border_cooperation", "overall",
]
GROUP_TYPES = ["country", "country_group", "all"]
OUTCOME_INDICATORS = [
    "followup_respondents", "followup_response_rate", "respondents_with_new_contacts_abroad_pct",
    "new_contacts_abroad", "respondents_with_joint_projects_pct", "joint_projects_started",
    "respondents_with_cooperation_agreements_pct", "cooperation_agreements_signed",
    "respondents_with_sales_to_partner_country_pct", "respondents_intending_to_continue_pct",
    "satisfaction_mean", "respondents_satisfied_pct", "organisations_cooperating_across_borders",
    "joint_action_participations_after_project", "followup_responses_not_linked",
    "followup_responses_from_non_participants",
]

SUITES = [
    MartSuite("fct_policy_scores", lambda: [
        E.ExpectColumnValuesToBeInSet(column="dimension", value_set=POLICY_DIMENSIONS),
        E.ExpectColumnValuesToBeInSet(column="group_type", value_set=GROUP_TYPES),
        E.ExpectColumnValuesToBeBetween(column="n", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="n_dont_know", min_value=0),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="mean", column_B="ci_low", or_equal=True, ignore_row_if="either_value_is_missing"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ci_high", column_B="mean", or_equal=True, ignore_row_if="either_value_is_missing"),
        E.ExpectCompoundColumnsToBeUnique(column_list=[
            "survey_wave", "score_level", "dimension", "item_code", "group_type", "group_code"],
            ignore_row_if="never"),
    ]),
    MartSuite("fct_policy_index", lambda: [
        E.ExpectColumnValuesToBeInSet(column="dimension", value_set=POLICY_DIMENSIONS),
        E.ExpectColumnValuesToBeBetween(column="index_value", min_value=0, max_value=100),
        E.ExpectColumnValuesToBeBetween(column="country_rank", min_value=1),
        E.ExpectCompoundColumnsToBeUnique(column_list=["survey_wave", "dimension", "group_type", "group_code"]),
    ]),
    MartSuite("fct_policy_comparisons", lambda: [
        E.ExpectColumnValuesToBeInSet(column="dimension", value_set=POLICY_DIMENSIONS),
        E.ExpectColumnValuesToBeBetween(column="nordic_n", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="north_west_russia_n", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="p_value", min_value=0, max_value=1),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ci_high", column_B="ci_low", or_equal=True, ignore_row_if="either_value_is_missing"),
    ]),
    MartSuite("fct_followup_outcomes", lambda: [
        E.ExpectColumnValuesToBeInSet(column="indicator_code", value_set=OUTCOME_INDICATORS),
        E.ExpectColumnValuesToBeBetween(column="value", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="response_rate_pct", min_value=0, max_value=100),
        E.ExpectColumnValuesToNotBeNull(column="denominator_kind"),
        E.ExpectCompoundColumnsToBeUnique(column_list=[
            "project_id", "survey_id", "indicator_code", "disaggregation", "disaggregation_value"]),
    ]),
]

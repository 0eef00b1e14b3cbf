-- Outcome indicators of the participant follow-up survey, per project, survey wave and
-- disaggregation (total, participant country), with explicit numerators and denominators.
--
-- Respondents are the participants of the project who answered (latest submission per person,
-- linked through the keyed hash of identity resolution); strangers and persons who only
-- registered are not respondents. Shares, totals and means rest on the respondents who gave a
-- scored answer to the item (blank, "don't know" and quarantined answers are left out of the
-- denominator); the response rate rests on the project's unique participants. Nothing is
-- extrapolated to non-respondents.
{%- set answered = "respondents_answering_item" %}
{%- set indicators = [
    {"code": "followup_respondents", "name": "Follow-up respondents (project participants)", "unit": "persons",
     "value": "respondents", "numerator": "respondents", "denominator": "participants",
     "kind": "project_participants", "basis": "respondents"},
    {"code": "followup_response_rate", "name": "Follow-up response rate", "unit": "percent",
     "value": "100.0 * respondents / nullif(participants, 0)", "numerator": "respondents",
     "denominator": "participants", "kind": "project_participants", "basis": "respondents"},
    {"code": "respondents_with_new_contacts_abroad_pct", "name": "Respondents with new contacts abroad",
     "unit": "percent", "value": "100.0 * contacts_positive / nullif(contacts_answered, 0)",
     "numerator": "contacts_positive", "denominator": "contacts_answered", "kind": answered,
     "basis": "contacts_answered"},
    {"code": "new_contacts_abroad", "name": "New contacts abroad (reported by respondents)", "unit": "contacts",
     "value": "contacts_total", "numerator": "contacts_total", "denominator": "contacts_answered",
     "kind": answered, "basis": "contacts_answered"},
    {"code": "respondents_with_joint_projects_pct", "name": "Respondents who started joint projects across borders",
     "unit": "percent", "value": "100.0 * joint_positive / nullif(joint_answered, 0)",
     "numerator": "joint_positive", "denominator": "joint_answered", "kind": answered, "basis": "joint_answered"},
    {"code": "joint_projects_started", "name": "Joint projects started across borders (reported by respondents)",
     "unit": "projects", "value": "joint_total", "numerator": "joint_total", "denominator": "joint_answered",
     "kind": answered, "basis": "joint_answered"},
    {"code": "respondents_with_cooperation_agreements_pct",
     "name": "Respondents who signed cooperation agreements abroad", "unit": "percent",
     "value": "100.0 * agreements_positive / nullif(agreements_answered, 0)",
     "numerator": "agreements_positive", "denominator": "agreements_answered", "kind": answered,
     "basis": "agreements_answered"},
    {"code": "cooperation_agreements_signed", "name": "Cooperation agreements signed (reported by respondents)",
     "unit": "agreements", "value": "agreements_total", "numerator": "agreements_total",
     "denominator": "agreements_answered", "kind": answered, "basis": "agreements_answered"},
    {"code": "respondents_with_sales_to_partner_country_pct",
     "name": "Respondents with sales or exports to the partner country", "unit": "percent",
     "value": "100.0 * sales_yes / nullif(sales_answered, 0)", "numerator": "sales_yes",
     "denominator": "sales_answered", "kind": answered, "basis": "sales_answered"},
    {"code": "respondents_intending_to_continue_pct", "name": "Respondents intending to continue cooperating",
     "unit": "percent", "value": "100.0 * intention_yes / nullif(intention_answered, 0)",
     "numerator": "intention_yes", "denominator": "intention_answered", "kind": answered,
     "basis": "intention_answered"},
    {"code": "satisfaction_mean", "name": "Satisfaction with the project (mean, 1–5)", "unit": "score",
     "value": "1.0 * satisfaction_total / nullif(satisfaction_answered, 0)", "numerator": "satisfaction_total",
     "denominator": "satisfaction_answered", "kind": answered, "basis": "satisfaction_answered"},
    {"code": "respondents_satisfied_pct", "name": "Respondents satisfied with the project (4–5)",
     "unit": "percent", "value": "100.0 * satisfied / nullif(satisfaction_answered, 0)",
     "numerator": "satisfied", "denominator": "satisfaction_answered", "kind": answered,
     "basis": "satisfaction_answered"},
    {"code": "organisations_cooperating_across_borders",
     "name": "Organisations cooperating across borders after the project", "unit": "organisations",
     "value": "cooperating_organisations", "numerator": "cooperating_organisations",
     "denominator": "respondent_organisations", "kind": "respondent_organisations", "basis": "respondents",
     "interreg": "RCR84"},
    {"code": "joint_action_participations_after_project",
     "name": "Participations in joint actions across borders after the project", "unit": "participations",
     "value": "joint_total", "numerator": "joint_total", "denominator": "joint_answered", "kind": answered,
     "basis": "joint_answered", "interreg": "RCR85"},
    {"code": "followup_responses_not_linked", "name": "Follow-up responses not linked to a participant",
     "unit": "responses", "value": "responses_not_linked", "numerator": "responses_not_linked",
     "denominator": "responses_received", "kind": "responses_received", "basis": "responses_not_linked",
     "total_only": true},
    {"code": "followup_responses_from_non_participants",
     "name": "Follow-up responses from registered persons who did not participate", "unit": "responses",
     "value": "responses_from_non_participants", "numerator": "responses_from_non_participants",
     "denominator": "responses_received", "kind": "responses_received",
     "basis": "responses_from_non_participants", "total_only": true},
] %}

with responses as (
    select * from {{ ref('int_survey_followup_responses_linked') }}
),

waves as (
    select
        survey_id,
        project_id,
        min(fielded_from) as fielded_from,
        max(fielded_to)   as fielded_to
    from {{ ref('stg_surveys__followup_surveys') }}
    group by survey_id, project_id
),

waves_ranked as (
    select
        *,
        row_number() over (partition by project_id order by fielded_to desc nulls last, survey_id desc) = 1
            as is_latest_wave
    from waves
),

counted as (
    select survey_id, 'total' as disaggregation, 'total' as disaggregation_value, *
    from responses where is_counted
    union all
    select survey_id, 'country' as disaggregation, coalesce(country_code, 'unknown') as disaggregation_value, *
    from responses where is_counted
),

aggregated as (
    select
        survey_id,
        disaggregation,
        disaggregation_value,
        count(*)                                                            as respondents,
        count(new_contacts_abroad)                                          as contacts_answered,
        count(case when new_contacts_abroad > 0 then 1 end)                 as contacts_positive,
        sum(new_contacts_abroad)                                            as contacts_total,
        count(joint_projects_started)                                       as joint_answered,
        count(case when joint_projects_started > 0 then 1 end)              as joint_positive,
        sum(joint_projects_started)                                         as joint_total,
        count(cooperation_agreements_signed)                                as agreements_answered,
        count(case when cooperation_agreements_signed > 0 then 1 end)       as agreements_positive,
        sum(cooperation_agreements_signed)                                  as agreements_total,
        count(sales_to_partner_country)                                     as sales_answered,
        count(case when sales_to_partner_country = 1 then 1 end)            as sales_yes,
        count(intention_to_continue)                                        as intention_answered,
        count(case when intention_to_continue = 1 then 1 end)               as intention_yes,
        count(satisfaction)                                                 as satisfaction_answered,
        sum(satisfaction)                                                   as satisfaction_total,
        count(case when satisfaction >= 4 then 1 end)                       as satisfied,
        count(distinct organisation_key)                                    as respondent_organisations,
        count(distinct case when coalesce(joint_projects_started, 0) > 0
                              or coalesce(cooperation_agreements_signed, 0) > 0
                            then organisation_key end)                      as cooperating_organisations
    from counted
    group by survey_id, disaggregation, disaggregation_value
),

received as (
    select
        survey_id,
        count(*)                                                            as responses_received,
        count(case when response_role = 'not_linked' then 1 end)            as responses_not_linked,
        count(case when response_role = 'not_a_participant' then 1 end)     as responses_from_non_participants
    from responses
    group by survey_id
),

cells as (
    -- every participant cell of the project, so a country without respondents shows a 0 % response rate
    select
        waves_ranked.project_id,
        waves_ranked.survey_id,
        waves_ranked.fielded_from,
        waves_ranked.fielded_to,
        waves_ranked.is_latest_wave,
        participants.disaggregation,
        participants.disaggregation_value,
        participants.participants,
        coalesce(aggregated.respondents, 0)                 as respondents,
        coalesce(aggregated.contacts_answered, 0)           as contacts_answered,
        coalesce(aggregated.contacts_positive, 0)           as contacts_positive,
        aggregated.contacts_total,
        coalesce(aggregated.joint_answered, 0)              as joint_answered,
        coalesce(aggregated.joint_positive, 0)              as joint_positive,
        aggregated.joint_total,
        coalesce(aggregated.agreements_answered, 0)         as agreements_answered,
        coalesce(aggregated.agreements_positive, 0)         as agreements_positive,
        aggregated.agreements_total,
        coalesce(aggregated.sales_answered, 0)              as sales_answered,
        coalesce(aggregated.sales_yes, 0)                   as sales_yes,
        coalesce(aggregated.intention_answered, 0)          as intention_answered,
        coalesce(aggregated.intention_yes, 0)               as intention_yes,
        coalesce(aggregated.satisfaction_answered, 0)       as satisfaction_answered,
        aggregated.satisfaction_total,
        coalesce(aggregated.satisfied, 0)                   as satisfied,
        coalesce(aggregated.respondent_organisations, 0)    as respondent_organisations,
        coalesce(aggregated.cooperating_organisations, 0)   as cooperating_organisations,
        coalesce(received.responses_received, 0)            as responses_received,
        coalesce(received.responses_not_linked, 0)          as responses_not_linked,
        coalesce(received.responses_from_non_participants, 0) as responses_from_non_participants
    from waves_ranked
    inner join {{ ref('int_survey_followup_participants_counted') }} as participants
        on participants.project_id = waves_ranked.project_id
    left join aggregated
        on aggregated.survey_id = waves_ranked.survey_id
       and aggregated.disaggregation = participants.disaggregation
       and aggregated.disaggregation_value = participants.disaggregation_value
    left join received on received.survey_id = waves_ranked.survey_id
),

indicator_rows as (
    {%- for indicator in indicators %}
    select
        project_id,
        survey_id,
        fielded_from,
        fielded_to,
        is_latest_wave,
        '{{ indicator.code }}'                  as indicator_code,
        '{{ indicator.name }}'                  as indicator_name,
        '{{ indicator.unit }}'                  as unit,
        {{ "'" ~ indicator.interreg ~ "'" if indicator.interreg else "cast(null as varchar)" }} as interreg_code,
        disaggregation,
        disaggregation_value,
        cast({{ indicator.value }} as double)       as value,
        cast({{ indicator.numerator }} as double)   as numerator,
        cast({{ indicator.denominator }} as double) as denominator,
        '{{ indicator.kind }}'                  as denominator_kind,
        respondents,
        participants,
        100.0 * respondents / nullif(participants, 0) as response_rate_pct,
        {{ indicator.basis }} between 1 and 4   as is_small_cell
    from cells
    {%- if indicator.total_only %}
    where disaggregation = 'total'
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    project_id,
    survey_id,
    fielded_from,
    fielded_to,
    is_latest_wave,
    indicator_code,
    indicator_name,
    unit,
    interreg_code,
    disaggregation,
    disaggregation_value,
    value,
    numerator,
    denominator,
    denominator_kind,
    cast(respondents as bigint)     as respondents,
    cast(participants as bigint)    as participants,
    response_rate_pct,
    is_small_cell
from indicator_rows
-- a share or mean without a single answer has no value (its row would say nothing)
where value is not null

-- One row per follow-up response: the participant it belongs to (keyed hash), whether it counts,
-- and its answers per outcome (the value of a scored answer; null when blank, "don't know", not
-- applicable or quarantined).
--
-- A response counts when it is linked to a person who participated in the survey's project and
-- is that person's latest submission to the survey. response_role says why one does not:
-- not_linked (a stranger, or an identity that matches no registration, or an ambiguous one),
-- not_a_participant (registered but never attended, or attended another project only),
-- superseded (the person answered again later), duplicate_response (a repeated respondent id,
-- whose answers are quarantined).
with responses as (
    select response_id, survey_id, source_file, source_row, submitted_on, response_status
    from {{ ref('stg_surveys__followup_responses') }}
),

links as (
    select response_id, person_key, link_status, match_rule
    from {{ ref('stg_surveys__followup_respondent_links') }}
),

surveys as (
    select distinct survey_id, project_id from {{ ref('stg_surveys__followup_surveys') }}
),

project_participants as (
    select distinct project_id, person_key from {{ ref('int_participations_deduplicated') }}
),

persons as (
    select person_key, country_code, organisation_key from {{ ref('int_persons_profiled') }}
),

answers as (
    select answers.response_id, items.outcome, answers.answer_value
    from {{ ref('stg_surveys__followup_answers') }} as answers
    inner join {{ ref('stg_surveys__followup_items') }} as items on items.item_code = answers.item_code
    where answers.answer_status = 'scored'
),

outcomes as (
    select
        response_id,
        max(case when outcome = 'new_contacts_abroad' then answer_value end)            as new_contacts_abroad,
        max(case when outcome = 'joint_projects_started' then answer_value end)         as joint_projects_started,
        max(case when outcome = 'cooperation_agreements_signed' then answer_value end)  as cooperation_agreements_signed,
        max(case when outcome = 'sales_to_partner_country' then answer_value end)       as sales_to_partner_country,
        max(case when outcome = 'intention_to_continue' then answer_value end)          as intention_to_continue,
        max(case when outcome = 'satisfaction' then answer_value end)                   as satisfaction
    from answers
    group by response_id
),

classified as (
    select
        responses.*,
        surveys.project_id,
        links.link_status,
        links.match_rule,
        links.person_key,
        project_participants.person_key is not null as is_project_participant
    from responses
    left join surveys on surveys.survey_id = responses.survey_id
    left join links on links.response_id = responses.response_id
    left join project_participants
        on project_participants.project_id = surveys.project_id
       and project_participants.person_key = links.person_key
),

ranked as (
    select
        response_id,
        row_number() over (
            partition by survey_id, person_key
            order by submitted_on desc nulls last, source_file desc, source_row desc
        ) as submission_rank
    from classified
    where is_project_participant and response_status = 'accepted'
)

select
    classified.response_id,
    classified.survey_id,
    classified.project_id,
    classified.submitted_on,
    coalesce(classified.link_status, 'not_linked')  as link_status,
    classified.match_rule,
    classified.person_key,
    classified.is_project_participant,
    case
        when classified.response_status <> 'accepted' then classified.response_status
        when coalesce(classified.link_status, 'not_linked') <> 'linked' then 'not_linked'
        when not classified.is_project_participant then 'not_a_participant'
        when ranked.submission_rank > 1 then 'superseded'
        else 'counted'
    end                                             as response_role,
    coalesce(ranked.submission_rank = 1, false)     as is_counted,
    persons.country_code,
    persons.organisation_key,
    outcomes.new_contacts_abroad,
    outcomes.joint_projects_started,
    outcomes.cooperation_agreements_signed,
    outcomes.sales_to_partner_country,
    outcomes.intention_to_continue,
    outcomes.satisfaction
from classified
left join ranked on ranked.response_id = classified.response_id
left join persons on persons.person_key = classified.person_key
left join outcomes on outcomes.response_id = classified.response_id

-- One row per person, project and calendar month in which the person participated: what the
-- person-level indicators of int_indicator_values_computed are counted from, so that those count
-- persons in a period from one row per person and month instead of one per participation.
--
-- Each measure is kept for the three sets of records the period types count:
--   all          every participation of the month (months, quarters and years are calendar periods)
--   from_start   those from the project's first day (cumulative periods: start to a month's end)
--   in_project   those within the project's dates (project to date)
-- (A build stops on a participation outside its project's dates, tests/participations_within_
-- project_dates.sql, so the three agree in every published build; they are kept apart so that
-- each period type counts exactly its own records.)
-- A person has one profile, so its columns do not split the groups. Participations are distinct
-- person x event pairs: a person's participations in a period are the events they attended.
{% set person_columns = person_disaggregations().values() | list %}
{% set record_sets = [
    ('all', 'true'),
    ('from_start', 'p.participated_on >= projects.start_date'),
    ('in_project', 'p.participated_on between projects.start_date and projects.end_date'),
] %}
select
    p.project_id,
    p.person_key,
    {{ month_start('p.participated_on') }}     as month_start,
    {% for column in person_columns %}p.{{ column }},
    {% endfor -%}
    p.organisation_key,
    {% for record_set, condition in record_sets %}
    cast(sum(case when {{ condition }} then 1 else 0 end) as integer)                                as participations_{{ record_set }},
    cast(sum(case when {{ condition }} and p.event_kind = 'joint_action' then 1 else 0 end) as integer) as joint_action_participations_{{ record_set }},
    cast(sum(case when {{ condition }} and p.is_cross_border then 1 else 0 end) as integer)          as cross_border_participations_{{ record_set }},
    cast(max(case when {{ condition }} and p.is_nordic_participant_at_event_in_russia then 1 else 0 end) as integer) as at_event_in_russia_{{ record_set }},
    cast(max(case when {{ condition }} and p.is_russian_participant_at_nordic_event then 1 else 0 end) as integer)   as at_nordic_event_{{ record_set }}{% if not loop.last %},{% endif %}
    {% endfor %}
from {{ ref('int_participations_attributed') }} as p
inner join {{ ref('stg_programme__projects') }} as projects on projects.project_id = p.project_id
group by
    p.project_id, p.person_key, {{ month_start('p.participated_on') }},
    {% for column in person_columns %}p.{{ column }}, {% endfor %}p.organisation_key

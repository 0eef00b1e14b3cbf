-- Unique participants per project, region and calendar year of participation, and the same over
-- all projects together (project_id 'ALL'). A person counts in the region of their city and in
-- every region containing it (NUTS 2 → NUTS 1 → country; subject → federal district → RU; RU-ARK
-- and RU-NEN → RU-ARK+NEN), and always in their country. Everyone who participated counts, as in
-- fct_indicator_values (research consent governs person-level rows only). Persons whose city is
-- not in the gazetteer count in their country only: `participants_without_region` says how many
-- of the country's participants could not be placed in a region.
with participations as (
    select distinct
        person_key,
        project_id,
        cast(extract(year from participated_on) as integer) as year
    from {{ ref('int_participations_deduplicated') }}
),

persons as (
    select * from {{ ref('int_regional_persons_located') }}
),

person_regions as (
    select persons.person_key, ancestors.ancestor_code as region_code
    from persons
    inner join {{ ref('stg_statistics__region_ancestors') }} as ancestors
        on ancestors.region_code = persons.region_code
    union
    select person_key, country_code as region_code
    from persons
),

scoped as (
    select person_key, project_id, year from participations
    union all
    select distinct person_key, 'ALL' as project_id, year from participations
),

counted as (
    select
        scoped.project_id,
        person_regions.region_code,
        scoped.year,
        count(distinct scoped.person_key) as participants
    from scoped
    inner join person_regions on person_regions.person_key = scoped.person_key
    group by scoped.project_id, person_regions.region_code, scoped.year
),

without_region as (
    select
        scoped.project_id,
        persons.country_code,
        scoped.year,
        count(distinct case when persons.region_code is null then scoped.person_key end) as participants
    from scoped
    inner join persons on persons.person_key = scoped.person_key
    group by scoped.project_id, persons.country_code, scoped.year
),

regions as (
    select region_code, country_code from {{ ref('stg_statistics__regions') }}
)

select
    counted.project_id,
    counted.region_code,
    counted.year,
    counted.participants,
    coalesce(without_region.participants, 0) as participants_without_region
from counted
left join regions on regions.region_code = counted.region_code
left join without_region
    on without_region.project_id = counted.project_id
    and without_region.country_code = coalesce(regions.country_code, counted.region_code)
    and without_region.year = counted.year

-- One profile per participating organisation: the type and country its participants state most
-- often (ties broken alphabetically). Organisation indicators are disaggregated by this profile,
-- so each organisation sits in exactly one type and one country cell.
with persons as (
    select * from {{ ref('int_persons_profiled') }}
    where events_attended > 0 and organisation_key is not null
),

ranked as (
    select
        organisation_key,
        organisation_type,
        country_code,
        row_number() over (
            partition by organisation_key
            order by count(*) desc, organisation_type, country_code
        ) as row_rank
    from persons
    group by organisation_key, organisation_type, country_code
),

sizes as (
    select organisation_key, count(*) as persons
    from persons
    group by organisation_key
)

select
    ranked.organisation_key,
    coalesce(ranked.organisation_type, 'unknown')                   as organisation_type,
    coalesce(ranked.country_code, 'unknown')                        as country_code,
    -- An SME in the EU sense includes micro-enterprises, and so a self-employed person's firm.
    coalesce(ranked.organisation_type in ('sme', 'self_employed'), false) as is_sme,
    coalesce(ranked.organisation_type, 'unknown') <> 'unknown'      as has_known_type,
    sizes.persons
from ranked
inner join sizes on sizes.organisation_key = ranked.organisation_key
where ranked.row_rank = 1

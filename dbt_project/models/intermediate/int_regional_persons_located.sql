-- Where each participant comes from: the region of the city they registered from (NUTS 2 of 2016
-- or a Russian federal subject, matched with the gazetteer), from their latest registration in
-- their profile country that names a known city; null when none does (the person still counts
-- in their country). Keys only: no names, no city strings.
with registrations as (
    select
        registrations.registration_id,
        identities.person_key,
        registrations.country_code,
        registrations.city,
        registrations.registered_on
    from {{ ref('stg_registrations__registrations') }} as registrations
    inner join {{ ref('stg_registrations__person_identities') }} as identities
        on identities.registration_id = registrations.registration_id
),

profiles as (
    select person_key, country_code from {{ ref('int_persons_profiled') }}
),

located as (
    select
        registrations.*,
        cities.region_code,
        cities.match_method
    from registrations
    left join {{ ref('stg_statistics__registration_cities') }} as cities
        on cities.country_code = registrations.country_code
        and cities.city = registrations.city
),

ranked as (
    select
        located.person_key,
        profiles.country_code,
        located.region_code,
        located.match_method,
        row_number() over (
            partition by located.person_key
            order by case when located.region_code is null then 1 else 0 end,
                     located.registered_on desc nulls last, located.registration_id desc
        ) as row_rank
    from located
    inner join profiles
        on profiles.person_key = located.person_key
        and profiles.country_code = located.country_code
)

select
    person_key,
    country_code,
    region_code,
    case when region_code is null then 'country' else 'city' end as located_by,
    case when region_code is null then null else match_method end as match_method
from ranked
where row_rank = 1

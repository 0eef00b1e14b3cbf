-- Every regional observation with
--   * its region code normalised: Eurostat's country codes EL and UK become GR and GB (NUTS codes
--     such as EL30 keep the prefix NUTS gives them), RU-SPB becomes RU-SPE;
--   * the NUTS version, where the code or its file tells: a code valid in one version only is of
--     that version; otherwise the versions in which *every* NUTS code of the file is valid decide
--     (a file with LT01 and NO01 can only be NUTS 2016);
--   * the calendar year of its period, when the period lies within one year;
--   * the concept it measures where the regional context uses it (population, gdp_per_capita,
--     gdp, employment by NACE section, creative_organisations), its component (NACE section or
--     OKVED code), the currency of money values and the factor to base units.
with observations as (
    select * from {{ ref('stg_statistics__observations') }}
),

files as (
    select source_file, title, table_unit from {{ ref('stg_statistics__files') }}
),

aliases as (
    select * from {{ ref('stg_statistics__region_code_aliases') }}
),

regions as (
    select * from {{ ref('stg_statistics__regions') }}
),

normalised as (
    select
        observations.*,
        coalesce(aliases.region_code, observations.source_region_code)   as region_code,
        lower(coalesce(files.title, ''))                                  as title_lower,
        lower(coalesce(observations.unit, files.table_unit, ''))          as unit_lower,
        observations.source_format in ('rosstat_xls', 'rosstat_xlsx', 'fedstat_csv') as is_rosstat
    from observations
    left join aliases on aliases.alias_code = observations.source_region_code
    left join files on files.source_file = observations.source_file
),

file_nuts_versions as (
    select
        codes.source_file,
        min(case when regions.in_nuts_2013 then 1 else 0 end) as fits_2013,
        min(case when regions.in_nuts_2016 then 1 else 0 end) as fits_2016,
        min(case when regions.in_nuts_2021 then 1 else 0 end) as fits_2021
    from (select distinct source_file, region_code from normalised) as codes
    inner join regions on regions.region_code = codes.region_code and regions.code_system = 'nuts'
    group by codes.source_file
),

located as (
    select
        normalised.*,
        regions.level                           as region_level,
        coalesce(regions.is_aggregate, false)   as is_aggregate_region,
        coalesce(regions.country_code, countries.region_code) as country_code,
        case when regions.code_system = 'nuts' then
            case
                when (case when regions.in_nuts_2013 and versions.fits_2013 = 1 then 1 else 0 end)
                   + (case when regions.in_nuts_2016 and versions.fits_2016 = 1 then 1 else 0 end)
                   + (case when regions.in_nuts_2021 and versions.fits_2021 = 1 then 1 else 0 end) = 1
                then case when regions.in_nuts_2013 and versions.fits_2013 = 1 then 2013
                          when regions.in_nuts_2016 and versions.fits_2016 = 1 then 2016
                          else 2021 end
                when (case when regions.in_nuts_2013 then 1 else 0 end)
                   + (case when regions.in_nuts_2016 then 1 else 0 end)
                   + (case when regions.in_nuts_2021 then 1 else 0 end) = 1
                then case when regions.in_nuts_2013 then 2013
                          when regions.in_nuts_2016 then 2016
                          else 2021 end
            end
        end as nuts_version,
        case when extract(year from normalised.period_start) = extract(year from normalised.period_end)
             then cast(extract(year from normalised.period_start) as integer) end as year
    from normalised
    left join regions on regions.region_code = normalised.region_code
    left join file_nuts_versions as versions on versions.source_file = normalised.source_file
    -- a code the dimension does not hold (DE11, EL30) still gets its country from its first letters
    left join aliases as country_aliases on country_aliases.alias_code = substr(normalised.region_code, 1, 2)
    left join regions as countries
        on countries.region_code = coalesce(country_aliases.region_code, substr(normalised.region_code, 1, 2))
        and countries.level = 'country'
),

ruled as (
    select
        located.*,
        {{ dimension_value('dimensions', 'nace_r2') }}   as nace_section,
        lower({{ dimension_value('dimensions', 'activity') }}) as activity_lower,
        case
            when (dataset like 'demo_r_pjanaggr3%' or dataset like 'demo_r_pjangrp3%'
                  or dataset like 'demo_r_d2jan%' or dataset like 'demo_r_d3jan%')
                 and dimensions = 'age=TOTAL|sex=T|unit=NR'
                then 'eurostat_population'
            when is_rosstat and dimensions = ''
                 and title_lower like '%численност%населени%' and title_lower not like '%среднегодов%'
                then 'rosstat_population'
            when dataset like 'nama_10r_%gdp%' and dimensions = 'unit=EUR_HAB'
                then 'eurostat_gdp_per_inhabitant'
            when dataset like 'nama_10r_%gdp%' and dimensions in ('unit=MIO_EUR', 'unit=MIO_NAC')
                then 'eurostat_gdp'
            when is_rosstat and dimensions = ''
                 and title_lower like '%валов%регионал%продукт%' and title_lower not like '%на душу%'
                 and unit_lower like '%руб%'
                then 'rosstat_grp'
            when dataset like 'lfst_r_lfe2en2%'
                 and {{ dimension_value('dimensions', 'nace_r2') }} in ('J', 'R-U', 'TOTAL')
                 and {{ dimension_value('dimensions', 'age') }} = 'Y_GE15'
                 and {{ dimension_value('dimensions', 'unit') }} = 'THS'
                 and coalesce({{ dimension_value('dimensions', 'sex') }}, 'T') = 'T'
                then 'eurostat_employment_by_nace'
            when is_rosstat and title_lower like '%количеств%организац%'
                 and lower(coalesce({{ dimension_value('dimensions', 'ownership') }}, 'всего')) like 'всего%'
                then 'rosstat_organisations'
        end as rule
    from located
),

creative as (
    -- OKVED 2 activities counted as creative industries where Rosstat reports them; section R
    -- (culture, sport, leisure) is the finest split fedstat gives for culture, so it includes sport.
    select
        ruled.*,
        case
            when activity_lower like '%полиграфическ%' then 'C18'
            when activity_lower like '%издательск%' then 'J58'
            when activity_lower like '%производств%кинофильм%' then 'J59'
            when activity_lower like '%телевизионн%радиовещани%' then 'J60'
            when activity_lower like '%информационных агентств%' then 'J63.91'
            when activity_lower like '%рекламн%' then 'M73.1'
            when activity_lower like '%в области дизайна%' then 'M74.1'
            when activity_lower like '%в области фотографии%' then 'M74.2'
            when activity_lower like '%культуры, спорта%' then 'R'
            when activity_lower like '%творческ%' then 'R90'
            when activity_lower like '%библиотек%' then 'R91'
        end as okved_code
    from ruled
)

select
    region_code,
    source_region_code,
    region_level,
    country_code,
    nuts_version,
    is_aggregate_region,
    year,
    period,
    period_type,
    period_start,
    period_end,
    dataset,
    dimensions,
    case
        when rule in ('eurostat_population', 'rosstat_population') then 'population'
        when rule = 'eurostat_gdp_per_inhabitant' then 'gdp_per_capita'
        when rule in ('eurostat_gdp', 'rosstat_grp') then 'gdp'
        when rule = 'eurostat_employment_by_nace' then 'employment'
        when rule = 'rosstat_organisations' and okved_code is not null then 'creative_organisations'
    end as concept,
    case
        when rule = 'eurostat_employment_by_nace' then nace_section
        when rule = 'rosstat_organisations' then okved_code
    end as component,
    case
        when rule = 'eurostat_gdp_per_inhabitant' then 'EUR'
        when rule = 'eurostat_gdp' and dimensions = 'unit=MIO_EUR' then 'EUR'
        when rule = 'rosstat_grp' then 'RUB'
        when rule = 'eurostat_gdp' then
            -- MIO_NAC: national currency; the euro area's is EUR for the whole series
            case country_code
                when 'DK' then 'DKK' when 'SE' then 'SEK' when 'NO' then 'NOK' when 'IS' then 'ISK'
                when 'FI' then 'EUR' when 'EE' then 'EUR' when 'LV' then 'EUR' when 'LT' then 'EUR'
            end
    end as currency,
    case
        when rule = 'eurostat_gdp' then 1000000.0
        when rule in ('rosstat_grp', 'rosstat_population') then
            case
                when unit_lower like '%трлн%' or unit_lower like '%триллион%' then 1000000000000.0
                when unit_lower like '%млрд%' or unit_lower like '%миллиард%' then 1000000000.0
                when unit_lower like '%млн%' or unit_lower like '%миллион%' then 1000000.0
                when unit_lower like '%тыс%' then 1000.0
                else 1.0
            end
        else 1.0
    end as scale,
    unit,
    value,
    flag,
    source_format,
    source_file,
    source_file_hash,
    ingested_at
from creative

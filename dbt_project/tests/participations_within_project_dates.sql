-- Every participation falls within its project's dates: an event dated outside its project
-- would make a quarter disagree with its months (VR07) and project-to-date with the last
-- cumulative month (VR05). Fix the event's date in events.csv or the project's in projects.csv.
select participations.event_id, participations.participated_on, projects.project_id, projects.start_date, projects.end_date
from {{ ref('int_participations_attributed') }} as participations
inner join {{ ref('stg_programme__projects') }} as projects on projects.project_id = participations.project_id
where participations.participated_on < projects.start_date
   or participations.participated_on > projects.end_date

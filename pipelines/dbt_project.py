"""The dbt project as Dagster sees it (kept in its own module for `dagster-dbt project prepare-and-package`)."""

from dagster_dbt import DbtProject

from pipelines import settings

settings.export_environment()

cci_dbt_project = DbtProject(
    project_dir=settings.DBT_PROJECT_DIR,
    profiles_dir=settings.DBT_PROJECT_DIR,
)

"""Expectations on the data-quality mart the dashboards read."""

from pipelines.quality import E, MartSuite


SUITES = [
    MartSuite("fct_data_quality", lambda: [
        E.ExpectColumnValuesToNotBeNull(column="source_file"),
        E.ExpectColumnValuesToBeInSet(column="source", value_set=["registrations", "surveys", "statistics", "programme"]),
        E.ExpectColumnValuesToBeInSet(column="file_status", value_set=["loaded", "failed", "superseded", "duplicate"]),
        E.ExpectColumnValuesToBeBetween(column="quarantined_rows", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="rows_read", min_value=0),
        E.ExpectCompoundColumnsToBeUnique(column_list=["source_file", "quarantine_reason"]),
        # Aggregates only: the quarantined cells and reason details stay in the warehouse.
        E.ExpectTableColumnsToMatchSet(column_set=[
            "source", "source_file", "file_hash", "event_id", "project_id", "dataset", "file_format", "file_status",
            "rows_read", "rows_loaded", "rows_quarantined", "is_reconciled", "quarantine_reason", "quarantined_rows",
            "ingested_at", "data_from", "data_to"], exact_match=True),
    ]),
]

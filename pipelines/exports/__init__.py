"""Funder deliveries: per project and reporting period (month, quarter, final report) an XLSX for
people, a long-format CSV for machines and an IATI 2.03 activity XML, with small-cell suppression,
a manifest of checksums, and versions that never change once a period is closed."""

from pipelines.exports.content import DeliveryContent, Provenance, build_deliveries, load_iati_config
from pipelines.exports.periods import ReportingPeriod, due_periods, period_bounds, project_periods, reporting_period
from pipelines.exports.store import close_period, delivery_states, render_delivery, verify_version, write_delivery
from pipelines.exports.suppression import suppress_small_cells

__all__ = [
    "DeliveryContent", "Provenance", "ReportingPeriod", "build_deliveries", "close_period", "delivery_states",
    "due_periods", "load_iati_config", "period_bounds", "project_periods", "render_delivery",
    "reporting_period", "suppress_small_cells", "verify_version", "write_delivery",
]

"""Funder deliveries: indicator exports (CSV + XLSX) per project and reporting period."""

from pipelines.exports.indicator_export import period_bounds, write_indicator_export

__all__ = ["period_bounds", "write_indicator_export"]

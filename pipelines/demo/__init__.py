"""Deterministic synthetic demo data (raw files in the real shapes) and its ground truth."""

from pipelines.demo.generator import DEFAULT_SEED, DemoSummary, generate_demo_data

__all__ = ["DEFAULT_SEED", "DemoSummary", "generate_demo_data"]

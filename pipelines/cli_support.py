"""What every `cci` command shares: the data-directory option and one-line errors."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pipelines import settings


class CliError(Exception):
    """A failure the user can act on: printed as one line, exit status 1."""


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"data directory (default: ${settings.DATA_DIR_ENV} or ./data)",
    )


def configure(args: argparse.Namespace) -> Path:
    """Point every path (and dbt, through the environment) at the chosen data directory."""
    data = getattr(args, "data_dir", None)
    if data is None and not os.environ.get(settings.DATA_DIR_ENV):
        data = Path.cwd() / "data"
    if data is not None:
        os.environ.pop(settings.WAREHOUSE_DB_ENV, None)
    settings.export_environment(data)
    return settings.data_dir()

"""`cci dashboards`: serve the interactive dashboards over the published marts."""

from __future__ import annotations

import argparse

from pipelines.cli_support import CliError, add_data_dir, configure


def cmd_dashboards(args: argparse.Namespace) -> int:
    data = configure(args)
    from dashboards.app import create_app

    if not (data / "marts" / "current").exists():
        raise CliError(f"no published marts in {data / 'marts'}: build them first with `cci run` (or `make demo`)")
    app = create_app(data)
    print(f"Dashboards on http://{args.host}:{args.port}/ (published marts of {data}); Ctrl+C stops.", flush=True)
    app.run(host=args.host, port=args.port, debug=False)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("dashboards", help="serve the interactive dashboards on the published marts")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8050, help="port (default: 8050)")
    add_data_dir(parser)
    parser.set_defaults(handler=cmd_dashboards)

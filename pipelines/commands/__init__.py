"""Further `cci` commands, one module per domain, each exposing ``register(subparsers)``.

`pipelines.cli` discovers every module here, so a domain adds a command without touching the CLI.
A module's ``register`` adds its sub-parsers and sets ``handler`` on each (a function taking the
parsed arguments and returning an exit status; raise ``pipelines.cli_support.CliError`` for a
one-line failure).
"""

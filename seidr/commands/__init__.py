"""One module per ``seidr`` subcommand; each exposes ``HELP``, ``add_arguments`` and ``run``."""

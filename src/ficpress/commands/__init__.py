"""One module per CLI subcommand, each a thin layer over the stage APIs."""

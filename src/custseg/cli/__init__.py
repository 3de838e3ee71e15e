"""The `custseg` command-line interface (Typer)."""

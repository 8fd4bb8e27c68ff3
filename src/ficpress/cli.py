"""The `ficpress` command: one thin module per subcommand under `ficpress.commands`."""

from __future__ import annotations

import typer

from ficpress.commands import analyse, convert, inspect, restore
from ficpress.commands._common import state

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Mend, structure, understand and publish fan fiction.",
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show details and tracebacks."),
) -> None:
    state.verbose = verbose


app.command("convert")(convert.command)
app.command("inspect")(inspect.command)
app.command("restore")(restore.command)
app.command("analyse")(analyse.command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()

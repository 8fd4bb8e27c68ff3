"""The `ficpress` command: one thin module per subcommand under `ficpress.commands`.

Subcommand modules are imported only when their command runs (or when help lists
them): a conversion should not pay for the modules of `inspect` or `analyse`.
The parser (`app`) is made on first use.

`main()` is the program: it runs one command and ends the process. Start-up
creates tens of thousands of objects that live until the end (modules,
functions, the parser) and no garbage worth a collection pass, so the cyclic
collector is paused until the subcommand's modules are loaded, and what exists
then is frozen (never scanned again). When the command is done (every output
written, flushed and synced, or an error reported), `main()` flushes stdout and
stderr and ends the process with `os._exit`: the interpreter's shutdown would
otherwise spend ~10 ms of a one-file conversion freeing, object by object, the
restore tables and everything else the operating system takes back at once.
Callers that want to carry on after a command use `app`, not `main()`.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any, NoReturn

# name -> module under ficpress.commands exposing `command`
COMMANDS = ("convert", "inspect", "restore", "analyse")

_startup_paused = False  # main() paused the collector for start-up; the first subcommand resumes it


def _end_startup() -> None:
    global _startup_paused
    if _startup_paused:
        _startup_paused = False
        gc.freeze()
        gc.enable()


def _build_app() -> Any:
    import typer
    from typer.core import TyperGroup

    from ficpress.commands._common import state

    class _LazyGroup(TyperGroup):
        """A group whose subcommands are built from their modules on first use."""

        def list_commands(self, ctx: Any) -> list[str]:
            return list(COMMANDS)

        def get_command(self, ctx: Any, cmd_name: str) -> Any:
            cmd = self.commands.get(cmd_name)
            if cmd is None and cmd_name in COMMANDS:
                module = importlib.import_module(f"ficpress.commands.{cmd_name}")
                sub = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
                sub.command(cmd_name)(module.command)
                cmd = self.commands[cmd_name] = typer.main.get_command(sub)
                _end_startup()
            return cmd

    app = typer.Typer(
        cls=_LazyGroup,
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

    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        app = globals()["app"] = _build_app()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    global _startup_paused
    if gc.isenabled():
        gc.disable()
        _startup_paused = True
    try:
        __getattr__("app")()
    except SystemExit as done:  # how the parser ends every command, failed or not
        _end_process(done)
    finally:
        _end_startup()


def _end_process(done: SystemExit) -> NoReturn:
    """Exit with the command's status, skipping the interpreter's shutdown (see the module's docstring)."""
    code = done.code
    if not (code is None or isinstance(code, int)):
        raise done  # a message instead of a status: Python prints it and exits 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # a reader gone away (a closed pipe): let the interpreter report it as it would
        raise done from None
    os._exit(code or 0)


if __name__ == "__main__":
    main()

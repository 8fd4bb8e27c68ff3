"""What every subcommand shares: the verbose flag and one-line error reporting."""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import typer

from ficpress.errors import FicpressError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INPUT = 2  # a file the user gave is unusable
EXIT_INTERNAL = 70  # a bug of ours (EX_SOFTWARE)


@dataclass
class _State:
    verbose: bool = False


state = _State()

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "fail", "reports_errors", "state"]


def fail(message: str, code: int = EXIT_INPUT) -> None:
    """Print one line to stderr and exit: a user should never see a traceback by default."""
    print(f"ficpress: error: {message}", file=sys.stderr)
    raise typer.Exit(code)


def reports_errors(func: F) -> F:
    """Turn any failure into one line naming the file; tracebacks only with --verbose."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except FicpressError as exc:
            if state.verbose:
                traceback.print_exc()
            fail(str(exc))
        except KeyboardInterrupt:
            fail("interrupted; no partial output was left behind", 130)
        except BrokenPipeError:
            # The reader of our stdout went away (`ficpress restore --review | head`): that is the user's
            # choice, not an error. Point stdout at /dev/null so the interpreter's final flush is quiet.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except Exception as exc:  # noqa: BLE001 - last line of defence for the user
            if state.verbose:
                traceback.print_exc()
            fail(
                f"internal error: {type(exc).__name__}: {exc} (run with --verbose for details)", EXIT_INTERNAL
            )
        return None

    return wrapper  # type: ignore[return-value]

"""One error type for everything a user can get wrong, so the CLI can print one line."""

from __future__ import annotations

from pathlib import Path


class FicpressError(Exception):
    """A problem with an input or output that the user can act on.

    The message always names the file, so a batch of many inputs still tells
    the user exactly which one failed and why.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

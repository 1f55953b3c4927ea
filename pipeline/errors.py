"""Errors a user can act on: each names the file (and line) that caused it."""

from __future__ import annotations

from pathlib import Path


class WsisKgError(Exception):
    """Base of every error the command line reports without a traceback."""


class InputError(WsisKgError):
    """Bad input: a document, manifest or seed file the pipeline cannot use.

    The message always starts with ``file[:line]`` so that editors and CI logs can jump to it.
    """

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.detail = message
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {message}")


class ValidationFailed(WsisKgError):
    """The graph does not conform to the SHACL shapes; the message is the readable report."""


class QueryError(WsisKgError):
    """A canned query is unknown, malformed, or was given a bad parameter."""

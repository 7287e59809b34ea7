"""Every error the product raises on purpose, and the one place that turns errors into exit codes.

Exit status (DATA-CONTRACT.md): 0 report written / data clean, 2 bad input or bad parameters
(nothing written under --out), 1 anything else.
"""

from __future__ import annotations

OK, FAILED, BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """Bad input or parameters: message printed, exit 2, nothing written."""


class FrontPageError(RuntimeError):
    """The run is archived, but the archive's front page could not be rebuilt (exit 1)."""


def exit_code(exc: BaseException) -> int:
    """The exit status an error ends the command with."""
    from .params import ParamsError

    return BAD_INPUT if isinstance(exc, (BadInput, ParamsError)) else FAILED


def error_text(exc: BaseException) -> str:
    """An unforeseen error in one line: our own errors by their message, others by type too."""
    plain = isinstance(exc, (RuntimeError, OSError)) and str(exc)
    return str(exc) if plain else f"{type(exc).__name__}: {exc}"


def outcomes_exit_code(statuses) -> int:
    """A batch round's status: 1 when a unit crashed, else 2 when one had bad input, else 0."""
    statuses = set(statuses)
    if "error" in statuses:
        return FAILED
    return BAD_INPUT if "bad_input" in statuses else OK

"""Every error the product raises on purpose, and the one place that turns errors into exit codes.

Exit status (DATA-CONTRACT.md): 0 report written / data clean, 2 bad input or bad parameters
(nothing written under --out), 1 anything else.
"""

from __future__ import annotations

import errno

from .messages import bilingual

OK, FAILED, BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """Bad input or parameters: message printed, exit 2, nothing written."""


class FrontPageError(RuntimeError):
    """The run is archived, but the archive's front page could not be rebuilt (exit 1)."""


class SchedulerUnreachable(Exception):
    """`--scheduler` names no scheduler that answers: a bad parameter, nothing is run or written."""

    def __init__(self, address: str, reason: Exception):
        super().__init__(address, reason)
        self.address, self.reason = address, reason

    def message(self, lang: str) -> str:
        return bilingual(lang, f"Không kết nối được scheduler Dask --scheduler {self.address} ({self.reason}); "
                               "chưa kiểm tra đơn vị nào.",
                         f"Cannot reach the Dask scheduler --scheduler {self.address} ({self.reason}); "
                         "no unit was audited.")


def exit_code(exc: BaseException) -> int:
    """The exit status an error ends the command with."""
    from .params import ParamsError

    return BAD_INPUT if isinstance(exc, (BadInput, ParamsError, SchedulerUnreachable)) else FAILED


def error_text(exc: BaseException, lang: str = "vi") -> str:
    """An unforeseen error in one line: our own errors by their message, others by type too; a full
    disk in one sentence (the run being built is removed, so no partial revision is left)."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        where = f" ({exc.filename})" if exc.filename else ""
        return bilingual(lang, f"đĩa đã đầy{where}: không lưu lần chạy nào, hãy giải phóng chỗ trống rồi chạy lại.",
                         f"the disk is full{where}: no run was archived; free some space and run again.")
    plain = isinstance(exc, (RuntimeError, OSError)) and str(exc)
    return str(exc) if plain else f"{type(exc).__name__}: {exc}"


def outcomes_exit_code(statuses) -> int:
    """A batch round's status: 1 when a unit crashed, else 2 when one had bad input, else 0."""
    statuses = set(statuses)
    if "error" in statuses:
        return FAILED
    return BAD_INPUT if "bad_input" in statuses else OK

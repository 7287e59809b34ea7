"""Every error the product raises on purpose, and the one place that turns errors into exit codes.

Each error carries a message key of the catalog (i18n.py) and its parameters, and says itself in
either language with `.message(lang)`; `str()` gives the default language. Exit status
(DATA-CONTRACT.md): 0 report written / data clean, 2 bad input or bad parameters (nothing written
under --out), 1 anything else.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import DEFAULT_LANG, text

OK, FAILED, BAD_INPUT = 0, 1, 2


def say(key: str, lang: str, values: dict | None = None) -> str:
    """The catalog's message `key`, always formatted, so that an entry may hold literal braces
    (`{{points: ...}}`) whether or not it has placeholders."""
    values = values or {}
    message = text(key, lang, **values)
    return message if values else message.format()


class Keyed(Exception):
    """An error that carries a catalog key and its parameters, said in the reader's language."""

    def __init__(self, key: str, **values: Any):
        super().__init__(key)
        self.key, self.values = key, values

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return say(self.key, lang, self.values)

    def __str__(self) -> str:
        return self.message(DEFAULT_LANG)


class InputError(Keyed, ValueError):
    """Bad input (exit 2 where the command meets it)."""


class Failure(Keyed, RuntimeError):
    """Something failed that is not the input's fault (exit 1)."""


class ArchiveError(Failure):
    """A run folder cannot be made (bad name, no room, a path leaving the archive...)."""


class PdfError(Failure):
    """The PDF could not be printed."""


class ChromiumMissing(PdfError):
    """No Chromium on this machine."""


class BadInput(Exception):
    """Bad input or parameters: message printed, exit 2, nothing written."""


class InputChanged(RuntimeError):
    """A register changed between its validation and its copy into the revision (exit 1). Its own
    type so that a batch unit whose registers were read ahead can read them anew (batch.py)."""


class FrontPageError(RuntimeError):
    """The run is archived, but the archive's front page could not be rebuilt (exit 1)."""


class SchedulerUnreachable(Exception):
    """`--scheduler` names no scheduler that answers: a bad parameter, nothing is run or written."""

    def __init__(self, address: str, reason: Exception):
        super().__init__(address, reason)
        self.address, self.reason = address, reason

    def message(self, lang: str) -> str:
        return text("error.scheduler_unreachable", lang, address=self.address, reason=self.reason)


# --- parameters (params.py) ------------------------------------------------------------------

MISSING = object()  # the value of a key that was not given


@dataclass(frozen=True)
class Issue:
    """One bad parameter: where it came from, the key, the value and what was expected (a catalog
    key and its values)."""

    source: str  # file path, or "" for the command line
    key: str
    value: Any
    expected: str
    values: dict = field(default_factory=dict, hash=False)
    line: int | None = None  # the file's line, for a problem of the YAML itself

    def expected_text(self, lang: str = DEFAULT_LANG) -> str:
        return say(self.expected, lang, self.values)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        where = self.source or text("params.command_line", lang)
        value = text("params.missing", lang) if self.value is MISSING else repr(self.value)
        name = self.key if self.line is None else text("params.yaml_line", lang, name=self.key.strip("()"),
                                                                   line=self.line)
        return text("params.issue", lang, where=where, name=name, value=value, expected=self.expected_text(lang))


class ParamsError(ValueError):
    """Bad parameters, all reported at once."""

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        super().__init__(self.issues)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return "\n".join([text("params.invalid", lang)] + ["  - " + i.message(lang) for i in self.issues])

    def __str__(self) -> str:
        return self.message(DEFAULT_LANG)


# --- the data folder and its files ----------------------------------------------------------

class PeriodError(InputError):
    """A period, or a start..end range, that names no inspection period."""


class UnitFileError(InputError):
    """A `don_vi.yaml` that cannot be used."""


class PlanError(InputError):
    """A plan file that cannot be used, naming file, entry and field (entry None: the whole file)."""

    def __init__(self, path: Path | str, entry: str | None, field_name: str, key: str, **values: Any):
        super().__init__(key, **values)
        self.path, self.entry, self.field = Path(path), entry, field_name

    def message(self, lang: str = DEFAULT_LANG) -> str:
        entry = self.entry if self.entry is not None else text("plan.whole_file", lang)
        return text("plan.error", lang, path=self.path, entry=entry, field=self.field,
                    text=super().message(lang))


class UnsafeInput(InputError):
    """A file that is not read (safeio.py): `code` is a problems.ProblemCode, `detail` fills its `{x}`.
    In a workbook, the place when known: the zip `member` of the sheet, its `sheet` name as Excel
    shows it (set by whoever can read the workbook's parts: sheets.py), the `cell` reference."""

    def __init__(self, code: str, path: str | Path, detail: str = "", line: int | None = None, *,
                 member: str = "", cell: str = ""):
        super().__init__(f"expected.{code}", x=str(detail))
        self.code, self.path, self.detail, self.line = code, Path(path), str(detail), line
        self.member, self.cell, self.sheet = member, cell, ""

    def expected(self, lang: str = DEFAULT_LANG) -> str:
        return super().message(lang)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return f"{self.path}: {self.expected(lang)}"


class Unreadable(Exception):
    """A register file that cannot be read as its extension says: a problems.ProblemCode, and the
    row where reading stopped when known."""

    def __init__(self, code: str, row: int | None = None):
        super().__init__(code)
        self.code, self.row = code, row

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return say(f"expected.{self.code}", lang, {"x": ""})


def exit_code(exc: BaseException) -> int:
    """The exit status an error ends the command with."""
    return BAD_INPUT if isinstance(exc, (BadInput, ParamsError, SchedulerUnreachable, InputError)) else FAILED


def error_text(exc: BaseException, lang: str = DEFAULT_LANG) -> str:
    """An unforeseen error in one line: our own errors by their message, others by type too; a full
    disk in one sentence (the run being built is removed, so no partial revision is left)."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        where = f" ({exc.filename})" if exc.filename else ""
        return text("error.disk_full", lang, where=where)
    if isinstance(exc, Keyed):
        return exc.message(lang)
    plain = isinstance(exc, (RuntimeError, OSError)) and str(exc)
    return str(exc) if plain else f"{type(exc).__name__}: {exc}"


def outcomes_exit_code(statuses) -> int:
    """A batch round's status: 1 when a unit crashed, else 2 when one had bad input, else 0."""
    statuses = set(statuses)
    if "error" in statuses:
        return FAILED
    return BAD_INPUT if "bad_input" in statuses else OK


class NotFound(Keyed, LookupError):
    """What the analyst asked for (explore.py) is not in the run or the archive; said in the
    language of the call that raised it."""

    def __init__(self, key: str, lang: str = DEFAULT_LANG, **values: Any):
        super().__init__(key, **values)
        self.lang = lang

    def __str__(self) -> str:
        return self.message(self.lang)


# --- plan import, signing, verifying (plan_import.py, signing.py, verify.py) ---------------------

class PlanImportError(InputError):
    """A plan document that cannot be drafted into a plan file, or a plan file already there."""


class SigningError(InputError):
    """A revision that cannot be signed as asked: no PDF, no signature block, a key that does not open."""

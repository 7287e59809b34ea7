"""The product's codes, each defined once. StrEnum members are their code strings: they compare
equal to them and serialize to JSON as them, so results.json and the archive keep plain codes."""

from __future__ import annotations

from enum import StrEnum


class UnitOutcome(StrEnum):
    """What became of one unit in a batch round."""

    OK = "ok"  # archived
    SKIPPED = "skipped"  # archived before, not run again
    BAD_INPUT = "bad_input"
    ERROR = "error"  # crashed, timed out, or its worker died for good

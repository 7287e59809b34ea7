"""Plain-text tables for the terminal: the review table of `plan import`, the table of `verify`."""

from __future__ import annotations

import unicodedata


def _width(cell: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in unicodedata.normalize("NFC", cell))


def table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell, a rule under the header; the last column is not padded."""
    cells = [[str(c).replace("\n", " ") for c in row] for row in [header, *rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(header))]

    def line(row):
        padded = [c + " " * (w - _width(c)) for c, w in zip(row[:-1], widths)]
        return "  ".join([*padded, row[-1]]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])

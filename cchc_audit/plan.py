"""The plan being audited, as data: `ke_hoach.yaml` -> `Plan`.

One plan file per unit and year (DOMAIN.md): a new year's plan, or another school's, is a new file,
never new code. `load_plan` validates the file and names file, entry and field in every error.
`parse_plan_text` reads the numbered items of sections II and III from the plan's own text, so tests
can hold the data file to the wording it transcribes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import safeio
from .errors import PlanError
from .schema import REGISTERS

COMPARATORS = (">=", ">", "any")
# Comparators that compare a ratio with a threshold; "any" only needs one qualifying item.
_NEEDS_THRESHOLD = (">=", ">")


@dataclass(frozen=True)
class Area:
    id: str  # "II.1", "III.3"
    section: str  # "II" (targets) or "III" (tasks)
    source: str  # the plan's own numbering inside the section: "1"
    title_vi: str
    title_en: str


@dataclass(frozen=True)
class Target:
    id: str  # "II.1.1.a"
    source: str  # the numbered item of the text it comes from: "II.1.1"
    area: str
    text_vi: str
    text_en: str
    check: str  # name of the check function in the checks registry
    comparator: str  # ">=", ">" or "any"
    threshold: float | None  # a share in [0, 1]; None for "any"
    registers: tuple[str, ...]
    params: dict = field(default_factory=dict, hash=False)
    kind = "target"


@dataclass(frozen=True)
class Task:
    id: str  # "III.1.12", "III.3.8a"
    source: str  # "III.1.12", "III.3.8"
    area: str
    text_vi: str
    text_en: str
    items: tuple[str, ...] = ()  # the bullets under the task
    items_en: tuple[str, ...] = ()  # their English glosses, one per bullet (optional)
    # "Thời hạn": a date, or DEADLINE_ONGOING for work the plan asks "thường xuyên"; None when the
    # plan gives none (the task is then due within the plan's year).
    deadline: dt.date | str | None = None
    # A task is measured like a target (checks.evaluate): evidenced in P, 1 of 1.
    kind = "task"
    check = "task_evidenced"
    comparator = ">="
    threshold = 1.0
    registers = ("nhiem_vu",)

    @property
    def params(self) -> dict:
        return {"task_id": self.id}


@dataclass(frozen=True)
class Plan:
    number: str
    date: dt.date
    year: int
    issuer: str
    title_vi: str
    title_en: str
    basis_vi: str
    source_text: Path | None
    path: Path
    areas: tuple[Area, ...]
    targets: tuple[Target, ...]
    tasks: tuple[Task, ...]

    def area(self, id: str) -> Area:
        return _by_id(self.areas, id)

    def target(self, id: str) -> Target:
        return _by_id(self.targets, id)

    def task(self, id: str) -> Task:
        return _by_id(self.tasks, id)

    @property
    def task_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tasks)


def _by_id(entries, id):
    for entry in entries:
        if entry.id == id:
            return entry
    raise KeyError(id)


# ---------------------------------------------------------------------------------------------
# Loading and validation


_PLAN_FIELDS = {"number", "date", "year", "issuer", "title_vi", "title_en", "basis_vi", "source_text"}
_AREA_FIELDS = {"id", "section", "source", "title_vi", "title_en"}
_TARGET_FIELDS = {"id", "source", "area", "text_vi", "text_en", "check", "comparator", "threshold",
                  "registers", "params"}
_TASK_FIELDS = {"id", "source", "area", "text_vi", "text_en", "items", "items_en", "deadline"}
DEADLINE_ONGOING = "thuong_xuyen"  # a task's `deadline:` for work the plan asks "thường xuyên"


class _Entry:
    """One mapping of the file, read field by field so every error can name entry and field."""

    def __init__(self, path: Path, entry: str, data: Any, allowed: set[str]):
        self.path, self.entry = path, entry
        if not isinstance(data, dict):
            self.fail("-", "plan.mapping")
        # An unknown key is almost always a typo (`treshold`) that would otherwise be ignored.
        for key in data:
            if key not in allowed:
                self.fail(str(key), "plan.unknown_field")
        self.data = data

    def fail(self, field_name: str, key: str, **values):
        raise PlanError(self.path, self.entry, field_name, key, **values)

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.data.get(name)
        if value is None and not required:
            return None
        # Numbers are refused rather than converted: YAML reads an unquoted 1.10 as 1.1.
        if not isinstance(value, str) or not value.strip():
            self.fail(name, "plan.string")
        return value.strip()

    def text_list(self, name: str, required: bool) -> tuple[str, ...]:
        value = self.data.get(name)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or (required and not value) or not all(
            isinstance(v, str) and v.strip() for v in value
        ):
            self.fail(name, "plan.strings")
        return tuple(v.strip() for v in value)


# Parsed plan texts, by their text: a district's units share one plan file's words, and a run
# reads its plan twice (the check of the input, then the notebook). Each load gets its own copy.
_PARSED: dict[str, bytes] = {}
_PARSED_MAX = 16


def _parsed(text: str, path: Path):
    import pickle

    kept = _PARSED.get(text)
    if kept is None:
        data = safeio.load_yaml(text, path)  # raises for this path: failures are never kept
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[text] = kept = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    return pickle.loads(kept)


def _read_yaml(path: Path, root: Path | None = None) -> dict:
    try:
        # Bounded, no aliases (safeio); libyaml's parser when PyYAML has it: ten times faster.
        data = _parsed(safeio.read_text(path, "yaml", root), path)
    except safeio.UnsafeInput as exc:
        raise PlanError(path, "-", "-", exc.key, **exc.values) from None
    except UnicodeDecodeError as exc:
        raise PlanError(path, "-", "-", "plan.not_utf8", byte=exc.start) from None
    except OSError as exc:
        raise PlanError(path, "-", "-", "plan.unreadable", error=exc) from None
    except yaml.YAMLError as exc:
        raise PlanError(path, "-", "-", "plan.bad_yaml", error=exc) from None
    if not isinstance(data, dict):
        raise PlanError(path, "-", "-", "plan.file_mapping")
    return data


def _section_list(path: Path, data: dict, key: str) -> list:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise PlanError(path, key, key, "plan.nonempty_list")
    return value


def _entry_id(path: Path, kind: str, index: int, data: Any) -> str:
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"].strip():
        return data["id"].strip()
    raise PlanError(path, f"{kind}[{index}]", "id", "plan.missing_id")


def load_plan(path: str | Path, root: str | Path | None = None) -> Plan:
    """Read and validate a plan file; raise `PlanError` naming file, entry and field. `root`: the
    data folder the plan must lie in when it was not named on the command line. The text the plan
    cites (`source_text`) must lie in the plan's own folder."""
    path = Path(path)
    data = _read_yaml(path, Path(root) if root is not None else None)
    _Entry(path, None, data, {"plan", "areas", "targets", "tasks"})  # top-level keys

    meta = _Entry(path, "plan", data.get("plan"), _PLAN_FIELDS)
    date = meta.data.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            date = None
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        meta.fail("date", "plan.date")
    year = meta.data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        meta.fail("year", "plan.year")
    source_text = meta.text("source_text", required=False)
    if source_text is not None:
        try:  # copied into the archive: never a file from outside the plan's folder
            safeio.check_relative(source_text, path)
            safeio.check_file(path.parent / source_text, path.parent, "text")
        except safeio.UnsafeInput as exc:
            meta.fail("source_text", exc.key, **exc.values)
        except FileNotFoundError:
            pass
        source_text = path.parent / source_text
        if not source_text.is_file():
            meta.fail("source_text", "plan.source_text_missing", file=source_text)

    areas: list[Area] = []
    for i, raw in enumerate(_section_list(path, data, "areas")):
        e = _Entry(path, _entry_id(path, "areas", i, raw), raw, _AREA_FIELDS)
        if any(a.id == e.entry for a in areas):
            e.fail("id", "plan.duplicate_id")
        areas.append(Area(e.entry, e.text("section"), e.text("source"), e.text("title_vi"),
                          e.text("title_en")))
    area_ids = {a.id for a in areas}

    # Targets and tasks share one id space: results and the `nhiem_vu` register refer to them by id.
    seen: set[str] = set()

    def common(kind: str, index: int, raw: Any, allowed: set[str]) -> _Entry:
        e = _Entry(path, _entry_id(path, kind, index, raw), raw, allowed)
        if e.entry in seen:
            e.fail("id", "plan.duplicate_id")
        seen.add(e.entry)
        if (area := e.text("area")) not in area_ids:
            e.fail("area", "plan.unknown_area", area=area)
        return e

    targets: list[Target] = []
    for i, raw in enumerate(_section_list(path, data, "targets")):
        e = common("targets", i, raw, _TARGET_FIELDS)
        comparator = e.data.get("comparator")
        if comparator not in COMPARATORS:
            e.fail("comparator", "plan.comparator", comparator=repr(comparator), choices=", ".join(COMPARATORS))
        threshold = e.data.get("threshold")
        if comparator in _NEEDS_THRESHOLD:
            if (not isinstance(threshold, (int, float)) or isinstance(threshold, bool)
                    or not 0 <= threshold <= 1):
                e.fail("threshold", "plan.threshold")
            threshold = float(threshold)
        elif threshold is not None:
            e.fail("threshold", "plan.no_threshold", comparator=comparator)
        registers = e.text_list("registers", required=True)
        for name in registers:
            if name not in REGISTERS:
                e.fail("registers", "plan.unknown_register", name=name)
        params = e.data.get("params") or {}
        if not isinstance(params, dict):
            e.fail("params", "plan.params_mapping")
        targets.append(Target(e.entry, e.text("source"), e.text("area"), e.text("text_vi"),
                              e.text("text_en"), e.text("check"), comparator, threshold,
                              registers, dict(params)))

    tasks: list[Task] = []
    for i, raw in enumerate(_section_list(path, data, "tasks")):
        e = common("tasks", i, raw, _TASK_FIELDS)
        items = e.text_list("items", required=False)
        items_en = e.text_list("items_en", required=False)
        if items_en and len(items_en) != len(items):
            e.fail("items_en", "plan.items_en")
        deadline = e.data.get("deadline")
        if deadline is not None and deadline != DEADLINE_ONGOING and (
                not isinstance(deadline, dt.date) or isinstance(deadline, dt.datetime)):
            e.fail("deadline", "plan.deadline", ongoing=DEADLINE_ONGOING)
        tasks.append(Task(e.entry, e.text("source"), e.text("area"), e.text("text_vi"),
                          e.text("text_en"), items, items_en, deadline))

    return Plan(
        number=meta.text("number"), date=date, year=year, issuer=meta.text("issuer"),
        title_vi=meta.text("title_vi"), title_en=meta.text("title_en"),
        basis_vi=meta.text("basis_vi"), source_text=source_text, path=path,
        areas=tuple(areas), targets=tuple(targets), tasks=tuple(tasks),
    )


# ---------------------------------------------------------------------------------------------
# The plan's text


@dataclass(frozen=True)
class TextItem:
    id: str  # "II.1.1", "III.3.8a"
    number: str  # as printed inside its section: "1.1", "3.8"
    text: str  # the wording, lines joined and whitespace collapsed
    bullets: tuple[str, ...] = ()


_SECTION = re.compile(r"^\s*([IVX]+)\.\s+\S")
_NUMBERED = re.compile(r"^\s*(\d+\.(?:\d+\.)?)\s+(\S.*)$")  # "1.", "1.1.", " 7.7.", "1.5.  Tự"
_BULLET = re.compile(r"^\s*[-–•]\s+(\S.*)$")


def normalize_space(text: str) -> str:
    """Collapse every run of whitespace (line breaks, doubled spaces, no-break spaces) to one space."""
    return " ".join(text.split())


def parse_plan_text(path: str | Path, sections: tuple[str, ...] = ("II", "III")) -> dict:
    """The numbered items of `sections` in the plan's text.

    Returns {"areas": {id: TextItem}, "items": {id: TextItem}}: every "N." heading is an area; every
    "N.M." is an item, and so is a heading with no "N.M." under it (II.3, II.4, II.5). A number
    printed twice in a section gets a, b, ... in order of appearance (3.8 -> 3.8a, 3.8b). "- " lines
    are bullets of the item above. A line with no number continues the line above unless that line
    closed a sentence; then it is a free paragraph ("Nội dung chi tiết theo Phụ lục...") and ignored.
    """
    records: list[dict] = []  # {"section", "number", "lines", "bullets": [[lines]]}
    section = None
    open_lines: list[str] | None = None  # the lines a continuation would extend
    for line in safeio.read_text(path, "text").splitlines():
        if m := _SECTION.match(line):
            section, open_lines = m.group(1), None
            continue
        if section not in sections:
            continue
        if m := _NUMBERED.match(line):
            records.append({"section": section, "number": m.group(1).rstrip("."),
                            "lines": [m.group(2)], "bullets": []})
            open_lines = records[-1]["lines"]
        elif records and records[-1]["section"] == section and (m := _BULLET.match(line)):
            records[-1]["bullets"].append([m.group(1)])
            open_lines = records[-1]["bullets"][-1]
        elif open_lines is not None and line.strip() and not open_lines[-1].rstrip().endswith("."):
            open_lines.append(line)
        else:
            open_lines = None

    counts: dict[tuple[str, str], int] = {}
    for r in records:
        counts[r["section"], r["number"]] = counts.get((r["section"], r["number"]), 0) + 1
    parents = {(r["section"], r["number"].split(".")[0]) for r in records if "." in r["number"]}

    areas: dict[str, TextItem] = {}
    items: dict[str, TextItem] = {}
    nth: dict[tuple[str, str], int] = {}
    for r in records:
        key = (r["section"], r["number"])
        nth[key] = nth.get(key, 0) + 1
        suffix = "abcdefghij"[nth[key] - 1] if counts[key] > 1 else ""
        item = TextItem(
            id=f"{r['section']}.{r['number']}{suffix}", number=r["number"],
            text=normalize_space(" ".join(r["lines"])),
            bullets=tuple(normalize_space(" ".join(b)) for b in r["bullets"]),
        )
        if "." not in r["number"]:
            areas[item.id] = item
        if "." in r["number"] or key not in parents:
            items[item.id] = item
    return {"areas": areas, "items": items}

"""`cchc-audit plan import`: a plan file drafted from the school's own plan document (.docx, .txt).

The document is read as lines (a Word file: its paragraphs and table cells in order), its numbered
items found by the same reader the tests hold the committed plan to (`plan.parse_plan_text`), and
each section II item given its comparator, threshold and check from its words, each section III
task its deadline from the words that say when it is due (plan_mapping.py). The plan's quirks are
kept: a number never printed stays absent, a number printed twice becomes `a`/`b`, bullets stay
the task's items; an item stating two figures is split into `.a`/`.b` targets; a sentence of a
section III task that states a figure section II does not already measure becomes a target of its
own (`III.3.6.b`). Whatever could not be decided with certainty is listed in a review table and
marked in the file (`# CẦN XEM LẠI / REVIEW` comments) for a person to confirm. The text read is
saved beside the plan as its `source_text`. Nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import safeio
from .errors import PlanError, PlanImportError
from .i18n import DEFAULT_LANG, text
from .plan import load_plan, normalize_space, parse_plan_text
from .plan_mapping import deadlines, figures, matching_rules

PLAN_NAME = "ke_hoach.yaml"
_NUMBER = re.compile(r"\bSố\s*:\s*(\S+)")
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_YEAR = re.compile(r"năm\s+(\d{4})")
_ABBREVIATION = re.compile(r"\s*\(viết tắt là [^)]*\)")
_SENTENCE = re.compile(r"(?<=\.)\s+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Note:
    """One row of the review table: the entry, the field, and what a person should confirm."""

    entry: str
    field: str
    key: str
    values: dict = field(default_factory=dict, hash=False)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return text(self.key, lang, **self.values)


@dataclass
class Draft:
    plan_text: str  # the plan file's YAML, with its review comments
    source_text: str  # the document's text, saved as the plan's source_text
    source_name: str
    notes: list[Note]
    targets: int
    tasks: int


# --- reading the document -------------------------------------------------------------------

def _docx_lines(path: Path) -> list[str]:
    """A Word file's paragraphs and table cells, in the order they appear (a merged cell once)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a file that is no Word file
        raise PlanImportError("planimport.not_docx", path=path, error=type(exc).__name__) from None
    lines: list[str] = []

    def walk(parent, element):
        for child in element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.extend(Paragraph(child, parent).text.split("\n"))
            elif tag == "tbl":
                seen = set()
                for row in Table(child, parent).rows:
                    for cell in row.cells:
                        if id(cell._tc) not in seen:
                            seen.add(id(cell._tc))
                            walk(cell, cell._tc)
            elif tag == "sdt":  # content controls hold paragraphs too
                content = child.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sdtContent")
                if content is not None:
                    walk(parent, content)

    walk(document, document.element.body)
    return lines


def read_lines(path: str | Path) -> list[str]:
    """The document's lines: a .txt as UTF-8 text, a .docx by its paragraphs."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise PlanImportError("planimport.no_file", path=path)
    if suffix == ".docx":
        safeio.check_file(path, kind="xlsx")  # a zip like an xlsx: the same size bound
        return _docx_lines(path)
    if suffix == ".txt":
        try:
            return safeio.read_text(path, "text").lstrip("\ufeff").splitlines()  # Notepad's BOM
        except UnicodeDecodeError as exc:
            raise PlanImportError("planimport.not_utf8", path=path, byte=exc.start) from None
    raise PlanImportError("planimport.format", path=path, suffix=suffix or "-")


# --- the plan's heading -----------------------------------------------------------------------

def _heading(lines: list[str], notes: list[Note]) -> dict:
    stripped = [normalize_space(line) for line in lines]
    try:
        title_at = next(i for i, line in enumerate(stripped) if line.upper() == "KẾ HOẠCH")
    except StopIteration:
        raise PlanImportError("planimport.no_title") from None
    header, body = stripped[:title_at], "\n".join(stripped[title_at:])
    number = next((m.group(1) for line in header if (m := _NUMBER.search(line))), None)
    date = next((m for line in header if (m := _DATE.search(line))), None)
    # The subject runs from the line under "KẾ HOẠCH" to a blank line or a line closing a clause;
    # the basis is the first "Thực hiện ..."/"Căn cứ ..." line after it.
    rest, subject, end = stripped[title_at + 1:], [], len(stripped)
    for i, line in enumerate(rest):
        if subject and (not line or line.endswith((";", ",", ":", ".")) or line.startswith("Căn cứ")):
            end = i
            break
        if line:
            subject.append(line)
    basis = next((line for line in rest[end:] if line.startswith(("Thực hiện", "Căn cứ"))), None)
    if not subject or basis is None or number is None or date is None:
        missing = [name for name, value in (("number", number), ("date", date), ("title", subject),
                                            ("basis", basis)) if not value]
        raise PlanImportError("planimport.no_heading", fields=", ".join(missing))
    title = "Kế hoạch " + " ".join(subject)[0].lower() + " ".join(subject)[1:]
    # The issuing unit: the last line in capitals above "Số:", as the body writes it.
    number_at = next(i for i, line in enumerate(header) if _NUMBER.search(line))
    unit_lines = [line for line in header[:number_at] if line and line.isupper()]
    issuer = unit_lines[-1] if unit_lines else ""
    found = re.search(re.escape(issuer), body, re.I) if issuer else None
    if found:
        issuer = found.group(0)
    else:
        notes.append(Note("plan", "issuer", "planimport.review.issuer"))
    years = _YEAR.findall(title)
    day, month, year = (int(g) for g in date.groups())
    return {"number": number, "date": dt.date(year, month, day), "year": int(years[-1]) if years else year,
            "issuer": issuer or "?", "title_vi": title, "basis_vi": basis}


# --- targets and tasks ----------------------------------------------------------------------

def _target(entry_id: str, source: str, area: str, wording: str, notes: list[Note]) -> dict:
    rules = matching_rules(wording)
    found = figures(wording)
    if not rules:
        notes.append(Note(entry_id, "check", "planimport.review.no_check"))
    elif len(rules) > 1:
        notes.append(Note(entry_id, "check", "planimport.review.several_checks",
                          {"checks": ", ".join(_rule_name(r) for r in rules)}))
    if not found:
        notes.append(Note(entry_id, "threshold", "planimport.review.no_figure"))
    elif not found[0].certain:
        notes.append(Note(entry_id, "comparator", "planimport.review.bare_figure", {"words": found[0].words}))
    rule = rules[0] if rules else None
    return {"id": entry_id, "source": source, "area": area, "text_vi": wording,
            "check": rule.check if rule else "", "comparator": found[0].comparator if found else ">=",
            "threshold": found[0].threshold if found else 1.0,
            "registers": list(rule.registers) if rule else [], "params": dict(rule.params) if rule else {}}


def _deadline(entry_id: str, wording: str, year: int, notes: list[Note]):
    """A task's deadline from its words (plan_mapping.deadlines): the first the words state; a
    reading beyond the words, several different ones, or a date no calendar has, said for review."""
    found = deadlines(wording, year)
    for bad in (d for d in found if d.value is None):
        notes.append(Note(entry_id, "deadline", "planimport.review.deadline_date", {"words": bad.words}))
    found = [d for d in found if d.value is not None]
    if not found:
        return None
    first = found[0]
    values = list(dict.fromkeys(_deadline_text(d.value) for d in found))
    if len(values) > 1:
        notes.append(Note(entry_id, "deadline", "planimport.review.several_deadlines",
                          {"deadlines": ", ".join(values), "deadline": values[0]}))
    elif not all(d.certain for d in found):
        notes.append(Note(entry_id, "deadline", "planimport.review.deadline_guess",
                          {"words": next(d for d in found if not d.certain).words, "deadline": values[0]}))
    return first.value


def _deadline_text(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else value


def _rule_name(rule) -> str:
    return rule.check + "".join(f" {k}={v}" for k, v in rule.params.items())


def _split(item_text: str) -> list[str]:
    """An item stating two or more figures, cut after each figure at the next `, ` or `; `."""
    found, parts, start = figures(item_text), [], 0
    for figure in found[:-1]:
        cut = re.compile(r"[,;]\s+").search(item_text, figure.end)
        if cut is None or cut.start() < start:
            continue
        parts.append(item_text[start:cut.start()])
        start = cut.end()
    return parts + [item_text[start:]] if parts else [item_text]


def _numbering_notes(items: dict, notes: list[Note]) -> None:
    """The plan's quirks, kept and said: numbers never printed, numbers printed twice."""
    by_area: dict[str, list] = {}
    for item in items.values():
        section = item.id.split(".")[0]
        if "." in item.number:
            head, sub = item.number.split(".", 1)
            by_area.setdefault(f"{section}.{head}", []).append((int(sub), item.id))
    for area, numbered in by_area.items():
        present = {n for n, _ in numbered}
        for n in sorted(set(range(1, max(present) + 1)) - present):
            notes.append(Note(f"{area}.{n}", "id", "planimport.review.missing_number"))
        for n in sorted(present):
            twice = [i for m, i in numbered if m == n]
            if len(twice) > 1:
                notes.append(Note(f"{area}.{n}", "id", "planimport.review.number_twice", {"ids": ", ".join(twice)}))


def _english(previous: Path | None) -> dict[str, str]:
    """Vietnamese wording -> English gloss of an earlier plan file, to carry over unchanged entries."""
    if previous is None:
        return {}
    old = load_plan(previous)
    glosses = {old.title_vi: old.title_en}
    glosses |= {a.title_vi: a.title_en for a in old.areas}
    glosses |= {normalize_space(e.text_vi): e.text_en for e in (*old.targets, *old.tasks)}
    for task in old.tasks:
        glosses |= dict(zip((normalize_space(i) for i in task.items), task.items_en))
    return glosses


def draft(document: str | Path, source_name: str, previous: str | Path | None = None) -> Draft:
    """The plan file drafted from `document`, citing its text as `source_name`."""
    lines = read_lines(document)
    notes: list[Note] = []
    meta = _heading(lines, notes)
    source = "\n".join(lines).rstrip("\n") + "\n"
    with tempfile.TemporaryDirectory(prefix="cchc-plan-") as tmp:
        (Path(tmp) / "plan.txt").write_text(source, encoding="utf-8")
        parsed = parse_plan_text(Path(tmp) / "plan.txt")
    areas, items = parsed["areas"], parsed["items"]
    if not any(i.startswith("II.") for i in items) or not any(i.startswith("III.") for i in items):
        raise PlanImportError("planimport.no_items")

    targets: list[dict] = []
    for item in (i for i in items.values() if i.id.startswith("II.")):
        source_id, area = f"II.{item.number}", f"II.{item.number.split('.')[0]}"
        parts = _split(item.text)
        if len(parts) > 1:
            notes.append(Note(item.id, "id", "planimport.review.split", {"count": len(parts)}))
        for n, part in enumerate(parts):
            entry_id = f"{item.id}.{_LETTERS[n]}" if len(parts) > 1 else item.id
            targets.append(_target(entry_id, source_id, area, part, notes))
    measured = {(t["check"], json.dumps(t["params"], sort_keys=True)) for t in targets}
    tasks: list[dict] = []
    for item in (i for i in items.values() if i.id.startswith("III.")):
        source_id, area = f"III.{item.number}", f"III.{item.number.split('.')[0]}"
        tasks.append({"id": item.id, "source": source_id, "area": area, "text_vi": item.text,
                      "items": list(item.bullets),
                      "deadline": _deadline(item.id, " ".join((item.text, *item.bullets)), meta["year"], notes)})
        sentences = _SENTENCE.split(item.text)
        for n, sentence in enumerate(sentences):
            if not figures(sentence):
                continue
            rules = matching_rules(sentence)
            if len(rules) == 1 and (rules[0].check, json.dumps(rules[0].params, sort_keys=True)) not in measured:
                targets.append(_target(f"{item.id}.{_LETTERS[n]}", source_id, area, sentence, notes))
            elif not rules:  # a figure no check measures: the task stays a task, said for review
                notes.append(Note(item.id, "text_vi", "planimport.review.task_figure",
                                  {"words": figures(sentence)[0].words}))
    _numbering_notes(items, notes)

    glosses = _english(Path(previous) if previous else None)
    missing = []

    def english(vi: str, entry: str) -> str:
        if vi in glosses:
            return glosses[vi]
        missing.append(entry)
        return vi

    meta["title_en"] = english(meta["title_vi"], "plan")
    area_rows = [{"id": a.id, "section": a.id.split(".")[0], "source": a.number,
                  "title_vi": (t := _ABBREVIATION.sub("", a.text).rstrip(".")), "title_en": english(t, a.id)}
                 for a in areas.values()]
    for entry in (*targets, *tasks):
        entry["text_en"] = english(entry["text_vi"], entry["id"])
    for task in tasks:
        task["items_en"] = [glosses[i] for i in task["items"]] if all(i in glosses for i in task["items"]) else []
    if missing:
        notes.append(Note("*", "text_en", "planimport.review.english", {"count": len(missing)}))
    plan_text = _render(meta, source_name, area_rows, targets, tasks, notes, Path(document).name)
    return Draft(plan_text, source, source_name, notes, len(targets), len(tasks))


# --- the file -------------------------------------------------------------------------------

def _q(value) -> str:
    """A YAML scalar: JSON strings and lists are YAML's double-quoted and flow forms."""
    return json.dumps(value, ensure_ascii=False)


def _render(meta, source_name, areas, targets, tasks, notes, document_name, lang: str = DEFAULT_LANG) -> str:
    marks: dict[str, list[Note]] = {}
    for note in notes:
        marks.setdefault(note.entry, []).append(note)
    review = text("planimport.review_mark", lang)
    out = [f"# {text('planimport.file_header', lang, document=document_name)}", f"# {review}:"]
    out += [f"#   {n.entry} [{n.field}]: {n.message(lang)}" for n in notes] or [f"#   {text('planimport.review_none', lang)}"]
    out += ["", "plan:"]
    out += [f"  {k}: {_q(meta[k])}" for k in ("number",)]
    out += [f"  date: {meta['date'].isoformat()}", f"  year: {meta['year']}"]
    out += [f"  {k}: {_q(meta[k])}" for k in ("issuer", "title_vi", "title_en", "basis_vi")]
    out += [f"  source_text: {_q(source_name)}", "", "areas:"]

    def entry(row: dict, keys: tuple[str, ...]) -> list[str]:
        lines = [f"  # {review} [{n.field}]: {n.message(lang)}" for n in marks.get(row["id"], ())]
        lines.append(f"  - id: {_q(row['id'])}")
        for key in keys:
            value = row[key]
            if key in ("items", "items_en", "deadline") and not value:
                continue
            if key == "threshold":
                lines.append(f"    {key}: {value!r}")
            elif isinstance(value, dt.date):  # a bare YAML date, read back as one
                lines.append(f"    {key}: {value.isoformat()}")
            else:
                lines.append(f"    {key}: {_q(value)}")
        return lines

    for row in areas:
        out += entry(row, ("section", "source", "title_vi", "title_en"))
    out += ["", "targets:"]
    for row in targets:
        out += entry(row, ("source", "area", "text_vi", "text_en", "check", "comparator", "threshold",
                           "registers", "params"))
    out += ["", "tasks:"]
    for row in tasks:
        out += entry(row, ("source", "area", "text_vi", "text_en", "items", "items_en", "deadline"))
    return "\n".join(out) + "\n"


def _write_new(path: Path, content: str) -> bool:
    """Write `content` to a new file; False when the same content is already there; refuse
    (PlanImportError) when another file holds the name: nothing is ever overwritten."""
    if os.path.lexists(path):
        if path.is_file() and path.read_bytes() == content.encode("utf-8"):
            return False
        raise PlanImportError("planimport.exists", path=path)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(content)
    return True


def import_plan(document: str | Path, out: str | Path | None = None,
                previous: str | Path | None = None) -> tuple[Path, Draft, Exception | None]:
    """Draft the plan of `document` and write it to `out` (default: `ke_hoach.yaml` beside the
    document) with its text beside it. Returns the file, the draft, and why the file does not load
    yet (a check no rule found is left empty for a person to fill), or None when it loads."""
    document = Path(document)
    out = Path(out) if out is not None else document.parent / PLAN_NAME
    if os.path.lexists(out):
        raise PlanImportError("planimport.exists", path=out)
    source_name = document.with_suffix(".txt").name
    result = draft(document, source_name, previous)
    out.parent.mkdir(parents=True, exist_ok=True)
    if (out.parent / source_name).resolve() != document.resolve():
        _write_new(out.parent / source_name, result.source_text)
    _write_new(out, result.plan_text)
    try:
        load_plan(out)
    except PlanError as exc:
        return out, result, exc
    return out, result, None


def review_table(notes: list[Note], lang: str = DEFAULT_LANG) -> str:
    """The review table as the terminal shows it."""
    from .termtable import table

    header = [text(f"planimport.column.{c}", lang) for c in ("entry", "field", "note")]
    return table(header, [[n.entry, n.field, n.message(lang)] for n in notes])

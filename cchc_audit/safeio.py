"""Reading what a unit hands in, within bounds (issue 15).

A data folder is a boundary: a file the folder names (a register, `don_vi.yaml`, the default plan,
the plan's `source_text`) must resolve inside it, so a link or `../` can never carry a file from
elsewhere into the archive. Only regular files are read, opened with O_NONBLOCK (a FIFO never
hangs a run), with a size limit per kind of file. YAML is parsed with no aliases and a bounded
depth; an XLSX is checked before calamine sees it, since calamine allocates the whole grid up to
the farthest cell and aborts the process when it cannot.

Every refusal is an `UnsafeInput` (errors.py) with a `problems.ProblemCode`, so each caller says
it through its usual message (a register problem, a plan error, a params issue).
"""

from __future__ import annotations

import errno
import os
import posixpath
import queue
import re
import stat
import threading
import zipfile
from operator import itemgetter
from pathlib import Path

import yaml

from .errors import UnsafeInput
from .problems import ProblemCode as P
from .problems import column_letter

MB = 1 << 20
# Largest file read per kind: far above any school's register, far below a process's memory.
LIMITS = {"xlsx": 200 * MB, "csv": 400 * MB, "yaml": 4 * MB, "text": 8 * MB, "json": 200 * MB}
YAML_MAX_DEPTH = 40
# XLSX: what calamine may be asked to hold. A city's one-stop register (a million dossiers a
# year, some twenty columns) fits; a sheet claiming more cells, or shared text out of all
# proportion to its cells, is refused.
XLSX_MAX_CELLS = 25_000_000  # rows x columns of any sheet calamine may read, empty cells included
XLSX_MAX_MEMBERS = 5_000
XLSX_MAX_UNZIPPED = 1024 * MB  # the members calamine reads, decompressed
XLSX_MAX_RATIO = 200  # decompressed/compressed of one member above 1 MB: a zip bomb
XLSX_MAX_TEXT = 100_000_000  # characters of shared strings the cells refer to, all cells together,
XLSX_TEXT_PER_CELL = 64  # ... or this many per cell that refers to one, when that is more
XLSX_MAX_SHARED = 2_000_000  # entries of the shared-string table, or one per cell of the sheet if more
CELL_MAX_CHARS = 32_767  # Excel's own limit for one cell


def _size(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit} byte"


def inside(path: str | Path, root: str | Path) -> bool:
    """Whether `path`, every link followed, lies in `root` (itself resolved)."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def check_relative(text: str, path: str | Path) -> None:
    """A path written inside a file (a plan's `source_text`): relative, no `..`."""
    parts = Path(text).parts
    if Path(text).is_absolute() or text.startswith("~") or ".." in parts:
        raise UnsafeInput(P.PATH_OUTSIDE, path, text)


def check_file(path: str | Path, root: str | Path | None = None, kind: str | None = None) -> os.stat_result:
    """The stat of a regular file, inside `root` when given, of at most LIMITS[kind] when given;
    UnsafeInput otherwise. FileNotFoundError passes through (absent is the caller's business)."""
    path = Path(path)
    if root is not None and not inside(path, root):
        target = os.path.realpath(path)
        raise UnsafeInput(P.FILE_OUTSIDE, path.name, target)
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeInput(P.FILE_LINK_LOOP, path.name) from None
        if exc.errno == errno.ENOENT and os.path.islink(path):
            raise UnsafeInput(P.FILE_LINK_BROKEN, path.name) from None
        raise
    if stat.S_ISDIR(info.st_mode):
        raise UnsafeInput(P.FILE_IS_FOLDER, path.name)
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeInput(P.FILE_IS_SPECIAL, path.name)
    if kind is not None and info.st_size > LIMITS[kind]:
        raise UnsafeInput(P.FILE_TOO_LARGE, path.name, _size(LIMITS[kind]))
    return info


def read_bytes(path: str | Path, kind: str, root: str | Path | None = None) -> bytes:
    """The bytes of a regular file of at most LIMITS[kind], opened without blocking."""
    limit = LIMITS[kind]
    check_file(path, root, kind)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        # Swapped for a FIFO between stat and open: refused, never waited on.
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafeInput(P.FILE_IS_SPECIAL, Path(path).name)
        chunks, total = [], 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # grew since the stat (/proc files, a file being written)
                raise UnsafeInput(P.FILE_TOO_LARGE, Path(path).name, _size(limit))
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: str | Path, kind: str, root: str | Path | None = None) -> str:
    """`read_bytes` decoded as UTF-8 (a BOM is dropped); UnicodeDecodeError passes through."""
    return read_bytes(path, kind, root).decode("utf-8-sig")


# --- YAML ---------------------------------------------------------------------------------------

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, path: str | Path, loader=None):
    """YAML from `text` with `loader` (SafeLoader by default). Refused first, from the event stream
    (libyaml's, no objects built): any alias, whose expansion is how a few lines become gigabytes,
    and nesting deeper than YAML_MAX_DEPTH, which would exhaust the recursion of the constructor.
    YAML syntax errors raise yaml.YAMLError as usual."""
    depth = 0
    for event in yaml.parse(text, Loader=_FAST_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise UnsafeInput(P.YAML_ALIAS, path, f"*{event.anchor}", event.start_mark.line + 1)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > YAML_MAX_DEPTH:
                raise UnsafeInput(P.YAML_TOO_DEEP, path, str(YAML_MAX_DEPTH), event.start_mark.line + 1)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return yaml.load(text, Loader=loader or _FAST_LOADER)


def read_yaml(path: str | Path, root: str | Path | None = None, loader=None):
    """A YAML file within bounds: `read_text` then `load_yaml`."""
    return load_yaml(read_text(path, "yaml", root), path, loader)


# --- XLSX ---------------------------------------------------------------------------------------

# Cell and row references (`<c r="B7"`, `<row r="7"`). Spreadsheets write one space before an
# attribute, which a literal scan finds fast; other whitespace there takes the slower pattern.
_REF = re.compile(rb' r="([A-Z]{0,3})(\d{1,9})"')
_REF_ANY_SPACE = re.compile(rb'\sr="([A-Z]{0,3})(\d{1,9})"')
_DIMENSION = re.compile(rb'<dimension\s+ref="(?:[A-Z]{1,3}\d{1,9}:)?([A-Z]{1,3})(\d{1,9})"')
_SHARED_REF = re.compile(rb't="s"[^>]*>\s*<v>(\d{1,12})</v>')


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


_REF_BYTES = int.from_bytes(b' r="', "little")


def _ref_starts(xml: bytes):
    """Where each ' r="' of `xml` ends (where its reference begins), in any order."""
    import numpy as np  # here: most commands never open a workbook

    size = len(xml)
    starts = []  # where ' r="' begins, looked for as one 4-byte word at each of the 4 alignments
    for shift in range(4):
        words = (size - shift) // 4
        if words > 0:
            found = np.flatnonzero(np.frombuffer(xml, dtype="<u4", count=words, offset=shift) == _REF_BYTES)
            starts.append(found * 4 + shift + 4)  # the reference itself, after the quote
    return np.concatenate(starts) if starts else np.zeros(0, dtype=np.intp)  # in any order: only maxima matter


# What `_farthest` is at most when every ' r="' is followed by at most one letter and four digits
# (a sheet of fewer than 10 000 rows and 26 columns): enough for _check_sheet whenever it keeps
# rows x columns within XLSX_MAX_SHARED, and found at a fraction of the cost.
SMALL_REFS = (9999, 26)


def _small_refs(xml: bytes, at) -> bool:
    """Whether every reference starting at `at` (`_ref_starts`) is within SMALL_REFS: no two
    letters, and no digit four places after the letter, or the start when there is none. Bytes
    past the end are read as the last byte, which can only make the answer False (never wrong)."""
    import numpy as np

    if not len(at):
        return False
    data = np.frombuffer(xml, dtype=np.uint8)
    last = len(data) - 1

    def byte(offset):
        return data[np.minimum(offset, last)]

    first = byte(at)
    letter = (first >= 65) & (first <= 90)
    second = byte(at + 1)
    if (letter & (second >= 65) & (second <= 90)).any():
        return False
    fifth = byte(at + letter + 4)  # a fifth digit
    return not ((fifth >= 48) & (fifth <= 57)).any()


def _farthest(xml: bytes, chunk: int = 1 << 21, starts=None) -> tuple[int, int] | None:
    """(largest row number, largest column number) of the references `_REF` finds in `xml`, None
    when there is none: the same matches, found with numpy over the bytes rather than one Python
    object per cell (a million-row sheet holds tens of millions of references). `starts`: its
    `_ref_starts`, when found already."""
    import numpy as np  # here: most commands never open a workbook

    size = len(xml)
    at = _ref_starts(xml) if starts is None else starts
    width = 16  # three letters, nine digits and the closing quote fit
    tail = at[at > size - width]
    at = at[at <= size - width]
    # 16 bytes from any offset, as two unaligned little-endian words: one fast gather each
    words = np.ndarray((max(size - 7, 0),), dtype="<u8", buffer=xml, strides=(1,))
    rows = columns = -1
    place = np.arange(width)
    for begin in range(0, len(at), chunk):
        part = at[begin:begin + chunk]
        pair = np.empty((len(part), 2), dtype="<u8")
        pair[:, 0], pair[:, 1] = words[part], words[part + 8]
        cells = pair.view(np.uint8)  # each reference's first 16 bytes, one row each
        run = np.ones(len(part), dtype=bool)
        letters = np.zeros(len(part), dtype=np.intp)
        for k in range(4):  # leading letters; 4 never match
            run &= (cells[:, k] >= 65) & (cells[:, k] <= 90)
            letters += run
        other = (cells < 48) | (cells > 57)  # not a digit
        other &= place >= letters[:, None]
        other[:, width - 1] = True
        end = np.argmax(other, axis=1)  # the first byte after the digits that follow the letters
        run = end - letters
        line = np.arange(len(cells))
        good = np.flatnonzero((letters < 4) & (run >= 1) & (run <= 9) & (cells[line, end] == 34))
        if not len(good):
            continue
        columns = max(columns, _largest(cells[good], np.zeros(len(good), dtype=np.intp), letters[good], 64, 26))
        zero = cells[good, letters[good]] == 48  # a number written with leading zeros: compared by value
        rows = max(rows, _largest(cells[good[~zero]], letters[good[~zero]], run[good[~zero]], 48, 10),
                   _largest(cells[good[zero]], letters[good[zero]], run[good[zero]], 48, 10, lexical=False))
    for start in tail.tolist():  # the few references too near the end for a whole window
        match = _REF.match(xml, start - 4)
        if match:
            rows = max(rows, int(match.group(2)))
            columns = max(columns, _column_number(match.group(1)))
    return None if rows < 0 else (rows, columns)


def _largest(cells, start, length, base: int, radix: int, lexical: bool = True) -> int:
    """The largest number written in `cells` from each row's `start`, `length` symbols of `radix`
    counted from byte `base` + 1 (letters, A = 1) or `base` (digits); -1 for no row. `lexical`: no
    leading zeros, so the longest then the largest text is the largest number, found by narrowing."""
    import numpy as np

    if not len(cells):
        return -1
    if lexical:
        pick = np.flatnonzero(length == length.max())
        for k in range(int(length.max())):
            symbol = cells[pick, start[pick] + k]
            pick = pick[symbol == symbol.max()]
        cells, start, length = cells[pick[:1]], start[pick[:1]], length[pick[:1]]
    number = np.zeros(len(cells), dtype=np.int64)
    line = np.arange(len(cells))
    for k in range(int(length.max())):
        more = length > k
        number = np.where(more, number * radix + cells[line, np.minimum(start + k, cells.shape[1] - 1)] - base,
                          number)
    return int(number.max())


def _unzip(book: zipfile.ZipFile, member: str, budget: int, path) -> bytes:
    """A member decompressed, refused once it passes `budget` bytes whatever its header claims."""
    with book.open(member) as handle:
        data = handle.read(budget + 1)
    if len(data) > budget:
        raise UnsafeInput(P.XLSX_BOMB, Path(path).name, _size(XLSX_MAX_UNZIPPED))
    return data


def _unzip_scanned(book: zipfile.ZipFile, member: str, budget: int, path) -> tuple[bytes, tuple | None]:
    """`_unzip`, with `_farthest` of the bytes found while they are decompressed (or, for a small
    member, possibly SMALL_REFS: a bound of it, which the caller checks is enough): a thread inflates
    the member piece by piece (zlib lets go of the GIL) as this one scans each piece (numpy mostly
    does too), each piece with the end of the one before, where a reference may have been cut."""
    if book.getinfo(member).file_size < 1 << 22:  # small: a thread would cost more than it saves
        xml = _unzip(book, member, budget, path)
        at = _ref_starts(xml)
        return xml, (SMALL_REFS if _small_refs(xml, at) else _farthest(xml, starts=at))
    chunks: queue.SimpleQueue = queue.SimpleQueue()

    def inflate():
        try:
            with book.open(member) as handle:
                total = 0
                while total <= budget:
                    part = handle.read(min(1 << 23, budget + 1 - total))
                    if not part:
                        break
                    total += len(part)
                    chunks.put(part)
            chunks.put(None)
        except BaseException as exc:  # noqa: BLE001 - raised below, in the caller's thread
            chunks.put(exc)

    threading.Thread(target=inflate, daemon=True).start()
    parts, far, carry = [], None, b""
    while (part := chunks.get()) is not None:
        if isinstance(part, BaseException):
            raise part
        parts.append(part)
        found = _farthest(carry + part)
        if found is not None:
            far = found if far is None else (max(far[0], found[0]), max(far[1], found[1]))
        carry = (carry + part[-32:])[-32:]  # longer than any reference with its ' r="'
    xml = b"".join(parts)
    if len(xml) > budget:
        raise UnsafeInput(P.XLSX_BOMB, Path(path).name, _size(XLSX_MAX_UNZIPPED))
    return xml, far


def xlsx_preflight(book: zipfile.ZipFile, sheet: str | None, path: str | Path, inspect=None) -> None:
    """Refuse, before calamine reads it, a workbook with a sheet (member `sheet`, else every sheet
    calamine may read: `worksheet_members`) that would make it allocate more than XLSX_MAX_CELLS
    cells, whose members decompress past XLSX_MAX_UNZIPPED (or at a zip bomb's ratio), or whose
    cells refer to more than XLSX_MAX_TEXT characters of shared
    strings (a short string table repeated over a million cells)."""
    name = Path(path).name
    infos = book.infolist()
    if len(infos) > XLSX_MAX_MEMBERS:
        raise UnsafeInput(P.XLSX_BOMB, name, _size(XLSX_MAX_UNZIPPED))
    declared = 0
    for info in infos:
        declared += info.file_size
        if info.file_size > MB and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeInput(P.XLSX_BOMB, name, _size(XLSX_MAX_UNZIPPED))
    if declared > XLSX_MAX_UNZIPPED:
        raise UnsafeInput(P.XLSX_BOMB, name, _size(XLSX_MAX_UNZIPPED))
    # The sheet asked for; else every member a sheet of the workbook may be read from.
    members = [sheet] if sheet else worksheet_members(book)
    for member in members:
        _check_sheet(book, member, path, inspect)


def find_member(names: list[str], path: str) -> str | None:
    """The zip member `path` as calamine finds it, whatever its letter case; None when there is
    none, or more than one (which one calamine takes is not to be guessed)."""
    found = [n for n in names if n.lower() == path.lower()]
    return found[0] if len(found) == 1 else None


def _target_paths(target: str) -> set[str]:
    """The member names a relationship's `Target` may mean: relative to xl/ unless it starts
    with /, as written (calamine joins it without normalizing: xl/../s.xml is a member name of
    its own) and normalized."""
    written = target[1:] if target.startswith("/") else "xl/" + target
    return {written, posixpath.normpath(written)}


def members_by_case(names: list[str]) -> dict[str, list[str]]:
    """A zip's member names by their lower-cased name, for `target_member`."""
    by_case: dict[str, list[str]] = {}
    for name in names:
        by_case.setdefault(name.lower(), []).append(name)
    return by_case


def target_member(by_case: dict[str, list[str]], target: str) -> str | None:
    """The one member a relationship of xl/workbook.xml points to, found as calamine finds it
    (any letter case); None when there is none or more than one. `by_case`: `members_by_case`
    of the zip's names, made once for all of a workbook's sheets."""
    found = [name for path in {p.lower() for p in _target_paths(target)} for name in by_case.get(path, ())]
    return found[0] if len(found) == 1 else None


def local_name(tag: str) -> str:
    """An XML tag or attribute name without its namespace."""
    return tag.rpartition("}")[2]


PART_MAX = 1 << 20  # bytes of workbook.xml or its relationships parsed to find the sheets (a workbook's are KiBs)


def worksheet_members(book: zipfile.ZipFile) -> list[str]:
    """Every member calamine may read as a sheet: those under xl/worksheets/, and each member a
    sheet of xl/workbook.xml points to through xl/_rels/workbook.xml.rels, whatever the
    relationship's type, in any folder, in any letter case (every member matching, and every
    copy of the two parts whose names differ only in case), its target as written and normalized.
    Parts past PART_MAX, or that do not parse: every member, as a sheet may be any of them."""
    from xml.etree import ElementTree

    names = book.namelist()
    found = {n for n in names if n.lower().startswith("xl/worksheets/") and n.lower().endswith(".xml")}

    def parts(path: str) -> list:
        copies = [n for n in names if n.lower() == path]
        if any(book.getinfo(n).file_size > PART_MAX for n in copies):
            raise ValueError(path)
        return [ElementTree.fromstring(book.read(n)) for n in copies]

    try:
        workbooks, relations = parts("xl/workbook.xml"), parts("xl/_rels/workbook.xml.rels")
    except (ValueError, ElementTree.ParseError):
        return sorted(n for n in names if not n.endswith("/"))
    ids = {value for workbook in workbooks for element in workbook.iter() if local_name(element.tag) == "sheet"
           for key, value in element.attrib.items() if local_name(key) == "id"}
    by_case = members_by_case(names)  # linear in the members, however many sheets are listed
    for rels in relations:
        for relation in rels.iter():
            target = relation.get("Target")
            if target and relation.get("Id") in ids:
                for path in {p.lower() for p in _target_paths(target)}:
                    found.update(by_case.get(path, ()))
    return sorted(found)


def _check_sheet(book: zipfile.ZipFile, member: str, path, inspect=None) -> None:
    import numpy as np  # here: most commands never open a workbook

    name = Path(path).name
    budget = XLSX_MAX_UNZIPPED
    xml, far = _unzip_scanned(book, member, budget, path)
    if inspect is not None:  # the caller's look at the sheet while it is decompressed anyway
        inspect(member, xml)
    rows, columns = _extent(xml, far)
    if far is SMALL_REFS and rows * max(columns, 1) > XLSX_MAX_SHARED:  # the bound decides nothing below
        rows, columns = _extent(xml, _farthest(xml))
    if rows * max(columns, 1) > XLSX_MAX_CELLS:  # named by its far corner, where Excel's Ctrl+End goes
        raise UnsafeInput(P.XLSX_TOO_LARGE, name, f"{XLSX_MAX_CELLS:,}".replace(",", "."), rows, member=member,
                          cell=f"{column_letter(max(columns, 1) - 1)}{rows}")
    shared = [m for m in ("xl/sharedStrings.xml",) if m in book.namelist()]
    if not shared:
        return
    entries = max(XLSX_MAX_SHARED, rows * max(columns, 1))
    lengths = _shared_lengths(_unzip(book, shared[0], budget - len(xml), path), name, entries)
    lengths = np.array(lengths + [0], dtype=np.int64)
    cited = _SHARED_REF.findall(xml)
    index = np.fromiter(map(int, cited), dtype=np.int64, count=len(cited))
    index[index >= len(lengths) - 1] = len(lengths) - 1  # a cell naming no entry: nothing
    if int(lengths[index].sum()) > max(XLSX_MAX_TEXT, XLSX_TEXT_PER_CELL * len(cited)):
        raise UnsafeInput(P.XLSX_BOMB, name, _size(XLSX_MAX_UNZIPPED))


def _extent(xml: bytes, far) -> tuple[int, int]:
    """(rows, columns) a sheet claims: its dimension, or farther references (`far`, `_farthest`)."""
    rows = columns = 0
    found = _DIMENSION.search(xml, 0, 4096)
    if found:
        columns, rows = _column_number(found.group(1)), int(found.group(2))
    if any(c in xml and c + b'r="' in xml for c in (b"\t", b"\n", b"\r")):  # rare: the slower pattern
        refs = _REF_ANY_SPACE.findall(xml)
        if refs:  # over the distinct row numbers and column letters: a large sheet has few of either
            letters, digits = set(map(itemgetter(0), refs)), set(map(itemgetter(1), refs))
            rows = max(rows, max(map(int, digits)))
            widest = max(letters, key=lambda letters: (len(letters), letters))
            columns = max(columns, _column_number(widest))
    elif far is not None:
        rows, columns = max(rows, far[0]), max(columns, far[1])
    return rows, columns


_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_TAG = re.compile(rb"<[^>]*>")


def _shared_lengths(xml: bytes, name: str, entries: int = XLSX_MAX_SHARED) -> list[int]:
    """Byte length of each shared string's text (a bound on its characters); one longer than a
    cell may hold is refused here, before calamine copies it into every cell that names it."""
    lengths = []
    for match in _SI.finditer(xml):
        if len(lengths) >= entries:  # millions of tiny strings: a table no register needs
            raise UnsafeInput(P.XLSX_BOMB, name, _size(XLSX_MAX_UNZIPPED))
        size = len(_TAG.sub(b"", match.group(1) or b""))
        if size > 4 * CELL_MAX_CHARS:  # 4 bytes per character at most in UTF-8
            raise UnsafeInput(P.CELL_TOO_LONG, name, str(CELL_MAX_CHARS))
        lengths.append(size)
    return lengths

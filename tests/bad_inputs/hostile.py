"""The hostile-input corpus (issue 15): what an attacker or an unlucky user hands the command line.

Each case prepares a `Workspace` (a clean unit in `data/`, an archive in `out/` holding one earlier
revision, a folder `outside/` with a secret that must never travel) and says what must happen: the
exit status, and text the message must hold. Everything is generated here (zip members, YAML bombs,
FIFOs, links); nothing is committed as binary data. `python tests/bad_inputs/hostile.py OUT` writes
every case's workspace under OUT for a look.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the tests folder on the path, like pytest does
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bad_inputs.build import write_clean  # noqa: E402

PERIOD = "2024-Q1"
SECRET = "KHÓA BÍ MẬT CỦA PHÒNG / district private key"


@dataclass
class Workspace:
    root: Path
    code: str = ""  # the unit's archive folder

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def outside(self) -> Path:
        return self.root / "outside"

    @property
    def plan(self) -> Path:
        return self.data / "ke_hoach.yaml"

    def params(self, text: str, name: str = "params.yaml") -> Path:
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        return path


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Workspace], list]  # edits the workspace; returns the arguments after the command
    code: int
    says: tuple[str, ...]  # every one of these is in the message (stderr, or stdout for validate)
    command: str = "run"
    env: dict = field(default_factory=dict)  # module attributes to patch: {"module:ATTR": value}


# --- building blocks ------------------------------------------------------------------------------

def prepare(root: Path, clean: Path) -> Workspace:
    """A workspace from a clean unit folder (copied) and an archive with one earlier revision."""
    from cchc_audit import archive
    from cchc_audit.unit import load_unit_info

    ws = Workspace(Path(root))
    shutil.copytree(clean, ws.data, symlinks=True)
    ws.outside.mkdir(parents=True)
    (ws.outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    ws.code = load_unit_info(ws.data).code
    with archive.new_run(ws.out, ws.code, "2023-Q4") as run:
        (run.tmp / archive.RESULTS).write_text(
            json.dumps({"unit": "Trường Mầm non Mạ Non", "unit_code": ws.code,
                        "period": {"id": "2023-Q4", "start": "2023-10-01", "end": "2023-12-31", "kind": "quarter"},
                        "checks": []}, ensure_ascii=False),
            encoding="utf-8")
    return ws


def run_args(ws: Workspace, *extra) -> list:
    return ["--period", PERIOD, "--data", ws.data, "--out", ws.out, *extra]


def link(path: Path, target) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


def set_source_text(ws: Workspace, value: str) -> None:
    text = ws.plan.read_text(encoding="utf-8")
    ws.plan.write_text(re.sub(r"(?m)^  source_text: .*$", f"  source_text: {value}", text, count=1),
                       encoding="utf-8")


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def deep_yaml(depth: int = 500) -> str:
    return "ten_don_vi: " + "[" * depth + "]" * depth + "\n"


def xlsx(sheet_xml: str, shared: str | None = None, pad_member: int = 0,
         sheet_member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A minimal workbook: one sheet, optionally shared strings and a padded extra member; the
    sheet stored as `sheet_member` (any folder under xl/, which the relationship names)."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/>'
        + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
           'officedocument.spreadsheetml.sharedStrings+xml"/>' if shared is not None else "") + "</Types>",
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships/worksheet" Target="{sheet_member[len("xl/"):]}"/>'
        + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/>' if shared is not None else "") + "</Relationships>",
        sheet_member: '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{sheet_xml}</sheetData></worksheet>',
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                                         f'spreadsheetml/2006/main">{shared}</sst>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)
        if pad_member:
            book.writestr("xl/media/pad.bin", b"\0" * pad_member)
    return buffer.getvalue()


HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã cán bộ</t></is></c></row>'


def write_register(ws: Workspace, name: str, data: bytes) -> None:
    for old in ws.data.glob(f"{name}.*"):
        old.unlink()
    (ws.data / f"{name}.xlsx").write_bytes(data)


# --- the cases ------------------------------------------------------------------------------------

def fifo(name):
    """`name` in the data folder replaced by a FIFO: a read would wait for a writer forever."""
    def make(ws):
        (ws.data / name).unlink()
        os.mkfifo(ws.data / name)
        return run_args(ws)
    return make


def linked(name, target):
    """`name` in the data folder replaced by a link to `target(ws)`."""
    def make(ws):
        link(ws.data / name, target(ws))
        return run_args(ws)
    return make


def secret(ws):
    return ws.outside / "secret.txt"


def _register_link_out(ws):
    shutil.copy(ws.data / "ho_so.csv", ws.outside / "ho_so.csv")
    link(ws.data / "ho_so.csv", ws.outside / "ho_so.csv")
    return run_args(ws)





def _register_folder(ws):
    (ws.data / "ho_so.csv").unlink()
    (ws.data / "ho_so.csv").mkdir()
    return run_args(ws)





def _source_text_absolute(ws):
    set_source_text(ws, str(secret(ws)))
    return run_args(ws)


def _source_text_dotdot(ws):
    set_source_text(ws, "../outside/secret.txt")
    return run_args(ws)



def _plan_link_out(ws):
    shutil.move(ws.plan, ws.outside / "ke_hoach.yaml")
    link(ws.plan, ws.outside / "ke_hoach.yaml")
    return run_args(ws)



def _plan_not_utf8(ws):
    ws.plan.write_bytes(ws.plan.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    return run_args(ws)


def _plan_deep(ws):
    ws.plan.write_text("plan: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    return run_args(ws)


def _plan_aliases(ws):
    ws.plan.write_text(billion_laughs(), encoding="utf-8")
    return run_args(ws)


def _unit_file_laughs(ws):
    (ws.data / "don_vi.yaml").write_text(billion_laughs(), encoding="utf-8")
    return run_args(ws)


def _unit_file_deep(ws):
    (ws.data / "don_vi.yaml").write_text(deep_yaml(), encoding="utf-8")
    return run_args(ws)


def _params(text):
    def make(ws):
        return ["--params", ws.params(text), "--data", ws.data, "--out", ws.out]
    return make


def _params_dev_zero(ws):
    return ["--params", "/dev/zero", "--period", PERIOD, "--data", ws.data, "--out", ws.out]


def _params_fifo(ws):
    os.mkfifo(ws.root / "p.yaml")
    return ["--params", ws.root / "p.yaml", "--period", PERIOD, "--data", ws.data, "--out", ws.out]


def _period(text):
    def make(ws):
        return ["--period", text, "--data", ws.data, "--out", ws.out]
    return make


def _xlsx_far_cell(ws, sheet_member: str = "xl/worksheets/sheet1.xml"):
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    write_register(ws, "can_bo", xlsx(HEADER + far, sheet_member=sheet_member))
    return run_args(ws)


def _xlsx_far_cell_elsewhere(sheet_member: str):
    """The far cell in a sheet kept where calamine finds it through the relationships, though not
    in xl/worksheets/ as Excel writes it: another folder, or other letter case."""
    def make(ws):
        return _xlsx_far_cell(ws, sheet_member)
    return make


def _xlsx_dimension(ws):
    data = xlsx(HEADER)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                content = content.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
            target.writestr(info.filename, content)
    write_register(ws, "can_bo", buffer.getvalue())
    return run_args(ws)


def _xlsx_string_bomb(ws):
    """One shared string of 30 000 characters named by 5 000 cells: 150 million characters."""
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(2, 5002))
    write_register(ws, "can_bo", xlsx(HEADER + cells, shared="<si><t>" + "x" * 30_000 + "</t></si>"))
    return run_args(ws)


def _xlsx_shared_table_bomb(ws):
    """Three million empty shared strings (about 15 MB unzipped, a few hundred KB zipped)."""
    write_register(ws, "can_bo", xlsx(HEADER, shared="<si/>" * 3_000_000))
    return run_args(ws)


def _xlsx_zip_bomb(ws):
    write_register(ws, "can_bo", xlsx(HEADER, pad_member=8 << 20))  # 8 MiB of zeros: ratio ~1000
    return run_args(ws)


def _xlsx_long_cell(ws):
    long = '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "x" * 40_000 + "</t></is></c></row>"
    write_register(ws, "can_bo", xlsx(HEADER + long))
    return run_args(ws)


def _xlsx_long_shared_string(ws):
    cell = '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    write_register(ws, "can_bo", xlsx(HEADER + cell, shared="<si><t>" + "x" * 200_000 + "</t></si>"))
    return run_args(ws)


def _csv_too_large(ws):
    return run_args(ws)  # with safeio.LIMITS["csv"] patched below the size of ho_so.csv


def _scheduler(ws):
    root = ws.root / "district"
    root.mkdir()
    shutil.copytree(ws.data, root / "a", symlinks=True)
    return ["--period", PERIOD, "--data-root", root, "--out", ws.out, "--scheduler", "tcp://127.0.0.1:9"]


def _scheduler_not_an_address(ws):
    args = _scheduler(ws)
    args[-1] = "khong phai dia chi"
    return args


VI_OUTSIDE = "liên kết trỏ ra ngoài"
FAR_PLACE = 'can_bo.xlsx, trang tính "S", dòng 1048576, ô XFD1048576: cần mỗi trang tính không quá'
CASES = [
    # A data folder is a boundary; only regular files, never waited on.
    Case("register_link_out", _register_link_out, 2, ("ho_so.csv", VI_OUTSIDE)),
    Case("unit_file_link_out", linked("don_vi.yaml", secret), 2, ("don_vi.yaml", VI_OUTSIDE)),
    Case("unit_file_fifo", fifo("don_vi.yaml"), 2, ("don_vi.yaml", "FIFO")),
    Case("unit_file_dev_zero", linked("don_vi.yaml", lambda ws: "/dev/zero"), 2, ("don_vi.yaml", VI_OUTSIDE, "/dev/zero")),
    Case("register_is_a_folder", _register_folder, 2, ("ho_so.csv", "đây là thư mục")),
    Case("register_fifo", fifo("thu_tuc.csv"), 2, ("thu_tuc.csv", "FIFO")),
    Case("register_link_loop", linked("van_ban.csv", lambda ws: ws.data / "van_ban.csv"), 2, ("van_ban.csv", "liên kết vòng tròn")),
    Case("register_broken_link", linked("van_ban.csv", lambda ws: ws.data / "khong_co.csv"), 2, ("van_ban.csv", "liên kết hỏng")),
    Case("source_text_absolute", _source_text_absolute, 2, ("source_text", "\"..\"")),
    Case("source_text_dotdot", _source_text_dotdot, 2, ("source_text", "../outside/secret.txt")),
    Case("source_text_link_out", linked("ke-hoach-cchc-2024.txt", secret), 2, ("source_text", VI_OUTSIDE)),
    Case("plan_link_out", _plan_link_out, 2, ("ke_hoach.yaml", VI_OUTSIDE)),
    Case("plan_fifo", fifo("ke_hoach.yaml"), 2, ("ke_hoach.yaml", "FIFO")),
    Case("plan_not_utf8", _plan_not_utf8, 2, ("ke_hoach.yaml", "không phải văn bản UTF-8")),
    Case("plan_deeply_nested", _plan_deep, 2, ("ke_hoach.yaml", "lồng nhau không quá")),
    Case("plan_billion_laughs", _plan_aliases, 2, ("ke_hoach.yaml", "neo/bí danh")),
    Case("unit_file_billion_laughs", _unit_file_laughs, 2, ("don_vi.yaml", "neo/bí danh", "*a")),
    Case("unit_file_deeply_nested", _unit_file_deep, 2, ("don_vi.yaml", "lồng nhau không quá")),
    # Bounded work in an XLSX.
    # The far cell named where it is: file, sheet (as Excel shows it), row, cell.
    Case("xlsx_far_cell", _xlsx_far_cell, 2, ("can_bo.xlsx", FAR_PLACE)),
    Case("xlsx_far_cell_in_another_folder", _xlsx_far_cell_elsewhere("xl/sheets/data.xml"), 2,
         ("can_bo.xlsx", FAR_PLACE)),
    Case("xlsx_far_cell_in_other_letter_case", _xlsx_far_cell_elsewhere("xl/Worksheets/Sheet1.xml"), 2,
         ("can_bo.xlsx", FAR_PLACE)),
    Case("xlsx_dimension_claims_the_sheet", _xlsx_dimension, 2, ("can_bo.xlsx", FAR_PLACE, "25.000.000 ô")),
    Case("xlsx_shared_string_bomb", _xlsx_string_bomb, 2, ("can_bo.xlsx", "tệp XLSX thông thường")),
    Case("xlsx_shared_table_bomb", _xlsx_shared_table_bomb, 2, ("can_bo.xlsx", "tệp XLSX thông thường")),
    Case("xlsx_zip_bomb", _xlsx_zip_bomb, 2, ("can_bo.xlsx", "tỷ lệ nén bất thường")),
    Case("xlsx_cell_too_long", _xlsx_long_cell, 2, ("can_bo.xlsx", "dòng 2", "32767 ký tự")),
    Case("xlsx_shared_string_too_long", _xlsx_long_shared_string, 2, ("can_bo.xlsx", "32767 ký tự")),
    Case("csv_over_its_size_limit", _csv_too_large, 2, ("ho_so.csv", "một tệp không quá 1000 byte"),
         env={"cchc_audit.safeio:LIMITS": {"xlsx": 1 << 20, "csv": 1000, "yaml": 1 << 20, "text": 1 << 20}}),
    # Params and periods.
    Case("params_points_inf", _params(f"period: {PERIOD}\nindex_766: {{'2.1': {{points: .inf}}}}\n"), 2,
         ("index_766[2.1].points", "inf")),
    Case("params_points_nan", _params(f"period: {PERIOD}\nindex_766: {{'2.1': .nan}}\n"), 2,
         ("index_766[2.1].points", "nan")),
    Case("params_threshold_absurd", _params(f"period: {PERIOD}\nindex_766: {{'2.1': {{threshold: 1e308}}}}\n"),
         2, ("index_766[2.1].threshold",)),
    Case("params_deadline_absurd", _params(f"period: {PERIOD}\npublication_deadline_working_days: {10 ** 30}\n"),
         2, ("publication_deadline_working_days", "từ 0 đến 366")),
    Case("params_range_contradicts_period",
         _params(f"period: {PERIOD}\nstart: 2023-01-01\nend: 2023-03-31\n"), 2, ("không khớp start/end",)),
    Case("params_date_year_0000", _params(f"period: {PERIOD}\nreport_date: '0000-01-01'\n"), 2,
         ("report_date", "1900-2100")),
    Case("params_billion_laughs", _params(billion_laughs()), 2, ("params.yaml", "neo/bí danh")),
    Case("params_deeply_nested", _params("period: " + "[" * 500 + "]" * 500 + "\n"), 2,
         ("params.yaml", "lồng nhau không quá")),
    Case("params_dev_zero", _params_dev_zero, 2, ("/dev/zero", "FIFO, thiết bị")),
    Case("params_fifo", _params_fifo, 2, ("p.yaml", "FIFO")),
    Case("period_0000", _period("0000"), 2, ("`--period` = '0000'", "1900-2100")),
    Case("period_9999", _period("9999"), 2, ("`--period` = '9999'",)),
    Case("period_0001_01", _period("0001-01"), 2, ("`--period` = '0001-01'",)),
    Case("period_cutoff_month_0001", _period("0001-01-cutoff"), 2, ("0001-01-cutoff",)),
    # Batch.
    Case("scheduler_unreachable", _scheduler, 2, ("tcp://127.0.0.1:9", "chưa kiểm tra đơn vị nào"),
         command="batch", env={"cchc_audit.batch:SCHEDULER_TIMEOUT": 1}),
    Case("scheduler_not_an_address", _scheduler_not_an_address, 2, ("khong phai dia chi",), command="batch"),
]
# With --lang en, the English half of the same message.
ENGLISH = {
    "register_fifo": "a regular file (this is a FIFO, a device or a socket)",
    "unit_file_link_out": "a link leading out of it",
    "source_text_dotdot": "leads out of it",
    "xlsx_far_cell": 'can_bo.xlsx, sheet "S", row 1048576, cell XFD1048576: expected sheets of at most 25.000.000 cells',
    "unit_file_billion_laughs": "YAML without anchors and aliases",
    "plan_not_utf8": "the file is not UTF-8 text",
    "params_points_inf": "a number from 0 to 100",
    "params_range_contradicts_period": "contradicts start/end",
    "period_0000": "(years 1900-2100)",
    "scheduler_unreachable": "no unit was audited",
}
# Validate path: the same refusals through `cchc-audit validate`.
VALIDATE = {"register_fifo", "unit_file_fifo", "xlsx_far_cell", "plan_not_utf8", "register_link_out"}


def main(out: str) -> None:
    root = Path(out)
    clean = write_clean(root / "_clean", "csv")
    for case in CASES:
        ws = prepare(root / case.name, clean)
        case.make(ws)
        print(ws.root)


if __name__ == "__main__":
    main(sys.argv[1])

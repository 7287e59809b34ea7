"""`cchc-audit`: run an audit into the archive, validate a data folder, regenerate the sample.

Exit status (DATA-CONTRACT.md): 0 report written / data clean, 2 bad input or bad parameters
(and nothing written under --out), 1 anything else. Messages are Vietnamese unless --lang en.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
import traceback
from pathlib import Path

OK, FAILED, BAD_INPUT = 0, 1, 2

INTERNAL_HTML = "bao-cao-noi-bo.html"
PUBLIC_HTML = "bao-cao-cong-khai.html"
INTERNAL_PDF = "bao-cao-noi-bo.pdf"
EXECUTED = "audit.ipynb"
PARAMS_YAML = "params.yaml"


def _t(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


def _err(text: str) -> None:
    print(text, file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error says so in both languages and exits 2."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(BAD_INPUT, f"{self.prog}: lỗi tham số dòng lệnh / command-line error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cchc-audit",
        description="Tự kiểm tra thực hiện kế hoạch CCHC / self-inspection of a CCHC plan.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser,
                                metavar="{run,batch,validate,sample}")

    run = sub.add_parser("run", help="chạy tự kiểm tra một kỳ và lưu báo cáo / audit a period "
                                     "and archive the reports")
    run.add_argument("--period", help="kỳ: 2024, 2024-H1, 2024-Q1, 2024-03 / the period")
    run.add_argument("--data", help="thư mục dữ liệu của đơn vị (mặc định: dữ liệu mẫu) / "
                                    "the unit's data folder (default: the sample school)")
    run.add_argument("--out", help="thư mục lưu trữ (mặc định: reports/) / archive folder "
                                   "(default: reports/)")
    run.add_argument("--lang", help="ngôn ngữ: vi | en / language")
    run.add_argument("--params", help="tệp tham số YAML, ví dụ params/2024-Q1.yaml / params file")
    run.add_argument("--plan", help="tệp kế hoạch (mặc định: <data>/ke_hoach.yaml) / plan file")
    run.add_argument("--pdf", action="store_true",
                     help="in thêm báo cáo nội bộ ra PDF bằng Chromium (nếu có) / also print the "
                          "internal report to PDF with headless Chromium, when installed")

    bat = sub.add_parser("batch", help="kiểm tra một kỳ của mọi đơn vị trong một thư mục (Dask) và "
                                       "lập báo cáo tổng hợp / audit a period of every unit under a "
                                       "folder (Dask) and write the district roll-up")
    bat.add_argument("--period", required=True, help="kỳ: 2024, 2024-H1, 2024-Q1, 2024-03 / the period")
    bat.add_argument("--data-root", required=True,
                     help="thư mục chứa mỗi đơn vị một thư mục con (don_vi.yaml, ke_hoach.yaml, các "
                          "sổ) / folder holding one sub-folder per unit")
    bat.add_argument("--out", required=True, help="thư mục lưu trữ / archive folder")
    bat.add_argument("--workers", type=int,
                     help="số tiến trình (mặc định: số lõi) / worker processes (default: cores)")
    bat.add_argument("--scheduler", help="địa chỉ scheduler Dask có sẵn, ví dụ tcp://10.0.0.5:8786 / "
                                         "an existing Dask scheduler's address")
    bat.add_argument("--force", action="store_true",
                     help="chạy lại cả đơn vị đã lưu kỳ này / re-run units already archived for "
                          "the period")
    bat.add_argument("--lang", choices=("vi", "en"), default="vi", help="vi | en")
    bat.add_argument("--params", help="tệp tham số dùng chung cho mọi đơn vị (ngày báo cáo, miễn trừ, ngày "
                                      "nghỉ bù...) / a params file shared by every unit (report date, "
                                      "waivers, calendar overrides...)")

    val = sub.add_parser("validate", help="chỉ kiểm tra dữ liệu đầu vào / check the registers only")
    val.add_argument("--data", help="thư mục dữ liệu (mặc định: dữ liệu mẫu) / data folder "
                                    "(default: the sample school)")
    val.add_argument("--plan", help="tệp kế hoạch để đối chiếu mã nhiệm vụ (mặc định: "
                                    "<data>/ke_hoach.yaml nếu có) / plan file to check task ids against")
    val.add_argument("--lang", choices=("vi", "en"), default="vi", help="vi | en")
    val.add_argument("--format", choices=("text", "json", "csv"), default="text",
                     help="text | json | csv: json và csv là bảng lỗi (file, row, column, cell, value, code, "
                          "expected, message) cho công cụ khác / json and csv give the problem table for tools")

    smp = sub.add_parser("sample", help="tạo lại dữ liệu mẫu / regenerate the sample school")
    smp.add_argument("--out", required=True, help="thư mục ghi dữ liệu mẫu / folder to write it to")
    smp.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="xlsx | csv")
    smp.add_argument("--lang", choices=("vi", "en"), default="vi", help="vi | en")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else BAD_INPUT
    if args.command is None:
        parser.print_help(sys.stderr)
        return BAD_INPUT
    command = {"run": cmd_run, "batch": cmd_batch, "validate": cmd_validate,
               "sample": cmd_sample}[args.command]
    lang = args.lang if args.lang in ("vi", "en") else "vi"
    try:
        return command(args)
    except KeyboardInterrupt:
        _err(_t(lang, "Đã dừng.", "Interrupted."))
        return FAILED
    except Exception as exc:  # anything unforeseen: say what, exit 1
        _err(_t(lang, "Lỗi: ", "Error: ") + error_text(exc, lang))
        if os.environ.get("CCHC_AUDIT_DEBUG"):
            traceback.print_exc()
        return FAILED


def error_text(exc: Exception, lang: str = "vi") -> str:
    """An unforeseen error in one line: our own errors by their message, others by type too; a full
    disk in one sentence (the run being built is removed, so no partial revision is left)."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        where = f" ({exc.filename})" if exc.filename else ""
        return _t(lang, f"đĩa đã đầy{where}: không lưu lần chạy nào, hãy giải phóng chỗ trống rồi chạy lại.",
                  f"the disk is full{where}: no run was archived; free some space and run again.")
    plain = isinstance(exc, (RuntimeError, OSError)) and str(exc)
    return str(exc) if plain else f"{type(exc).__name__}: {exc}"


# --- run ----------------------------------------------------------------------------------

class BadInput(Exception):
    """Bad input or parameters: message printed, exit 2, nothing written."""


def cmd_run(args) -> int:
    from . import params as params_mod

    flag_lang = args.lang if args.lang in ("vi", "en") else None
    try:
        params = params_mod.resolve(args.params, period=args.period, data=args.data,
                                    plan=args.plan, lang=args.lang, out=args.out)
    except params_mod.ParamsError as exc:
        _err(exc.message(flag_lang or "vi"))
        return BAD_INPUT
    lang = params.lang
    from .kernel import WarmKernel

    # The kernel starts, and imports what the notebook needs, while the registers are read and
    # checked here: two processes, two cores.
    with WarmKernel(single_use=True) as kernel:
        try:
            path = run_unit(params, kernel=kernel, pdf=args.pdf)
        except BadInput as exc:
            _err(str(exc))
            return BAD_INPUT
    print(_t(lang, "Đã lưu lần chạy vào: ", "Run archived in: ") + str(path))
    print(_t(lang, "Báo cáo nội bộ: ", "Internal report: ") + str(path / INTERNAL_HTML))
    print(_t(lang, "Báo cáo công khai: ", "Public report: ") + str(path / PUBLIC_HTML))
    if (path / INTERNAL_PDF).is_file():
        print(_t(lang, "Bản PDF: ", "PDF: ") + str(path / INTERNAL_PDF))
    return front_page(params.out, lang)


def run_unit(params, *, kernel=None, pdf: bool = False) -> Path:
    """One unit's period, as `cchc-audit run` does it, without printing: check the input (BadInput,
    nothing written), execute the notebook (on `kernel`, a `kernel.WarmKernel`, if given), export
    both reports, archive; return the run folder. `cchc-audit batch` runs this for every unit."""
    period, unit_data, plan = _prepare(params, params.lang)
    return _run(params, period, unit_data, plan, params.lang, kernel=kernel, pdf=pdf)


def _prepare(params, lang):
    """Everything that can be wrong with the input, checked before anything is written."""
    from .params import ParamsError
    from .periods import PeriodError

    try:
        period = params.period_range()
    except ParamsError as exc:
        raise BadInput(exc.message(lang))
    except PeriodError as exc:
        raise BadInput(_half(str(exc), lang))
    if params.out.exists() and not params.out.is_dir():
        raise BadInput(_t(lang, f"--out không phải là thư mục: {params.out}",
                          f"--out is not a folder: {params.out}"))
    unit_data = _load_data(params.data, lang)
    try:
        # The default plan is the data folder's: it must lie in it; a plan named by --plan may not.
        plan = _load_plan(params.plan_path, lang, params.data if params.plan is None else None)
    except BadInput as exc:  # report the data's problems too, so one pass fixes everything
        problems = _problems(unit_data, None)
        if problems:
            raise BadInput(f"{exc}\n{_problems_text(problems, params.data, lang)}")
        raise
    problems = _problems(unit_data, plan)
    if problems:
        raise BadInput(_problems_text(problems, params.data, lang))
    known = {t.id for t in plan.targets} | set(plan.task_ids)
    unknown = [w.check for w in params.waivers if w.check not in known]
    if unknown:
        where = str(params.source) if params.source else _t(lang, "dòng lệnh", "command line")
        raise BadInput(_t(lang,
                          f"{where}: miễn trừ cho mã không có trong kế hoạch: {', '.join(unknown)}",
                          f"{where}: waiver for an id that is not in the plan: {', '.join(unknown)}"))
    return period, unit_data, plan


def _half(message: str, lang: str) -> str:
    """The lead's errors say `Vietnamese / English`; show the half the user asked for."""
    vi, sep, en = message.partition(" / ")
    return (en if lang == "en" else vi) if sep else message


def _load_data(data_dir: Path, lang: str):
    from .registers import load_unit

    if not Path(data_dir).is_dir():
        raise BadInput(_t(lang, f"Không tìm thấy thư mục dữ liệu: {data_dir}",
                          f"Data folder not found: {data_dir}"))
    try:
        return load_unit(data_dir)
    except (ValueError, OSError) as exc:  # e.g. a don_vi.yaml that is not a mapping
        raise BadInput(_half(str(exc), lang))


def _load_plan(path: Path, lang: str, root: Path | None = None):
    from .plan import PlanError, load_plan

    if not os.path.lexists(path):  # a folder or a FIFO is there: load_plan says what it is
        raise BadInput(_t(lang, f"Không tìm thấy tệp kế hoạch: {path}", f"Plan file not found: {path}"))
    try:
        return load_plan(path, root)
    except PlanError as exc:
        raise BadInput(_half(str(exc), lang))


def _problems(unit_data, plan) -> list:
    """Every problem of the registers, across them, and against the plan when there is one."""
    from .validate import all_problems

    return all_problems(unit_data, plan)


def _problems_text(problems, data_dir, lang: str) -> str:
    head = _t(lang, f"Dữ liệu có {len(problems)} lỗi ({data_dir}); chưa lưu báo cáo nào:",
              f"The data has {len(problems)} problem(s) ({data_dir}); no report was written:")
    return "\n".join([head] + [f"  - {p.message(lang)}" for p in problems])


def _run(params, period, unit_data, plan, lang: str, kernel=None, pdf: bool = False) -> Path:
    from . import archive, execute
    from .text import strip_invisible

    unit_code = unit_data.unit.code
    unit_name = unit_data.unit.name
    with archive.new_run(params.out, unit_code, period.id) as run:
        tmp = run.tmp
        params.write(tmp / PARAMS_YAML)
        # Relative paths, with the kernel working in the run folder: the archived notebook then
        # shows no temporary path and re-runs from inside its own folder.
        try:
            executed = execute.execute_notebook(tmp / EXECUTED, {
                "period": period.id,
                "data_dir": str(params.data),
                "plan": str(params.plan_path),
                "lang": lang,
                "params_file": PARAMS_YAML,
                "output_dir": ".",
                "archive_dir": str(params.out),  # earlier periods, for comparison and trends
            }, cwd=tmp, kernel=kernel)
        except Exception as exc:
            if type(exc).__name__ != "PapermillExecutionError":
                raise
            # papermill's own message carries the whole coloured traceback; say it in one line.
            raise RuntimeError(_t(lang, f"sổ tay audit.ipynb lỗi ở ô số {exc.exec_count}: ",
                                  f"notebook audit.ipynb failed in cell {exc.exec_count}: ")
                               + f"{exc.ename}: {exc.evalue}") from None
        results_path = tmp / archive.RESULTS
        if not results_path.is_file():
            raise RuntimeError(_t(lang, "sổ tay không ghi results.json",
                                  "the notebook did not write results.json"))
        results = json.loads(results_path.read_text(encoding="utf-8"))
        title = strip_invisible(f"{unit_name} — {period.label(lang)}")  # no bidi trick in <title>
        # Both reports from the executed notebook in memory (the file if a stand-in returned none).
        executed = tmp / EXECUTED if executed is None else executed
        execute.export_html(executed, tmp / INTERNAL_HTML, "internal",
                            title=_t(lang, "Báo cáo nội bộ", "Internal report") + f" — {title}")
        execute.export_html(executed, tmp / PUBLIC_HTML, "public",
                            title=_t(lang, "Báo cáo công khai", "Public report") + f" — {title}")
        if pdf:  # printed inside the run folder, before the manifest: the PDF is covered by it
            _print_pdf(tmp / INTERNAL_HTML, tmp / INTERNAL_PDF)
        _archive_inputs(run, params, unit_data, plan, results, lang)
    return run.path


def _print_pdf(html: Path, pdf: Path) -> None:
    """The internal report as PDF. Without Chromium the run goes on without it (exit 0) and says
    so in both languages; a Chromium that fails to print stops the run (exit 1, nothing archived)."""
    from .execute import ChromiumMissing, print_pdf

    try:
        print_pdf(html, pdf)
    except ChromiumMissing as exc:
        _err(f"Cảnh báo / warning: {exc}. Không có bản PDF, báo cáo HTML vẫn được lưu / "
             "no PDF; the HTML reports are archived.")


def front_page(out: Path, lang: str) -> int:
    """Rebuild the archive's index.html after a run (the run is archived whatever happens here)."""
    from .frontpage import write_index

    try:
        path = write_index(out)
    except OSError as exc:
        _err(_t(lang, f"Lần chạy đã được lưu, nhưng không ghi được trang mục lục {out}/index.html: {exc}",
                f"The run is archived, but the front page {out}/index.html could not be written: {exc}"))
        return FAILED
    print(_t(lang, "Trang mục lục kho lưu trữ: ", "Archive front page: ") + str(path))
    return OK


def _archive_inputs(run, params, unit_data, plan, results: dict, lang: str) -> None:
    """Copy every file the audit read into `inputs/`, named by its path under the data folder
    (files elsewhere by their name), and check each copy against the hash the audit recorded."""
    from . import archive, safeio

    data_dir = Path(params.data).resolve()
    files: dict[Path, str | None] = {}  # path -> sha256 the audit saw, if it said

    def note(path, digest=None):
        path = Path(path).resolve()
        if path.is_file():
            files[path] = digest or files.get(path)

    for item in unit_data.inputs:
        note(item.path)
    note(data_dir / "don_vi.yaml")
    note(plan.path)
    if plan.source_text is not None:
        note(plan.source_text)
    if params.source is not None:
        note(params.source)
    for item in results.get("inputs") or []:  # whatever the notebook's audit read, as it hashed it
        name = item.get("path") or item.get("file") if isinstance(item, dict) else None
        if name:
            path = Path(name)
            path = path if path.is_absolute() else data_dir / path
            if safeio.inside(path, data_dir):  # the data folder is a boundary (issue 15)
                note(path, item.get("sha256"))

    for path, digest in sorted(files.items()):
        try:
            name = path.relative_to(data_dir).as_posix()
        except ValueError:
            name = path.name
        copy = run.add_input(path, name)
        if digest and archive.sha256_file(copy) != digest:
            raise RuntimeError(_t(lang, f"tệp {path} đã thay đổi trong khi chạy",
                                  f"{path} changed during the run"))


# --- batch --------------------------------------------------------------------------------

def cmd_batch(args) -> int:
    from .batch import cmd_batch as batch

    return batch(args)


# --- validate -----------------------------------------------------------------------------

def cmd_validate(args) -> int:
    from .params import SAMPLE_DIR

    lang = args.lang
    data_dir = Path(args.data) if args.data else SAMPLE_DIR
    try:
        unit_data = _load_data(data_dir, lang)
    except BadInput as exc:
        _err(str(exc))
        return BAD_INPUT
    plan_path = Path(args.plan) if args.plan else data_dir / "ke_hoach.yaml"
    plan, plan_error = None, None
    try:
        plan = (_load_plan(plan_path, lang, None if args.plan else data_dir)
                if (args.plan or os.path.lexists(plan_path)) else None)
    except BadInput as exc:  # said on stderr; the registers' problems are still listed, all at once
        plan_error = str(exc)
        _err(plan_error)
    problems = _problems(unit_data, plan)
    if args.format == "csv":
        from .problems import problems_csv

        sys.stdout.write(problems_csv(problems, lang))
    elif args.format == "json":
        print(json.dumps({
            "data_dir": str(data_dir),
            "ok": not problems and plan_error is None,
            "plan_error": plan_error,
            "registers": [{"register": i.register, "file": Path(i.path).name, "rows": i.rows,
                           "sha256": i.sha256} for i in unit_data.inputs],
            "problems": [p.to_json(lang) for p in problems],
        }, ensure_ascii=False, indent=2))
    elif problems:
        print(_t(lang, f"Dữ liệu có {len(problems)} lỗi ({data_dir}):",
                 f"The data has {len(problems)} problem(s) ({data_dir}):"))
        for p in problems:
            print(f"  - {p.message(lang)}")
    elif plan_error is not None:
        pass
    elif not unit_data.inputs:
        print(_t(lang, f"Không có lỗi, nhưng không tìm thấy sổ nào trong {data_dir} "
                       "(tên tệp cần là tên sổ, ví dụ ho_so.xlsx).",
                 f"No problems, but no register was found in {data_dir} "
                 "(files must be named after their register, e.g. ho_so.xlsx)."))
    else:
        rows = sum(i.rows for i in unit_data.inputs)
        print(_t(lang, f"Dữ liệu hợp lệ: {len(unit_data.inputs)} sổ, {rows} dòng ({data_dir}).",
                 f"The data is valid: {len(unit_data.inputs)} registers, {rows} rows ({data_dir})."))
        for i in unit_data.inputs:
            print(f"  - {Path(i.path).name}: {i.rows}")
    return BAD_INPUT if problems or plan_error is not None else OK


# --- sample -------------------------------------------------------------------------------

def cmd_sample(args) -> int:
    """Write the sample school's registers and don_vi.yaml; the sample plan is copied beside
    them when the folder has none, so the folder can be audited as it is."""
    import shutil

    from . import sample
    from .params import SAMPLE_DIR

    out = Path(args.out)
    written = list(sample.build_sample(out, fmt=args.format))
    if out.resolve() != SAMPLE_DIR.resolve():
        for name in ("ke_hoach.yaml", "ke-hoach-cchc-2024.txt"):
            if (SAMPLE_DIR / name).is_file() and not (out / name).exists():
                written.append(Path(shutil.copy2(SAMPLE_DIR / name, out / name)))
    print(_t(args.lang, f"Đã ghi dữ liệu mẫu vào {out}:", f"Sample data written to {out}:"))
    for path in written:
        print(f"  - {path}")
    return OK


if __name__ == "__main__":
    sys.exit(main())

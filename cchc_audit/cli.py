"""`cchc-audit`: the command line. It gathers arguments, calls the package (pipeline.py for one
unit, batch.py for a district), prints, and turns errors into exit codes (errors.py): 0 report
written / data clean, 2 bad input or bad parameters (nothing written under --out), 1 anything
else. Messages are Vietnamese unless --lang en.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import traceback
from pathlib import Path

from . import pipeline
from .archive import INTERNAL_HTML, INTERNAL_PDF, PUBLIC_HTML
from .errors import BAD_INPUT, FAILED, OK, BadInput, FrontPageError, SchedulerUnreachable, error_text, exit_code
from .messages import bilingual as _t


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def describe(exc: BaseException, lang: str) -> str:
    """What the user reads when a command stops on an error."""
    from .params import ParamsError

    if isinstance(exc, (ParamsError, SchedulerUnreachable)):
        return exc.message(lang)
    if isinstance(exc, (BadInput, FrontPageError)):
        return str(exc)
    return _t(lang, "Lỗi: ", "Error: ") + error_text(exc, lang)


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
                                metavar="{run,batch,validate,sample,notebooks}")

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
    bat.add_argument("--scheduler", help="địa chỉ scheduler Dask có sẵn, ví dụ tcp://dask-scheduler:8786 / "
                                         "an existing Dask scheduler's address")
    bat.add_argument("--force", action="store_true",
                     help="chạy lại cả đơn vị đã lưu kỳ này / re-run units already archived for "
                          "the period")
    bat.add_argument("--lang", choices=("vi", "en"), default="vi", help="vi | en")
    bat.add_argument("--time-limit", type=float, metavar="GIÂY/SECONDS",
                     help="thời hạn tối đa cho một đơn vị, tính bằng giây (mặc định 1800; 0: không giới "
                          "hạn); quá hạn thì đơn vị bị dừng và ghi là lỗi / the most one unit may take, in "
                          "seconds (default 1800; 0: none); past it the unit is stopped and reported failed")
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

    smp = sub.add_parser("sample", help="chép dữ liệu mẫu ra một thư mục để trường bắt đầu từ đó / copy the "
                                        "sample school out, for a school to start from")
    smp.add_argument("--out", required=True, help="thư mục ghi dữ liệu mẫu / folder to write it to")
    smp.add_argument("--regenerate", action="store_true",
                     help="sinh lại từ bộ sinh dữ liệu thay vì chép bản có sẵn / generate anew "
                          "instead of copying the shipped files")
    smp.add_argument("--format", choices=("xlsx", "csv"), default="xlsx",
                     help="xlsx | csv (csv: sinh lại / generated)")
    smp.add_argument("--lang", choices=("vi", "en"), default="vi", help="vi | en")

    nbs = sub.add_parser("notebooks", help="chép các sổ tay (audit.ipynb, explore.ipynb) ra để mở bằng "
                                           "JupyterLab / copy the notebooks out, to open in JupyterLab")
    nbs.add_argument("--out", required=True, help="thư mục ghi sổ tay / folder to copy them to")
    nbs.add_argument("--lang", choices=("vi", "en"), default="vi", help="vi | en")
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
               "sample": cmd_sample, "notebooks": cmd_notebooks}[args.command]
    lang = args.lang if args.lang in ("vi", "en") else "vi"
    try:
        return command(args)
    except KeyboardInterrupt:
        _err(_t(lang, "Đã dừng.", "Interrupted."))
        return FAILED
    except Exception as exc:  # noqa: BLE001 - bad input says why (exit 2); anything else says what (exit 1)
        _err(describe(exc, lang))
        if exit_code(exc) == FAILED and os.environ.get("CCHC_AUDIT_DEBUG"):
            traceback.print_exc()
        return exit_code(exc)


# --- run ----------------------------------------------------------------------------------

def cmd_run(args) -> int:
    from .kernel import WarmKernel
    from .params import resolve

    params = resolve(args.params, period=args.period, data=args.data, plan=args.plan, lang=args.lang,
                     out=args.out)
    lang = params.lang
    # The kernel starts, and imports what the notebook needs, while the registers are read and
    # checked here: two processes, two cores.
    with WarmKernel(single_use=True) as kernel:
        path = pipeline.run_unit(params, kernel=kernel, pdf=args.pdf)
    print(_t(lang, "Đã lưu lần chạy vào: ", "Run archived in: ") + str(path))
    print(_t(lang, "Báo cáo nội bộ: ", "Internal report: ") + str(path / INTERNAL_HTML))
    print(_t(lang, "Báo cáo công khai: ", "Public report: ") + str(path / PUBLIC_HTML))
    if (path / INTERNAL_PDF).is_file():
        print(_t(lang, "Bản PDF: ", "PDF: ") + str(path / INTERNAL_PDF))
    return _front_page(params.out, lang)


def _front_page(out: Path, lang: str) -> int:
    path = pipeline.front_page(out, lang)
    print(_t(lang, "Trang mục lục kho lưu trữ: ", "Archive front page: ") + str(path))
    return OK


# --- batch --------------------------------------------------------------------------------

def cmd_batch(args) -> int:
    from . import batch, rollup
    from .params import ParamsError, resolve

    lang = args.lang
    root = Path(args.data_root)
    params_file = str(Path(args.params).resolve()) if args.params else None
    # The period and the params file once, before any worker starts.
    round_params = resolve(params_file, period=args.period, lang=lang)
    period = round_params.period_range()
    time_limit = batch.DEFAULT_TIME_LIMIT if args.time_limit is None else args.time_limit
    if not math.isfinite(time_limit) or time_limit < 0:
        raise BadInput(_t(lang, f"--time-limit phải là số giây từ 0 trở lên: {args.time_limit}",
                          f"--time-limit must be a number of seconds, 0 or more: {args.time_limit}"))
    if args.workers is not None and args.workers < 1:
        raise BadInput(_t(lang, "--workers phải từ 1 trở lên", "--workers must be 1 or more"))
    if not root.is_dir():
        raise BadInput(_t(lang, f"Không tìm thấy thư mục dữ liệu: {root}", f"Data folder not found: {root}"))
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise BadInput(_t(lang, f"--out không phải là thư mục: {out}", f"--out is not a folder: {out}"))
    units = batch.discover_units(root)
    if not units:
        raise BadInput(_t(lang, f"Không có đơn vị nào trong {root} (mỗi đơn vị là một thư mục con có "
                                "sổ, ví dụ <đơn vị>/ho_so.xlsx).",
                          f"No unit under {root} (each unit is a sub-folder with registers, e.g. "
                          "<unit>/ho_so.xlsx)."))
    issues = batch.period_outside_every_plan(units, round_params, period)
    if issues:  # every unit would refuse it: no worker, and no roll-up of refusals archived for ever
        raise ParamsError(issues)
    _err(_t(lang, f"Kỳ {period.id}: {len(units)} đơn vị.", f"Period {period.id}: {len(units)} units."))
    progress = batch.ProgressBar(lang)
    try:
        outcomes = batch.run_round(units, period.id, out, lang=lang, force=args.force,
                                   workers=args.workers, params_file=params_file,
                                   scheduler=args.scheduler, progress=progress,
                                   time_limit=time_limit or None)  # 0: no limit
    finally:
        progress.close()
    code, name = batch.district_info(root)
    path = rollup.write_rollup(out, code, name, period, outcomes, lang=lang)
    print(batch.summary(outcomes, lang))
    print(_t(lang, "Báo cáo tổng hợp: ", "Roll-up: ") + str(path / rollup.HTML))
    status = batch.exit_status(outcomes)
    front = _front_page(out, lang)  # the archive's index.html, as after a single run
    return status or front


# --- validate -----------------------------------------------------------------------------

def cmd_validate(args) -> int:
    from .resources import SAMPLE_DIR

    lang = args.lang
    data_dir = Path(args.data) if args.data else SAMPLE_DIR
    unit_data = pipeline.load_data(data_dir, lang)
    plan_path = Path(args.plan) if args.plan else data_dir / "ke_hoach.yaml"
    plan, plan_error = None, None
    try:
        # The default plan is the data folder's: it must lie in it; a plan named by --plan may not.
        plan = (pipeline.load_plan(plan_path, lang, None if args.plan else data_dir)
                if (args.plan or os.path.lexists(plan_path)) else None)
    except BadInput as exc:  # said on stderr; the registers' problems are still listed, all at once
        plan_error = str(exc)
        _err(plan_error)
    problems = pipeline.find_problems(unit_data, plan)
    # Without a plan, task ids pass unchecked: said plainly, so that "valid" is not read as more.
    notice = None if plan is not None or plan_error is not None else no_plan_notice(plan_path, lang)
    if args.format == "csv":
        from .problems import problems_csv

        sys.stdout.write(problems_csv(problems, lang))
        if notice:
            _err(notice)
    elif args.format == "json":
        print(json.dumps({
            "data_dir": str(data_dir),
            "ok": not problems and plan_error is None,
            "plan_error": plan_error,
            "task_ids_checked": plan is not None,
            "notice": notice,
            "registers": [{"register": i.register, "file": Path(i.path).name, "rows": i.rows,
                           "sha256": i.sha256} for i in unit_data.inputs],
            "problems": [p.to_json(lang) for p in problems],
            "notices": [{"file": n.file, "code": n.code, "rows": list(n.rows), "message": n.message(lang)}
                        for n in unit_data.notices],
        }, ensure_ascii=False, indent=2))
    elif problems:
        print(_t(lang, f"Dữ liệu có {len(problems)} lỗi ({data_dir}):",
                 f"The data has {len(problems)} problem(s) ({data_dir}):"))
        from .problems import problem_lines

        for line in problem_lines(problems, lang):
            print(f"  - {line}")
    elif plan_error is None:
        rows = sum(i.rows for i in unit_data.inputs)
        print(_t(lang, f"Dữ liệu hợp lệ: {len(unit_data.inputs)} sổ, {rows} dòng ({data_dir}).",
                 f"The data is valid: {len(unit_data.inputs)} registers, {rows} rows ({data_dir})."))
        for i in unit_data.inputs:
            print(f"  - {Path(i.path).name}: {i.rows}")
    if args.format == "text" and any(not n.quiet for n in unit_data.notices):  # how the forms were read
        print(_t(lang, "Ghi chú khi đọc:", "Read notes:"))
        for n in unit_data.notices:
            if not n.quiet:
                print(f"  * {n.message(lang)}")
    if notice and args.format == "text":
        print(notice)
    return BAD_INPUT if problems or plan_error is not None else OK


def no_plan_notice(plan_path: Path, lang: str) -> str:
    """What `validate` could not check without a plan file, and how to give it one."""
    return _t(lang,
              f"Lưu ý: KHÔNG có tệp kế hoạch ({plan_path}), nên mã nhiệm vụ (sổ nhiem_vu) CHƯA được đối "
              "chiếu với kế hoạch. Hãy chỉ ra tệp kế hoạch bằng --plan TỆP, hoặc đặt nó vào thư mục dữ "
              "liệu với tên ke_hoach.yaml.",
              f"Note: there is NO plan file ({plan_path}), so task ids (the nhiem_vu register) were NOT "
              "checked against the plan. Give the plan with --plan FILE, or put it in the data folder "
              "as ke_hoach.yaml.")


# --- sample, notebooks --------------------------------------------------------------------

def cmd_sample(args) -> int:
    """Copy the embedded sample school out (registers, don_vi.yaml, plan and plan text) for a
    school to start from; with --regenerate, write it anew from the generator instead."""
    from . import resources

    out = Path(args.out)
    if args.regenerate or args.format != "xlsx":
        import shutil

        from . import sample

        written = list(sample.build_sample(out, fmt=args.format))
        if out.resolve() != resources.SAMPLE_DIR.resolve():  # so the folder can be audited as is
            for src in (resources.SAMPLE_PLAN, resources.SAMPLE_PLAN_TEXT):
                if not (out / src.name).exists():
                    written.append(Path(shutil.copyfile(src, out / src.name)))
    else:
        written, existing = resources.copy_out(resources.sample_files(), out)
        if existing:
            return _refuse_overwrite(existing, args.lang)
    print(_t(args.lang, f"Đã ghi dữ liệu mẫu vào {out}:", f"Sample data written to {out}:"))
    for path in written:
        print(f"  - {path}")
    return OK


def cmd_notebooks(args) -> int:
    """Copy the audit and analyst notebooks out, to open in JupyterLab."""
    from . import resources

    written, existing = resources.copy_out(resources.notebook_files(), args.out)
    if existing:
        return _refuse_overwrite(existing, args.lang)
    print(_t(args.lang, f"Đã chép sổ tay vào {args.out}:", f"Notebooks copied to {args.out}:"))
    for path in written:
        print(f"  - {path}")
    print(_t(args.lang, f"Mở bằng: jupyter lab {Path(args.out) / 'explore.ipynb'}",
             f"Open with: jupyter lab {Path(args.out) / 'explore.ipynb'}"))
    return OK


def _refuse_overwrite(existing: list[Path], lang: str) -> int:
    _err(_t(lang, "Không ghi gì: các tệp sau đã có, không bao giờ bị ghi đè (chọn thư mục khác):",
            "Nothing written: these files exist and are never overwritten (choose another folder):"))
    for path in existing:
        _err(f"  - {path}")
    return BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())

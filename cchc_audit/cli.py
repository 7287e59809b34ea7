"""`cchc-audit`: the command line. It gathers arguments, calls the package (pipeline.py for one
unit, batch.py for a district), prints, and turns errors into exit codes (errors.py): 0 report
written / data clean, 2 bad input or bad parameters (nothing written under --out), 1 anything
else. Messages are Vietnamese unless --lang en.
"""

from __future__ import annotations

import argparse
import getpass
import json
import math
import os
import sys
import traceback
from pathlib import Path

from . import pipeline
from .archive import INTERNAL_HTML, INTERNAL_PDF, PUBLIC_HTML
from .errors import BAD_INPUT, FAILED, OK, BadInput, FrontPageError, SchedulerUnreachable, error_text, exit_code
from .i18n import DEFAULT_LANG, LANGS, both, text


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _lang(args) -> str:
    """The language to speak in: the flag, or the params file's once a command has read it."""
    return args.lang if args.lang in LANGS else DEFAULT_LANG


def describe(exc: BaseException, lang: str) -> str:
    """What the user reads when a command stops on an error."""
    from .params import ParamsError

    if isinstance(exc, (ParamsError, SchedulerUnreachable)):
        return exc.message(lang)
    if isinstance(exc, (BadInput, FrontPageError)):
        return str(exc)
    return text("cli.error", lang) + error_text(exc, lang)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error says so in both languages and exits 2."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(BAD_INPUT, f"{self.prog}: {both('cli.usage_error')}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cchc-audit",
        description=both("help.description"))
    sub = parser.add_subparsers(dest="command", parser_class=_Parser,
                                metavar="{run,batch,validate,sample,notebooks,plan,sign,verify}")

    run = sub.add_parser("run", help=both("help.command.run"))
    run.add_argument("--period", help=both("help.run.period"))
    run.add_argument("--data", help=both("help.run.data"))
    run.add_argument("--out", help=both("help.run.out"))
    run.add_argument("--lang", help=both("help.run.lang"))
    run.add_argument("--params", help=both("help.run.params"))
    run.add_argument("--plan", help=both("help.run.plan"))
    run.add_argument("--pdf", action="store_true",
                     help=both("help.run.pdf"))

    bat = sub.add_parser("batch", help=both("help.command.batch"))
    bat.add_argument("--period", required=True, help=both("help.bat.period"))
    bat.add_argument("--data-root", required=True,
                     help=both("help.bat.data_root"))
    bat.add_argument("--out", required=True, help=both("help.bat.out"))
    bat.add_argument("--workers", type=int,
                     help=both("help.bat.workers"))
    bat.add_argument("--scheduler", help=both("help.bat.scheduler"))
    bat.add_argument("--force", action="store_true",
                     help=both("help.bat.force"))
    bat.add_argument("--lang", choices=LANGS, default=None, help="vi | en")
    bat.add_argument("--time-limit", type=float, metavar="GIÂY/SECONDS",
                     help=both("help.bat.time_limit"))
    bat.add_argument("--params", help=both("help.bat.params"))

    val = sub.add_parser("validate", help=both("help.command.validate"))
    val.add_argument("--data", help=both("help.val.data"))
    val.add_argument("--plan", help=both("help.val.plan"))
    val.add_argument("--lang", choices=LANGS, default=None, help="vi | en")
    val.add_argument("--format", choices=("text", "json", "csv"), default="text",
                     help=both("help.val.format"))

    smp = sub.add_parser("sample", help=both("help.command.sample"))
    smp.add_argument("--out", required=True, help=both("help.smp.out"))
    smp.add_argument("--regenerate", action="store_true",
                     help=both("help.smp.regenerate"))
    smp.add_argument("--format", choices=("xlsx", "csv"), default="xlsx",
                     help=both("help.smp.format"))
    smp.add_argument("--lang", choices=LANGS, default=None, help="vi | en")

    nbs = sub.add_parser("notebooks", help=both("help.command.notebooks"))
    nbs.add_argument("--out", required=True, help=both("help.nbs.out"))
    nbs.add_argument("--lang", choices=LANGS, default=None, help="vi | en")

    pln = sub.add_parser("plan", help=both("help.command.plan"))
    pln_sub = pln.add_subparsers(dest="plan_command", parser_class=_Parser, metavar="{import}", required=True)
    imp = pln_sub.add_parser("import", help=both("help.plan.import"))
    imp.add_argument("file", help=both("help.plan.file"))
    imp.add_argument("--out", help=both("help.plan.out"))
    imp.add_argument("--previous", help=both("help.plan.previous"))
    imp.add_argument("--lang", choices=LANGS, default=None, help="vi | en")

    sgn = sub.add_parser("sign", help=both("help.command.sign"))
    sgn.add_argument("revision", help=both("help.sign.revision"))
    sgn.add_argument("--p12", help=both("help.sign.p12"))
    sgn.add_argument("--passphrase-env", default="CCHC_P12_PASSPHRASE", help=both("help.sign.passphrase_env"))
    sgn.add_argument("--pkcs11", help=both("help.sign.pkcs11"))
    sgn.add_argument("--token", help=both("help.sign.token"))
    sgn.add_argument("--key-label", help=both("help.sign.key_label"))
    sgn.add_argument("--pin-env", default="CCHC_PKCS11_PIN", help=both("help.sign.pin_env"))
    sgn.add_argument("--seal", help=both("help.sign.seal"))
    sgn.add_argument("--number", help=both("help.sign.number"))
    sgn.add_argument("--title", default="HIỆU TRƯỞNG", help=both("help.sign.title"))
    sgn.add_argument("--lang", choices=LANGS, default=None, help="vi | en")

    ver = sub.add_parser("verify", help=both("help.command.verify"))
    ver.add_argument("path", help=both("help.verify.path"))
    ver.add_argument("--trust", action="append", help=both("help.verify.trust"))
    ver.add_argument("--lang", choices=LANGS, default=None, help="vi | en")
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
               "sample": cmd_sample, "notebooks": cmd_notebooks, "plan": cmd_plan,
               "sign": cmd_sign, "verify": cmd_verify}[args.command]
    try:
        return command(args)
    except KeyboardInterrupt:
        _err(text("cli.interrupted", _lang(args)))
        return FAILED
    except Exception as exc:  # noqa: BLE001 - bad input says why (exit 2); anything else says what (exit 1)
        _err(describe(exc, _lang(args)))
        if exit_code(exc) == FAILED and os.environ.get("CCHC_AUDIT_DEBUG"):
            traceback.print_exc()
        return exit_code(exc)


# Commands whose work is all on disk when main() returns: the command leaves at once rather than
# tearing down pandas, matplotlib, IPython and the rest one module at a time (0.3 to 0.4 s).
FAST_EXIT = frozenset({"run", "batch", "validate"})


# The collector's youngest generation, in objects, for the command's process (CPython 3.11 to
# 3.13 have 700). A run allocates millions of short-lived objects (imports, cells, frames); at 700
# the collector ran hundreds of times per run and took 0.3 s of it; cycles are still collected, a
# little later (a 1M-dossier run peaked at the same memory either way). A batch's local workers,
# forked from this process (localpool.py), keep it.
GC_THRESHOLD = 10_000


def entry() -> None:
    """The `cchc-audit` command (and `python -m cchc_audit`): `main()`, then out with its code."""
    import gc

    argv = sys.argv[1:]
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    code = main(argv)
    if argv and argv[0] in FAST_EXIT:
        import logging

        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (`| head`): nothing more to say
                pass
        os._exit(code)  # every file is written and closed; the export helper already joined
    sys.exit(code)


# --- run ----------------------------------------------------------------------------------

def cmd_run(args) -> int:
    from .export import ExportProcess
    from .params import resolve

    params = resolve(args.params, period=args.period, data=args.data, plan=args.plan, lang=args.lang,
                     out=args.out)
    args.lang = lang = params.lang  # the flag, else the params file's: errors speak it too
    # nbconvert loads in a helper process while the registers are read and the notebook runs here.
    with ExportProcess() as exports:
        path = pipeline.run_unit(params, pdf=args.pdf, exports=exports)
    print(text("cli.run_archived", lang) + str(path))
    print(text("cli.internal_report", lang) + str(path / INTERNAL_HTML))
    print(text("cli.public_report", lang) + str(path / PUBLIC_HTML))
    if (path / INTERNAL_PDF).is_file():
        print(text("cli.pdf", lang) + str(path / INTERNAL_PDF))
    return _front_page(params.out, lang)


def _front_page(out: Path, lang: str) -> int:
    path = pipeline.front_page(out, lang)
    print(text("cli.front_page", lang) + str(path))
    return OK


# --- batch --------------------------------------------------------------------------------

def cmd_batch(args) -> int:
    from . import batch, rollup
    from .params import ParamsError, resolve

    root = Path(args.data_root)
    params_file = str(Path(args.params).resolve()) if args.params else None
    # The period and the params file once, before any worker starts.
    round_params = resolve(params_file, period=args.period, lang=args.lang)
    args.lang = lang = round_params.lang  # the flag, else the round's params file's
    period = round_params.period_range()
    time_limit = batch.DEFAULT_TIME_LIMIT if args.time_limit is None else args.time_limit
    if not math.isfinite(time_limit) or time_limit < 0:
        raise BadInput(text("cli.bad_time_limit", lang, value=args.time_limit))
    if args.workers is not None and args.workers < 1:
        raise BadInput(text("cli.bad_workers", lang))
    if not root.is_dir():
        raise BadInput(text("cli.no_data_folder", lang, folder=root))
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise BadInput(text("cli.out_not_folder", lang, folder=out))
    units = batch.discover_units(root)
    if not units:
        raise BadInput(text("cli.no_units", lang, folder=root))
    issues = batch.period_outside_every_plan(units, round_params, period)
    if issues:  # every unit would refuse it: no worker, and no roll-up of refusals archived for ever
        raise ParamsError(issues)
    _err(text("cli.batch_units", lang, period=period.id, count=len(units)))
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
    print(text("cli.rollup", lang) + str(path / rollup.HTML))
    status = batch.exit_status(outcomes)
    front = _front_page(out, lang)  # the archive's index.html, as after a single run
    return status or front


# --- validate -----------------------------------------------------------------------------

def cmd_validate(args) -> int:
    from .resources import SAMPLE_DIR

    lang = _lang(args)
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
        print(text("cli.data_problems", lang, count=len(problems), folder=data_dir))
        from .problems import problem_lines

        for line in problem_lines(problems, lang):
            print(f"  - {line}")
    elif plan_error is None:
        rows = sum(i.rows for i in unit_data.inputs)
        print(text("cli.data_valid", lang, count=len(unit_data.inputs), rows=rows, folder=data_dir))
        for i in unit_data.inputs:
            print(f"  - {Path(i.path).name}: {i.rows}")
    if args.format == "text" and any(not n.quiet for n in unit_data.notices):  # how the forms were read
        print(text("cli.read_notes", lang))
        for n in unit_data.notices:
            if not n.quiet:
                print(f"  * {n.message(lang)}")
    if notice and args.format == "text":
        print(notice)
    return BAD_INPUT if problems or plan_error is not None else OK


def no_plan_notice(plan_path: Path, lang: str) -> str:
    """What `validate` could not check without a plan file, and how to give it one."""
    return text("cli.no_plan_notice", lang, path=plan_path)


# --- sample, notebooks --------------------------------------------------------------------

def cmd_sample(args) -> int:
    """Copy the embedded sample school out (registers, don_vi.yaml, plan and plan text) for a
    school to start from; with --regenerate, write it anew from the generator instead."""
    from . import resources

    out = Path(args.out)
    if args.regenerate or args.format != "xlsx":
        import shutil

        from . import sample, schema

        if out.resolve() != resources.SAMPLE_DIR.resolve():  # a school's folder: never written over
            targets = [out / f"{name}.{args.format}" for name in schema.REGISTERS] + [out / "don_vi.yaml"]
            existing = [t for t in targets if t.exists() or t.is_symlink()]
            if existing:
                return _refuse_overwrite(existing, _lang(args))
        written = list(sample.build_sample(out, fmt=args.format))
        if out.resolve() != resources.SAMPLE_DIR.resolve():  # so the folder can be audited as is
            for src in (resources.SAMPLE_PLAN, resources.SAMPLE_PLAN_TEXT):
                if not (out / src.name).exists():
                    written.append(Path(shutil.copyfile(src, out / src.name)))
    else:
        written, existing = resources.copy_out(resources.sample_files(), out)
        if existing:
            return _refuse_overwrite(existing, _lang(args))
    print(text("cli.sample_written", _lang(args), folder=out))
    for path in written:
        print(f"  - {path}")
    return OK


def cmd_notebooks(args) -> int:
    """Copy the audit and analyst notebooks out, to open in JupyterLab."""
    from . import resources

    written, existing = resources.copy_out(resources.notebook_files(), args.out)
    if existing:
        return _refuse_overwrite(existing, _lang(args))
    print(text("cli.notebooks_written", _lang(args), folder=args.out))
    for path in written:
        print(f"  - {path}")
    print(text("cli.open_with", _lang(args), path=Path(args.out) / "explore.ipynb"))
    return OK


# --- plan import ------------------------------------------------------------------------------

def cmd_plan(args) -> int:
    """Draft a plan file from the unit's plan document; print the review table."""
    from . import plan_import

    lang = _lang(args)
    out, draft, load_error = plan_import.import_plan(args.file, args.out, args.previous)
    print(text("planimport.written", lang, path=out, targets=draft.targets, tasks=draft.tasks))
    if load_error is None:
        print(text("planimport.loads", lang))
    else:
        _err(text("planimport.does_not_load", lang, error=load_error.message(lang)))
    if draft.notes:
        print(text("planimport.review_table", lang, count=len(draft.notes)))
        print(plan_import.review_table(draft.notes, lang))
    return OK


# --- sign, verify ------------------------------------------------------------------------------

def cmd_sign(args) -> int:
    """Sign a revision's internal PDF; the signed copy goes beside the revision."""
    from . import signing

    lang = _lang(args)
    def secret(env: str, prompt: str) -> str | None:  # from the environment, else asked at the terminal
        return os.environ.get(env) or (getpass.getpass(text(prompt, lang)) if sys.stdin.isatty() else None)

    if args.p12:
        key = signing.pkcs12_key(args.p12, secret(args.passphrase_env, "sign.ask_passphrase"))
    elif args.pkcs11:
        key = signing.pkcs11_key(args.pkcs11, secret(args.pin_env, "sign.ask_pin"), args.token, args.key_label)
    else:
        raise BadInput(text("sign.no_key", lang))
    with key as signer:
        folder = signing.sign_revision(args.revision, signer, seal=args.seal, title=args.title, number=args.number)
    record = signing.signed_record(folder)
    print(text("sign.signed", lang, path=folder / record["signed_pdf"]))
    print(text("sign.signed_by", lang, signer=record["signer"], time=record["signed_at"], page=record["page"]))
    root = Path(args.revision).resolve().parents[2]  # <archive>/<unit>/<period>/rev-NNN
    return _front_page(root, lang) if (root / "index.html").is_file() else OK  # shows who signed


def cmd_verify(args) -> int:
    """Check manifests, signatures and the sequence of revisions; print the table."""
    from . import verify
    from .signatures import load_trust

    lang = _lang(args)
    rows = verify.verify_path(args.path, load_trust(args.trust) if args.trust else None)
    print(verify.report(rows, lang))
    return verify.status(rows)


def _refuse_overwrite(existing: list[Path], lang: str) -> int:
    _err(text("cli.refuse_overwrite", lang))
    for path in existing:
        _err(f"  - {path}")
    return BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())

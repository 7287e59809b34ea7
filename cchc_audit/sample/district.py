"""A sample district for the analyst: many varied schools, audited in-process into an archive.

`write_district(root, schools=20)` writes `schools` generated schools under `root`, one folder each
(`truong-01`, ...), as `cchc-audit batch --data-root` expects them: registers as CSV, `don_vi.yaml`,
the sample plan and its text. The schools differ on purpose, deterministically (one seed per
school): their size (dossiers, staff, volumes) and which of the sample's planted misses they have
already put right (every staff member with a digital signature and an official e-mail, every
reporting system connected, every document exchanged electronically, every internal procedure
published in January), so that a district view has something to tell apart.

`archive_audits(out, data_dir, periods)` audits one school for each period in this process
(`audit.run_audit`, no notebook, no export) and archives each as a revision
`<out>/<unit>/<period>/rev-NNN/` holding `results.json`, the run's `params.yaml` (its language) and
the inputs read, with its manifest (`archive.RunBuilder`): the figures a `batch` round archives,
without the HTML reports. `sample_district()` does both for a whole district, in a temporary
folder (removed when the process ends) when no `out` is given: a fresh install has no archive for
the analyst's notebook to explore.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..resources import SAMPLE_PLAN, SAMPLE_PLAN_TEXT
from .generate import DEFAULT_UNIT, generate_registers
from .write import write_unit

DISTRICT = {"ma_don_vi": "NHABE", "ten_don_vi": "Phòng Giáo dục và Đào tạo huyện Nhà Bè"}
PERIODS = ("2024-Q1", "2024-Q2")
# The planted misses a school may have put right (see the package's docstring).
FIXES = ("signatures", "systems", "documents", "internal_procedures")


def school_profile(number: int, seed: int = 2024) -> dict:
    """The generator's options and the fixes of school `number` (1, 2, ...): the same every time."""
    rng = np.random.default_rng([seed, number])
    fixes = tuple(f for f in FIXES if rng.random() < 0.45)
    return {
        "code": f"MN{number:02d}",
        "name": f"Trường Mầm non số {number}",
        "seed": int(rng.integers(1, 1_000_000)),
        "n_dossiers": int(rng.integers(120, 420)),
        "n_staff": int(rng.integers(12, 45)),
        "scale": float(np.round(rng.uniform(0.25, 0.6), 2)),
        "fixes": fixes,
    }


def apply_fixes(registers: dict[str, pd.DataFrame], fixes: Iterable[str], year: int = 2024) -> dict[str, pd.DataFrame]:
    """The registers of a school that has put the named planted misses right (copies)."""
    out = {name: frame.copy() for name, frame in registers.items()}
    fixes = set(fixes)
    if "signatures" in fixes:
        staff = out["can_bo"]
        staff["chu_ky_so"] = True
        staff["thu_cong_vu"] = True
    if "systems" in fixes:
        out["he_thong_bao_cao"]["ket_noi_huyen"] = True
    if "documents" in fixes:
        documents = out["van_ban"]
        documents["dien_tu"] = documents["dien_tu"] | ~documents["mat"].astype(bool)
    if "internal_procedures" in fixes:
        procedures = out["thu_tuc"]
        internal = procedures["noi_bo"].astype(bool)
        procedures.loc[internal, "ngay_cong_khai"] = pd.Timestamp(year, 1, 15)
    return out


def write_school(folder: Path, profile: dict, year: int = 2024) -> Path:
    """One generated school's folder, as `batch` reads it."""
    registers = generate_registers(year, n_dossiers=profile["n_dossiers"], n_staff=profile["n_staff"],
                                   seed=profile["seed"], scale=profile["scale"])
    unit = dict(DEFAULT_UNIT, ten_don_vi=profile["name"], ma_don_vi=profile["code"], ky_hieu=profile["code"])
    write_unit(folder, apply_fixes(registers, profile["fixes"], year), fmt="csv", unit=unit, year=year)
    shutil.copyfile(SAMPLE_PLAN, folder / SAMPLE_PLAN.name)
    shutil.copyfile(SAMPLE_PLAN_TEXT, folder / SAMPLE_PLAN_TEXT.name)  # the plan names its source text
    return folder


def write_district(root: str | Path, schools: int = 20, seed: int = 2024) -> list[Path]:
    """`schools` varied schools under `root` (made if needed), plus the district's `don_vi.yaml`."""
    import yaml

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "don_vi.yaml").write_text(yaml.safe_dump(DISTRICT, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [write_school(root / f"truong-{n:02d}", school_profile(n, seed)) for n in range(1, schools + 1)]


def archive_audits(out: str | Path, data_dir: str | Path, periods: Sequence[str] = PERIODS,
                   lang: str = "vi") -> list[Path]:
    """Audit the unit in `data_dir` for each period in this process and archive each run's figures
    (results.json, params.yaml, the inputs) as a new revision under `out`; return the revisions.
    The input is checked first as `cchc-audit run` checks it: bad input raises
    `errors.BadInput` (every problem listed, in `lang`) and nothing is archived."""
    from .. import params as run_params
    from ..archive import PARAMS_YAML, new_run
    from ..audit import run_audit
    from ..pipeline import prepare

    settings = [run_params.resolve(None, period=p, data=str(data_dir), out=str(out), lang=lang) for p in periods]
    if not settings:
        return []
    _, data, plan = prepare(settings[0], lang)  # the registers and the plan, checked once
    chosen = [checked_period(s, plan, lang) for s in settings]
    written = []
    for each, period in zip(settings, chosen):
        audit = run_audit(period, each.data, plan, each, data=data)
        with new_run(out, audit.unit.code, audit.period.id) as run:
            for item in data.inputs:
                run.add_input(item.path)
            each.write(run.tmp / PARAMS_YAML)
            audit.write_results(run.tmp)
        written.append(run.path)
    return written


def checked_period(settings, plan, lang: str):
    """The period `settings` select, refused (BadInput, in `lang`) when it is no period or lies
    outside the plan's year, as `cchc-audit run` refuses it."""
    from ..errors import BadInput, ParamsError, PeriodError

    try:
        period = settings.period_range()
    except (ParamsError, PeriodError) as exc:
        raise BadInput(exc.message(lang)) from None
    issues = settings.period_issues(period, plan)
    if issues:
        raise BadInput(ParamsError(issues).message(lang))
    return period


def temporary_folder(prefix: str) -> Path:
    """A new temporary folder, removed when this process ends (a notebook's kernel stops)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def sample_district(out: str | Path | None = None, schools: int = 20, periods: Sequence[str] = PERIODS,
                    lang: str = "vi", seed: int = 2024) -> Path:
    """A district archive of `schools` generated schools, each audited for every period in
    `periods`; returns its root (a temporary folder, removed when the process ends, when `out` is
    None). The schools' folders are kept in `<root>/_data/`, which no archive listing takes for a
    unit."""
    root = Path(out) if out is not None else temporary_folder("cchc-district-")
    for folder in write_district(root / "_data", schools, seed):
        archive_audits(root, folder, periods, lang)
    return root

"""A district of generated units for the batch benchmark: `python benchmarks/district.py OUT -n 20`.

Each unit is the sample generator's school with its own seed, name and code (`cchc_audit.sample`),
written as a school hands its registers in (XLSX, or CSV for every other unit), with the sample
plan beside them. Nothing here is shaped by the tests.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from cchc_audit.sample import DEFAULT_UNIT, SAMPLE_PLAN, SAMPLE_PLAN_TEXT, generate_registers, write_unit

NAMES = ("Hoa Sen", "Sơn Ca", "Họa Mi", "Bông Hồng", "Vàng Anh", "Tuổi Thơ", "Măng Non", "Hướng Dương",
         "Thỏ Ngọc", "Ánh Dương", "Hoa Mai", "Sao Mai", "Rạng Đông", "Phú Xuân", "Nhơn Đức", "Long Thới",
         "Hiệp Phước", "Phước Kiển", "Phước Lộc", "Nhà Bè", "Bình Minh", "Thiên Thần", "Tuổi Ngọc", "Hoa Lan")


def make_district(root: str | Path, n: int, *, fmt: str = "mixed", n_dossiers: int = 600,
                  first_seed: int = 1000) -> list[Path]:
    """`n` unit folders under `root`; `fmt` xlsx, csv or mixed (alternating)."""
    root = Path(root)
    folders = []
    for i in range(n):
        name = f"Trường Mầm non {NAMES[i % len(NAMES)]}" + (f" {i // len(NAMES) + 1}" if i >= len(NAMES) else "")
        code = f"MN{i + 1:03d}"
        folder = root / f"truong-{i + 1:03d}"
        unit = dict(DEFAULT_UNIT, ten_don_vi=name, ma_don_vi=code, ky_hieu=code)
        unit_fmt = fmt if fmt != "mixed" else ("xlsx" if i % 2 == 0 else "csv")
        write_unit(folder, generate_registers(seed=first_seed + i, n_dossiers=n_dossiers), fmt=unit_fmt,
                   unit=unit, year=2024)
        shutil.copy(SAMPLE_PLAN, folder / "ke_hoach.yaml")
        shutil.copy(SAMPLE_PLAN_TEXT, folder / SAMPLE_PLAN_TEXT.name)
        folders.append(folder)
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--fmt", choices=("xlsx", "csv", "mixed"), default="mixed")
    args = parser.parse_args()
    for folder in make_district(args.out, args.n, fmt=args.fmt):
        print(folder)


if __name__ == "__main__":
    main()

"""`python -m cchc_audit.sample [OUT_DIR]`: regenerate the sample school's folder."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ..resources import SAMPLE_DIR
from .write import build_sample


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cchc_audit.sample",
                                     description="Ghi dữ liệu mẫu của Trường Mầm non Mạ Non / write the sample school")
    parser.add_argument("out_dir", nargs="?", default=str(SAMPLE_DIR))
    parser.add_argument("--fmt", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--n-dossiers", type=int, default=600)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    paths = build_sample(args.out_dir, fmt=args.fmt, year=args.year, seed=args.seed,
                         n_dossiers=args.n_dossiers, scale=args.scale)
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

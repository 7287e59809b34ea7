"""Write the golden files anew: `python tests/golden/regenerate.py` from the repository root.

Only when a change of what a run archives is intended (a report's wording, a new field in
results.json...): the commit that changes `tests/golden/` must say which change and why. It runs the
sample twice per language and refuses to write when the two normalized runs differ, so a golden file
never holds something that changes from run to run.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from normalize import FILES, GOLDEN_DIR, LANGS, golden_path, normalize_revision, run_sample  # noqa: E402


def main() -> int:
    for lang in LANGS:
        runs = []
        for attempt in range(2):
            with tempfile.TemporaryDirectory(prefix=f"golden-{lang}-{attempt}-") as work:
                out, revision = run_sample(lang, Path(work))
                runs.append(normalize_revision(revision, out))
        unstable = [name for name in FILES if runs[0][name] != runs[1][name]]
        if unstable:
            print(f"{lang}: two runs differ after normalizing, nothing written: {', '.join(unstable)}",
                  file=sys.stderr)
            return 1
        (GOLDEN_DIR / lang).mkdir(exist_ok=True)
        for name in FILES:
            # newline="" keeps the bytes as archived: no platform line endings.
            golden_path(lang, name).write_text(runs[0][name], encoding="utf-8", newline="")
        print(f"{lang}: wrote {len(FILES)} files to {GOLDEN_DIR / lang}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

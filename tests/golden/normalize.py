"""The archived files of one sample run, with only what legitimately differs between runs removed.

Two runs of the same command on the same inputs differ only in the rules below; everything else,
the charts' PNG bytes included, must be byte-identical. Each rule names what it removes and why.
Used by `tests/test_golden.py` (compare) and `tests/golden/regenerate.py` (write the golden files).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from cchc_audit import archive, resources

GOLDEN_DIR = Path(__file__).resolve().parent
LANGS = ("vi", "en")
# The sample's own params file: it pins `report_date` (2024-04-05), so no rule has to remove the day
# of the run from the date line, and the waivers are judged on a fixed day.
PARAMS_FILE = resources.PARAMS_DIR / "2024-Q1.yaml"
# The archived files compared, in the order a failure reports them (the manifest last: its lines
# change with the files). `inputs/` is not copied: it is the sample's files as shipped, and the
# manifest's hashes of it are compared.
FILES = (archive.RESULTS, archive.PARAMS_YAML, archive.INTERNAL_HTML, archive.PUBLIC_HTML,
         archive.EXECUTED, archive.MANIFEST)


def golden_path(lang: str, name: str) -> Path:
    """Where the golden copy of archived file `name` is. The notebook's gets a `.golden` suffix:
    under tests/, an `.ipynb` would be collected by `pytest --nbval-lax` and run, and linted by ruff."""
    return GOLDEN_DIR / lang / (name + ".golden" if name.endswith(".ipynb") else name)


# Where the package's shipped files are (sample data, params, notebooks): a checkout or site-packages.
PACKAGE_ROOT = Path(resources.PARAMS_DIR).resolve().parent

TIME = "<TIME>"
VERSION = "<VERSION>"

Rule = tuple[str, re.Pattern, str]

# results.json: the run's moment, and the versions of software that are not the run's inputs.
RESULTS_RULES: list[Rule] = [
    ("generated_at: the moment of the run",
     re.compile(r'^(  "generated_at": )"[^"]*"', re.M), rf'\1"{TIME}"'),
    ("software.cchc_audit: the package's version (a release bump is not a report change)",
     re.compile(r'^(  "software": \{\s*"cchc_audit": )"[^"]*"', re.M), rf'\1"{VERSION}"'),
    ("calendar.version: the installed holidays package's version (its days off are compared)",
     re.compile(r'^(    "package": "holidays",\s*"version": )"[^"]*"', re.M), rf'\1"{VERSION}"'),
]

# Report HTML, and the same text inside the executed notebook's outputs.
HTML_RULES: list[Rule] = [
    ("method appendix 'Thời điểm lập' / 'Generated at': the moment of the run",
     re.compile(r"(<li>(?:Thời điểm lập|Generated at): )[^<]*(</li>)"), rf"\1{TIME}\2"),
    ("method appendix 'cchc-audit phiên bản/version X': the package's version",
     re.compile(r"(cchc-audit (?:phiên bản|version) )[^<\s]+(?=<)"), rf"\1{VERSION}"),
    ("method appendix 'holidays ... phiên bản/version X.': the installed holidays package's version",
     re.compile(r"(holidays (?:package )?\([^)<]*\),? (?:phiên bản|version) )\d+(?:\.\d+)*"), rf"\1{VERSION}"),
]

# Executed notebook (papermill's metadata and the kernel's execution stamps).
NOTEBOOK_RULES: list[Rule] = [
    ("papermill start_time/end_time, kernel iopub/shell stamps: moments of the run",
     re.compile(r'("(?:start_time|end_time|iopub\.execute_input|iopub\.status\.busy|iopub\.status\.idle'
                r'|shell\.execute_reply)": )"[^"]*"'), rf'\1"{TIME}"'),
    ("papermill duration: how long a cell or the notebook took",
     re.compile(r'("duration": )(?:-?[0-9.]+(?:e-?\d+)?|null)'), rf'\1"{TIME}"'),
    ("language_info.version: the kernel's Python version",
     re.compile(r'("pygments_lexer": "ipython3",\s*"version": )"[^"]*"'), rf'\1"{VERSION}"'),
    ("metadata.papermill.version: papermill's version (the key after start_time, sorted)",
     re.compile(rf'("start_time": "{TIME}",\s*"version": )"[^"]*"'), rf'\1"{VERSION}"'),
]

# papermill gives the cell it injects (tagged `injected-parameters`) a new random id each run; the
# id also names the cell's <div> in the HTML. Only that cell's id is replaced.
INJECTED_ID = "<INJECTED-CELL-ID>"
_NB_INJECTED = re.compile(r'("id": )"([0-9a-f-]+)"(,\s*"metadata": \{(?:(?!"source":).)*?"injected-parameters")', re.S)
_HTML_INJECTED = re.compile(r'(id="cell-id=)[0-9a-f-]+("[^>]*celltag_injected-parameters)')
# papermill's temporary output folder `<out>/.tmp-XXXXXXXX` (archive.TMP_PREFIX + mkdtemp's random part).
_TMP_FOLDER = re.compile(re.escape(archive.TMP_PREFIX) + r"[A-Za-z0-9_]+")


def _apply(rules: list[Rule], text: str) -> str:
    for _why, pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def _paths(text: str, out: Path) -> str:
    """Absolute paths that depend on where the repository and the archive are: the `--out` folder
    (params.yaml `out`, the notebook's `archive_dir` and papermill's output_path, with its random
    temporary folder) and the package's shipped files (params.yaml `data`/`plan`/source comment,
    papermill's input_path). The archive folder is replaced first: it may lie under the package."""
    for folder in {str(Path(out).resolve()), str(Path(out).absolute())}:
        text = text.replace(folder, "<OUT>")
    text = _TMP_FOLDER.sub(archive.TMP_PREFIX + "<RANDOM>", text)
    return text.replace(str(PACKAGE_ROOT), "<PACKAGE>")


def _results(text: str, out: Path) -> str:
    return _apply(RESULTS_RULES, _paths(text, out))


def _params(text: str, out: Path) -> str:
    return _paths(text, out)


def _html(text: str, out: Path) -> str:
    return _apply(HTML_RULES, _HTML_INJECTED.sub(rf"\1{INJECTED_ID}\2", _paths(text, out)))


def _notebook(text: str, out: Path) -> str:
    text = _NB_INJECTED.sub(rf'\1"{INJECTED_ID}"\3', _paths(text, out))
    return _apply(HTML_RULES, _apply(NOTEBOOK_RULES, text))


NORMALIZERS: dict[str, Callable[[str, Path], str]] = {
    archive.RESULTS: _results, archive.PARAMS_YAML: _params, archive.INTERNAL_HTML: _html,
    archive.PUBLIC_HTML: _html, archive.EXECUTED: _notebook,
}


def read_exact(path: Path) -> str:
    """A file's text as its bytes hold it: no newline translation (a CRLF must show as a change)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _manifest(text: str, revision: Path, normalized: dict[str, str]) -> str:
    """The manifest with the hash of each file normalized here recomputed over its normalized text,
    so the golden manifest vouches for the golden files. A listed hash that does not match the
    archived file is kept as it is (the diff then shows it): recomputing must not hide a manifest
    that lies. Every other line (the inputs' hashes, names, order, format) is compared as written."""
    lines = []
    for line in text.splitlines(keepends=True):
        digest, sep, name = line.rstrip("\r\n").partition("  ")
        if sep and name in normalized and archive.sha256_file(revision / name) == digest:
            line = f"{_sha256(normalized[name])}  {name}" + line[len(line.rstrip("\r\n")):]
        lines.append(line)
    return "".join(lines)


def normalize_revision(revision: Path, out: Path) -> dict[str, str]:
    """{file name: normalized text} of the archived `FILES` of `revision`, archived under `out`."""
    revision = Path(revision)
    result = {name: NORMALIZERS[name](read_exact(revision / name), out)
              for name in FILES if name in NORMALIZERS}
    result[archive.MANIFEST] = _manifest(read_exact(revision / archive.MANIFEST),
                                         revision, result)
    return {name: result[name] for name in FILES}


def run_sample(lang: str, work: Path) -> tuple[Path, Path]:
    """`cchc-audit run --params <sample 2024-Q1.yaml> --lang <lang>` as a user runs it (its own
    process, from `work`, a fresh archive `work/reports`): (the archive's root, the revision)."""
    out = Path(work) / "reports"
    done = subprocess.run([sys.executable, "-m", "cchc_audit", "run", "--params", str(PARAMS_FILE),
                           "--lang", lang, "--out", str(out)],
                          cwd=work, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"cchc-audit run --lang {lang} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    match = re.search(r"^(?:Đã lưu lần chạy vào|Run archived in): (.+)$", done.stdout, re.M)
    if match is None:
        raise RuntimeError(f"cchc-audit run --lang {lang} printed no archive path:\n{done.stdout}")
    return out, Path(match.group(1))

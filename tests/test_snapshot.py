"""One read per run: the notebook audits the frames the run validated (snapshot.py), and what is
archived is the same as when the notebook reads the registers itself."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

from cchc_audit import archive, pipeline, resources, snapshot
from cchc_audit.params import resolve
from cchc_audit.registers import load_unit


@pytest.fixture
def unit(tmp_path):
    folder = tmp_path / "truong"
    shutil.copytree(resources.SAMPLE_DIR, folder)
    return folder


def _same_data(a, b) -> None:
    assert a.registers.keys() == b.registers.keys()
    for name, frame in a.registers.items():
        pd.testing.assert_frame_equal(frame, b.registers[name])  # dtypes included
    assert a.inputs == b.inputs and a.unit == b.unit and a.data_dir == b.data_dir
    assert a.headers == b.headers and a.letters == b.letters and a.problems == b.problems
    assert [n.message("vi") for n in a.notices] == [n.message("vi") for n in b.notices]


def test_an_offer_reads_back_as_the_folder_reads(unit, tmp_path):
    validated = load_unit(unit)
    copy = tmp_path / "inputs" / "truong"  # where a run's notebook finds the copies
    shutil.copytree(unit, copy)
    path = tmp_path / snapshot.SNAPSHOT
    with snapshot.offered(path, validated):
        _same_data(snapshot.read(path, copy), load_unit(copy))
        with pytest.raises(FileExistsError), snapshot.offered(path, validated):  # one run per folder
            pass
        assert snapshot.read(path, copy) is not None  # the refused second offer took nothing away
    assert snapshot.read(path, copy) is None  # the offer ends with the block
    assert not path.exists()  # and nothing was ever written


def test_an_offer_that_does_not_match_the_files_is_not_taken(unit, tmp_path):
    path = tmp_path / snapshot.SNAPSHOT
    with snapshot.offered(path, load_unit(unit)):
        assert snapshot.read(path, unit) is not None
        assert snapshot.read(tmp_path / "none.pickle", unit) is None and snapshot.read("", unit) is None
        (unit / "thu_tuc.xlsx").unlink()
        assert snapshot.read(path, unit) is None  # a register gone
        shutil.copy(resources.SAMPLE_DIR / "thu_tuc.xlsx", unit / "thu_tuc.xlsx")
        assert snapshot.read(path, unit) is not None
        shutil.copy(resources.SAMPLE_DIR / "can_bo.xlsx", unit / "thu_tuc.xlsx")
        assert snapshot.read(path, unit) is None  # a register changed


def _run(params, reuse: bool, edit=None):
    period, data, plan = pipeline.prepare(params, params.lang)
    if edit is not None:
        edit(data)
    return pipeline.execute_and_archive(params, period, data, plan, params.lang, reuse=reuse)


def test_the_notebook_audits_the_frames_the_run_validated(unit, tmp_path):
    """Proof that the notebook takes the offer, not the files: frames changed in memory after
    validation (the files untouched) are what results.json counts; nothing extra is archived."""
    params = resolve(None, period="2024-Q1", data=str(unit), out=str(tmp_path / "out"))

    def half(data):
        frame = data.registers["ho_so"]
        data.registers["ho_so"] = frame.iloc[::2]  # every other dossier

    whole = json.loads((_run(params, reuse=True) / archive.RESULTS).read_text(encoding="utf-8"))
    run = _run(params, reuse=True, edit=half)
    halved = json.loads((run / archive.RESULTS).read_text(encoding="utf-8"))

    def received(results):
        return next(c for c in results["checks"] if c["id"] == "II.1.1.a")["denominator"]

    assert 0 < received(halved) < received(whole)
    assert not list(run.rglob(snapshot.SNAPSHOT)) and not list(params.out.rglob(".*.pickle"))
    assert archive.verify(run).ok
    assert sorted(archive.read_manifest(run)) == sorted(
        p.relative_to(run).as_posix() for p in run.rglob("*") if p.is_file() and p.name != archive.MANIFEST)


# Run-dependent text: when it ran (ISO or as the report prints it), where the archive lies, and
# the id papermill gives the cell it injects the parameters into (new on every execution).
_STAMPS = [re.compile(p) for p in (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", r"\d\d:\d\d(:\d\d)?",
                                   r"cell-id=[0-9a-f]{8}")]


def _normal(text: str, out) -> str:
    text = text.replace(str(out), "<out>")
    for stamp in _STAMPS:
        text = stamp.sub("<time>", text)
    return text


def test_the_snapshot_archives_what_reading_the_registers_archives(sample_q1, tmp_path):
    """The shared archived run (`cchc-audit run`, snapshot) against the notebook reading the
    revision's copies itself: reports, results.json and manifests the same but for timestamps."""
    params = resolve(resources.PARAMS_DIR / "2024-Q1.yaml", out=str(tmp_path / "reports"))
    standalone = _run(params, reuse=False)
    shared = sample_q1.path
    for name in (archive.RESULTS, archive.INTERNAL_HTML, archive.PUBLIC_HTML, archive.PARAMS_YAML):
        assert _normal((shared / name).read_text(encoding="utf-8"), sample_q1.out) == \
            _normal((standalone / name).read_text(encoding="utf-8"), params.out), name
    mine, theirs = archive.read_manifest(standalone), archive.read_manifest(shared)
    assert set(theirs) - {archive.INTERNAL_PDF} == set(mine)
    for name in mine:
        if name.startswith(archive.INPUTS + "/"):
            assert mine[name] == theirs[name], name

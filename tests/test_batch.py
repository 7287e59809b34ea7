"""`cchc-audit batch` on a Dask cluster in this process and on the round's own forked workers: a few
generated units, one with bad data, the summary and exit status, skipping and --force, a crash that
stops nothing else, a unit that hangs or kills its worker, and the proof that a reused worker
process leaks nothing from one unit into the next (its results equal single runs)."""

import io
import json
import re
import shutil
from pathlib import Path

import pytest

from cchc_audit import archive, batch, cli, localpool, pipeline
from cchc_audit.sample import DEFAULT_UNIT, SAMPLE_PLAN, SAMPLE_PLAN_TEXT, generate_registers, write_unit

PERIOD = "2024-Q1"


def make_unit(folder: Path, code: str, name: str, seed: int) -> Path:
    unit = dict(DEFAULT_UNIT, ten_don_vi=name, ma_don_vi=code, ky_hieu=code)
    write_unit(folder, generate_registers(seed=seed, n_dossiers=150), fmt="csv", unit=unit, year=2024)
    shutil.copy(SAMPLE_PLAN, folder / "ke_hoach.yaml")
    shutil.copy(SAMPLE_PLAN_TEXT, folder / SAMPLE_PLAN_TEXT.name)  # the plan names its source text
    return folder


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    make_unit(root / "truong-a", "MNA", "Trường Mầm non A", 11)
    make_unit(root / "truong-b", "MNB", "Trường Mầm non B", 12)
    broken = make_unit(root / "truong-c", "MNC", "Trường Mầm non C", 13)
    ho_so = broken / "ho_so.csv"
    text = ho_so.read_text(encoding="utf-8-sig")
    first_date = re.search(r";(\d\d/\d\d/2024);", text).group(1)
    ho_so.write_text(text.replace(f";{first_date};", ";31/02/2024;", 1), encoding="utf-8-sig")
    (root / "ghi-chu").mkdir()  # a folder without registers is not a unit
    (root / "ghi-chu" / "readme.txt").write_text("notes", encoding="utf-8")
    (root / "_cu").mkdir()
    shutil.copytree(root / "truong-a", root / "_cu" / "truong-a")
    return root


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    # One worker, one thread: units A and B run one after the other in the same process.
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        yield c


@pytest.fixture(scope="module")
def first_round(district, cluster, tmp_path_factory):
    out = tmp_path_factory.mktemp("archive") / "reports"
    code, stdout, stderr = run_cli(["batch", "--period", PERIOD, "--data-root", district, "--out", out,
                                    "--scheduler", cluster.scheduler_address, "--lang", "en"])
    return out, code, stdout, stderr


def run_cli(args):
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main([str(a) for a in args])
    return code, stdout.getvalue(), stderr.getvalue()


def test_discovery_finds_the_folders_with_registers(district):
    units = batch.discover_units(district)
    assert [(u.folder.name, u.code, u.name) for u in units] == [
        ("truong-a", "mna", "Trường Mầm non A"), ("truong-b", "mnb", "Trường Mầm non B"),
        ("truong-c", "mnc", "Trường Mầm non C")]


def test_a_round_archives_the_good_units_and_reports_the_broken_one(first_round):
    out, code, stdout, stderr = first_round
    assert code == 2, stderr  # bad input in one unit, no crash
    assert "3/3" not in stderr and "\r" not in stderr  # not a terminal: no progress bar
    assert re.search(r"mnc \(Trường Mầm non C\): bad input", stdout)
    assert "ho_so.csv" in stdout and "31/02/2024" in stdout  # which file and which value
    assert "Summary: 2 archived, 0 skipped (archived before), 1 bad input, 0 crashed" in stdout
    for unit in ("mna", "mnb"):
        run = out / unit / PERIOD / "rev-001"
        assert archive.verify(run).ok
        assert (run / archive.INTERNAL_HTML).is_file() and (run / archive.PUBLIC_HTML).is_file()
    assert not (out / "mnc").exists()  # nothing half-written for the broken unit

    rollup_dir = out / "_rollup" / "district0" / PERIOD / "rev-001"
    data = json.loads((rollup_dir / "rollup.json").read_text(encoding="utf-8"))
    assert [(u["code"], u["outcome"]) for u in data["units"]] == [("mna", "ok"), ("mnb", "ok"),
                                                                 ("mnc", "bad_input")]
    on_time = {t["id"]: t for t in data["targets"]}["II.1.1.a"]
    checks = [next(c for c in json.loads((out / u / PERIOD / "rev-001" / "results.json").read_text())["checks"]
                   if c["id"] == "II.1.1.a") for u in ("mna", "mnb")]
    assert on_time["numerator"] == sum(c["numerator"] for c in checks)
    assert on_time["denominator"] == sum(c["denominator"] for c in checks)
    page = (rollup_dir / "index.html").read_text(encoding="utf-8")
    assert all(name in page for name in ("Trường Mầm non A", "Trường Mầm non B", "Trường Mầm non C"))
    # The archive's front page links the roll-up, relative to itself.
    front = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="_rollup/district0/{PERIOD}/rev-001/index.html"' in front


def _comparable(run: Path) -> dict:
    """What a run produced, without what differs between any two runs: the time of the run, the
    archive folder and the id papermill draws for the cell it injects."""
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    results.pop("generated_at")
    nb = json.loads((run / "audit.ipynb").read_text(encoding="utf-8"))
    cells = [(c.get("execution_count"), c.get("outputs")) for c in nb["cells"] if c["cell_type"] == "code"]
    pages = {name: (run / name).read_text(encoding="utf-8") for name in (archive.INTERNAL_HTML, archive.PUBLIC_HTML)}
    text = json.dumps([results, cells, pages], ensure_ascii=False)
    text = re.sub(r"cell-id=[0-9a-f-]+", "<id>", text.replace(str(run.parents[2]), "<out>"))
    return json.loads(re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d|\d\d:\d\d(:\d\d)?|\d\d/\d\d/\d{4}|"
                             r"\d{1,2} \w+ \d{4}|ngày \d\d tháng \d\d? năm \d{4}", "<time>", text))


def test_a_reused_worker_leaks_nothing_between_units(first_round, district, tmp_path):
    """Units A then B ran in one worker process in the round; each equals its own single run."""
    out = first_round[0]
    for folder, unit in (("truong-a", "mna"), ("truong-b", "mnb")):
        code, _, stderr = run_cli(["run", "--period", PERIOD, "--data", district / folder,
                                   "--out", tmp_path / "single", "--lang", "en"])
        assert code == 0, stderr
        single = _comparable(tmp_path / "single" / unit / PERIOD / "rev-001")
        in_batch = _comparable(out / unit / PERIOD / "rev-001")
        assert single[1][0][0] == 1  # the notebook's cells count from 1 in both
        assert in_batch == single


def test_a_second_round_skips_archived_units_and_force_runs_them_again(first_round, district, cluster, tmp_path):
    out = first_round[0]
    code, stdout, _ = run_cli(["batch", "--period", PERIOD, "--data-root", district, "--out", out,
                               "--scheduler", cluster.scheduler_address])
    assert code == 2  # the broken unit is tried again, and still broken
    assert "2 bỏ qua (đã lưu trước), 1 dữ liệu sai" in stdout
    assert not (out / "mna" / PERIOD / "rev-002").exists()
    assert (out / "_rollup" / "district0" / PERIOD / "rev-002").is_dir()  # a new roll-up, the old one kept

    only_a = tmp_path / "only-a"
    shutil.copytree(district / "truong-a", only_a / "truong-a")
    code, stdout, stderr = run_cli(["batch", "--period", PERIOD, "--data-root", only_a, "--out", out,
                                    "--scheduler", cluster.scheduler_address, "--force"])
    assert code == 0, stdout + stderr
    assert archive.verify(out / "mna" / PERIOD / "rev-002").ok
    assert archive.verify(out / "mna" / PERIOD / "rev-001").ok  # never overwritten


def fake_run_unit(fail: str):
    """A stand-in for the notebook run: archives a tiny run, or crashes for unit `fail`."""
    def run_unit(params, **_):
        from cchc_audit.unit import load_unit_info

        code = load_unit_info(params.data).code
        if code == fail:
            raise RuntimeError("kernel died")
        with archive.new_run(params.out, code, params.period) as run:
            (run.tmp / archive.RESULTS).write_text(json.dumps({"unit": code, "checks": []}))
        return run.path
    return run_unit


def test_a_crash_in_one_unit_stops_no_other_and_exits_1(district, cluster, tmp_path, monkeypatch):
    from distributed import Client

    monkeypatch.setattr(pipeline, "run_unit", fake_run_unit(fail="mnb"))  # the workers share this process
    units = batch.discover_units(district)
    seen = []
    with Client(cluster) as client:
        outcomes = batch.run_round(units, PERIOD, tmp_path / "out", client=client,
                                   progress=lambda done, total, o: seen.append((done, total, o.unit)))
    assert [(o.unit, o.status) for o in outcomes] == [("mna", "ok"), ("mnb", "error"), ("mnc", "ok")]
    assert outcomes[1].message == "kernel died" and outcomes[1].run is None
    assert sorted(seen) == [(1, 3, seen[0][2]), (2, 3, seen[1][2]), (3, 3, seen[2][2])]
    assert batch.exit_status(outcomes) == 1
    assert batch.exit_status([o for o in outcomes if o.status == "ok"]) == 0


def test_two_folders_with_one_unit_code_are_refused(tmp_path, cluster, monkeypatch):
    from distributed import Client

    monkeypatch.setattr(pipeline, "run_unit", fake_run_unit(fail=""))
    for folder in ("x", "y"):
        (tmp_path / "root" / folder).mkdir(parents=True)
        (tmp_path / "root" / folder / "don_vi.yaml").write_text("ma_don_vi: MN1\n", encoding="utf-8")
        (tmp_path / "root" / folder / "can_bo.csv").write_text("Mã cán bộ\nCB1\n", encoding="utf-8")
    with Client(cluster) as client:
        outcomes = batch.run_round(batch.discover_units(tmp_path / "root"), PERIOD, tmp_path / "out",
                                   client=client, lang="en")
    assert [o.status for o in outcomes] == ["ok", "bad_input"]
    assert "unit code mn1 is also the code of" in outcomes[1].message


@pytest.mark.parametrize("args, message", [
    (["--period", "2024-Q5"], "2024-Q5"),
    (["--period", PERIOD, "--workers", "0"], "--workers"),
    (["--period", PERIOD, "--data-root", "{tmp}/nowhere"], "nowhere"),
])
def test_bad_arguments_exit_2_before_any_work(tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--data-root" not in args:
        (tmp_path / "root").mkdir()
        args += ["--data-root", str(tmp_path / "root")]
    code, _, stderr = run_cli(["batch", *args, "--out", tmp_path / "out"])
    assert code == 2 and message in stderr
    assert not (tmp_path / "out").exists()


def test_a_round_params_file_serves_every_unit(district, cluster, tmp_path, monkeypatch):
    """`--params`: one file (report date, waivers...) for the whole round; each unit keeps its own
    folder, and the round's period and archive win over the file's."""
    seen = []
    fake = fake_run_unit(fail="")

    def recording(params, **kw):
        seen.append(params)
        return fake(params, **kw)

    monkeypatch.setattr(pipeline, "run_unit", recording)
    params_file = tmp_path / "dot-1.yaml"
    params_file.write_text("period: 2023-Q4\nreport_date: 2024-04-05\n"
                           "waivers:\n  - {check: II.6.3, justification: Huyện chưa mở kết nối, expires: 2024-06-30}\n",
                           encoding="utf-8")
    only = tmp_path / "root"
    for name in ("truong-a", "truong-b"):
        shutil.copytree(district / name, only / name)
    code, stdout, stderr = run_cli(["batch", "--period", PERIOD, "--data-root", only, "--out", tmp_path / "out",
                                    "--scheduler", cluster.scheduler_address, "--params", params_file])
    assert code == 0, stdout + stderr
    assert sorted(p.data.name for p in seen) == ["truong-a", "truong-b"]
    for params in seen:
        assert params.period == PERIOD and params.out == tmp_path / "out"
        assert str(params.report_date) == "2024-04-05"
        assert [w.check for w in params.waivers] == ["II.6.3"]


class _Terminal:
    """A stream that says it is a terminal, as stderr is when a person runs the batch."""

    def __init__(self):
        self.buffer = io.StringIO()

    def isatty(self):
        return True

    def write(self, text):
        return self.buffer.write(text)

    def flush(self):
        pass


def test_the_progress_bar_shows_counts_rate_and_time_left_on_a_terminal_only():
    outcomes = [batch.Outcome("mna", "Trường A", "/a", "ok"), batch.Outcome("mnb", "Trường B", "/b", "error"),
                batch.Outcome("mnc", "Trường C", "/c", "skipped")]
    terminal = _Terminal()
    bar = batch.ProgressBar("vi", stream=terminal)
    for done, outcome in enumerate(outcomes, 1):
        bar(done, len(outcomes), outcome)
    text = terminal.buffer.getvalue()
    # One line kept per finished unit, above the bar.
    lines = [line.strip() for line in text.replace("\r", "\n").splitlines()]
    assert "mna (Trường A): đã lưu" in lines and "mnb (Trường B): lỗi" in lines
    assert "mnc (Trường C): bỏ qua (đã lưu trước)" in lines
    # tqdm's bar: counts, rate and time left.
    assert "3/3" in text and "1/3" in text
    assert re.search(r"\d+(\.\d+)? ?(đv|s)/(s|đv)", text), text
    assert re.search(r"<\d\d:\d\d", text), text  # remaining time

    quiet = io.StringIO()  # a log file, a pipe: not a terminal
    bar = batch.ProgressBar("en", stream=quiet)
    for done, outcome in enumerate(outcomes, 1):
        bar(done, len(outcomes), outcome)
    assert quiet.getvalue() == ""


def test_a_unit_past_its_time_limit_is_reported_failed_and_the_round_goes_on(district, tmp_path, monkeypatch):
    import threading

    from distributed import Client, LocalCluster

    release = threading.Event()
    fake = fake_run_unit(fail="")

    def hangs_for_mnb(params, **kw):
        if params.data.name == "truong-b":
            release.wait(120)  # a unit that hangs (a stuck kernel, a file that never ends...)
            raise RuntimeError("released")
        return fake(params, **kw)

    monkeypatch.setattr(pipeline, "run_unit", hangs_for_mnb)
    units = batch.discover_units(district)
    # Two in-process workers: the hung one keeps its thread (no nanny to restart it), the other
    # serves the rest of the round.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c, \
            Client(c) as client:
        try:
            outcomes = batch.run_round(units, PERIOD, tmp_path / "out", client=client, lang="en",
                                       time_limit=2)
        finally:
            release.set()  # before the cluster closes, which waits for its threads
    assert [(o.unit, o.status) for o in outcomes] == [("mna", "ok"), ("mnb", "error"), ("mnc", "ok")]
    assert "time limit of 2 s" in outcomes[1].message and outcomes[1].run is None
    assert not (tmp_path / "out" / "mnb").exists()  # nothing archived for it


def test_time_limit_must_be_a_number_of_seconds(tmp_path):
    (tmp_path / "root").mkdir()
    code, _, stderr = run_cli(["batch", "--period", PERIOD, "--data-root", tmp_path / "root",
                               "--out", tmp_path / "out", "--time-limit", "-5", "--lang", "en"])
    assert code == 2 and "--time-limit" in stderr
    assert not (tmp_path / "out").exists()


def test_units_queued_on_a_worker_are_not_timed_until_they_run(district, tmp_path, monkeypatch):
    """The limit is per unit, from the moment a worker runs it: three units of 1.5 s each queued
    on one worker thread, with a 2 s limit, all land."""
    import time as clock

    from distributed import Client, LocalCluster

    fake = fake_run_unit(fail="")

    def slow(params, **kw):
        clock.sleep(1.5)
        return fake(params, **kw)

    monkeypatch.setattr(pipeline, "run_unit", slow)
    units = batch.discover_units(district)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as c, \
            Client(c) as client:
        outcomes = batch.run_round(units, PERIOD, tmp_path / "out", client=client, lang="en", time_limit=2)
    assert [(o.unit, o.status) for o in outcomes] == [("mna", "ok"), ("mnb", "ok"), ("mnc", "ok")]


def test_a_round_speaks_the_language_of_its_params_file(district, cluster, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "run_unit", fake_run_unit(fail=""))
    only = tmp_path / "root"
    shutil.copytree(district / "truong-a", only / "truong-a")
    params_file = tmp_path / "round.yaml"
    params_file.write_text("lang: en\n", encoding="utf-8")
    code, stdout, stderr = run_cli(["batch", "--period", PERIOD, "--data-root", only, "--out", tmp_path / "out",
                                    "--scheduler", cluster.scheduler_address, "--params", params_file])
    assert code == 0, stdout + stderr
    assert "Summary: 1 archived" in stdout and "Roll-up: " in stdout


def test_the_round_s_own_workers_run_it_without_dask_and_leave_nothing(district, tmp_path):
    """Without --scheduler: `cchc-audit batch` forks its own workers (localpool.py; a LocalCluster
    where the platform does not fork), audits every unit, never imports Dask (0.4 s a single run
    does not pay), and no process of it outlives the command."""
    import os
    import subprocess
    import sys

    import psutil

    before = {p.pid for p in psutil.Process().children(recursive=True)}
    done = subprocess.run([str(Path(sys.executable).parent / "cchc-audit"), "batch", "--period", PERIOD,
                           "--data-root", str(district), "--out", str(tmp_path / "out"), "--workers", "2",
                           "--lang", "en"], capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
                          env=dict(os.environ, PYTHONPROFILEIMPORTTIME="1"))  # every import, on stderr
    assert done.returncode == 2, done.stdout + done.stderr  # the broken unit, and only it
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "pandas" in imported and "cchc_audit.localpool" in imported  # the import times were printed
    if localpool.available():
        assert not {"dask", "distributed"} & imported
    assert "mna (Trường Mầm non A): archived" in done.stdout and "mnb (Trường Mầm non B): archived" in done.stdout
    for code in ("mna", "mnb"):
        (run,) = (tmp_path / "out" / code / PERIOD).iterdir()
        assert archive.verify(run).ok
    assert {p.pid for p in psutil.Process().children(recursive=True)} <= before


def _own_round(units, out, monkeypatch, run_unit, **options):
    """run_round without a cluster (the round's own forked workers), `pipeline.run_unit` being
    `run_unit` in them (they fork after the patch)."""
    monkeypatch.setattr(pipeline, "run_unit", run_unit)
    monkeypatch.setattr(batch, "preload", lambda *args: None)  # the workers import as they need
    return batch.run_round(units, PERIOD, out, lang="en", workers=2, **options)


@pytest.mark.skipif(not localpool.available(), reason="the round's workers are forked on Linux only")
def test_a_unit_past_its_time_limit_on_the_round_s_own_workers_has_its_worker_killed(district, tmp_path,
                                                                                    monkeypatch):
    import time as clock

    import psutil

    fake = fake_run_unit(fail="")

    def hangs_for_mnb(params, **kw):
        if params.data.name == "truong-b":
            clock.sleep(120)  # a unit that hangs (a stuck cell, a file that never ends...)
        return fake(params, **kw)

    before = {p.pid for p in psutil.Process().children(recursive=True)}
    started = clock.monotonic()
    outcomes = _own_round(batch.discover_units(district), tmp_path / "out", monkeypatch, hangs_for_mnb,
                          time_limit=2)
    assert [(o.unit, o.status) for o in outcomes] == [("mna", "ok"), ("mnb", "error"), ("mnc", "ok")]
    assert "time limit of 2 s" in outcomes[1].message and outcomes[1].run is None
    assert not (tmp_path / "out" / "mnb").exists()  # nothing archived for it
    assert clock.monotonic() - started < 60
    assert {p.pid for p in psutil.Process().children(recursive=True)} <= before  # the hung one killed


@pytest.mark.skipif(not localpool.available(), reason="the round's workers are forked on Linux only")
def test_a_unit_that_kills_its_worker_is_retried_then_failed_and_the_round_goes_on(district, tmp_path,
                                                                                  monkeypatch):
    import os

    fake = fake_run_unit(fail="")

    def dies_on_mnb(params, **kw):
        if params.data.name == "truong-b":
            os._exit(137)  # as the system's out-of-memory killer leaves a process
        return fake(params, **kw)

    outcomes = _own_round(batch.discover_units(district), tmp_path / "out", monkeypatch, dies_on_mnb)
    assert [(o.unit, o.status) for o in outcomes] == [("mna", "ok"), ("mnb", "error"), ("mnc", "ok")]
    assert outcomes[1].message == f"the worker process running this unit died {localpool.ATTEMPTS} times " \
                                  "(it was given to a fresh one each time); nothing archived for this unit"
    assert batch.exit_status(outcomes) == 1


@pytest.mark.skipif(not localpool.available(), reason="the round's workers are forked on Linux only")
def test_a_round_whose_progress_display_fails_leaves_no_worker_behind(district, tmp_path, monkeypatch):
    import psutil

    def display_gone(done, total, outcome):
        raise OSError("the terminal is gone")

    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with pytest.raises(OSError, match="terminal is gone") as failure:
        _own_round(batch.discover_units(district), tmp_path / "out", monkeypatch, fake_run_unit(fail=""),
                   progress=display_gone)
    # While the error (and its traceback, with the round's frames) is still held, as a caller's is:
    assert failure.traceback and {p.pid for p in psutil.Process().children(recursive=True)} <= before


def test_where_the_platform_does_not_fork_the_round_runs_on_a_local_dask_cluster(district, cluster, tmp_path,
                                                                                 monkeypatch):
    from contextlib import contextmanager

    from distributed import Client

    asked = []

    @contextmanager
    def local_dask(client, scheduler, workers):
        asked.append((client, scheduler, workers))
        with Client(cluster) as dask_client:  # in place of the LocalCluster it would start
            yield dask_client

    monkeypatch.setattr(localpool, "available", lambda: False)
    monkeypatch.setattr(batch, "_client", local_dask)
    monkeypatch.setattr(pipeline, "run_unit", fake_run_unit(fail=""))
    outcomes = batch.run_round(batch.discover_units(district), PERIOD, tmp_path / "out", workers=3)
    assert asked == [(None, None, 3)]
    assert [(o.unit, o.status, o.read_ahead) for o in outcomes] == [("mna", "ok", False), ("mnb", "ok", False),
                                                                  ("mnc", "ok", False)]


def test_the_round_s_own_cluster_runs_without_dask_s_stack_sampling_and_ticks_once_a_second(monkeypatch):
    """A round's LocalCluster has no dashboard to show its workers' profile: they are started
    with Dask's sampling profiler off, check their memory twice a second and time their event
    loops once a second (Dask reads all three as a server starts)."""
    import dask
    import distributed

    seen = {}

    class Recording:
        def __init__(self, **options):
            seen["profile"] = dask.config.get("distributed.worker.profile.enabled")
            seen["memory"] = dask.config.get("distributed.worker.memory.monitor-interval")
            seen["tick"] = dask.config.get("distributed.admin.tick.interval")
            seen["options"] = options

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    class NoClient:
        def __init__(self, cluster):
            self.cluster = cluster

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    before = dask.config.get("distributed.admin.tick.interval")
    monkeypatch.setattr(distributed, "LocalCluster", Recording)
    monkeypatch.setattr(distributed, "Client", NoClient)
    with batch._client(None, None, 1) as client:
        assert isinstance(client.cluster, Recording)
    assert seen["profile"] is False and seen["options"]["dashboard_address"] is None
    assert seen["memory"] == "500ms" and seen["tick"] == "1s"
    assert dask.config.get("distributed.admin.tick.interval") == before  # the process's own, outside
    assert dask.config.get("distributed.worker.profile.enabled") is True  # the process's own, as before
    with dask.config.set({"distributed.worker.memory.monitor-interval": "50ms"}), batch._client(None, None, 1):
        assert seen["memory"] == "50ms" and seen["profile"] is False  # a user's own setting stands

"""The analyst's API (cchc_audit/explore.py), as a notebook calls it: figures checked against the
audit's own and against sums computed here, labels in both languages, masking, the rows a period
holds, the latest run in a language, and the generated district. No notebook runs here: the
audits run in this process (nbval and tests/test_jupyterlab.py cover the notebook)."""

import json
import re
import shutil

import pandas as pd
import pytest

from cchc_audit import archive, explore, resources, trends
from cchc_audit.errors import BadInput, NotFound
from cchc_audit.periods import parse_period
from cchc_audit.sample import district as sample_district
from cchc_audit.tables import in_period

Q1 = parse_period("2024-Q1")


@pytest.fixture(scope="module")
def audit():
    return explore.audit_unit("2024-Q1")


@pytest.fixture(scope="module")
def unit_archive(tmp_path_factory):
    """The sample school audited for Q1 and Q2 (vi), then Q1 again in English."""
    root = explore.sample_archive(("2024-Q1", "2024-Q2"), out=tmp_path_factory.mktemp("unit") / "reports")
    sample_district.archive_audits(root, resources.SAMPLE_DIR, ("2024-Q1",), lang="en")
    return root


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    return explore.sample_district(4, out=tmp_path_factory.mktemp("district") / "reports")


def latest(root, period):
    return {r.unit: r.results for r in explore.latest_runs(root) if r.period == period}


# --- a unit's period ----------------------------------------------------------------------------

def test_a_dossier_belongs_to_the_period_it_happened_in_or_was_open_during():
    day = pd.Timestamp
    frame = pd.DataFrame({
        "ngay_tiep_nhan": [day("2024-02-01"), day("2023-12-20"), day("2023-12-20"), day("2023-11-01"),
                           day("2023-11-01"), day("2024-04-02"), day("2023-12-01")],
        "ngay_co_ket_qua": [pd.NaT, day("2024-01-05"), pd.NaT, day("2023-12-01"), pd.NaT, pd.NaT, day("2024-05-01")],
        "ngay_hen_tra": [pd.NaT, pd.NaT, pd.NaT, day("2024-02-01"), pd.NaT, pd.NaT, pd.NaT],  # a deadline decides nothing
        "trang_thai": ["dang_giai_quyet", "da_giai_quyet", "dang_giai_quyet", "da_giai_quyet", "rut", None, None],
    })
    # received in Q1; resolved in Q1; open across Q1; closed before; withdrawn before (no date);
    # received after; received before and resolved after (open during Q1)
    assert in_period("ho_so", frame, Q1).tolist() == [True, True, True, False, False, False, True]


def test_a_letter_answered_before_the_period_is_not_in_it_unless_published_in_it():
    day = pd.Timestamp
    frame = pd.DataFrame({
        "ngay_nhan": [day("2023-12-01"), day("2023-12-01"), day("2023-12-01")],
        "han_giai_quyet": [day("2024-02-01")] * 3,
        "ngay_giai_quyet": [pd.NaT] * 3,
        "ngay_tra_loi": [day("2023-12-10"), day("2023-12-10"), pd.NaT],
        "ngay_cong_khai": [pd.NaT, day("2024-01-03"), pd.NaT],
    })
    assert in_period("don_thu", frame, Q1).tolist() == [False, True, True]


def test_registers_are_cut_to_the_period_and_state_registers_kept_whole(audit):
    shown = explore.registers(audit, labels=False)
    for name, frame in audit.registers.items():
        assert list(shown[name].index) == list(frame.index[in_period(name, frame, Q1).to_numpy()])
    assert len(shown["can_bo"]) == len(audit.registers["can_bo"])
    payments = shown["thanh_toan"]["ngay"]
    assert payments.between(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-31")).all()
    assert 0 < len(payments) < len(audit.registers["thanh_toan"])


def test_registers_are_masked_and_labelled_in_the_chosen_language(audit):
    raw = audit.registers["ho_so"]
    names = set(raw["nguoi_nop"].dropna())
    phones = set(raw["so_dien_thoai"].dropna())
    vi = explore.registers(audit)["ho_so"]
    assert "Ngày tiếp nhận" in vi.columns and "Người nộp" in vi.columns and vi.index.name == "Dòng"
    assert not names & set(vi["Người nộp"].dropna()) and not phones & set(vi["Số điện thoại"].dropna())
    assert set(vi["Trạng thái"].dropna()) <= {"Đang giải quyết", "Đã giải quyết", "Tạm dừng", "Rút hồ sơ", "Từ chối"}
    assert set(vi["Số hóa thành phần hồ sơ"].dropna()) == {"Có", "Không"}
    en = explore.registers(audit, "en")["ho_so"]
    assert "Received" in en.columns and "Resolved" in set(en["Status"]) and "Online" in set(en["Channel"])
    unmasked = explore.registers(audit, masked=False, labels=False)["ho_so"]
    assert set(unmasked["nguoi_nop"].dropna()) <= names and set(unmasked["trang_thai"].dropna()) <= {
        "dang_giai_quyet", "da_giai_quyet", "tam_dung", "rut", "tu_choi"}


def test_load_registers_reads_without_auditing_and_refuses_bad_input(tmp_path):
    frames = explore.load_registers("2024-Q1", labels=False)
    assert set(frames) == {"thu_tuc", "ho_so", "don_thu", "khao_sat", "thanh_toan", "van_ban", "can_bo",
                           "he_thong_bao_cao", "cong_khai", "nhiem_vu"}
    with pytest.raises(BadInput, match=r"2023"):
        explore.load_registers("2023-Q1", lang="en")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BadInput):
        explore.audit_unit("2024-Q1", empty)


def test_inputs_name_each_file_with_its_hash_and_rows(audit):
    frame = explore.inputs(audit, labels=False)
    for item in audit.inputs:
        row = frame.loc[item.register]
        assert (row["file"], row["sha256"], row["rows"]) == (item.path.name, item.sha256, len(audit.registers[item.register]))
    assert frame.loc["ho_so", "rows_in_period"] == len(explore.registers(audit, labels=False)["ho_so"])


# --- one run ----------------------------------------------------------------------------------------

def test_checks_hold_every_check_with_its_figures_and_a_label_for_its_status(audit):
    frame = explore.checks(audit, labels=False)
    assert list(frame.index) == [c.id for c in audit.checks] and len(frame) == 68
    for c in audit.checks:
        assert (frame.loc[c.id, "status"], frame.loc[c.id, "numerator"]) == (c.status, c.numerator)
    vi, en = explore.checks(audit), explore.checks(audit, "en")
    assert list(vi.columns) == ["Loại", "Lĩnh vực", "Nội dung", "Yêu cầu", "Tử số", "Mẫu số", "Tỷ lệ", "Kết quả"]
    assert set(vi["Kết quả"]) <= {"Đạt", "Không đạt", "Không phát sinh", "Thiếu dữ liệu", "Miễn trừ"}
    assert en.loc["II.6.2", "Status"] == "Not met" and en.loc["II.1.1.a", "Kind"] == "Target"
    assert en.loc["II.1.1.a", "Target"] == "≥ 98%"
    missed = explore.misses(audit, labels=False)
    assert list(missed.index) == [c.id for c in audit.checks if c.status == "khong_dat"]
    assert list(explore.checks(audit, kind="task", labels=False).index) == [c.id for c in audit.tasks]


def test_an_audit_and_its_archived_run_give_the_same_tables(audit, unit_archive):
    run = next(r for r in explore.latest_runs(unit_archive) if r.period == "2024-Q1")
    pd.testing.assert_frame_equal(explore.checks(run), explore.checks(audit))
    pd.testing.assert_frame_equal(explore.index766(run.path), explore.index766(audit))
    live, kept = explore.items(audit, "II.6.2", labels=False), explore.items(run, "II.6.2", labels=False)
    assert list(kept.index) == list(live.index) and list(kept["ma_can_bo"]) == list(live["ma_can_bo"])
    assert "ho_ten" in live.columns and "ho_ten" not in kept.columns  # results.json holds no name


def test_items_are_masked_for_the_internal_audience_and_cut_for_the_public(audit):
    staff = audit.registers["can_bo"]
    internal = explore.items(audit, "II.6.2")
    assert list(internal.columns) == ["Mã cán bộ", "Họ và tên", "Chức vụ", "Lý do"]
    assert not set(internal["Họ và tên"]) & set(staff["ho_ten"])
    assert all(re.fullmatch(r"\S+( \w\.)+", name) for name in internal["Họ và tên"])
    assert set(internal["Lý do"]) == {"Chưa có chữ ký số"}
    public = explore.items(audit, "II.6.2", "en", audience="public")
    assert list(public.columns) == ["Staff code", "Reason"] and set(public["Reason"]) == {"No digital signature"}


def test_an_unknown_check_is_said_in_the_language_asked(audit):
    with pytest.raises(NotFound, match=r'no check "II\.99"; the ids are: II\.1\.1\.a, '):
        explore.items(audit, "II.99", "en")
    with pytest.raises(NotFound, match=r'không có kiểm tra mã "II\.99"'):
        explore.items(audit.to_json(), "II.99")


def test_the_766_index_by_item_is_the_audits(audit):
    frame = explore.index766(audit, labels=False)
    assert list(frame.index) == [i.id for i in audit.index_766.items]
    assert frame["points"].tolist() == [i.points for i in audit.index_766.items]
    assert explore.index766(audit, "en").loc["2.1", "What is checked"] == "Resolved on time"


def test_show_misses_displays_each_missed_target_and_its_rows(audit, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **_: shown.append(obj))
    explore.show_misses(audit, "en")
    missed = [c for c in audit.targets if c.status == "khong_dat"]
    assert len(shown) == 2 * len(missed)
    for check, (heading, frame) in zip(missed, zip(shown[::2], shown[1::2])):
        assert heading.data.startswith(f"**{check.id}** ") and f"{check.numerator}/{check.denominator}" in heading.data
        pd.testing.assert_frame_equal(frame, explore.items(audit, check.id, "en"))


def test_full_tables_shows_every_row():
    try:
        explore.full_tables()
        assert pd.get_option("display.max_rows") is None and pd.get_option("display.max_columns") is None
    finally:
        pd.reset_option("display.max_rows")
        pd.reset_option("display.max_columns")
        pd.reset_option("display.max_colwidth")
        pd.reset_option("display.width")
        pd.reset_option("display.precision")


# --- archived runs -----------------------------------------------------------------------------------

def test_the_latest_run_is_the_latest_revision_in_the_chosen_language(unit_archive):
    listed = explore.runs(unit_archive, labels=False)
    assert listed[["period", "revision", "lang"]].values.tolist() == [
        ["2024-Q1", 1, "vi"], ["2024-Q1", 2, "en"], ["2024-Q2", 1, "vi"]]
    by_lang = {lang: {r.period: r.revision for r in explore.latest_runs(unit_archive, lang)} for lang in ("vi", "en")}
    assert by_lang == {"vi": {"2024-Q1": 1, "2024-Q2": 1}, "en": {"2024-Q1": 2, "2024-Q2": 1}}
    assert {r.period: r.revision for r in trends.latest_runs(unit_archive)} == {"2024-Q1": 2, "2024-Q2": 1}


def test_an_unreadable_run_is_listed_with_why_and_left_out_of_the_latest(unit_archive, tmp_path):
    root = tmp_path / "reports"
    shutil.copytree(unit_archive, root)
    with archive.new_run(root, "tmnmn", "2024-Q2") as run:
        (run.tmp / archive.RESULTS).write_text("{", encoding="utf-8")
    listed = explore.runs(root, labels=False)
    broken = listed[listed["revision"] == 2].query("period == '2024-Q2'").iloc[0]
    assert broken["problem"] and broken["targets"] == 0
    assert {r.period: r.revision for r in explore.latest_runs(root)}["2024-Q2"] == 1
    with pytest.raises(NotFound, match="cannot be read"):
        explore.checks(explore.load_run(run.path), "en")
    assert "Không đọc được vì" in explore.runs(root).columns


def test_a_run_language_is_none_without_params_yaml(tmp_path):
    assert trends.run_language(tmp_path) is None
    (tmp_path / archive.PARAMS_YAML).write_text("lang: [unclosed", encoding="utf-8")
    assert trends.run_language(tmp_path) is None


# --- side by side ------------------------------------------------------------------------------------

def test_periods_side_by_side_hold_each_periods_figures_and_the_change(unit_archive):
    frame = explore.periods(unit_archive, "tmnmn", labels=False)
    results = latest(unit_archive, "2024-Q1")["tmnmn"], latest(unit_archive, "2024-Q2")["tmnmn"]
    targets = [[c for c in r["checks"] if c["kind"] == "target"] for r in results]
    assert list(frame.index) == [c["id"] for c in targets[0]]
    for q1, q2 in zip(*targets):
        row = frame.loc[q1["id"]]
        assert (row[("2024-Q1", "status")], row[("2024-Q2", "numerator")]) == (q1["status"], q2["numerator"])
        if q1["value"] is not None and q2["value"] is not None:
            assert row[("change", "value")] == pytest.approx(q2["value"] - q1["value"])
    vi = explore.periods(unit_archive, "tmnmn")
    assert [c for c in vi.columns.get_level_values(0).unique()] == ["", "Quý I năm 2024", "Quý II năm 2024", "Thay đổi"]
    assert vi.loc["II.1.1.b", ("Quý II năm 2024", "Kết quả")] == "Không đạt"
    en = explore.periods(unit_archive, "tmnmn", "en")
    assert ("Q1 2024", "Status") in en.columns and ("Change", "Rate") in en.columns


def test_periods_of_another_length_are_not_side_by_side(unit_archive, tmp_path):
    root = tmp_path / "reports"
    shutil.copytree(unit_archive, root)
    sample_district.archive_audits(root, resources.SAMPLE_DIR, ("2024-H1",))
    quarters = {"", "2024-Q1", "2024-Q2", "change"}
    assert set(explore.periods(root, "tmnmn", labels=False).columns.get_level_values(0)) == quarters  # the latest's kind
    assert set(explore.periods(root, "tmnmn", like="2024-H1", labels=False).columns.get_level_values(0)) == {"", "2024-H1"}
    with pytest.raises(NotFound, match='no period "2024-H2"'):
        explore.periods(root, "tmnmn", "en", like="2024-H2")
    with pytest.raises(NotFound, match="no run of unit"):
        explore.periods(root, "no-such-unit", "en")


def test_units_side_by_side_end_with_the_pooled_district_figure(district):
    results = latest(district, "2024-Q1")
    frame = explore.units(district, "2024-Q1", labels=False, measure="numerator")
    names = [r["unit"] for _, r in sorted(results.items())]
    assert list(frame.columns) == ["title", *names, "district"]
    values = explore.units(district, "2024-Q1", labels=False)
    for target in frame.index:
        checks = [next(c for c in r["checks"] if c["id"] == target) for r in results.values()]
        measured = [c for c in checks if c["status"] != "thieu_du_lieu"]
        num, den = sum(c["numerator"] for c in measured), sum(c["denominator"] for c in measured)
        assert frame.loc[target, "district"] == num
        if den:
            assert values.loc[target, "district"] == pytest.approx(num / den)
        else:
            assert pd.isna(values.loc[target, "district"])
    statuses = explore.units(district, "2024-Q1", "en", measure="status")
    assert set(statuses.iloc[:, 1:].stack()) <= {"Met", "Not met", "Not arisen", "Missing data", "Waived"}
    with pytest.raises(NotFound, match="no measure"):
        explore.units(district, "2024-Q1", "en", measure="mean")
    with pytest.raises(NotFound, match="2023-Q1"):
        explore.units(district, "2023-Q1", "en")


def test_the_district_figures_are_pooled_not_averaged(district):
    results = list(latest(district, "2024-Q1").values())
    frame = explore.district(district, "2024-Q1", labels=False)
    checks = [next(c for c in r["checks"] if c["id"] == "II.4") for r in results]
    num, den = sum(c["numerator"] for c in checks), sum(c["denominator"] for c in checks)
    assert (frame.loc["II.4", "numerator"], frame.loc["II.4", "denominator"]) == (num, den)
    assert frame.loc["II.4", "value"] == pytest.approx(num / den)
    assert frame.loc["III", "numerator"] == sum(r["tasks_summary"]["evidenced"] for r in results)
    assert frame.loc["766", "denominator"] == pytest.approx(sum(r["index_766"]["max"] for r in results))
    assert explore.district(district, "2024-Q1", "en").loc["III", "What is checked"] == "Section III tasks with evidence"


def test_which_units_miss_which_targets(district):
    results = latest(district, "2024-Q2")
    frame = explore.unit_misses(district, "2024-Q2", labels=False)
    expected = {}
    for r in results.values():
        for c in r["checks"]:
            if c["kind"] == "target" and c["status"] == "khong_dat":
                expected.setdefault(c["id"], []).append(r["unit"])
    assert set(frame.index) == set(expected)
    for target, names in expected.items():
        assert frame.loc[target, "units_missing"] == len(names)
        assert frame.loc[target, "unit_names"].split(", ") == sorted(names, key=lambda n: int(n.rsplit(" ", 1)[1]))
    assert frame["units_missing"].is_monotonic_decreasing


def test_the_units_that_moved_most_since_the_period_before(district):
    frame = explore.movers(district, "2024-Q2", labels=False)
    assert frame.attrs == {"period": "Quý II năm 2024", "previous": "Quý I năm 2024"}
    before, now = latest(district, "2024-Q1"), latest(district, "2024-Q2")
    for unit, row in frame.iterrows():
        old = {c["id"]: c for c in before[unit]["checks"] if c["kind"] == "target"}
        new = {c["id"]: c for c in now[unit]["checks"] if c["kind"] == "target"}
        changes = {i: new[i]["value"] - old[i]["value"] for i in new
                   if new[i]["value"] is not None and old[i]["value"] is not None}
        assert row["moved"] == pytest.approx(sum(map(abs, changes.values())) / len(changes))
        assert abs(row["biggest_change"]) == pytest.approx(max(map(abs, changes.values())))
        assert row["met_now"] == sum(c["status"] == "dat" for c in new.values())
    assert frame["moved"].is_monotonic_decreasing
    with pytest.raises(NotFound, match="no period of the same length before"):
        explore.movers(district, "2024-Q1", "en")


# --- charts ----------------------------------------------------------------------------------------

def test_the_status_chart_colours_each_unit_and_target_by_its_status(district):
    from cchc_audit.results import STATUSES

    figure = explore.status_chart(district, "2024-Q1", "en")
    axis = figure.axes[0]
    grid = axis.images[0].get_array()
    results = latest(district, "2024-Q1")
    targets = [t.get_text() for t in axis.get_xticklabels()]
    units = [t.get_text() for t in axis.get_yticklabels()]
    by_name = {r["unit"]: r for r in results.values()}
    for row, unit in enumerate(units):
        statuses = {c["id"]: c["status"] for c in by_name[unit]["checks"]}
        assert [STATUSES[int(v)] for v in grid[row]] == [statuses[t] for t in targets]
    assert [t.get_text() for t in axis.get_legend().get_texts()] == ["Met", "Not met", "Not arisen", "Missing data", "Waived"]


def test_the_charts_draw_their_tables_figures(unit_archive, district, tmp_path):
    periods = explore.periods_chart(unit_archive, "tmnmn", "en")
    axis = periods.axes[0]
    q1 = latest(unit_archive, "2024-Q1")["tmnmn"]
    values = [c["value"] or 0 for c in q1["checks"] if c["kind"] == "target"]
    assert [p.get_height() for p in axis.containers[0]] == pytest.approx(values)
    assert [t.get_text() for t in axis.get_legend().get_texts()] == ["Q1 2024", "Q2 2024"]
    pooled = explore.pooled_chart(district, "2024-Q1")
    frame = explore.district(district, "2024-Q1", labels=False)
    shown = frame.drop(index=["III", "766"]).dropna(subset=["value"])
    assert [p.get_height() for p in pooled.axes[0].containers[0]] == pytest.approx(shown["value"].tolist())
    movers = explore.movers_chart(district, "2024-Q2", "en")
    assert movers.axes[0].get_title() == "Units that moved most: Q1 2024 → Q2 2024"
    for figure in (periods, pooled, movers):
        figure.savefig(tmp_path / "chart.png")
        assert (tmp_path / "chart.png").read_bytes().startswith(b"\x89PNG")


# --- the generated district ------------------------------------------------------------------------

def test_the_generated_schools_differ_and_are_the_same_every_time():
    profiles = [sample_district.school_profile(n) for n in range(1, 21)]
    assert profiles == [sample_district.school_profile(n) for n in range(1, 21)]
    assert len({p["n_dossiers"] for p in profiles}) > 10 and len({p["fixes"] for p in profiles}) > 4


def test_a_fix_puts_its_planted_miss_right(district):
    results = latest(district, "2024-Q1")
    for number in range(1, 5):
        profile = sample_district.school_profile(number)
        checks = {c["id"]: c["status"] for c in results[profile["code"].lower()]["checks"]}
        assert (checks["II.6.2"] == "dat") == ("signatures" in profile["fixes"])
        assert (checks["II.6.3"] == "dat") == ("systems" in profile["fixes"])


def test_the_archived_runs_verify_and_record_their_language(district):
    runs = archive.list_runs(district)
    assert len(runs) == 8 and all(archive.verify(r.path).ok for r in runs)
    assert {trends.run_language(r.path) for r in runs} == {"vi"}
    assert all((r.path / archive.INPUTS / "ho_so.csv").is_file() for r in runs)


def test_bad_input_archives_nothing(tmp_path):
    folder = sample_district.write_school(tmp_path / "school", sample_district.school_profile(1))
    ho_so = folder / "ho_so.csv"
    text = ho_so.read_text(encoding="utf-8-sig")
    first = re.search(r";(\d\d/\d\d/2024);", text).group(1)
    ho_so.write_text(text.replace(f";{first};", ";31/02/2024;", 1), encoding="utf-8-sig")
    out = tmp_path / "reports"
    with pytest.raises(BadInput, match="31/02/2024"):
        sample_district.archive_audits(out, folder, ("2024-Q1",), lang="en")
    assert archive.list_runs(out) == []
    with pytest.raises(BadInput, match="2023"):
        sample_district.archive_audits(out, resources.SAMPLE_DIR, ("2024-Q1", "2023-Q4"), lang="en")
    assert archive.list_runs(out) == []  # the good period is not archived either


def test_the_notebooks_are_calls_only():
    """No logic of their own: every code line is a call, an assignment of a call or parameter, or an import."""
    notebook = json.loads(resources.EXPLORE_NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code[0]["metadata"]["tags"] == ["parameters"]
    for cell in code[1:]:
        assert not cell["outputs"] and cell["execution_count"] is None
        for line in "".join(cell["source"]).splitlines():
            assert not re.match(r"\s*(for|while|if|def|class|with|try)\b", line), line
    markdown = [c for c in notebook["cells"] if c["cell_type"] == "markdown"]
    assert len(markdown) >= len(code) - 4  # a sentence above (nearly) every cell


def test_every_header_of_every_table_has_its_words_in_both_languages(audit, unit_archive, district):
    from cchc_audit.i18n import has

    raw = [explore.checks(audit, labels=False), explore.index766(audit, labels=False), explore.inputs(audit, labels=False),
           explore.runs(unit_archive, labels=False), explore.district(district, "2024-Q1", labels=False),
           explore.unit_misses(district, "2024-Q2", labels=False), explore.movers(district, "2024-Q2", labels=False),
           explore.periods(unit_archive, "tmnmn", labels=False), *explore.registers(audit, labels=False).values()]
    names = {n for frame in raw for n in [*frame.columns.get_level_values(-1), *frame.index.names] if n}
    for lang in ("vi", "en"):
        assert [n for n in names if not (has(f"explore.col.{n}", lang) or has(f"column.{n}", lang))] in ([], ["STT"])


def test_two_units_of_one_name_keep_a_column_each(district, tmp_path):
    root = tmp_path / "reports"
    shutil.copytree(district, root)
    folder = sample_district.write_school(tmp_path / "twin", dict(sample_district.school_profile(1), code="MN99"))
    sample_district.archive_audits(root, folder, ("2024-Q1",))
    frame = explore.units(root, "2024-Q1", labels=False)
    assert {"Trường Mầm non số 1 (mn01)", "Trường Mầm non số 1 (mn99)"} <= set(frame.columns)

"""Params files, flags over them, and the errors an inspector sees."""

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from cchc_audit import params, resources
from cchc_audit.params import ParamsError, resolve

REPO = Path(__file__).resolve().parents[1]


def write(folder: Path, text: str, name="p.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def issues(exc: ParamsError) -> dict[str, object]:
    return {i.key: i.value for i in exc.issues}


def test_defaults_with_no_file(tmp_path):
    p = resolve(period="2024-Q1", cwd=tmp_path)
    assert p.data == resources.SAMPLE_DIR
    assert p.out == tmp_path / "reports"
    assert p.plan_path == resources.SAMPLE_DIR / "ke_hoach.yaml"
    assert (p.lang, p.convention, p.publication_deadline_working_days) == ("vi", "calendar", 5)
    assert p.waivers == () and p.source is None


def test_sample_default_does_not_depend_on_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve(period="2024").data == resources.SAMPLE_DIR
    assert resolve(period="2024").out == tmp_path / "reports"


def test_flags_win_over_the_file(tmp_path):
    folder = tmp_path / "params"
    folder.mkdir()
    f = write(folder, """\
        period: 2024-Q1
        data: ../data/school
        out: ../archive
        lang: en
        convention: cutoff
        prepared_by: Trần Thị Thu Hà
    """)
    p = resolve(f, cwd=tmp_path)
    assert (p.period, p.lang, p.convention) == ("2024-Q1", "en", "cutoff")
    # Relative paths in a file resolve against the file's folder.
    assert p.data == tmp_path / "data" / "school"
    assert p.out == tmp_path / "archive"
    assert p.source == f

    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    p = resolve(f, cwd=elsewhere, period="2024-Q2", lang="vi", data="mine", out="/abs/out")
    assert (p.period, p.lang) == ("2024-Q2", "vi")
    # ...and flags against the working directory.
    assert p.data == elsewhere / "mine"
    assert p.out == Path("/abs/out")
    assert p.convention == "cutoff"  # not overridden: the file's value stays
    assert p.prepared_by == "Trần Thị Thu Hà"


def test_a_none_flag_is_not_given(tmp_path):
    f = write(tmp_path, "period: 2024-H1\nlang: en\n")
    p = resolve(f, period=None, lang=None, data=None)
    assert (p.period, p.lang) == ("2024-H1", "en")


def test_full_file_is_typed(tmp_path):
    f = write(tmp_path, """\
        period: 2024
        start: 2023-12-15
        end: 2024-12-14
        extra_days_off: [2024-05-02, 2024-04-29]
        extra_working_days: ["2024-05-04"]
        publication_deadline_working_days: 7
        waivers:
          - check: II.6.3
            justification: Huyện chưa mở kết nối
            expires: 2024-12-31
        index_766:
          "2.1": {points: 25, threshold: 0.9}
          "3.3": 10
        recipients: [Phòng GD&ĐT huyện Nhà Bè (để báo cáo), "Lưu: VT"]
        principal: Nguyễn Thị Mai
        recommendations: [Đề nghị hỗ trợ chứng thư số]
        report_date: 2025-01-05
    """)
    p = resolve(f)
    assert p.period == "2024"  # YAML reads it as a number; a period is text
    assert (p.start, p.end) == (dt.date(2023, 12, 15), dt.date(2024, 12, 14))
    assert p.extra_days_off == (dt.date(2024, 4, 29), dt.date(2024, 5, 2))
    assert p.extra_working_days == (dt.date(2024, 5, 4),)
    assert p.publication_deadline_working_days == 7
    assert [(w.check, w.expires) for w in p.waivers] == [("II.6.3", dt.date(2024, 12, 31))]
    assert p.index_766 == {"2.1": {"points": 25.0, "threshold": 0.9}, "3.3": {"points": 10.0}}
    assert p.recipients == ("Phòng GD&ĐT huyện Nhà Bè (để báo cáo)", "Lưu: VT")
    assert p.report_date == dt.date(2025, 1, 5)
    period = p.period_range()
    assert (period.id, period.start, period.end) == ("2024-cutoff", dt.date(2023, 12, 15), dt.date(2024, 12, 14))


def test_written_params_read_back_the_same(tmp_path):
    f = write(tmp_path, """\
        period: 2024-Q3
        convention: cutoff
        extra_days_off: [2024-09-03]
        waivers: [{check: III.1.4, justification: "Không phát sinh / none", expires: 2024-10-31}]
        recipients: ["Lưu: VT"]
    """)
    p = resolve(f)
    copy = p.write(tmp_path / "resolved.yaml")
    again = params.load(copy)
    assert again.to_dict() == p.to_dict()
    assert again.period_range().start == dt.date(2024, 6, 15)


def test_cutoff_convention():
    period = resolve(period="2024-Q1", convention="cutoff").period_range()
    assert (period.start, period.end) == (dt.date(2023, 12, 15), dt.date(2024, 3, 14))


def test_every_problem_is_reported_with_file_key_value_and_expectation(tmp_path):
    f = write(tmp_path, """\
        period: 2024-Q5
        lang: fr
        convention: fiscal
        start: 2024-02-30
        extra_days_off: 2024-05-02
        publication_deadline_working_days: -1
        waivers:
          - check: II.6.3
            expires: 31/12/2024
        index_766: {"2.1": {threshold: 1.5}, "x": 1}
        recipients: "Lưu: VT"
        waiver: []
    """)
    with pytest.raises(ParamsError) as info:
        resolve(f, lang="de")
    found = issues(info.value)
    assert found["lang"] == "fr"
    assert found["--lang"] == "de"
    assert found["convention"] == "fiscal"
    assert found["start"] == "2024-02-30"
    assert found["extra_days_off"] == "2024-05-02"
    assert found["publication_deadline_working_days"] == -1
    assert found["waivers[0].expires"] == "31/12/2024"
    assert "waivers[0].justification" in found
    assert found["index_766[2.1].threshold"] == 1.5
    assert found["index_766[x]"] == "x"
    assert found["recipients"] == "Lưu: VT"
    assert found["waiver"] == []  # a typo of `waivers` is not silently ignored
    assert all(i.source == str(f) for i in info.value.issues if not i.key.startswith("--"))
    vi, en = info.value.message("vi"), info.value.message("en")
    assert f"{f}: khóa `lang` = 'fr': cần một trong vi | en" in vi
    assert f"{f}: key `lang` = 'fr': expected one of vi | en" in en
    assert "dòng lệnh: khóa `--lang` = 'de'" in vi
    assert "yyyy-mm-dd" in vi and "yyyy-mm-dd" in en
    assert str(info.value) == vi  # the default language; each error says itself in either


def test_bad_period_names_where_it_came_from(tmp_path):
    with pytest.raises(ParamsError) as info:
        resolve(period="2024-Q5")
    assert issues(info.value) == {"--period": "2024-Q5"}
    f = write(tmp_path, "period: Q1-2024\n")
    with pytest.raises(ParamsError) as info:
        resolve(f)
    assert issues(info.value) == {"period": "Q1-2024"}


def test_cross_checks(tmp_path):
    f = write(tmp_path, """\
        start: 2024-03-31
        end: 2024-01-01
        extra_days_off: [2024-05-04]
        extra_working_days: [2024-05-04]
        waivers:
          - {check: II.4, justification: a, expires: 2024-12-31}
          - {check: II.4, justification: b, expires: 2024-12-31}
    """)
    with pytest.raises(ParamsError) as info:
        resolve(f)
    assert set(issues(info.value)) == {"end", "extra_working_days", "waivers[1].check"}
    with pytest.raises(ParamsError) as info:
        resolve(write(tmp_path, "start: 2024-01-01\n", "half.yaml"))
    assert set(issues(info.value)) == {"end"}


def test_missing_period_is_reported_when_needed():
    p = resolve()
    with pytest.raises(ParamsError) as info:
        p.period_range()
    assert set(issues(info.value)) == {"--period"}


@pytest.mark.parametrize("text, key", [
    ("period: [unclosed\n", "(yaml)"),
    ("- a list\n", "(file)"),
    ("period: 2024\nperiod: 2025\n", "(yaml)"),  # duplicate keys are refused, not last-wins
])
def test_unreadable_files(tmp_path, text, key):
    with pytest.raises(ParamsError) as info:
        resolve(write(tmp_path, text))
    assert [i.key for i in info.value.issues] == [key]


def test_missing_file(tmp_path):
    with pytest.raises(ParamsError) as info:
        resolve(tmp_path / "nope.yaml")
    assert "nope.yaml" in info.value.message("en")


def test_empty_file_is_all_defaults(tmp_path):
    assert resolve(write(tmp_path, "# nothing\n"), period="2024").data == params.SAMPLE_DIR


@pytest.mark.parametrize("name", sorted(p.name for p in (resources.PARAMS_DIR).glob("*.yaml")))
def test_shipped_params_files_are_valid(name):
    p = resolve(resources.PARAMS_DIR / name)
    assert p.period == name.removesuffix(".yaml")
    assert p.data == params.SAMPLE_DIR
    assert p.recipients[0] == "Phòng GD&ĐT huyện Nhà Bè (để báo cáo);"
    assert not any(r.startswith("Lưu") for r in p.recipients)  # the report adds "Lưu: VT." itself
    assert p.period_range().id == p.period


def test_shipped_params_include_a_justified_waiver_with_an_expiry():
    waivers = [w for name in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2024-H1", "2024-H2", "2024")
               for w in resolve(resources.PARAMS_DIR / f"{name}.yaml").waivers]
    assert waivers and all(w.justification and w.expires for w in waivers)


def test_index_766_items_must_be_ones_the_audit_scores(tmp_path):
    f = write(tmp_path, 'index_766: {"2.2": 5, "4.2": {points: 4, threshold: 0.8}}\n')
    with pytest.raises(ParamsError) as info:
        resolve(f)
    assert issues(info.value) == {"index_766[2.2]": "2.2"}
    assert "4.2" in info.value.message("en")  # the message lists the known items

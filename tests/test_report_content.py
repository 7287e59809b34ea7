"""What the district queries and a parent reads (issue 11, item 4; REPORT-FORM.md): Biểu 06 adds
up, tasks in plan order with their deadline, part IV as Ưu điểm / Hạn chế / Nguyên nhân with no
list repeated, "chưa có minh chứng" for tasks the register has no row for, labels and units as the
legend and the plan say them, no developer words, English dates in one style; and the public
report without free text from the params, the registers or the inspector's placeholders."""

from __future__ import annotations

import re

import pytest
import soup
import yaml
from test_report_form import audit_of, other  # noqa: F401 (a fixture)
from unitdata import run

from cchc_audit import fmt, i18n, report, resources, tthc_stats
from cchc_audit.codes import Audience, Status
from cchc_audit.errors import PlanError
from cchc_audit.plan import DEADLINE_ONGOING, load_plan

text = soup.visible_text

# Free text in the params that names a person, with a phone and an ID number (issue 11).
PERSON, PHONE, ID_NUMBER = "Nguyễn Thị Hoa", "0903123456", "079123456789"
JUSTIFICATION = f"Cô {PERSON} (SĐT {PHONE}, CCCD {ID_NUMBER}) nghỉ thai sản"
RECOMMENDATION = f"Đề nghị bố trí người thay cô Lê Thị Mai Phương, điện thoại {PHONE}"
CAUSE = f"Thầy Trần Văn Khoa (CCCD {ID_NUMBER}) chuyển công tác giữa kỳ"


@pytest.fixture(scope="module")
def q1():
    return audit_of(resources.PARAMS_DIR / "2024-Q1.yaml")


@pytest.fixture(scope="module")
def with_free_text(tmp_path_factory):
    params = tmp_path_factory.mktemp("free-text") / "params.yaml"
    params.write_text(yaml.safe_dump({
        "period": "2024-Q1", "data": str(resources.SAMPLE_DIR), "report_date": "2024-04-05",
        "waivers": [{"check": "II.6.2", "justification": JUSTIFICATION, "expires": "2024-04-30"}],
        "recommendations": [RECOMMENDATION], "causes": [CAUSE]}, allow_unicode=True))
    return audit_of(params)


# --- Biểu 06 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["q1", "other", "year"])
def test_bieu_06_adds_up_and_states_the_withdrawn_and_refused(which, request):
    audit = audit_of(resources.PARAMS_DIR / "2024.yaml") if which == "year" else request.getfixturevalue(which)
    table = tthc_stats.tthc_statistics(audit.dossiers, audit.period)
    # Every row: received = resolved + in progress + withdrawn or refused.
    assert (table["nhan_tong"] == table["da_tong"] + table["dang_tong"] + table[tthc_stats.WITHDRAWN]).all()
    total = table.loc[tthc_stats.TOTAL]
    withdrawn = audit.dossiers["tiep_nhan_trong_ky"] & audit.dossiers["loai_tru"]
    assert total[tthc_stats.WITHDRAWN] == int(withdrawn.sum())
    note = text(report.render(audit, "statistics", "vi", "public"))
    assert (f"Nhận giải quyết {fmt.fmt_int(total.nhan_tong)} hồ sơ = {fmt.fmt_int(total.da_tong)} đã giải quyết + "
            f"{fmt.fmt_int(total.dang_tong)} đang giải quyết + {fmt.fmt_int(total[tthc_stats.WITHDRAWN])} rút hoặc "
            f"bị từ chối.") in note


def test_the_sample_q1_counts_its_six_withdrawn_and_refused(q1):
    note = text(report.render(q1, "statistics", "vi", "internal"))
    assert "Nhận giải quyết 97 hồ sơ = 87 đã giải quyết + 4 đang giải quyết + 6 rút hoặc bị từ chối." in note


# --- tasks ---------------------------------------------------------------------------------------------

def test_task_deadlines_come_from_the_plan_file(tmp_path):
    plan = load_plan(resources.SAMPLE_DIR / "ke_hoach.yaml")
    assert plan.task("III.1.4").deadline == DEADLINE_ONGOING  # "thường xuyên" in the plan's text
    assert plan.task("III.1.1").deadline is None
    text_of_plan = (resources.SAMPLE_DIR / "ke_hoach.yaml").read_text(encoding="utf-8")
    dated = tmp_path / "ke_hoach.yaml"
    dated.write_text(text_of_plan.replace("  - id: III.1.1\n", "  - id: III.1.1\n    deadline: 2024-06-30\n", 1)
                     .replace("source_text: ke-hoach-cchc-2024.txt", ""), encoding="utf-8")
    assert str(load_plan(dated).task("III.1.1").deadline) == "2024-06-30"
    dated.write_text(dated.read_text(encoding="utf-8").replace("deadline: 2024-06-30", "deadline: sớm"),
                     encoding="utf-8")
    with pytest.raises(PlanError) as bad:
        load_plan(dated)
    assert "deadline" in bad.value.message("en") and "thuong_xuyen" in bad.value.message("en")


def test_tasks_are_in_plan_order_with_deadline_state_and_note(q1):
    plan_order = [t.id for t in q1.plan.tasks]
    shown = []
    for part in ("direction", "tasks"):
        page = soup.parse(report.render(q1, part, "vi", "internal"))
        for table in page.select("table.tasks"):
            assert [soup.text_of(th) for th in table.select("thead th")] == [
                "STT", "Nhiệm vụ theo Kế hoạch", "Kết quả / minh chứng", "Thời hạn", "Tình trạng", "Ghi chú"]
            rows = table.select("tbody tr")
            ids = [tr.select_one("span.code").get_text() for tr in rows]
            assert ids == sorted(ids, key=plan_order.index)  # plan order, not failures first
            shown += ids
        shown += [span.get_text() for span in page.select("p.missing-tasks span.code")]
    assert sorted(shown, key=plan_order.index) == plan_order  # every task once in parts I and III
    assert len(set(shown)) == len(shown)
    tr = soup.parse(report.render(q1, "direction", "vi", "internal")).select_one("tr#ct-III-1-4")
    row = [soup.text_of(td) for td in tr.find_all("td")]
    assert row[3] == "Thường xuyên" and row[4] == "Đang thực hiện"


def test_the_note_column_holds_the_registers_notes_masked_and_never_in_public(tmp_path):
    audit = run(tmp_path, {"nhiem_vu": [
        {"ma_nhiem_vu": "III.4.3", "ngay": "10/01/2024", "trang_thai": "Không phát sinh",
         "minh_chung": "", "ghi_chu": f"Không có trường hợp tinh giản; liên hệ cô {PERSON} {PHONE}"},
        {"ma_nhiem_vu": "III.1.1", "ngay": "12/01/2024", "trang_thai": "Hoàn thành", "minh_chung": "QĐ 01"}]})
    internal = soup.parse(report.render(audit, "tasks", "vi", "internal")).select_one("tr#ct-III-4-3")
    note = soup.text_of(internal.find_all("td")[5])
    assert note.startswith("Không có trường hợp tinh giản") and PHONE not in note and "*******456" in note
    assert soup.text_of(internal.find_all("td")[4]) == "Không phát sinh"
    public = soup.parse(report.render(audit, "tasks", "vi", "public")).select_one("tr#ct-III-4-3")
    assert soup.text_of(public.find_all("td")[5]) == "" and "liên hệ" not in str(public)


def test_a_task_with_no_row_reads_no_evidence_not_a_bare_not_met(q1):
    unrecorded = [c for c in q1.tasks if c.status == Status.KHONG_DAT and (c.items is None or len(c.items) == 0)]
    assert len(unrecorded) == 33
    appendix = report.render(q1, "checks_table", "vi", "internal")
    for check in unrecorded:
        cell = soup.row(appendix, check.id).select_one("td.status-cell")
        assert soup.text_of(cell) == "Chưa có minh chứng"
    method = text(report.render(q1, "methodology", "vi", "internal"))
    assert "được ghi \"Chưa có minh chứng\" (chưa đạt trong kỳ, không có nghĩa là việc không làm)" in method
    assessment = text(report.render(q1, "assessment", "vi", "internal"))
    assert "33/52 nhiệm vụ chưa có minh chứng trong kỳ (nêu tại mục I, III)." in assessment


# --- part IV ------------------------------------------------------------------------------------------

def test_part_iv_has_strengths_weaknesses_and_causes_each_miss_once(q1):
    # IV.3 opens the signed report's closing block (with part V and the signature, one page).
    html = report.render(q1, "assessment", "vi", "internal") + report.render(q1, "signature", "vi", "internal")
    page = soup.parse(html)
    assert [soup.text_of(h) for h in page.select("h3")] == ["1. Ưu điểm", "2. Hạn chế", "3. Nguyên nhân"]
    body = text(html)
    strengths, rest = body.split("2. Hạn chế", 1)
    weaknesses = rest.split("3. Nguyên nhân", 1)[0]
    for check in q1.targets:
        if check.status == Status.KHONG_DAT:
            assert weaknesses.count(f"{check.id} —") == 1, check.id  # once, with its figure
            assert check.id not in strengths
    assert "Đạt 10/15 chỉ tiêu đánh giá được trong kỳ (66,67%)." in strengths
    assert "II.1.1.a — " not in body  # a met target is not listed again (part II's table has it)
    assert "(Phần dành cho người kiểm tra ghi nguyên nhân của các hạn chế.)" in body


def test_causes_and_recommendations_from_the_params_print_in_the_internal_report_masked(with_free_text):
    assessment = text(report.render(with_free_text, "assessment", "vi", "internal"))
    closing = text(report.render(with_free_text, "signature", "vi", "internal"))
    assert "chuyển công tác giữa kỳ" in closing and "người kiểm tra" not in closing
    assert "1. Đề nghị bố trí người thay" in closing
    for secret in (PHONE, ID_NUMBER):
        assert secret not in assessment + closing


def test_the_public_report_holds_no_free_text_from_the_params(with_free_text):
    for lang in ("vi", "en"):
        public = report.standalone_html(with_free_text, lang, "public")
        for secret in (PERSON, "Nguyễn T. H.", PHONE, ID_NUMBER, "*******456", "nghỉ thai sản", "Lê Thị Mai Phương",
                       "chuyển công tác", "Trần Văn Khoa", "người thay"):
            assert secret not in public, (lang, secret)
        assert "Miễn trừ" in public or "Waived" in public  # the waiver still shows, with its expiry
    public = text(report.standalone_html(with_free_text, "vi", "public"))
    assert "Miễn trừ đến 30/04/2024" in public
    for placeholder in ("người kiểm tra", "Nơi nhận", "KIẾN NGHỊ", "Nguyên nhân", "Người lập", "SHA-256"):
        assert placeholder not in public, placeholder
    assert not re.search(r"\b[0-9a-f]{64}\b", public)  # no file hashes


# --- labels, units, words ---------------------------------------------------------------------------

def test_full_targets_print_as_the_plan_says_them(q1):
    assert fmt.fmt_target(">=", 1.0) == "100%" and fmt.fmt_target(">=", 0.98) == "≥ 98%"
    assert fmt.fmt_target(">", 0.8, "en") == "> 80%"
    summary = soup.parse(report.render(q1, "targets", "vi", "internal")).select_one("table.summary")
    assert soup.cells_after(soup.row(summary, "II.1.3"), "II.1.3")[4] == "100%"
    assert "≥ 100%" not in report.standalone_html(q1, "vi", "internal")


def test_survey_levels_are_named_as_the_legend_names_them(q1):
    html = text(report.render(q1, "targets", "vi", "internal"))
    assert "3 — Bình thường Dưới mức Hài lòng (mức 1–3)" in html  # II.2.2's one response at level 3
    assert "Không hài lòng (mức 1-3)" not in html
    chart = next(c for cs in report.targets.target_charts(q1, "vi").values() for c in cs
                 if c.caption.startswith("Tỷ lệ phiếu"))
    assert chart.caption == "Tỷ lệ phiếu khảo sát theo mức độ hài lòng (%, mức 1–5)"
    assert "mức 3 (Bình thường)" in chart.alt


DEVELOPER_WORDS = re.compile(r"report_date|nhiem_vu|ho_so|khao_sat|can_bo|thu_tuc\b|\.xlsx|\.csv|`")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("audience", ["internal", "public"])
def test_no_developer_words_in_the_official_text(q1, lang, audience):
    page = soup.parse(report.standalone_html(q1, lang, audience))
    for section in page.select("section"):
        if "part-methodology" in section.get("class", []):
            # Phụ lục IV lists the input files by name, as provenance; nothing else may.
            for h3 in section.select("h3"):
                assert not DEVELOPER_WORDS.search(soup.text_of(h3))
            continue
        words = DEVELOPER_WORDS.findall(soup.text_of(section))
        assert not words, (section.get("class"), words)


def test_english_dates_have_one_style(q1):
    english = text(report.standalone_html(q1, "en", "internal"))
    for waiver in q1.params.waivers:  # the params' own free text, quoted as written
        english = english.replace(" ".join(waiver.justification.split()), "")
    assert not re.search(r"\b\d{4}-\d\d-\d\d\b", english)
    # The only dd/mm/yyyy dates are inside the register's own (Vietnamese) evidence references.
    assert all(english[m.start() - 5:m.start()] == "ngày " for m in re.finditer(r"\b\d\d/\d\d/\d{4}\b", english))
    assert "5 April 2024" in english and "30 April 2024" in english
    assert i18n.text("note.waiver_ignored", "en", check="II.6.2", until=fmt.as_date("2024-04-30")).endswith(
        "expired on 30 April 2024 or matches no check: not applied.")


def test_the_public_766_index_shows_rates_with_their_counts_not_fraction_parts(q1):
    """A parent reads `98,85% (86/87)`, not columns headed Tử số / Mẫu số (the internal one keeps them)."""
    public = report.render(q1, "index766", "vi", Audience.PUBLIC)
    internal = report.render(q1, "index766", "vi", Audience.INTERNAL)
    assert "Tử số" not in public and "Mẫu số" not in public
    assert "Tử số" in internal and "Mẫu số" in internal
    item = next(i for i in q1.index_766.items if i.arisen and i.denominator)
    assert f"({item.numerator}/{item.denominator})" in public


def test_the_method_appendix_says_when_in_the_units_time_zone(q1):
    """Generated at: the unit's `mui_gio` (Asia/Ho_Chi_Minh for the sample), as results.json and
    the front page say it, whatever the zone of the machine that ran it."""
    import datetime as dt

    ran = dt.datetime(2024, 4, 5, 2, 30, tzinfo=dt.UTC)  # a machine on UTC
    q1.generated_at = ran
    page = report.render(q1, "methodology", "vi")
    assert "05/04/2024 09:30 +0700" in page
    assert q1.to_json()["generated_at"] == "2024-04-05T09:30:00+07:00"

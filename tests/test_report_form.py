"""The internal report as a Vietnamese administrative report (REPORT-FORM.md): header, parts I-V,
signature block and appendices filled from the plan, the unit and the params (a second unit shows
its own names); the Biểu 06 statistics agree with section II; the overview links every check
that needs action; waivers show with their reason and expiry."""

from __future__ import annotations

import re
from pathlib import Path

import hostile_unit
import pytest
import soup
import yaml

from cchc_audit import report, resources, tthc_stats
from cchc_audit.audit import run_audit
from cchc_audit.codes import Status
from cchc_audit.params import resolve

REPO = Path(__file__).resolve().parents[1]


def audit_of(params_file: Path):
    params = resolve(params_file)
    return run_audit(params.period_range(), params.data, params.plan_path, params)


@pytest.fixture(scope="module")
def sample_q1():
    return audit_of(resources.PARAMS_DIR / "2024-Q1.yaml")


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other")
    data = hostile_unit.build(folder / "data")
    return audit_of(hostile_unit.write_params(folder / "params.yaml", data))


text = soup.visible_text  # what a reader sees: tags dropped, entities decoded, spaces collapsed


# --- header and signature --------------------------------------------------------------------------

def test_header_comes_from_the_unit_the_plan_and_the_params(sample_q1, other):
    sample_head = text(report.render(sample_q1, "header", "vi", "internal"))
    assert sample_head.startswith("ỦY BAN NHÂN DÂN HUYỆN NHÀ BÈ TRƯỜNG MẦM NON MẠ NON Số: /BC-TMNMN "
                                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Nhà Bè, ngày ")
    assert "BÁO CÁO Kết quả tự kiểm tra thực hiện Kế hoạch cải cách hành chính năm 2024 — Quý I" in sample_head
    assert ("Thực hiện Kế hoạch số 040/KH-TMNMN ngày 19/02/2024 của Trường Mầm non Mạ Non về thực hiện "
            "công tác cải cách hành chính") in sample_head
    head = text(report.render(other, "header", "vi", "internal"))
    assert head.startswith("ỦY BAN NHÂN DÂN QUẬN GÒ VẤP TRƯỜNG MẪU GIÁO HOA SEN XANH Số: /BC-MGHSX")
    assert "Gò Vấp, ngày 08 tháng 4 năm 2024" in head  # params report_date, in words
    assert ("Thực hiện Kế hoạch số 117/KH-MGHSX ngày 07/03/2024 của Trường Mẫu giáo Hoa Sen Xanh về "
            "cải cách hành chính năm 2024 của Trường Mẫu giáo Hoa Sen Xanh, Trường Mẫu giáo Hoa Sen Xanh "
            "báo cáo kết quả tự kiểm tra quý I năm 2024 (từ ngày 01/01/2024 đến ngày 31/03/2024)") in head
    for foreign in ("Nhà Bè", "Mạ Non", "TMNMN", "040/KH"):
        assert foreign not in head


def test_signature_block_comes_from_the_params_and_the_unit(sample_q1, other):
    closing = text(report.render(sample_q1, "signature", "vi", "internal"))
    # Part V, the end mark and the signature: one block, kept on one page.
    assert closing.startswith("3. Nguyên nhân (Phần dành cho người kiểm tra ghi nguyên nhân của các hạn chế.) "
                              "V. KIẾN NGHỊ, ĐỀ XUẤT (Phần dành cho người kiểm tra ghi kiến nghị, đề xuất.) ./. ")
    sig = closing.split("./. ", 1)[1]
    assert sig == ("Nơi nhận: - Phòng GD&ĐT huyện Nhà Bè (để báo cáo); - Ban Giám hiệu (để chỉ đạo); "
                   "- Tổ Văn phòng (để thực hiện); - Lưu: VT. HIỆU TRƯỞNG Nguyễn Thị Minh Thư "
                   "Người lập: Võ Thị Thu Linh")
    sig = text(report.render(other, "signature", "vi", "internal")).split("./. ", 1)[1]
    assert sig == ("Nơi nhận: - Phòng GD&ĐT quận Gò Vấp (để báo cáo); - Chi bộ nhà trường (để biết); "
                   "- Lưu: VT. HIỆU TRƯỞNG Quách Thị Diễm Kiều Người lập: Âu Dương Thanh Trúc")
    assert report.render(other, "signature", "vi", "public") == ""
    english = text(report.render(other, "signature", "en", "internal"))
    assert "Recipients:" in english and "PRINCIPAL Quách Thị Diễm Kiều" in english


def test_a_principal_in_the_params_wins(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text(yaml.safe_dump({"period": "2024-Q1", "data": str(resources.SAMPLE_DIR),
                                      "principal": "Lý Thị Hạnh"}, allow_unicode=True))
    sig = text(report.render(audit_of(params), "signature", "vi", "internal"))
    assert "HIỆU TRƯỞNG Lý Thị Hạnh Người lập: ....." in sig and "Minh Thư" not in sig


# --- parts and appendices ----------------------------------------------------------------------------

def test_parts_in_order_ending_with_the_end_mark(other):
    page = text(report.standalone_html(other, "vi", "internal"))
    marks = ["BÁO CÁO", "TÓM TẮT KẾT QUẢ TỰ KIỂM TRA", "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
             "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "III. KẾT QUẢ THỰC HIỆN NHIỆM VỤ TRỌNG TÂM",
             "IV. ĐÁNH GIÁ CHUNG", "V. KIẾN NGHỊ, ĐỀ XUẤT", "./.", "Nơi nhận:", "HIỆU TRƯỞNG",
             "Phụ lục I", "Phụ lục II", "Phụ lục III", "Phụ lục IV"]
    position = 0
    for mark in marks:  # each after the one before ("Phụ lục I" is also cited in the body)
        position = page.index(mark, position) + len(mark)
    refs = re.findall(r"\(Kèm theo Báo cáo số \.\.\./BC-MGHSX ngày 08/04/2024\)", page)
    assert len(refs) == 4


def test_self_inspection_table_has_a_row_per_target_and_task(other):
    html = report.render(other, "checks_table", "vi", "internal")
    rows = [tr for tr in soup.parse(html).find_all("tr") if tr.select_one("td.center + td.code")]
    assert [soup.text_of(tr.select_one("td.code")) for tr in rows] == [c.id for c in other.checks]
    assert [int(soup.text_of(tr.select_one("td.center"))) for tr in rows] == list(range(1, len(other.checks) + 1))
    for check in other.checks:
        assert f"status-{check.status}" in str(soup.row(html, check.id))


def test_task_count_line(other):
    summary = other.tasks_summary()
    done = sum(1 for t in other.tasks if t.status == Status.DAT and t.extra.get("latest_status") == "hoan_thanh")
    html = text(report.render(other, "tasks", "vi", "internal"))
    share = f"{100 * done / summary['tasks']:.2f}".replace(".", ",")
    assert f"Hoàn thành {done}/{summary['tasks']} nhiệm vụ, đạt {share}%." in html
    assert f"Có minh chứng {summary['evidenced']}/{summary['tasks']} nhiệm vụ" in html


@pytest.mark.parametrize("which", ["sample_q1", "other", "sample_year"])
def test_statistics_totals_are_the_section_II_figures(which, request, tmp_path):
    if which == "sample_year":
        audit = audit_of(resources.PARAMS_DIR / "2024.yaml")
    else:
        audit = request.getfixturevalue(which)
    total = tthc_stats.tthc_statistics(audit.dossiers, audit.period).loc[tthc_stats.TOTAL]
    on_time, apologies = audit.check("II.1.1.a"), audit.check("II.1.3")
    assert total.da_tong == on_time.denominator
    assert total.da_truoc_han + total.da_dung_han == on_time.numerator
    assert total.da_qua_han == on_time.denominator - on_time.numerator
    assert total.qua_han_co_xin_loi + total.qua_han_chua_xin_loi == apologies.denominator
    assert total.qua_han_co_xin_loi == apologies.numerator
    assert total.dang_tong == total.dang_trong_han + total.dang_qua_han
    assert total.nhan_tong == total.nhan_truc_tuyen + total.nhan_truc_tiep + total.nhan_ky_truoc
    assert total.da_tong > 0 and total.nhan_tong > 0
    # The printed total row says the same.
    html = report.render(audit, "statistics", "vi", "public")
    cells = [soup.text_of(td) for td in soup.parse(html).select("tr.total td.num")]
    assert cells == [f"{int(total[c]):,}".replace(",", ".") for c in tthc_stats.COLUMNS]


# --- overview ----------------------------------------------------------------------------------------

def test_overview_counts_every_check_and_links_every_failure(other):
    html = report.render(other, "overview", "vi", "internal")
    counts = [int(soup.text_of(td)) for td in soup.parse(html).select('td[class*="count"]')
              if soup.text_of(td).isdigit()]
    assert sum(counts) == len(other.checks)
    failing = {c.id for c in other.checks if c.status in (Status.KHONG_DAT, Status.THIEU_DU_LIEU)}
    linked = {soup.text_of(a) for a in soup.parse(html).select("a.status.status-khong_dat[href^='#'], "
                                                                "a.status.status-thieu_du_lieu[href^='#']")}
    assert failing and linked == failing
    for audience in ("internal", "public"):  # every link lands on an element of the page
        page = report.standalone_html(other, "vi", audience)
        every_id, targets = soup.ids_and_links(page)
        ids = set(every_id)
        assert (targets or audience == "public") and targets <= ids, targets - ids
        assert len(every_id) == len(ids)  # no id twice


# --- waivers -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def waived(tmp_path_factory):
    folder = tmp_path_factory.mktemp("waived")
    params = folder / "params.yaml"
    params.write_text(yaml.safe_dump({
        "period": "2024-Q1", "data": str(resources.SAMPLE_DIR), "report_date": "2024-04-10",
        "waivers": [
            {"check": "II.6.3", "justification": "Hệ thống của Huyện chưa mở kết nối <b>cho trường</b>",
             "expires": "2024-12-31"},
            {"check": "II.6.2", "justification": "Chờ cấp chứng thư số", "expires": "2024-03-31"},
        ]}, allow_unicode=True))
    return audit_of(params)


def test_an_active_waiver_shows_with_its_reason_and_expiry(waived):
    assert waived.check("II.6.3").status == Status.MIEN_TRU
    summary = report.render(waived, "checks_table", "vi", "internal")
    row = str(soup.row(summary, "II.6.3"))
    assert "Miễn trừ" in row and "status-mien_tru" in row
    assert "Miễn trừ đến 31/12/2024: Hệ thống của Huyện chưa mở kết nối &lt;b&gt;cho trường&lt;/b&gt;" in row
    detail = text(report.render(waived, "targets", "vi", "internal"))
    assert detail.count("Miễn trừ đến 31/12/2024: Hệ thống của Huyện chưa mở kết nối <b>cho trường</b>") == 2
    english = text(report.render(waived, "checks_table", "en", "internal"))
    assert "Waived until 31 December 2024" in english
    # The public report: Miễn trừ and its expiry, never the reason (free text from the params).
    public = report.standalone_html(waived, "vi", "public")
    row = next(text(str(tr)) for tr in soup.parse(report.render(waived, "targets", "vi", "public")).select("tr")
               if "(II.6.3)" in text(str(tr)))
    assert "Miễn trừ đến 31/12/2024" in row and "Miễn trừ" in row
    assert "Hệ thống của Huyện" not in public and "Chờ cấp chứng thư số" not in public


def test_an_expired_waiver_is_ignored_and_the_report_says_so(waived):
    check = waived.check("II.6.2")
    assert check.status == Status.KHONG_DAT  # what the figures say, the expired waiver notwithstanding
    summary = report.render(waived, "checks_table", "vi", "internal")
    row = str(soup.row(summary, "II.6.2"))
    assert "Không đạt" in row and "Miễn trừ đã hết hạn ngày 31/03/2024 nên không áp dụng" in row
    method = text(report.render(waived, "methodology", "vi", "internal"))
    assert "II.6.3 Hệ thống của Huyện chưa mở kết nối <b>cho trường</b> 31/12/2024 Đã áp dụng" in method
    assert "II.6.2 Chờ cấp chứng thư số 31/03/2024 Hết hạn: không áp dụng" in method
    public = text(report.render(waived, "methodology", "vi", "public"))
    assert "II.6.3 31/12/2024 Đã áp dụng" in public and "II.6.2 31/03/2024 Hết hạn: không áp dụng" in public
    overview = report.render(waived, "overview", "vi", "internal")
    assert 'href="#ct-II-6-2"' in overview and 'href="#ct-II-6-3"' not in overview


def test_the_sample_q1_params_waive_ii_6_2_on_its_report_date(sample_q1):
    # params/2024-Q1.yaml: report dated 05/04/2024, waiver for II.6.2 until 30/04/2024.
    check = sample_q1.check("II.6.2")
    assert check.status == Status.MIEN_TRU
    assert check.waiver["status_before"] == Status.KHONG_DAT and check.waiver["expires"] == "2024-04-30"
    header = text(report.render(sample_q1, "header", "vi", "internal"))
    assert "ngày 05 tháng 4 năm 2024" in header


def test_the_english_report_cites_the_plan_and_its_bullets_in_english(sample_q1):
    header = text(report.render(sample_q1, "header", "en", "internal"))
    assert ("Pursuant to Plan No. 040/KH-TMNMN of 19 February 2024 of Trường Mầm non Mạ Non "
            "(Plan for carrying out administrative reform") in header
    assert " on for " not in header
    # The plan's bullets are in Phụ lục I, the full per-item table, on screen (the print stays short).
    appendix = text(report.render(sample_q1, "checks_table", "en", "internal"))
    assert "Take part in administrative-reform contests" in appendix
    assert "Tham gia Hội thi về CCHC" not in appendix
    vietnamese = text(report.render(sample_q1, "checks_table", "vi", "internal"))
    assert "Tham gia Hội thi về CCHC" in vietnamese
    assert "Tham gia Hội thi về CCHC" not in text(report.render(sample_q1, "direction", "vi", "internal"))

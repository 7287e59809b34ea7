"""The report: masking of personal data, escaping of register text, the public report's silence on
personal data, and an nbconvert template that loads nothing from the network."""

from __future__ import annotations

import datetime as dt
import re

import nbformat
import pandas as pd
import pytest
import soup
from htmlscan import Resources
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from unitdata import CATALOGUE, run

from cchc_audit import report, resources, tthc_stats
from cchc_audit.codes import Status
from cchc_audit.fmt import date_line, fmt_date, fmt_int, fmt_pct
from cchc_audit.privacy import mask_frame, mask_name, mask_number, public_frame

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'

# Personal values planted in the registers below: none may reach a public fragment.
APPLICANTS = {"HS1": ("Nguyễn Văn An", "0901234567", "079123456789"),
              "HS2": (SCRIPT, "0912345678", "079000000002"),
              "HS3": ("Trần Thị Bình", "0987654321", "079000000003")}
SENDER = "Phạm Văn Dũng"
STAFF = "Võ Thị Giang"


# --- privacy --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, masked", [
    ("Nguyễn Văn An", "Nguyễn V. A."),
    ("Trần Thị Ngọc Bích", "Trần T. N. B."),
    ("  Lê   Đức  ", "Lê Đ."),
    ("đặng thị êm", "đặng T. Ê."),
    ("An", "A."),  # a lone word may be a given name: only its initial stays
])
def test_mask_name_keeps_family_name_and_initials(name, masked):
    assert mask_name(name) == masked


def test_mask_name_normalizes_decomposed_unicode():
    decomposed = "Nguye\u0302\u0303n Va\u0306n A\u0300"  # NFD, as some exports write it
    assert mask_name(decomposed) == "Nguyễn V. À."


@pytest.mark.parametrize("number, masked", [
    ("0901234567", "*******567"),
    ("079123456789", "*********789"),
    ("090 123 4567", "*** *** *567"),  # separators stay, every digit but the last 3 goes
    ("B1234567", "*****567"),  # a passport number's letter is masked too
    (79123456789.0, "********789"),  # an ID read from Excel as a number gains no ".0"
    ("123", "***"),  # too short to keep 3 back: masked whole
])
def test_mask_number_keeps_last_three(number, masked):
    assert mask_number(number) == masked


def test_missing_values_stay_missing():
    assert mask_name(None) is None
    assert mask_number(None) is None
    assert pd.isna(mask_name(pd.NA)) and pd.isna(mask_number(float("nan")))


def test_mask_frame_by_column():
    frame = pd.DataFrame({
        "ma_ho_so": ["HS1", "HS2"],
        "nguoi_nop": ["Nguyễn Văn An", pd.NA],
        "so_dien_thoai": ["0901234567", "0912345678"],
        "so_dinh_danh": ["079123456789", None],
    }, index=pd.Index([3, 4], name="row"))
    masked = mask_frame(frame, ["nguoi_nop", "so_dien_thoai", "so_dinh_danh", "ho_ten"])
    assert masked["ma_ho_so"].tolist() == ["HS1", "HS2"]
    assert masked.loc[3, "nguoi_nop"] == "Nguyễn V. A." and pd.isna(masked.loc[4, "nguoi_nop"])
    assert masked["so_dien_thoai"].tolist() == ["*******567", "*******678"]
    assert masked.loc[3, "so_dinh_danh"] == "*********789"
    assert masked.index.tolist() == [3, 4]
    assert frame.loc[3, "nguoi_nop"] == "Nguyễn Văn An"  # the input is not touched


def test_public_frame_keeps_codes_dates_and_reasons_only():
    frame = pd.DataFrame({
        "ma_don": ["DT1"], "loai": ["khieu_nai"], "ngay_nhan": [pd.Timestamp("2024-01-05")],
        "noi_dung": ["Phụ huynh Phạm Văn Dũng phản ánh"], "nguoi_gui": [SENDER],
        "chuc_vu": ["Hiệu trưởng"], "so_ngay_tre": [3], "ly_do": ["chua_tra_loi"],
    })
    assert list(public_frame(frame).columns) == ["ma_don", "loai", "ngay_nhan", "so_ngay_tre", "ly_do"]


# --- an audited unit with hostile and personal register values --------------------------------------

@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    dossiers = [
        # HS1 on time; HS2 late without apology; HS3 overdue at the end of the period.
        {"ma_ho_so": "HS1", "ma_thu_tuc": "TT2", "ngay_tiep_nhan": "02/01/2024", "ngay_hen_tra": "09/01/2024",
         "ngay_co_ket_qua": "05/01/2024", "so_hoa": True, "ket_qua_dien_tu": True, "tai_su_dung": True},
        {"ma_ho_so": "HS2", "ma_thu_tuc": "TT2", "ngay_tiep_nhan": "03/01/2024", "ngay_hen_tra": "10/01/2024",
         "ngay_co_ket_qua": "15/01/2024", "so_hoa": True, "ket_qua_dien_tu": False, "tai_su_dung": False},
        {"ma_ho_so": "HS3", "ma_thu_tuc": "TT2", "ngay_tiep_nhan": "01/03/2024", "ngay_hen_tra": "08/03/2024",
         "tai_su_dung": True},
    ]
    for row in dossiers:
        name, phone, ident = APPLICANTS[row["ma_ho_so"]]
        row.update(nguoi_nop=name, so_dien_thoai=phone, so_dinh_danh=ident)
    registers = {
        "thu_tuc": CATALOGUE + [{"ma_thu_tuc": "NB1", "ten_thu_tuc": "Nội bộ " + SCRIPT, "noi_bo": True}],
        "ho_so": dossiers,
        "don_thu": [{"ma_don": "DT1", "loai": "Phản ánh, kiến nghị", "ngay_nhan": "05/01/2024",
                     "han_giai_quyet": "20/01/2024", "noi_dung": f"{SENDER} phản ánh {IMG}",
                     "nguoi_gui": SENDER}],
        "can_bo": [{"ma_can_bo": "CB1", "ho_ten": "Nguyễn Thị Hoa", "chuc_vu": "Hiệu trưởng",
                    "chu_ky_so": True, "thu_cong_vu": True},
                   {"ma_can_bo": "CB2", "ho_ten": STAFF, "chuc_vu": "Giáo viên",
                    "chu_ky_so": False, "thu_cong_vu": True}],
        "nhiem_vu": [{"ma_nhiem_vu": "III.1.1", "ngay": "10/01/2024", "trang_thai": "Hoàn thành",
                      "minh_chung": "QĐ 01/QĐ-TMNMN", "ghi_chu": IMG}],
    }
    return run(folder, registers)


def both(audit, part, lang="vi"):
    return report.render(audit, part, lang, "internal"), report.render(audit, part, lang, "public")


def all_parts(audit, audience, lang="vi"):
    return "\n".join(report.render(audit, part, lang, audience) for part in report.PARTS)


def test_the_fixture_has_what_the_report_must_show(audit):
    assert audit.check("II.1.1.a").status == Status.KHONG_DAT
    assert audit.check("II.1.3").status == Status.KHONG_DAT
    assert audit.check("II.6.2").status == Status.KHONG_DAT
    assert audit.check("III.1.1").status == Status.DAT


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_register_text_is_escaped(audit, audience):
    html = all_parts(audit, audience)
    assert "<script" not in html.lower()
    # The only images are the report's own charts, embedded; the register's <img> is text.
    images = soup.parse(html).find_all("img")
    assert images and all(re.fullmatch(r"data:image/png;base64,[A-Za-z0-9+/=]+", i["src"]) for i in images)
    assert not any("onerror" in i.attrs for i in images)
    if audience == "internal":  # the public report lists no cases (the name is II.1.4's case)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the procedure's name, shown as text


def test_internal_report_masks_personal_data(audit):
    html = report.render(audit, "targets", "vi", "internal")
    # HS2 (late) and HS3 (overdue), DT1 (unanswered), CB2 (no digital signature) are listed.
    assert "Trần T. B." in html and "Võ T. G." in html and "Phạm V. D." in html
    assert "&lt;." in html  # HS2's "name" is markup: masked to its initial, escaped
    assert "*******678" in html and "*******321" in html  # HS2's and HS3's phones, masked
    for name, phone, ident in APPLICANTS.values():
        assert phone not in html and ident not in html
    for name in ("Nguyễn Văn An", "Trần Thị Bình", STAFF, SENDER):
        assert name not in html


def test_public_report_carries_no_personal_data(audit):
    html = all_parts(audit, "public")
    for name, phone, ident in APPLICANTS.values():
        assert phone[-3:] + "<" not in html
        assert phone not in html and ident not in html
    for text in ("Nguyễn Văn An", "Trần Thị Bình", STAFF, SENDER, "Nguyễn V. A.", "Võ T. G.", "Phạm V. D.",
                 "*******", "Giáo viên", "QĐ 01/QĐ-TMNMN"):  # job titles and free text too
        assert text not in html, text
    # The aggregates are still there; the lists of cases, with their Excel row numbers, are not.
    targets = report.render(audit, "targets", "vi", "public")
    assert "1/2" in targets and "50,00%" in targets
    assert "HS2" not in html and "CB2" not in html and "Dòng" not in html
    assert "Nơi nhận" not in html  # no signature block either


def test_parts_without_personal_data_are_shared(audit):
    for part in ("statistics", "trends"):
        internal, public = both(audit, part)
        assert internal == public and internal
    internal, public = both(audit, "index766")  # the same items; the public one without fraction parts
    assert soup.codes(internal) == soup.codes(public) != [] and "Tử số" not in public
    # Part V with the signature, and Phụ lục I, are the signed report's only.
    for part in ("signature", "checks_table"):
        internal, public = both(audit, part)
        assert internal and public == ""
    internal, public = both(audit, "direction")  # task evidence: the reference is internal
    assert "QĐ 01/QĐ-TMNMN" in internal and "QĐ 01/QĐ-TMNMN" not in public
    # The appendix of file hashes and the space left for the inspector are internal.
    internal, public = both(audit, "methodology")
    assert "SHA-256" in internal and "SHA-256" not in public
    internal, public = both(audit, "assessment")  # IV.3 is in the signed report's closing
    assert "Nguyên nhân" in report.render(audit, "signature", "vi", "internal")
    assert "Nguyên nhân" not in public and "người kiểm tra" not in public


def test_summary_shows_every_target_with_its_figures(audit):
    html = report.render(audit, "targets", "vi", "internal")
    summary = soup.parse(html).select_one("table.data.summary")
    assert soup.codes(summary) == [c.id for c in audit.targets]
    # II.1.1.a: HS1 on time, HS2 late: 1/2 against >= 98%.
    row = soup.row(summary, "II.1.1.a")
    cells = soup.cells_after(row, "II.1.1.a")
    assert cells[1:5] == ["1", "2", "50,00%", "≥ 98%"]
    assert "status-khong_dat" in str(row) and "Không đạt" in soup.text_of(row)


def test_self_inspection_table_has_result_evidence_and_remedy(audit):
    html = report.render(audit, "checks_table", "vi", "internal")
    for check in audit.checks:
        assert f'<td class="code">{check.id}</td>' in html
    cells = soup.cells_after(soup.row(html, "II.1.1.a"), "II.1.1.a")
    assert cells[1] == "1/2 = 50,00%; chỉ tiêu ≥ 98%"
    # The registers by their titles, not their file names (Phụ lục IV lists the files).
    assert cells[2] == ("Nguồn: Sổ theo dõi hồ sơ thủ tục hành chính; Danh mục thủ tục hành chính<br/>"
                        "1 trường hợp liệt kê tại mục II.1.1.a")
    assert cells[4] == "Rà soát nguyên nhân 1 hồ sơ giải quyết trễ hạn; theo dõi hạn trả hằng ngày."
    # A task without evidence, and a target without its register.
    task = soup.text_of(soup.row(html, "III.1.2"))
    assert "Chưa có minh chứng trong kỳ" in task and "Triển khai thực hiện, lưu minh chứng trong kỳ tới." in task
    missing = soup.text_of(soup.row(html, "II.2.1"))
    assert "Thiếu dữ liệu" in missing and "Lập, bổ sung phiếu khảo sát hài lòng theo mẫu." in missing
    english = report.render(audit, "checks_table", "en", "internal")
    assert "Review why 1 dossier was late" in english and "Remedy" in english


def test_tasks_in_plan_order_the_unrecorded_named_once(audit):
    html = report.render(audit, "direction", "vi", "internal")
    rows = soup.parse(html).select("table.tasks tbody tr")
    assert [tr["id"] for tr in rows] == ["ct-III-1-1"]  # the one task the register records
    cells = [soup.text_of(td) for td in rows[0].find_all("td")]
    assert cells[0] == "1" and cells[1].startswith("III.1.1") and "Hiệu trưởng" in cells[1]
    assert cells[3] == "Năm 2024"  # no deadline in the plan: within the plan's year
    ids = [t.id for t in audit.plan.tasks if t.area == "III.1" and t.id != "III.1.1"]
    missing = soup.parse(html).select_one("p.missing-tasks")
    assert soup.text_of(missing).startswith(f"Chưa có minh chứng trong kỳ ({len(ids)} nhiệm vụ):")
    # Named once each, in plan order, each the target of the overview's link.
    assert [span.get_text() for span in missing.select("span.code")] == ids
    assert [span["id"] for span in missing.select("span.code")] == ["ct-" + i.replace(".", "-") for i in ids]
    assert "Hoàn thành 1/11 nhiệm vụ" in html


def test_english_labels_and_number_style(audit):
    html = report.render(audit, "checks_table", "en", "internal")
    assert "Not met" in html and "50.00%" in html and "Không đạt" not in html
    assert fmt_int(1234, "vi") == "1.234" and fmt_int(1234, "en") == "1,234"
    assert fmt_pct(0.985) == "98,50%" and fmt_pct(0.985, "en") == "98.50%"
    assert fmt_date(dt.date(2024, 4, 3)) == "03/04/2024"
    assert date_line("Nhà Bè", dt.date(2024, 4, 5)) == "Nhà Bè, ngày 05 tháng 4 năm 2024"
    assert date_line("Nhà Bè", dt.date(2024, 2, 19)) == "Nhà Bè, ngày 19 tháng 02 năm 2024"


def test_header_states_period_and_methodology_the_fingerprint(audit):
    html = report.render(audit, "header", "vi", "internal")
    assert "từ ngày 01/01/2024 đến ngày 31/03/2024" in html
    assert "Thực hiện Kế hoạch số 040/KH-TMNMN ngày 19/02/2024" in html
    assert audit.fingerprint in report.render(audit, "methodology", "vi", "internal")


def test_methodology_lists_inputs_with_sha256(audit):
    html = report.render(audit, "methodology", "vi", "internal")
    for record in audit.inputs:
        assert record.sha256 in html and record.path.name in html
    assert audit.calendar["version"] in html


def test_display_for_marks_audiences(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display",
                        lambda obj, metadata=None: shown.append((obj.data, metadata)))
    report.display_for("<p>a</p>", "<p>b</p>")
    assert shown == [("<p>a</p>", {"cchc_audit": {"audience": "internal"}}),
                     ("<p>b</p>", {"cchc_audit": {"audience": "public"}})]
    shown.clear()
    report.display_for("<p>same</p>", "<p>same</p>")
    assert shown == [("<p>same</p>", None)]
    shown.clear()
    report.display_for("<p>signed</p>", "")
    assert shown == [("<p>signed</p>", {"cchc_audit": {"audience": "internal"}})]


# --- the nbconvert template --------------------------------------------------------------------------

def _tiny_notebook():
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"},
                                "papermill": {"parameters": {"lang": "vi"}}})
    code = new_code_cell("report.show(audit, 'header', lang)", execution_count=1)
    code.outputs = [
        new_output("display_data", data={"text/html": "<p class='internal'>nội bộ</p>"},
                   metadata={"cchc_audit": {"audience": "internal"}}),
        new_output("display_data", data={"text/html": "<p>chung</p>", "text/plain": "x"}),
        new_output("display_data", data={"text/latex": "$x^2$"}),
        new_output("stream", name="stderr", text="DeprecationWarning: noise"),
    ]
    nb.cells = [new_markdown_cell("Notes $E=mc^2$", metadata={"tags": ["remove-cell"]}),
                code,
                new_code_cell("1 + 1", execution_count=2, outputs=[
                    new_output("execute_result", data={"text/plain": "2"}, execution_count=2)])]
    return nb


def _export(nb, **options):
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(**report.exporter_options(), **options)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": "Báo cáo"}})
    return body


def test_template_loads_nothing_from_the_network():
    body = _export(_tiny_notebook())
    page = Resources(body)
    assert page.loads == [] and page.code == [], (page.loads, page.code)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", "".join(page.styles))
    for cdn in ("require.js", "mathjax", "cdnjs", "unpkg", "jsdelivr", "fonts.googleapis"):
        assert cdn not in body.lower()


def test_template_hides_code_prompts_and_sets_language():
    body = _export(_tiny_notebook())
    assert soup.parse(body).html["lang"] == "vi"
    assert "report.show" not in body and "1 + 1" not in body
    assert "In&nbsp;[" not in body and "Out[" not in body
    assert "DeprecationWarning" not in body  # stderr is the notebook's business
    assert "E=mc^2" not in body  # cells tagged remove-cell
    assert "chung" in body and "Times New Roman" in body and "@page" in body
    nb = _tiny_notebook()
    del nb.metadata["papermill"]
    assert '<html lang="en">' in _export(nb, language_code="en")


def test_template_dir_is_an_nbconvert_template():
    folder = report.template_dir()
    assert (folder / "conf.json").is_file() and (folder / "index.html.j2").is_file()
    assert '"base_template": "lab"' in (folder / "conf.json").read_text()


def test_full_report_exports_offline(audit, tmp_path):
    """The fragments, as the audit notebook displays them, through the template: still no URL."""
    nb = _tiny_notebook()
    outputs = []
    for part in report.PARTS:
        internal, public = report.render_both(audit, part)
        outputs.append(new_output("display_data", data={"text/html": internal},
                                  metadata={"cchc_audit": {"audience": "internal"}}))
    nb.cells[1].outputs = outputs
    page = Resources(_export(nb))
    # Only the charts, as images inside the page.
    assert page.loads and all(tag == "img" and url.startswith("data:image/png;base64,")
                              for tag, url in page.loads), page.loads[:3]
    assert page.code == []
    nbformat.validate(nb)


def test_procedure_statistics_follow_the_checks(audit):
    """Biểu 06 for the fixture, counted by hand: HS1 early, HS2 late (no apology), HS3 overdue in
    progress at the end of Q1 (no apology); all three received in Q1, none online."""
    table = tthc_stats.tthc_statistics(audit.dossiers, audit.period)
    assert list(table.index) == ["TT2 — Chuyển trường", "total"]
    row = table.loc["total"]
    assert (row.nhan_tong, row.nhan_truc_tuyen, row.nhan_truc_tiep, row.nhan_ky_truoc) == (3, 0, 3, 0)
    assert (row.da_tong, row.da_truoc_han, row.da_dung_han, row.da_qua_han) == (2, 1, 0, 1)
    assert (row.dang_tong, row.dang_trong_han, row.dang_qua_han) == (1, 0, 1)
    assert (row.qua_han_co_xin_loi, row.qua_han_chua_xin_loi) == (0, 2)
    assert row.da_tong == audit.check("II.1.1.a").denominator
    html = report.render(audit, "statistics", "vi", "public")
    assert "Tổng cộng" in html and "Từ kỳ trước chuyển sang" in html


# --- the notebooks -------------------------------------------------------------------------------

NOTEBOOKS = resources.NOTEBOOKS_DIR


@pytest.mark.parametrize("name", ["audit.ipynb", "explore.ipynb"])
def test_notebooks_are_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


def test_audit_notebook_parameters_are_the_designed_ones():
    nb = nbformat.read(NOTEBOOKS / "audit.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = re.findall(r"^(\w+)\s*=", tagged[0].source, re.M)
    assert names == ["period", "data_dir", "plan", "lang", "params_file", "output_dir", "archive_dir", "snapshot"]
    shown = re.findall(r'report\.show\(audit, "(\w+)", lang, history\)', "\n".join(c.source for c in nb.cells))
    assert shown == list(report.PARTS)  # every part, in the report's order

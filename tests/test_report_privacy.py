"""Personal data inside free text (a note, an evidence reference, a letter's content): masked in the
internal report, as names and numbers in their own columns are."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_audit.privacy import mask_frame, names_in, public_frame, scrub_text


@pytest.mark.parametrize("text, expected", [
    # Names opening with a family name, wherever they stand.
    ("Phụ huynh Nguyễn Văn An phản ánh", "Phụ huynh Nguyễn V. A. phản ánh"),
    ("Biên bản do Hiệu trưởng Trần Thị Ngọc Bích ký", "Biên bản do Hiệu trưởng Trần T. N. B. ký"),
    ("ĐỖ MINH KHOA gửi đơn", "ĐỖ M. K. gửi đơn"),
    # The capitalised words after a word that announces a person.
    ("cháu Bình lớp Lá 2", "cháu B. lớp Lá 2"),
    ("Bà Lan gọi điện", "Bà L. gọi điện"),
    ("do cô giáo Thu Hà ký", "do cô giáo T. H. ký"),
    # Phone and ID numbers, whatever their separators; e-mail addresses.
    ("ĐT 0901 234 567", "ĐT **** *** 567"),
    ("gọi 0912.345.678 hoặc +84 912 345 678", "gọi ****.***.678 hoặc +** *** *** 678"),
    ("CCCD 079123456789, CMND 123456789", "CCCD *********789, CMND ******789"),
    ("thư an.nguyen@example.com", "thư a***@example.com"),
])
def test_scrub_masks_names_numbers_and_addresses(text, expected):
    assert scrub_text(text) == expected


@pytest.mark.parametrize("text", [
    "Biên bản họp Hội đồng sư phạm ngày 19/01/2024",
    "Kế hoạch số 55/KH-TMNMN ngày 24/04/2024",
    "Quyết định số 2218/QĐ-UBND ngày 24 tháng 11 năm 2021 của Ủy ban nhân dân Huyện",
    "Phụ huynh phản ánh thu \"học phí > 160.000 đồng/tháng\"",
    "Thành phố Hồ Chí Minh và Hà Nội",
    "Sinh hoạt Đoàn Thanh niên",
    "Bài viết chuyên mục CCHC trên trang thông tin điện tử của trường",
])
def test_scrub_leaves_ordinary_text_alone(text):
    assert scrub_text(text) == text


def test_scrub_finds_the_registers_names_and_keeps_markup_as_text():
    known = names_in({"ho_so": pd.DataFrame({"nguoi_nop": ["Hứa Vĩ Văn", None, "An"]}),
                      "can_bo": pd.DataFrame({"ho_ten": ["Kha Ly Sa"]})})
    assert known == {"hứa vĩ văn", "kha ly sa"}  # one-word names cannot be told from words
    # "Kha" is a rare family name (issue 15 added the rare ones): kept as a family name is.
    assert scrub_text("Gặp Kha Ly Sa và Hứa Vĩ Văn", known) == "Gặp Kha L. S. và Hứa V. V."
    # "Ri Ka Sa" is no family name at all: only the register knows it is a name.
    assert scrub_text("Gặp Ri Ka Sa", {"ri ka sa"}) == "Gặp R. K. S."
    # Scrubbing does not escape (the templates do): the markup stays, as text to escape later.
    assert scrub_text("<script>alert('Lê Văn Tám')</script>") == "<script>alert('Lê V. T.')</script>"
    assert scrub_text(None) is None and pd.isna(scrub_text(pd.NA))


def test_mask_frame_scrubs_free_text_and_public_frame_drops_it():
    frame = pd.DataFrame({
        "ma_don": ["DT1"], "noi_dung": ["Ông Phạm Văn Dũng, 0987654321, phản ánh"],
        "nguoi_gui": ["Phạm Văn Dũng"], "ngay_nhan": [pd.Timestamp("2024-01-05")],
        "ghi_chu": ["liên hệ chị Hoa"], "ly_do": ["chua_tra_loi"],
    })
    masked = mask_frame(frame)
    assert masked.loc[0, "noi_dung"] == "Ông Phạm V. D., *******321, phản ánh"
    assert masked.loc[0, "nguoi_gui"] == "Phạm V. D." and masked.loc[0, "ghi_chu"] == "liên hệ chị H."
    assert masked.loc[0, "ma_don"] == "DT1" and masked.loc[0, "ly_do"] == "chua_tra_loi"
    assert list(public_frame(frame).columns) == ["ma_don", "ngay_nhan", "ly_do"]

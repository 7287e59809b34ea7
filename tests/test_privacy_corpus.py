"""Masking that holds (issue 15): a corpus of Vietnamese names as clerks type them (lower case, rare
family names, no middle name), phone numbers in every usual format, ID numbers in any field,
codes included; and a corpus of ordinary phrases (offices, streets, schools, plain words that are
also family names) that masking must leave exactly as they are."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cchc_audit.privacy import mask_code, mask_frame, public_frame, scrub_text
from cchc_audit.results import frame_records

# (text, the personal part that must not survive, the masked form expected)
NAMES = [
    ("phụ huynh nguyễn văn an phản ánh", "văn an", "phụ huynh nguyễn V. A. phản ánh"),
    ("ông trần minh gửi đơn", "trần minh", "ông trần M. gửi đơn"),
    ("nguyễn thị hoa nộp hồ sơ", "thị hoa", "nguyễn T. H. nộp hồ sơ"),
    ("chị giáp thị mai gọi điện", "thị mai", "chị giáp T. M. gọi điện"),
    ("Khuất Văn Hùng nộp hồ sơ", "Văn Hùng", "Khuất V. H. nộp hồ sơ"),
    ("Cù Huy Cận đến nộp", "Huy Cận", "Cù H. C. đến nộp"),
    ("Bà Âu Dương Thanh Trúc ký nhận", "Thanh Trúc", "Bà Âu D. T. T. ký nhận"),
    ("Lê Lan nộp hồ sơ", "Lê Lan", "Lê L. nộp hồ sơ"),  # no middle name
    ("Mã Vân nhận kết quả", "Mã Vân", "Mã V. nhận kết quả"),
    ("Phó Hiệu trưởng Nguyễn Văn An ký", "Văn An", "Phó Hiệu trưởng Nguyễn V. A. ký"),
    ("Phó Hiệu Trưởng Lê Thị Bích ký", "Thị Bích", "Phó Hiệu Trưởng Lê T. B. ký"),
    ("Biên bản do ĐINH CÔNG TRÁNG lập", "CÔNG TRÁNG", "Biên bản do ĐINH C. T. lập"),
]

PHONES = [
    ("ĐT 0901 234 567", "ĐT **** *** 567"),
    ("ĐT 0901234567", "ĐT *******567"),
    ("ĐT 090.123.4567", "ĐT ***.***.*567"),
    ("ĐT (028) 3873 1234", "ĐT (***) **** *234"),
    ("ĐT 028.3873.1234", "ĐT ***.****.*234"),
    ("SĐT: 0283 873 1234", "SĐT: **** *** *234"),
    ("+84 90 123 4567", "+** ** *** *567"),
    ("(+84) 912 345 678", "(+**) *** *** 678"),
    ("+84-28-3873-1234", "+**-**-****-*234"),
    ("+84912345678", "+********678"),
]

IDS = [
    ("CCCD 079 312 345 678", "CCCD *** *** *** 678"),
    ("cmnd 123.456.789", "cmnd ***.***.789"),
    ("số định danh 001099012345", "số định danh *********345"),
    ("hộ chiếu B1234567", "hộ chiếu *****567"),  # a passport: one letter and 7 digits
    ("Hộ chiếu số C7654321 còn hạn", "Hộ chiếu số *****321 còn hạn"),
]

# Ordinary phrases: offices, streets and schools named after people, words that are family names.
INTACT = [
    "Phó Hiệu trưởng phụ trách CCHC",
    "Hiệu trưởng",
    "Tổ trưởng chuyên môn",
    "Chủ tịch UBND huyện",
    "Ban Giám hiệu",
    "Tổ Văn phòng",
    "Văn phòng trường",
    "văn thư",
    "văn bản đến",
    "lý do chậm trễ",
    "mai sau",
    "cao học",
    "Trường ở số 12 đường Đinh Tiên Hoàng",
    "Đường Lê Lợi",
    "phố Hàng Bạc",
    "Quận Phú Nhuận",
    "Trường Tiểu học Nguyễn Văn Trỗi",
    "Thành phố Hồ Chí Minh và Hà Nội",
    "Mầm non Hoa Sen",
    "Sinh hoạt Đoàn Thanh niên",
    "Phòng GD&ĐT huyện Nhà Bè",
    "ngày 02.01.2024",
    "học phí 12.500.000 đồng",
    "Quyết định số 2218/QĐ-UBND ngày 24 tháng 11 năm 2021",
    "Kế hoạch số 55/KH-TMNMN ngày 24/04/2024",
]


@pytest.mark.parametrize("text, secret, expected", NAMES)
def test_names_are_masked_whatever_their_case_and_family_name(text, secret, expected):
    masked = scrub_text(text)
    assert masked == expected
    assert secret not in masked


@pytest.mark.parametrize("text, expected", PHONES + IDS)
def test_phone_and_id_numbers_keep_only_their_last_three_digits(text, expected):
    masked = scrub_text(text)
    assert masked == expected
    assert len(re.findall(r"\d", masked)) == 3  # only the last 3 digits show


@pytest.mark.parametrize("text", INTACT)
def test_ordinary_phrases_are_left_intact(text):
    assert scrub_text(text) == text


def test_a_public_report_redacts_instead_of_masking():
    assert scrub_text("ông Nguyễn Văn An, ĐT 0901 234 567", redact=True) == "ông […], ĐT […]"
    for text in INTACT:
        assert scrub_text(text, redact=True) == text


def test_an_id_number_used_as_a_code_is_masked_in_every_frame_and_in_results():
    frame = pd.DataFrame({"ma_ho_so": ["079312345678", "HS-2024-0001"], "ma_thu_tuc": ["TT1", "TT1"],
                          "ten_thu_tuc": ["Xác nhận cho ông Nguyễn Văn An", "Chuyển trường"],
                          "ly_do": ["tre_han", "tre_han"]})
    assert mask_code("079312345678") == "*********678" and mask_code("HS-2024-0001") == "HS-2024-0001"
    internal, public = mask_frame(frame), public_frame(frame)
    assert list(internal["ma_ho_so"]) == ["*********678", "HS-2024-0001"]
    assert list(public["ma_ho_so"]) == ["[…]", "HS-2024-0001"]  # not even masked in public
    for shown in (internal, public):
        assert list(shown["ly_do"]) == ["tre_han", "tre_han"]
    assert internal.loc[0, "ten_thu_tuc"] == "Xác nhận cho ông Nguyễn V. A."
    assert public.loc[0, "ten_thu_tuc"] == "Xác nhận cho ông […]"
    assert frame_records(frame)[0]["ma_ho_so"] == "*********678"  # results.json
    assert frame.loc[0, "ma_ho_so"] == "079312345678"  # the register itself is not changed


def test_the_statistics_appendix_masks_a_name_in_a_procedure_title(tmp_path):
    from unitdata import audit, make_unit

    from cchc_audit import report

    folder = make_unit(tmp_path / "unit", {
        "thu_tuc": [{"ma_thu_tuc": "TT1", "ten_thu_tuc": "Xác nhận cho ông Nguyễn Văn An", "thoi_han": "5"}],
        "ho_so": [{"ma_ho_so": "HS1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "02/01/2024",
                   "ngay_co_ket_qua": "03/01/2024"}],
    })
    result = audit(folder, period="2024-Q1")
    internal = report.render(result, "statistics", "vi", "internal")
    public = report.render(result, "statistics", "vi", "public")
    assert "Văn An" not in internal and "Nguyễn V. A." in internal
    assert "Nguyễn" not in public and "Xác nhận cho ông […]" in public

"""Masking free text without mangling it (issue 11, item 3): the phrases a school's params file and
registers hold, offices, school offices, streets, schools, procedures and plain sentences, which
masking must leave exactly as they are; sentences naming a teacher or a parent with a phone or a
CCCD number, which it must mask; and masking twice changing nothing (a params file is masked when
read, then read again from its archived copy)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cchc_audit.privacy import REDACTED, names_in, scrub_text
from cchc_audit.privacy_words import JOB_WORDS, OFFICES, PUBLIC_NAMES, TITLE_WORDS

OFFICE_PHRASES = [
    "Hiệu trưởng", "Phó Hiệu trưởng", "PHÓ HIỆU TRƯỞNG", "HIỆU TRƯỞNG", "Phó hiệu trưởng phụ trách bán trú",
    "Quyền Hiệu trưởng", "Tổ trưởng tổ Văn phòng", "Tổ phó chuyên môn", "Tổ trưởng Tổ Văn phòng",
    "Khối trưởng khối Lá", "Giáo viên chủ nhiệm lớp Lá 1", "Kế toán", "Văn thư", "Thủ quỹ",
    "Nhân viên y tế", "Nhân viên cấp dưỡng", "Bảo vệ", "Chủ tịch Công đoàn cơ sở", "Bí thư Chi đoàn",
    "Bí thư Chi bộ", "Trưởng ban Thanh tra nhân dân", "Trưởng Ban đại diện cha mẹ trẻ",
    "Chủ tịch UBND huyện Nhà Bè", "Phó Chủ tịch UBND xã Phước Kiển", "Trưởng phòng Giáo dục và Đào tạo",
    "Phó Trưởng phòng GD&ĐT", "Giám đốc Sở Giáo dục và Đào tạo", "Chánh Văn phòng UBND huyện",
    "Ban Giám hiệu", "Hội đồng sư phạm", "Hội đồng trường", "Tổ Văn phòng", "Bộ phận một cửa",
    "Phó Hiệu trưởng phụ trách CCHC chưa được cấp chứng thư số",
]

PLACES = [
    "đường Đinh Tiên Hoàng", "Đinh Tiên Hoàng", "Trường nằm trên Đinh Tiên Hoàng",
    "số 12 Đinh Tiên Hoàng, phường Đa Kao, Quận 1", "Đường Lê Lợi", "284 Lê Văn Lương, xã Phước Kiển",
    "Đường Nguyễn Hữu Thọ", "đường Huỳnh Tấn Phát, thị trấn Nhà Bè", "đường Trần Hưng Đạo",
    "Đường Hai Bà Trưng", "đường Nguyễn Thị Minh Khai", "phố Lý Thường Kiệt", "đường Võ Thị Sáu",
    "đường Bà Triệu", "12 Cô Giang, Quận 1", "đường Ông Ích Khiêm", "tỉnh Bà Rịa - Vũng Tàu",
    "Chợ Bà Chiểu", "Quận Phú Nhuận", "Thành phố Hồ Chí Minh", "Khu phố 3, phường Phú Mỹ",
    "ấp 2, xã Hiệp Phước", "hẻm 45 Huỳnh Tấn Phát",
]

SCHOOLS = [
    "Trường Tiểu học Nguyễn Văn Trỗi", "Trường THCS Nguyễn Bỉnh Khiêm", "Trường THPT Lê Quý Đôn",
    "Trường Mầm non Hoa Sen", "Mầm non Sao Mai", "Trường Mầm non Mạ Non", "Trường Đại học Sư phạm",
    "Trường Cao đẳng Sư phạm Trung ương", "Phòng GD&ĐT huyện Nhà Bè",
]

PROCEDURES = [
    "Tuyển sinh trẻ em vào trường mầm non", "Chuyển trường đối với học sinh tiểu học",
    "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "Xét, cấp hỗ trợ ăn trưa cho trẻ em mẫu giáo",
    "Miễn, giảm học phí cho trẻ em mầm non", "Hỗ trợ chi phí học tập",
    "Cho phép trường mầm non hoạt động giáo dục", "Giải thể nhóm trẻ, lớp mẫu giáo độc lập",
    "Hồ Sơ Tuyển Sinh", "Văn Bản Đến", "Lý Do Trễ Hạn", "Phương Án Tuyển Sinh",
]

SENTENCES = [
    "Hệ thống báo cáo của Huyện chưa mở kết nối cho cấp trường",
    "Đề nghị Phòng GD&ĐT hỗ trợ cấp chứng thư số cho viên chức mới tuyển dụng",
    "Kế hoạch số 040/KH-TMNMN ngày 05/01/2024", "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân",
    "Quyết định 766/QĐ-TTg", "Lý do: chờ Phòng GD&ĐT phê duyệt", "Văn bản số 123/PGDĐT-VP",
    "Hồ sơ trễ hạn do mất điện", "Cổng Dịch vụ công quốc gia", "Mai sau sẽ bổ sung minh chứng",
    "Cao điểm tuyển sinh vào tháng 7", "Đoàn kiểm tra của Huyện làm việc ngày 12/03/2024",
    "Do Phó Hiệu trưởng nghỉ phép dài ngày", "Sinh hoạt Đoàn Thanh niên", "học phí 12.500.000 đồng",
    "Phụ huynh góp ý qua ứng dụng Zalo của trường", "Trang thông tin điện tử của trường chưa cập nhật",
    "Văn thư nghỉ phép, chưa vào sổ công văn đến", "Hiệu trưởng ký ngày 05/04/2024",
    "Chưa có thông tư hướng dẫn, v.v.", "DO PHÓ HIỆU TRƯỞNG NGHỈ PHÉP", "Ban đại diện cha mẹ học sinh họp ngày 20/01",
    "Họp Chi bộ và Công đoàn ngày 15/03/2024", "Kế toán chưa nhập sổ thu học phí tháng 2",
]

# Phrases a job word (`bảo vệ`, `văn thư`, `y tế`...) or a cue of a minority name (`Y`, `H'`) opens or
# precedes without a name after it (issue: masking gaps).
CUE_PHRASES = [
    "Tuyên truyền bảo vệ Tổ quốc", "bảo vệ Môi trường", "Bảo vệ Chủ quyền biển đảo", "bảo vệ Quyền trẻ em",
    "Y tế", "Y Tế", "Sở Y tế Bình Dương", "Trạm Y tế Phường 3", "Trung tâm Y tế huyện Nhà Bè",
    "Nhân viên Y tế", "Trường Đại học Y Dược", "phụ huynh học sinh", "Phụ huynh học sinh lớp Lá 2",
    "anh hùng", "Anh hùng Lao động", "Anh Hùng Lao Động", "Bà Mẹ Việt Nam Anh Hùng", "Cô Tô",
    "huyện đảo Cô Tô", "học sinh dân tộc H'Mông", "Văn thư UBND xã", "Văn thư Phòng GD&ĐT",
    "Kế toán Trường Mầm non Hoa Sen", "kế toán Tổ Văn phòng", "Bảo vệ trực đêm", "tạp vụ nghỉ phép",
    "Giấy khám sức khỏe của cơ sở y tế", "Hộ chiếu hết hạn ngày 05/01/2024", "Mẫu số 01/TK-ĐKT",
]

INTACT = OFFICE_PHRASES + PLACES + SCHOOLS + PROCEDURES + SENTENCES + CUE_PHRASES


# (free text, what must not survive, the masked form)
MASKED = [
    ("Cô Nguyễn Thị Hoa (SĐT 0903123456, CCCD 079123456789) nghỉ thai sản",
     ["Thị Hoa", "0903123456", "079123456789"],
     "Cô Nguyễn T. H. (SĐT *******456, CCCD *********789) nghỉ thai sản"),
    ("Đề nghị khen thưởng cô Trần Thị Mai, giáo viên lớp Lá 1, ĐT 0912 345 678", ["Thị Mai", "0912 345"],
     "Đề nghị khen thưởng cô Trần T. M., giáo viên lớp Lá 1, ĐT **** *** 678"),
    ("Phó Hiệu trưởng Võ Thị Thu Linh phụ trách", ["Thu Linh"], "Phó Hiệu trưởng Võ T. T. L. phụ trách"),
    ("phó hiệu trưởng võ thị thu linh phụ trách", ["thu linh"], "phó hiệu trưởng võ T. T. L. phụ trách"),
    ("Thầy Lê Văn Nam chuyển công tác", ["Văn Nam"], "Thầy Lê V. N. chuyển công tác"),
    ("Giáo viên Phạm Thị Lan nghỉ ốm", ["Thị Lan"], "Giáo viên Phạm T. L. nghỉ ốm"),
    ("Kế toán Đặng Thu Trang nghỉ việc", ["Thu Trang"], "Kế toán Đặng T. T. nghỉ việc"),
    ("Văn thư Nguyễn Văn Thư chưa vào sổ", ["Văn Thư chưa"], "Văn thư Nguyễn V. T. chưa vào sổ"),
    ("phụ huynh cháu Minh Anh (0987 654 321)", ["Minh Anh", "0987"], "phụ huynh cháu M. A. (**** *** 321)"),
    ("Liên hệ chị Hương, số 0903.123.456", ["Hương", "0903.123"], "Liên hệ chị H., số ****.***.456"),
    ("Do Hiệu trưởng Nguyễn Thị Minh Thư đi công tác", ["Minh Thư"],
     "Do Hiệu trưởng Nguyễn T. M. T. đi công tác"),
    ("Đồng chí Huỳnh Văn Bé, Tổ trưởng, CCCD số 079 123 456 789", ["Văn Bé", "079 123"],
     "Đồng chí Huỳnh V. B., Tổ trưởng, CCCD số *** *** *** 789"),
    ("Bà Nguyễn Thị Hoa ở số 12 Đinh Tiên Hoàng", ["Thị Hoa"], "Bà Nguyễn T. H. ở số 12 Đinh Tiên Hoàng"),
    ("ông Lê Lợi nộp đơn", ["Lê Lợi"], "ông Lê L. nộp đơn"),  # announced as a person: not the street
    ("Cô Giang lớp Chồi 2 nghỉ phép", ["Giang"], "Cô G. lớp Chồi 2 nghỉ phép"),  # a teacher, no address
    ("Chủ tịch Công đoàn Hà Văn Tuấn ký", ["Văn Tuấn"], "Chủ tịch Công đoàn Hà V. T. ký"),
    ("Giao cho cô Võ Thị Sáu, lớp Mầm 1", ["Thị Sáu"], "Giao cho cô Võ T. S., lớp Mầm 1"),
    ("Hồ sơ của Nguyễn Văn An.", ["Văn An"], "Hồ sơ của Nguyễn V. A."),
    ("cô Nguyễn Thị Hoa ĐT 0903123456", ["Thị Hoa", "0903123456"], "cô Nguyễn T. H. ĐT *******456"),
    ("Biên bản do ĐINH CÔNG TRÁNG lập, SĐT 0903 123 456", ["CÔNG TRÁNG", "0903 123"],
     "Biên bản do ĐINH C. T. lập, SĐT **** *** 456"),
    ("Họ tên: Trần Minh Khoa, email khoa.tran@gmail.com", ["Minh Khoa", "khoa.tran"],
     "Họ tên: Trần M. K., email k***@gmail.com"),
    # A job before a nickname without a family name; minority names; a passport number.
    ("bảo vệ Tư Hùng trực đêm", ["Tư Hùng"], "bảo vệ T. H. trực đêm"),
    ("Bảo vệ Tư Hùng nghỉ phép", ["Tư Hùng"], "Bảo vệ T. H. nghỉ phép"),
    ("tạp vụ Tư Hùng nghỉ việc", ["Tư Hùng"], "tạp vụ T. H. nghỉ việc"),
    ("cấp dưỡng Năm Lan nghỉ ốm", ["Năm Lan"], "cấp dưỡng N. L. nghỉ ốm"),
    ("nhân viên y tế Hoa chưa nộp", ["Hoa"], "nhân viên y tế H. chưa nộp"),
    ("văn thư Tám Hiền chưa vào sổ", ["Tám Hiền"], "văn thư T. H. chưa vào sổ"),
    ("Phụ huynh Y Bluel Niê phản ánh", ["Bluel", "Niê"], "Phụ huynh Y. B. N. phản ánh"),
    ("Y Bluel Niê nộp hồ sơ", ["Bluel", "Niê"], "Y. B. N. nộp hồ sơ"),
    ("cô H'Hen Niê lớp Chồi 1", ["Hen", "Niê"], "cô H. N. lớp Chồi 1"),
    ("H’Hen Niê ký nhận", ["Hen", "Niê"], "H. N. ký nhận"),
    ("Cháu H'Mai Ksor, hộ chiếu B1234567", ["Mai", "Ksor", "B1234"], "Cháu H. K., hộ chiếu *****567"),
    ("ông Trần Văn Bình, hộ chiếu số C7654321.", ["Văn Bình", "C7654"],
     "ông Trần V. B., hộ chiếu số *****321."),
]


@pytest.mark.parametrize("text", INTACT)
def test_offices_places_schools_procedures_and_plain_sentences_are_left_intact(text):
    assert scrub_text(text) == text
    assert scrub_text(text, redact=True) == text


@pytest.mark.parametrize("text, secrets, expected", MASKED)
def test_names_phones_and_ids_in_free_text_are_masked(text, secrets, expected):
    masked = scrub_text(text)
    assert masked == expected
    assert not [s for s in secrets if s in masked]
    redacted = scrub_text(text, redact=True)
    assert REDACTED in redacted and not [s for s in secrets if s in redacted]


@pytest.mark.parametrize("text", [t for t, _, _ in MASKED] + INTACT)
def test_masking_twice_changes_nothing(text):
    once = scrub_text(text)
    assert scrub_text(once) == once


def test_a_minority_name_the_registers_hold_is_found_in_any_case():
    known = names_in({"don_thu": pd.DataFrame({"ho_ten": ["H'Hen Niê", "Y Bluel Niê"]})}, ["ho_ten"])
    assert {"h'hen niê", "y bluel niê"} <= known
    assert scrub_text("đơn của h'hen niê và y bluel niê", known) == "đơn của H. N. và Y. B. N."


def test_lower_case_names_without_a_cue_are_left_as_they_are():
    # Documented in privacy.py: no family name, no word announcing a person: plain words as far as
    # masking can tell. This test records the limit; it is not a wish.
    assert scrub_text("tư hùng trực đêm") == "tư hùng trực đêm"


def test_the_corpus_is_large_and_covers_every_list():
    assert len(INTACT) >= 100 and len(MASKED) >= 15
    digits = [t for t, _, _ in MASKED if re.search(r"\d{3}", t)]
    assert len(digits) >= 5  # phones and CCCD numbers inside sentences
    # An office or a street used in the corpus is in the lists, not only made to pass by accident.
    assert {"phó hiệu trưởng", "tổ trưởng", "chủ tịch công đoàn", "văn thư"} <= OFFICES
    assert {"đinh tiên hoàng", "cô giang", "lê văn lương"} <= PUBLIC_NAMES
    assert {"bảo vệ", "tạp vụ", "cấp dưỡng", "văn thư", "nhân viên y tế"} <= JOB_WORDS <= TITLE_WORDS
    assert "y tế" not in TITLE_WORDS  # `Sở Y tế Bình Dương`


_PIECES = sorted({w for phrase in INTACT + [t for t, _, _ in MASKED] for w in phrase.split()}
                 | {"Nguyễn", "Văn", "Thị", "An", "cô", "ông", "Phó", "Hiệu", "trưởng", "0903123456",
                    "079123456789", ".", ",", "(", ")", "V.", "A."})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14))
@example(["Võ", "An", "H'Hen", "Cao"])  # once found: masked from `H'Hen` on, then from `Võ` on
@example(["Trần", "An", "H\u2019Hen", "An"])
def test_masking_any_mix_of_those_words_is_stable_and_leaves_no_long_number(words):
    text = " ".join(words)
    once = scrub_text(text)
    assert scrub_text(once) == once
    # A phone or ID number (9 digits or more, not a date's or a document number's) keeps only 3 digits.
    assert not re.search(r"(?<![\w/])\d(?:[ .\-]?\d){8,}(?![\w/])", once)
    assert "0903123456" not in scrub_text(text, redact=True)

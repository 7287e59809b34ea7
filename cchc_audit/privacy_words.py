"""The Vietnamese words masking relies on (privacy.py): family names, the words that announce a
person, the offices written before a name, the words after which a name is a street or a school,
and the names of streets, schools and places that are not a person in a register.

Every phrase is case-folded, its words separated by one space. The lists are data, not logic:
add a phrase here when masking mangles an ordinary one (tests/test_privacy_words.py holds the
corpus every change is tried on).
"""

from __future__ import annotations


def _phrases(text: str) -> frozenset[str]:
    """One phrase a line (or several separated by `;`), case-folded."""
    return frozenset(" ".join(p.split()).casefold() for line in text.splitlines()
                     for p in line.split(";") if p.strip())


# Vietnamese family names: the common ones (together well over 95% of the population) and rarer
# ones, Kinh and of other peoples, that registers hold too.
FAMILY_NAMES = frozenset("""
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh Trương
Lâm Phùng Mai Tô Hà Tạ Châu Cao Lưu Lương Thái Quách Đinh La Tăng Kiều Hứa Triệu Tôn Thân Khúc Diệp
Mạc Lục Âu Giang Kim Chu Từ Nghiêm Lại Lã Hàn Phó Quan Ông Bạch Đàm Đồng Khổng Nông Ninh Trà Viên
Tiêu Vi Hầu Doãn Lò Đường Thạch Thiều Lữ Mã Khương Văn Hoa Tất Ung Hoàng Lạc Nhữ Phí Lều
Khuất Cù Ân Bế Bồ Cấn Chử Cung Đậu Đới Giáp Hạ Hán Hình Kha Khâu Lang Mẫn Mông Ngạc Ngũ Nhan Ôn
Phương Quản Sầm Tào Thi Thiệu Tiết Tòng Trang Trì Ưng Yên Ma Diêm Đái Lỗ Thang Tống Bì Phù Dư
Bàn Giàng Vàng Sùng Thào Mùa Ksor Siu Niê Kpă Rơ Đoạn Lạng Lộc Mang Mầu Âu Ngọ Quàng Sái Thạch
""".split())

# Middle names so common that "<family> Văn/Thị ..." is a person whatever the case it is typed in.
STRONG_MIDDLE = frozenset({"văn", "thị"})

# Jobs a school's staff hold, written before a name as a title is: `bảo vệ Tư Hùng`, `tạp vụ Năm Lan`
# (a nickname carries no family name). Not the offices heading a body (`Chủ tịch Công đoàn`,
# `Trưởng ban Thanh tra`), nor `y tế` alone (`Sở Y tế Bình Dương`).
JOB_WORDS = _phrases("""
bảo vệ; tạp vụ; cấp dưỡng; kế toán; văn thư; thủ quỹ; thủ kho; lao công; tài xế; lái xe; cô nuôi
nhân viên y tế; cán bộ y tế; giáo viên chủ nhiệm; giáo viên dạy thay; cán bộ; viên chức; giáo sinh
""")

# Words that announce a person: the capitalised words after them are a name.
TITLE_WORDS = _phrases("""
ông; bà; anh; chị; em; cô; chú; bác; dì; cậu; thầy; cháu; bé; con; trẻ; mr; mrs; ms
đồng chí; phụ huynh; học sinh; giáo viên; cô giáo; thầy giáo; nhân viên; người nộp; người gửi
""") | JOB_WORDS

# What a job word, being also a verb (`bảo vệ`: to protect) or a post in a body (`văn thư Phòng`),
# is followed by when no name comes after it, its first word only capitalised as often as not:
# `bảo vệ Tổ quốc`, `văn thư Phòng GD&ĐT`. A given name may be one of these words (`bà Quyền`): only
# after a job word are they no name.
AFTER_JOB = _phrases("""
tổ quốc; tổ chức; môi trường; chủ quyền; quyền; quyền lợi; pháp luật; hiến pháp; đảng; nhà nước
nhân dân; an ninh; trật tự; tài sản; sức khỏe; danh dự; bí mật
phòng; ban; bộ; sở; tổ; khối; lớp; hội; chi bộ; công đoàn; ủy ban; hội đồng; trường; cơ quan; văn phòng
""")

# Offices and posts, as a school's papers write them before a name (`Phó Hiệu trưởng Nguyễn Văn An`,
# `Tổ trưởng Tổ Văn phòng`) or alone. An office is never part of a name, although `Phó` is also a
# family name and `Hiệu`, `Chủ`, `Tổ` look like given names when capitalised.
OFFICES = _phrases("""
hiệu trưởng; phó hiệu trưởng; quyền hiệu trưởng; phó hiệu; hiệu phó
tổ trưởng; tổ phó; tổ trưởng chuyên môn; tổ phó chuyên môn; tổ trưởng văn phòng; khối trưởng
chủ tịch; phó chủ tịch; chủ tịch công đoàn; phó chủ tịch công đoàn; chủ tịch hội đồng trường
bí thư; phó bí thư; bí thư chi bộ; phó bí thư chi bộ; bí thư chi đoàn; bí thư đoàn trường
giám đốc; phó giám đốc; trưởng phòng; phó trưởng phòng; phó phòng; phó trưởng
trưởng ban; phó trưởng ban; trưởng ban thanh tra nhân dân; trưởng ban đại diện cha mẹ
thư ký hội đồng; thư ký; kế toán; kế toán trưởng; thủ quỹ; văn thư; thủ kho; nhân viên y tế
nhân viên văn phòng; nhân viên kế toán; nhân viên cấp dưỡng; cấp dưỡng; bảo vệ; tạp vụ
giáo viên chủ nhiệm; giáo viên dạy thay; giáo viên mầm non; cán bộ quản lý; viên chức
thanh tra viên; kiểm soát viên; chuyên viên; chánh văn phòng; phó chánh văn phòng
""")

# A name right after these words names a street, a place or a school, not a person in the register:
# `đường Đinh Tiên Hoàng`, `Trường Tiểu học Nguyễn Văn Trỗi`, `Trường THCS Nguyễn Du`.
PLACE_WORDS = _phrases("""
đường; phố; phường; quận; huyện; xã; tỉnh; thị trấn; thị xã; thành phố; tp; tx; tt; p; q
ấp; thôn; bản; làng; khu; khu phố; tổ dân phố; ngõ; ngách; hẻm; kiệt; lộ; đại lộ; quốc lộ; tỉnh lộ
cầu; chợ; bến; công viên; quảng trường; nhà văn hóa; số; nhà; địa chỉ; đảo; huyện đảo
học; sở; trường; non; mầm non; mẫu giáo; tiểu học; thcs; thpt; trung học; đại học; cao đẳng
""")

# Runs of capitalised words that open with a family name (or a title word) and are not people:
# places, bodies, and ordinary words a title, a heading or Title Case writes with capitals.
NOT_NAMES = _phrases("""
hà nội; hà giang; hà nam; hà tĩnh; hồ chí minh; lâm đồng; cao bằng; hà đông; đồng nai; đồng tháp
bà rịa; vũng tàu; bà chiểu; bà điểm; bà hom; hoa kỳ; giang sơn; tô châu; kim đồng
đoàn thanh; đoàn thanh niên; đoàn kiểm; đoàn kiểm tra; đoàn viên; đoàn thể; đồng chí
văn phòng; văn bản; văn thư; văn hóa; văn nghệ; văn học; văn minh
hồ sơ; lý do; lý lịch; lý luận; mai sau; cao điểm; cao học
hoa sen; hoa mai; mai vàng; sao mai; hoa hồng; hoa cúc; hoa phượng; hoa lan; hoa sữa
phương án; phương pháp; phương tiện; phương thức; phương hướng; thái độ; quan hệ; quan tâm
quản lý; tôn trọng; tôn vinh; trang thông; trang web; trang tin; thông tin; giáo dục
cô tô; anh hùng; anh hùng lao động; anh hùng lực lượng vũ trang; bà mẹ việt nam anh hùng
y tế; y khoa; y dược; y học; y sĩ; y tá; y bác; h'mông; h’mông
""")

# People whose names streets, schools and wards carry, as an address or a school's name writes
# them: not personal data (a person in the register of the same name is still masked, since the
# registers' names come first, and so is one announced as a person: `ông Lê Lợi`).
PUBLIC_NAMES = _phrases("""
đinh tiên hoàng; lê lợi; lê lai; trần hưng đạo; nguyễn huệ; quang trung; lý thường kiệt; lý thái tổ
hai bà trưng; bà triệu; ngô quyền; lê thánh tông; lê thánh tôn; lê đại hành; lý tự trọng; trần phú
nguyễn trãi; nguyễn du; nguyễn đình chiểu; nguyễn bỉnh khiêm; lê quý đôn; chu văn an; võ thị sáu
nguyễn thị minh khai; nguyễn văn trỗi; nguyễn văn cừ; lê văn sỹ; lê văn lương; nguyễn hữu thọ
huỳnh tấn phát; nguyễn thị định; võ văn kiệt; võ nguyên giáp; phạm văn đồng; lê duẩn; tôn đức thắng
hoàng văn thụ; phan đình phùng; phan bội châu; phan chu trinh; phan châu trinh; hồ tùng mậu
trần quốc toản; trần nhân tông; trần khánh dư; trần quang khải; nguyễn thái học; nguyễn tri phương
lê hồng phong; nguyễn chí thanh; lê văn tám; kim đồng; võ trường toản; nguyễn an ninh; đào duy từ
trương định; nguyễn trung trực; phan văn trị; huỳnh thúc kháng; ngô gia tự; nguyễn khuyến; tú xương
hàm nghi; hùng vương; an dương vương; mạc đĩnh chi; trương công định; đặng thai mai; tô hiến thành
cô giang; cô bắc; ông ích khiêm; bà huyện thanh quan; lương thế vinh; nguyễn văn linh; phạm hùng
""")

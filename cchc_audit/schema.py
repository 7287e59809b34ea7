"""The registers a unit hands in, as DATA-CONTRACT.md defines them.

One `Register` per file; one `Column` per contract column. The reader (`registers.py`), the
validator and the sample generator all read these definitions, so the contract lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import slug

# Column kinds understood by the reader.
TEXT, DATE, BOOL, INT, NUMBER, ENUM, LEVEL, MONTH = (
    "text", "date", "bool", "int", "number", "enum", "level", "month",
)

LEVEL_LABELS = {
    1: "Rất không hài lòng",
    2: "Không hài lòng",
    3: "Bình thường",
    4: "Hài lòng",
    5: "Rất hài lòng",
}


@dataclass(frozen=True)
class Column:
    name: str  # the contract's name, e.g. `ngay_tiep_nhan`
    label_vi: str  # the header a school writes, e.g. `Ngày tiếp nhận`
    kind: str = TEXT
    required: bool = False
    unique: bool = False
    nullable: bool = False  # booleans and levels: empty stays missing instead of false
    personal: bool = False  # personal data (Nghị định 13/2023): masked or never shown
    # enumerations: code -> (Vietnamese label, extra accepted spellings)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default_true: bool = False  # `dang_cong_tac`: empty means true
    # fuller or other wordings schools use for this header (matched like the label, see headers.py)
    aliases: tuple[str, ...] = ()
    # dates: an appointment or a deadline, which may lie after the day of the check; every other
    # date records something that happened, so it cannot (DOMAIN.md)
    ahead: bool = False

    def enum_lookup(self) -> dict[str, str]:
        """Every accepted spelling (slugged) -> code (not to be changed: it is kept for the next call)."""
        # Asked once per distinct cell: built once per column, again only if its choices change.
        key = tuple((code, tuple(spellings)) for code, spellings in self.choices.items())
        kept = self.__dict__.get("_enum_lookup")
        if kept is not None and kept[0] == key:
            return kept[1]
        table: dict[str, str] = {}
        for code, spellings in key:
            table[slug(code)] = code
            for spelling in spellings:
                table[slug(spelling)] = code
        object.__setattr__(self, "_enum_lookup", (key, table))  # a cache on the frozen definition
        return table


@dataclass(frozen=True)
class Register:
    name: str
    title_vi: str
    title_en: str
    columns: tuple[Column, ...]

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def key(self) -> Column | None:
        """The unique code that identifies a row (used for duplicates and in reports)."""
        return next((c for c in self.columns if c.unique), None)


def _c(name, label, kind=TEXT, **kw) -> Column:
    return Column(name=name, label_vi=label, kind=kind, **kw)


REGISTERS: dict[str, Register] = {
    r.name: r
    for r in (
        Register("thu_tuc", "Danh mục thủ tục hành chính", "Procedure catalogue", (
            _c("ma_thu_tuc", "Mã thủ tục", required=True, unique=True, aliases=("Mã TTHC", "Mã số thủ tục")),
            _c("ten_thu_tuc", "Tên thủ tục", required=True, aliases=("Tên thủ tục hành chính", "Tên TTHC")),
            _c("noi_bo", "Thủ tục nội bộ", BOOL, aliases=("TTHC nội bộ", "Nội bộ")),
            _c("thoi_han", "Thời hạn giải quyết", INT,
               aliases=("Thời hạn", "Thời gian giải quyết", "Thời hạn giải quyết theo quy định")),
            _c("don_vi_thoi_han", "Đơn vị thời hạn", ENUM,
               aliases=("Đơn vị tính thời hạn", "Đơn vị thời gian"), choices={
                "ngay_lam_viec": ("Ngày làm việc",),
                "ngay": ("Ngày", "Ngày lịch"),
                "thang": ("Tháng",),
            }),
            _c("co_phi", "Có phí, lệ phí", BOOL, aliases=("Có phí", "Phí, lệ phí", "Có thu phí, lệ phí")),
            _c("ngay_cong_khai", "Ngày công khai", DATE, aliases=("Ngày công bố", "Ngày niêm yết")),
        )),
        Register("ho_so", "Sổ theo dõi hồ sơ thủ tục hành chính", "Procedure dossiers", (
            _c("ma_ho_so", "Mã hồ sơ", required=True, unique=True, aliases=("Mã số hồ sơ", "Số hồ sơ")),
            _c("ma_thu_tuc", "Mã thủ tục", required=True, aliases=("Mã TTHC", "Mã số thủ tục")),
            _c("ngay_tiep_nhan", "Ngày tiếp nhận", DATE, required=True,
               aliases=("Ngày nhận hồ sơ", "Ngày tiếp nhận hồ sơ")),
            _c("ngay_hen_tra", "Ngày hẹn trả", DATE, ahead=True, aliases=("Ngày hẹn trả kết quả", "Hẹn trả kết quả")),
            _c("ngay_co_ket_qua", "Ngày có kết quả", DATE, aliases=("Ngày có kết quả giải quyết",)),
            _c("trang_thai", "Trạng thái", ENUM,
               aliases=("Tình trạng", "Trạng thái hồ sơ", "Tình trạng giải quyết"), choices={
                "dang_giai_quyet": ("Đang giải quyết",),
                "da_giai_quyet": ("Đã giải quyết",),
                "tam_dung": ("Tạm dừng",),
                "rut": ("Rút hồ sơ", "Rút"),
                "tu_choi": ("Từ chối",),
            }),
            _c("kenh_nop", "Kênh nộp", ENUM,
               aliases=("Hình thức nộp", "Kênh tiếp nhận", "Hình thức tiếp nhận"), choices={
                "truc_tiep": ("Trực tiếp",),
                "truc_tuyen": ("Trực tuyến",),
                "buu_chinh": ("Bưu chính",),
            }),
            _c("ngay_xin_loi", "Ngày xin lỗi", DATE, aliases=("Ngày gửi thư xin lỗi", "Ngày văn bản xin lỗi")),
            _c("ngay_hen_lai", "Ngày hẹn lại", DATE, ahead=True, aliases=("Ngày hẹn trả lại",)),
            _c("so_hoa", "Số hóa thành phần hồ sơ", BOOL, aliases=("Số hóa", "Số hóa hồ sơ", "Đã số hóa")),
            _c("ket_qua_dien_tu", "Kết quả điện tử", BOOL,
               aliases=("Trả kết quả điện tử", "Kết quả giải quyết điện tử")),
            _c("tai_su_dung", "Tái sử dụng dữ liệu", BOOL, aliases=("Tái sử dụng", "Tái sử dụng kết quả số hóa")),
            _c("thanh_toan_truc_tuyen", "Thanh toán trực tuyến", BOOL, nullable=True,
               aliases=("Thanh toán trực tuyến phí, lệ phí",)),
            _c("danh_gia", "Đánh giá", LEVEL, nullable=True, aliases=("Mức độ hài lòng", "Đánh giá hài lòng")),
            _c("nguoi_nop", "Người nộp", personal=True,
               aliases=("Người nộp hồ sơ", "Họ tên người nộp", "Tên người nộp")),
            _c("so_dien_thoai", "Số điện thoại", personal=True, aliases=("Điện thoại",)),
            _c("so_dinh_danh", "Số định danh", personal=True, aliases=("Số định danh cá nhân", "Số CCCD", "CCCD")),
        )),
        Register("don_thu", "Sổ theo dõi đơn thư", "Complaints, denunciations, feedback", (
            _c("ma_don", "Mã đơn", required=True, unique=True, aliases=("Mã số đơn", "Số đơn")),
            _c("loai", "Loại đơn", ENUM, required=True, aliases=("Loại", "Phân loại đơn"), choices={
                "khieu_nai": ("Khiếu nại",),
                "to_cao": ("Tố cáo",),
                "phan_anh_kien_nghi": ("Phản ánh, kiến nghị", "Phản ánh", "Kiến nghị", "PAKN"),
            }),
            _c("ngay_nhan", "Ngày nhận", DATE, required=True, aliases=("Ngày nhận đơn", "Ngày tiếp nhận")),
            _c("han_giai_quyet", "Hạn giải quyết", DATE, ahead=True, required=True, aliases=("Hạn xử lý", "Thời hạn giải quyết")),
            _c("ngay_giai_quyet", "Ngày giải quyết", DATE, aliases=("Ngày giải quyết xong", "Ngày xử lý")),
            _c("ngay_tra_loi", "Ngày trả lời", DATE, aliases=("Ngày trả lời đơn", "Ngày phản hồi")),
            _c("ngay_cong_khai", "Ngày công khai", DATE, aliases=("Ngày công khai kết quả",)),
            _c("noi_dung", "Nội dung", aliases=("Nội dung đơn", "Tóm tắt nội dung")),
            _c("nguoi_gui", "Người gửi", personal=True, aliases=("Người gửi đơn", "Họ tên người gửi")),
        )),
        Register("khao_sat", "Phiếu khảo sát hài lòng", "Satisfaction survey responses", (
            _c("ma_phieu", "Mã phiếu", required=True, unique=True, aliases=("Mã số phiếu", "Số phiếu")),
            _c("ngay", "Ngày khảo sát", DATE, required=True, aliases=("Ngày", "Ngày đánh giá")),
            _c("linh_vuc", "Lĩnh vực", ENUM, required=True, aliases=("Lĩnh vực khảo sát",), choices={
                "dich_vu_cong": ("Dịch vụ công",),
                "tthc": ("Thủ tục hành chính", "TTHC"),
            }),
            _c("muc_do", "Mức độ hài lòng", LEVEL, required=True, aliases=("Mức độ", "Mức hài lòng", "Đánh giá")),
        )),
        Register("thanh_toan", "Sổ thu dịch vụ", "Service payments", (
            _c("ma_giao_dich", "Mã giao dịch", required=True, unique=True,
               aliases=("Mã GD", "Số giao dịch", "Số chứng từ", "Số biên lai")),
            _c("ngay", "Ngày thu", DATE, required=True, aliases=("Ngày", "Ngày thanh toán", "Ngày giao dịch")),
            _c("khoan_thu", "Khoản thu", aliases=("Nội dung thu", "Tên khoản thu")),
            _c("so_tien", "Số tiền", NUMBER, aliases=("Thành tiền",)),
            _c("hinh_thuc", "Hình thức thanh toán", ENUM, required=True,
               aliases=("Hình thức", "Hình thức thu", "Phương thức thanh toán"), choices={
                "tien_mat": ("Tiền mặt",),
                "dien_tu": ("Điện tử", "Chuyển khoản", "Điện tử / Chuyển khoản"),
            }),
        )),
        Register("van_ban", "Sổ văn bản đi, đến", "Documents in and out", (
            _c("so_ky_hieu", "Số, ký hiệu", required=True, aliases=("Số và ký hiệu", "Số ký hiệu văn bản")),
            _c("ngay", "Ngày văn bản", DATE, required=True, aliases=("Ngày", "Ngày tháng văn bản", "Ngày ban hành")),
            _c("chieu", "Văn bản đến/đi", ENUM, aliases=("Đến/Đi", "Loại văn bản đến/đi"), choices={
                "den": ("Đến", "Văn bản đến"),
                "di": ("Đi", "Văn bản đi"),
            }),
            _c("dien_tu", "Trao đổi điện tử", BOOL, aliases=("Văn bản điện tử", "Gửi nhận điện tử")),
            _c("ky_so", "Ký số", BOOL, aliases=("Đã ký số", "Chữ ký số")),
            _c("mat", "Văn bản mật", BOOL, aliases=("Mật", "Độ mật")),
        )),
        Register("can_bo", "Danh sách cán bộ, viên chức", "Staff", (
            _c("ma_can_bo", "Mã cán bộ", required=True, unique=True,
               aliases=("Mã số cán bộ", "Mã CB", "Mã viên chức")),
            _c("ho_ten", "Họ và tên", personal=True, aliases=("Họ tên", "Họ và tên cán bộ")),
            _c("chuc_vu", "Chức vụ", aliases=("Chức danh",)),
            _c("dang_cong_tac", "Đang công tác", BOOL, default_true=True, aliases=("Còn công tác",)),
            _c("chu_ky_so", "Chữ ký số", BOOL, aliases=("Có chữ ký số",)),
            _c("thu_cong_vu", "Thư công vụ", BOOL,
               aliases=("Thư điện tử công vụ", "Email công vụ", "Hộp thư công vụ")),
        )),
        Register("he_thong_bao_cao", "Hệ thống báo cáo", "Reporting systems", (
            _c("ten_he_thong", "Tên hệ thống", required=True, unique=True,
               aliases=("Tên hệ thống báo cáo", "Hệ thống", "Tên phần mềm")),
            _c("ket_noi_huyen", "Kết nối với hệ thống của Huyện", BOOL,
               aliases=("Kết nối huyện", "Kết nối với Huyện", "Liên thông huyện")),
        )),
        Register("cong_khai", "Sổ theo dõi công khai", "Publications", (
            _c("ngay_dang", "Ngày đăng", DATE, required=True, aliases=("Ngày công khai", "Ngày đăng tải")),
            _c("noi_dung", "Nội dung công khai", required=True, aliases=("Nội dung",)),
            _c("ky", "Kỳ công khai", MONTH, aliases=("Kỳ", "Tháng công khai")),
            _c("kenh", "Kênh công khai", aliases=("Kênh", "Hình thức công khai", "Nơi công khai")),
        )),
        Register("nhiem_vu", "Sổ minh chứng nhiệm vụ", "Evidence for section III tasks", (
            _c("ma_nhiem_vu", "Mã nhiệm vụ", required=True, aliases=("Mã số nhiệm vụ",)),
            _c("ngay", "Ngày", DATE, required=True, aliases=("Ngày thực hiện", "Ngày minh chứng")),
            _c("trang_thai", "Tình trạng", ENUM, required=True, aliases=("Trạng thái", "Kết quả thực hiện"), choices={
                "hoan_thanh": ("Hoàn thành",),
                "dang_thuc_hien": ("Đang thực hiện",),
                "chua_thuc_hien": ("Chưa thực hiện",),
                "khong_phat_sinh": ("Không phát sinh",),
            }),
            _c("minh_chung", "Minh chứng", aliases=("Tài liệu minh chứng", "Văn bản minh chứng")),
            _c("ghi_chu", "Ghi chú"),
        )),
    )
}

# Booleans: accepted spellings after `slug` (any case, with or without diacritics).
TRUE_WORDS = frozenset({"co", "x", "1", "true", "dung", "yes"})
FALSE_WORDS = frozenset({"khong", "0", "false", "sai", "no"})

# Columns whose values identify a person: masked in the internal report, never in the public one.
PERSONAL_COLUMNS = frozenset(c.name for r in REGISTERS.values() for c in r.columns if c.personal)
# Free text may hold anything (names, phone numbers, markup): never in the public report.
FREE_TEXT_COLUMNS = frozenset({"noi_dung", "minh_chung", "ghi_chu"})

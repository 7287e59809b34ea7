"""Report wording: labels, reason codes and column names, each as (Vietnamese, English).

Vietnamese is the report's language; English is for `lang="en"`. An unknown key falls back to the
key itself so that a new reason code shows up as its code rather than breaking a report.
"""

from __future__ import annotations

from .schema import REGISTERS


def pick(pair: tuple[str, str], lang: str = "vi") -> str:
    return pair[1] if lang == "en" else pair[0]


# The reason (`ly_do`) an item is listed under a check.
REASONS: dict[str, tuple[str, str]] = {
    "tre_han": ("Giải quyết trễ hạn", "Resolved late"),
    "giai_quyet_tre_han": ("Giải quyết trễ hạn", "Resolved after the deadline"),
    "qua_han_dang_giai_quyet": ("Quá hạn, đang giải quyết", "Overdue, still in progress"),
    "chua_xin_loi": ("Chưa có văn bản xin lỗi", "No apology letter"),
    "xin_loi_muon": ("Xin lỗi sau thời hạn (muộn hơn 01 ngày trước hạn trả)",
                     "Apology later than one day before the due date"),
    "khong_xac_dinh_han": ("Không xác định được hạn giải quyết", "No due date can be determined"),
    "chua_so_hoa": ("Chưa số hóa thành phần hồ sơ", "Components not digitized"),
    "chua_co_ket_qua_dien_tu": ("Đã số hóa nhưng chưa có kết quả điện tử",
                                "Digitized but no electronic result"),
    "khong_tai_su_dung": ("Phải cung cấp lại giấy tờ (không tái sử dụng dữ liệu)",
                          "Documents provided again (data not reused)"),
    "chua_tra_loi": ("Chưa trả lời", "Not answered"),
    "chua_cong_khai": ("Chưa công khai", "Not published"),
    "dang_trong_han": ("Đang trong hạn giải quyết", "Pending, within the deadline"),
    "khong_hai_long": ("Không hài lòng (mức 1-3)", "Not satisfied (level 1-3)"),
    "khong_dien_tu": ("Không trao đổi trên môi trường điện tử", "Not exchanged electronically"),
    "thieu_chu_ky_so": ("Chưa có chữ ký số", "No digital signature"),
    "thieu_thu_cong_vu": ("Chưa sử dụng thư công vụ", "No official e-mail"),
    "chua_ket_noi": ("Chưa kết nối với hệ thống của Huyện", "Not connected to the district's system"),
    "thang_chua_cong_khai": ("Tháng chưa công khai", "Month not published"),
    "cong_khai_muon": ("Công khai sau thời hạn", "Published after the deadline"),
    "khong_co_minh_chung": ("Không có minh chứng trong kỳ", "No evidence in the period"),
    "chua_thuc_hien": ("Chưa thực hiện", "Not carried out"),
    "khong_phat_sinh_thieu_ghi_chu": ("Ghi \"không phát sinh\" nhưng thiếu ghi chú giải thích",
                                      "Marked \"not arisen\" without an explaining note"),
    "thanh_toan_khong_dien_tu": ("Thanh toán không điện tử", "Payment not electronic"),
}

# Labels of the report itself.
LABELS: dict[str, tuple[str, str]] = {
    "quoc_hieu": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "tieu_ngu": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "so": ("Số", "No."),
    "bao_cao": ("BÁO CÁO", "REPORT"),
    "subject": ("Kết quả tự kiểm tra thực hiện Kế hoạch cải cách hành chính năm {year}",
                "Self-inspection of the {year} administrative-reform plan"),
    "opening": ("Thực hiện Kế hoạch số {number} ngày {date} của {issuer} về {about}, {unit} báo cáo "
                "kết quả tự kiểm tra {period} ({dates}) như sau:",
                "Pursuant to Plan No. {number} of {date} of {issuer} ({about}), {unit} reports the "
                "results of its self-inspection for {period} ({dates}) as follows:"),
    "from_to_days": ("từ ngày {start} đến ngày {end}", "{start} to {end}"),
    "convention_cutoff": (", theo kỳ báo cáo CCHC định kỳ: từ ngày 15 tháng trước kỳ đến ngày 14 tháng "
                          "cuối kỳ", ", by the cut-off of periodic CCHC reports: the 15th of the month "
                          "before the period to the 14th of its last month"),
    "convention_explicit": (", theo ngày bắt đầu và kết thúc ghi trong tệp tham số",
                            ", as the params file sets its start and end"),
    "period_line": ("Kỳ kiểm tra: {period} ({dates}).", "Period: {period} ({dates})."),
    "period_dates_line": ("Kỳ kiểm tra: {dates}", "Period: {dates}"),
    "public_notice": ("Bản công khai: không chứa dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP).",
                      "Public version: no personal data (Decree 13/2023/ND-CP)."),
    "generated_at": ("Thời điểm lập", "Generated at"),
    "fingerprint": ("Dấu vân tay dữ liệu đầu vào (SHA-256)", "Input fingerprint (SHA-256)"),
    # overview
    "overview_title": ("TÓM TẮT KẾT QUẢ TỰ KIỂM TRA", "RESULTS AT A GLANCE"),
    "overview_II": ("Chỉ tiêu (mục II)", "Targets (section II)"),
    "overview_III": ("Nhiệm vụ trọng tâm (mục III)", "Key tasks (section III)"),
    "overview_targets": ("Chỉ tiêu: đạt {met}/{assessed} chỉ tiêu đánh giá được ({value}); tổng số {total} chỉ tiêu.",
                         "Targets: {met} of the {assessed} assessed are met ({value}); {total} targets in all."),
    "overview_tasks": ("Nhiệm vụ: có minh chứng {done}/{total}; {missing} nhiệm vụ chưa có minh chứng trong kỳ.",
                       "Tasks: {done} of {total} evidenced; {missing} without evidence in the period."),
    "col_area": ("Lĩnh vực", "Area"),
    "col_attention": ("Cần khắc phục", "Needs action"),
    "col_attention_hint": ("(bấm để xem chi tiết)", "(click for the detail)"),
    "attention_none": ("Không có", "None"),
    "overview_items": ("{count} trường hợp", "{count} items"),
    # comparison with the previous period
    "col_change": ("So với kỳ trước (điểm %)", "Change (points)"),
    "compared_with": ("Cột \"So với kỳ trước\": chênh lệch (điểm phần trăm) so với {period} ({dates}), "
                      "bản lưu {revision}.",
                      "\"Change\" column: difference in percentage points from {period} ({dates}), "
                      "archived {revision}."),
    "no_previous": ("Chưa có kỳ trước cùng độ dài của đơn vị trong kho lưu trữ để so sánh.",
                    "No earlier period of the same length for this unit in the archive to compare with."),
    "not_in_previous": ("không có ở kỳ trước", "not in the previous period"),
    "status_before": ("trước: {status}", "was: {status}"),
    # trends
    "trends_title": ("Diễn biến các chỉ tiêu qua các kỳ", "Targets over the periods"),
    "no_history": ("Chưa có kỳ trước cùng độ dài trong kho lưu trữ: diễn biến sẽ có từ kỳ sau.",
                   "No earlier period of the same length in the archive yet: trends start next period."),
    "trends_source": ("Số liệu các kỳ trước lấy từ results.json của bản lưu mới nhất của từng kỳ.",
                      "Earlier periods' figures come from the results.json of each period's latest archived run."),
    "trends_skipped": ("Bỏ qua các lần lưu trước có results.json không đúng định dạng hiện hành: {runs}.",
                       "Skipped earlier runs whose results.json does not match the current schema: {runs}."),
    # charts
    "chart_target": ("Chỉ tiêu {value}", "Target {value}"),
    "chart_on_time": ("Tỷ lệ hồ sơ giải quyết đúng hạn theo tháng (theo ngày có kết quả)",
                      "On-time resolution by month (by result date)"),
    "chart_digitization": ("Số hóa và tái sử dụng dữ liệu theo tháng",
                           "Digitization and data reuse by month"),
    "chart_digitized": ("Số hóa, có kết quả điện tử (theo ngày có kết quả)",
                        "Digitized with electronic result (by result date)"),
    "chart_reuse": ("Tái sử dụng dữ liệu (theo ngày tiếp nhận)", "Data reused (by receipt date)"),
    "chart_satisfaction": ("Mức độ hài lòng (số phiếu theo mức 1–5)", "Satisfaction levels (responses by level 1–5)"),
    "chart_level": ("mức", "level"),
    "chart_trends": ("Diễn biến qua các kỳ (đường gạch: chỉ tiêu)", "Over the periods (dashed: target)"),
    # waivers
    "waiver_active": ("Miễn trừ đến {until}: {reason}", "Waived until {until}: {reason}"),
    "waiver_expired": ("Miễn trừ đã hết hạn ngày {until} nên không áp dụng ({reason})",
                       "Waiver expired on {until}, not applied ({reason})"),
    "waivers": ("Miễn trừ", "Waivers"),
    "col_check": ("Chỉ tiêu / nhiệm vụ", "Target / task"),
    "col_justification": ("Lý do", "Justification"),
    "col_expires": ("Hiệu lực đến", "Expires"),
    "col_waiver_state": ("Áp dụng", "Applied"),
    "waiver_applied": ("Đã áp dụng (kết quả nếu không miễn trừ: {status})", "Applied (result without it: {status})"),
    "waiver_ignored": ("Hết hạn: không áp dụng", "Expired: not applied"),
    "waiver_unknown": ("Không khớp chỉ tiêu, nhiệm vụ nào", "Matches no target or task"),
    # parts of the body
    "part_I": ("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "DIRECTION AND MANAGEMENT"),
    "part_II": ("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "RESULTS AGAINST THE TARGETS"),
    "part_III": ("KẾT QUẢ THỰC HIỆN NHIỆM VỤ TRỌNG TÂM", "RESULTS OF THE KEY TASKS"),
    "part_IV": ("ĐÁNH GIÁ CHUNG", "OVERALL ASSESSMENT"),
    "part_V": ("KIẾN NGHỊ, ĐỀ XUẤT", "RECOMMENDATIONS"),
    "summary_title": ("Bảng tổng hợp kết quả tự kiểm tra", "Summary of the self-inspection"),
    "area_1_in_part_I": ("Xem Mục I.", "See part I."),
    # summary table
    "col_stt": ("STT", "No."),
    "col_id": ("Mã", "Id"),
    "col_content": ("Nội dung kiểm tra", "What is checked"),
    "col_numerator": ("Tử số", "Numer."),
    "col_denominator": ("Mẫu số", "Denom."),
    "col_value": ("Kết quả", "Result"),
    "col_target": ("Chỉ tiêu", "Target"),
    "col_status": ("Đánh giá", "Status"),
    "col_evidence": ("Minh chứng", "Evidence"),
    "col_result": ("Kết quả tự kiểm tra", "Result"),
    "col_remedy": ("Biện pháp khắc phục", "Remedy"),
    "evidence_registers": ("Sổ {files}", "Register(s) {files}"),
    "evidence_items": ("{count} trường hợp liệt kê tại mục {id}", "{count} items listed under {id}"),
    "col_task_status": ("Tình trạng", "Progress"),
    "col_date": ("Ngày", "Date"),
    "col_note": ("Ghi chú", "Note"),
    "col_task": ("Nhiệm vụ theo Kế hoạch", "Task of the plan"),
    "col_row": ("Dòng", "Row"),
    "col_reason": ("Lý do", "Reason"),
    "col_part": ("Nội dung", "Part"),
    "any_target": ("có phát sinh thanh toán điện tử", "some electronic payment"),
    # per target
    "measured": ("Cách tính", "How it is measured"),
    "figures": ("Kết quả", "Figures"),
    "figure_line": ("{numerator}/{denominator} = {value} (chỉ tiêu {target})",
                    "{numerator}/{denominator} = {value} (target {target})"),
    "figure_none": ("Không phát sinh trong kỳ (mẫu số bằng 0)", "Nothing arose in the period (denominator 0)"),
    "figure_missing": ("Thiếu sổ: {registers}", "Missing register: {registers}"),
    "items_title": ("Danh sách các trường hợp ({count})", "Items ({count})"),
    "items_more": ("... và {count} trường hợp khác.", "... and {count} more."),
    "waiver": ("Miễn trừ: {reason} (hiệu lực đến {until})", "Waived: {reason} (valid until {until})"),
    "parts": ("Chi tiết theo phần", "By part"),
    # tasks
    "tasks_count": ("Có minh chứng {done}/{total} nhiệm vụ, đạt {value}.",
                    "Evidence for {done} of {total} tasks ({value})."),
    "tasks_done_count": ("Hoàn thành {done}/{total} nhiệm vụ, đạt {value}.",
                         "{done} of {total} tasks completed ({value})."),
    "task_progress_title": ("Bảng tiến độ thực hiện nhiệm vụ", "Task progress"),
    "year_deadline": ("Năm {year}", "Year {year}"),
    "no_evidence": ("Chưa có minh chứng trong kỳ", "No evidence in the period"),
    "task_items": ("Nội dung", "Items"),
    # assessment
    "met_count": ("Số chỉ tiêu đạt: {met}/{total}.", "Targets met: {met} of {total}."),
    "not_met_list": ("Chỉ tiêu không đạt:", "Targets not met:"),
    "no_data_list": ("Chỉ tiêu thiếu dữ liệu (chưa đánh giá được):",
                     "Targets with missing data (not assessed):"),
    "not_arisen_list": ("Chỉ tiêu không phát sinh trong kỳ:", "Targets that did not arise:"),
    "waived_list": ("Chỉ tiêu được miễn trừ:", "Waived targets:"),
    "weak_title": ("Hạn chế:", "Weaknesses:"),
    "weak_line": ("{id} — {title}: {value} so với chỉ tiêu {target}{reasons}.",
                  "{id} — {title}: {value} against a target of {target}{reasons}."),
    "tasks_missing": ("{count} nhiệm vụ chưa có minh chứng trong kỳ: {ids}.",
                      "{count} tasks without evidence in the period: {ids}."),
    "recommendations_blank": ("(Phần dành cho người kiểm tra ghi kiến nghị, đề xuất.)",
                              "(Space for the inspector's recommendations.)"),
    "end_mark": ("./.", "./."),
    # signature block
    "noi_nhan": ("Nơi nhận", "Recipients"),
    "luu": ("Lưu: VT.", "Filed: Records."),
    "hieu_truong": ("HIỆU TRƯỞNG", "PRINCIPAL"),
    "nguoi_lap": ("Người lập", "Prepared by"),
    # Biểu 06: procedure dossier statistics
    "stats_title": ("Tình hình, kết quả giải quyết thủ tục hành chính", "Procedure dossiers: received and resolved"),
    "stats_note": ("Trước hạn: có kết quả trước ngày hẹn trả; đúng hạn: đúng ngày hẹn trả. Hồ sơ rút, từ chối "
                   "không tính vào kết quả giải quyết; hồ sơ không ghi kênh nộp được tính là trực tiếp.",
                   "Early: result before the due date; on time: on the due date. Withdrawn and refused "
                   "dossiers are left out of the results; a dossier with no channel counts as in person."),
    "st_procedure": ("Lĩnh vực / thủ tục", "Procedure"),
    "st_received": ("Nhận giải quyết", "Received"),
    "st_resolved": ("Đã giải quyết", "Resolved"),
    "st_in_progress": ("Đang giải quyết", "In progress"),
    "st_overdue_apology": ("Quá hạn: văn bản xin lỗi", "Late: apology letter"),
    "st_total": ("Tổng số", "Total"),
    "st_online": ("Trực tuyến", "Online"),
    "st_direct": ("Trực tiếp và bưu chính", "In person and by post"),
    "st_carried": ("Từ kỳ trước chuyển sang", "Carried over"),
    "st_early": ("Trước hạn", "Early"),
    "st_on_time": ("Đúng hạn", "On time"),
    "st_late": ("Quá hạn", "Late"),
    "st_within": ("Trong hạn", "Within deadline"),
    "st_with": ("Đã có", "Sent"),
    "st_without": ("Chưa có", "Not sent"),
    "total": ("Tổng cộng", "Total"),
    # index 766
    "index_title": ("Chỉ số chất lượng phục vụ theo Quyết định 766/QĐ-TTg",
                    "Service-quality index under Decision 766/QD-TTg"),
    "index_score": ("Tổng điểm: {score}/{max} điểm.", "Score: {score} of {max} points."),
    "col_item": ("Chỉ số", "Item"),
    "col_ratio": ("Tỷ lệ", "Ratio"),
    "col_threshold": ("Ngưỡng đạt điểm tối đa", "Full points at"),
    "col_max_points": ("Điểm tối đa", "Max points"),
    "col_points": ("Điểm đạt", "Points"),
    "not_arisen": ("Không phát sinh", "Not arisen"),
    # methodology
    "methodology": ("Phương pháp, nguồn dữ liệu", "Method and data sources"),
    "definitions": ("Định nghĩa các chỉ tiêu", "Definitions"),
    "calendar": ("Lịch ngày làm việc", "Working-day calendar"),
    "calendar_line": ("Ngày lễ theo gói holidays (quốc gia VN) phiên bản {version}.",
                      "Public holidays from the holidays package (country VN), version {version}."),
    "holidays_used": ("Ngày nghỉ lễ trong phạm vi tính", "Holidays in range"),
    "makeup_used": ("Ngày làm bù", "Make-up working days"),
    "overrides": ("Điều chỉnh theo tệp tham số", "Overrides from the params file"),
    "extra_days_off": ("Ngày nghỉ bổ sung", "Extra days off"),
    "extra_working_days": ("Ngày làm việc bổ sung", "Extra working days"),
    "none": ("Không có", "None"),
    "publication_days": ("Hạn công khai hằng tháng: cuối tháng + {n} ngày làm việc.",
                         "Monthly publication deadline: month end + {n} working days."),
    "inputs": ("Dữ liệu đầu vào", "Inputs"),
    "col_register": ("Sổ", "Register"),
    "col_file": ("Tệp", "File"),
    "col_rows": ("Số dòng", "Rows"),
    "col_sha256": ("SHA-256", "SHA-256"),
    "software": ("Phần mềm", "Software"),
    "software_line": ("cchc-audit phiên bản {version}", "cchc-audit version {version}"),
    "notes": ("Ghi chú", "Notes"),
    "appendix": ("Phụ lục", "Appendix"),
    "appendix_of": ("(Kèm theo Báo cáo số {number} ngày {date})",
                    "(Attached to Report No. {number} of {date})"),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
}

# Appendix I's remedy for a target not met, by check function; {count} = the shortfall
# (denominator - numerator). The inspector may rewrite it before signing.
REMEDIES: dict[str, tuple[str, str]] = {
    "tthc_on_time": ("Rà soát nguyên nhân {count} hồ sơ giải quyết trễ hạn; theo dõi hạn trả hằng ngày.",
                     "Review why {count} dossiers were late; track due dates daily."),
    "complaints_on_time": ("Rà soát {count} đơn giải quyết quá hạn; theo dõi hạn giải quyết từng đơn.",
                           "Review the {count} letters resolved late; track each deadline."),
    "monthly_publication": ("Công khai bổ sung {count} tháng còn thiếu; đăng đúng hạn hằng tháng.",
                            "Publish the {count} missing months; publish on time each month."),
    "apologies": ("Gửi văn bản xin lỗi cho {count} hồ sơ trễ hạn còn thiếu.",
                  "Send the {count} missing apology letters for late dossiers."),
    "internal_procedures_published": ("Công bố, công khai {count} thủ tục hành chính nội bộ còn thiếu.",
                                      "Publish the {count} internal procedures not yet published."),
    "satisfaction": ("Tìm hiểu nguyên nhân {count} phiếu chưa hài lòng; cải thiện việc phục vụ.",
                     "Look into the {count} dissatisfied responses; improve the service."),
    "feedback_answered": ("Trả lời và công khai kết quả trả lời {count} phản ánh, kiến nghị còn lại.",
                          "Answer and publish the answers to the {count} remaining feedback letters."),
    "digitized": ("Số hóa thành phần hồ sơ và kết quả giải quyết của {count} hồ sơ còn thiếu.",
                  "Digitize the components and results of the {count} remaining dossiers."),
    "electronic_payment": ("Triển khai thanh toán điện tử cho các khoản thu chưa có thanh toán điện tử.",
                           "Offer electronic payment for the charges that have none."),
    "electronic_documents": ("Chuyển {count} văn bản còn lại sang trao đổi trên môi trường điện tử.",
                             "Move the {count} remaining documents to electronic exchange."),
    "staff_flag": ("Hoàn tất cho {count} cán bộ, viên chức còn thiếu.",
                   "Complete it for the {count} staff members without it."),
    "reporting_systems": ("Kết nối {count} hệ thống báo cáo còn lại với hệ thống của Huyện.",
                          "Connect the {count} remaining reporting systems to the district's."),
    "data_reuse": ("Khai thác dữ liệu sẵn có, không yêu cầu nộp lại giấy tờ ({count} hồ sơ).",
                   "Reuse the data on file instead of asking for documents again ({count} dossiers)."),
}
REMEDY_DEFAULT = ("Rà soát, khắc phục các trường hợp nêu tại mục {id}.", "Review and fix the items under {id}.")
REMEDY_MISSING = ("Lập, bổ sung sổ {registers} theo mẫu.", "Set up the register(s) {registers}.")
REMEDY_TASK = ("Triển khai thực hiện, lưu minh chứng trong kỳ tới.",
               "Carry the task out and keep its evidence next period.")
# A task whose only rows say "not arisen" without the note that would make it so.
REMEDY_TASK_NOTE = ("Bổ sung ghi chú giải thích vì sao nhiệm vụ không phát sinh trong kỳ.",
                    "Add a note explaining why the task did not arise in the period.")

# How the Quyết định 766 index is scored (appendix III).
INDEX_NOTE = (
    "Điểm = điểm tối đa khi tỷ lệ đạt ngưỡng, nếu không thì tỷ lệ × điểm tối đa / ngưỡng; chỉ số không "
    "phát sinh (mẫu số bằng 0) không tính vào tổng điểm và điểm tối đa. Chỉ chấm các chỉ số đo được từ sổ "
    "của đơn vị.",
    "Points = max points when the ratio reaches the threshold, else ratio × max points / threshold; an "
    "item that did not arise (denominator 0) is left out of both the score and its maximum. Only the "
    "items the unit's registers can measure are scored.")

# Plan-period names as the district writes them.
QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}

STATUS_TASK = {
    "hoan_thanh": ("Hoàn thành", "Completed"),
    "dang_thuc_hien": ("Đang thực hiện", "In progress"),
    "chua_thuc_hien": ("Chưa thực hiện", "Not started"),
    "khong_phat_sinh": ("Không phát sinh", "Did not arise"),
}

# English names of the contract's columns (the Vietnamese ones live in schema.py).
COLUMNS_EN: dict[str, str] = {
    "ma_thu_tuc": "Procedure code", "ten_thu_tuc": "Procedure", "noi_bo": "Internal",
    "thoi_han": "Time limit", "don_vi_thoi_han": "Unit of time", "co_phi": "Fee-bearing",
    "ngay_cong_khai": "Published on", "ma_ho_so": "Dossier code", "ngay_tiep_nhan": "Received",
    "ngay_hen_tra": "Due (receipt slip)", "ngay_co_ket_qua": "Result date", "trang_thai": "Status",
    "kenh_nop": "Channel", "ngay_xin_loi": "Apology date", "ngay_hen_lai": "New due date",
    "so_hoa": "Digitized", "ket_qua_dien_tu": "Electronic result", "tai_su_dung": "Data reused",
    "thanh_toan_truc_tuyen": "Paid online", "danh_gia": "Rating", "nguoi_nop": "Applicant",
    "so_dien_thoai": "Phone", "so_dinh_danh": "ID number", "ma_don": "Case code", "loai": "Type",
    "ngay_nhan": "Received", "han_giai_quyet": "Deadline", "ngay_giai_quyet": "Resolved on",
    "ngay_tra_loi": "Answered on", "noi_dung": "Content", "nguoi_gui": "Sender",
    "ma_phieu": "Response code", "ngay": "Date", "linh_vuc": "Subject", "muc_do": "Level",
    "ma_giao_dich": "Transaction", "khoan_thu": "Item", "so_tien": "Amount",
    "hinh_thuc": "Payment method", "so_ky_hieu": "Number", "chieu": "Direction",
    "dien_tu": "Electronic", "ky_so": "Digitally signed", "mat": "Classified",
    "ma_can_bo": "Staff code", "ho_ten": "Name", "chuc_vu": "Position", "dang_cong_tac": "In post",
    "chu_ky_so": "Digital signature", "thu_cong_vu": "Official e-mail",
    "ten_he_thong": "System", "ket_noi_huyen": "Connected to district", "ngay_dang": "Posted on",
    "ky": "Month covered", "kenh": "Channel", "ma_nhiem_vu": "Task", "minh_chung": "Evidence",
    "ghi_chu": "Note", "ly_do": "Reason",
}

# Columns the checks derive (not in the contract).
DERIVED_COLUMNS: dict[str, tuple[str, str]] = {
    "row": ("Dòng", "Row"),
    "ly_do": ("Lý do", "Reason"),
    "han": ("Hạn trả", "Due date"),
    "han_tra": ("Hạn trả", "Due date"),
    "ngay_den_han": ("Hạn trả", "Due date"),
    "due": ("Hạn trả", "Due date"),
    "han_xin_loi": ("Hạn xin lỗi", "Apology due"),
    "han_cong_khai": ("Hạn công khai", "Publication deadline"),
    "so_ngay_tre": ("Số ngày trễ", "Days late"),
    "thang": ("Tháng", "Month"),
    "phan": ("Phần", "Part"),
}

# English labels of enumeration codes (the Vietnamese ones live in schema.py).
CHOICES_EN: dict[str, str] = {
    "ngay_lam_viec": "working days", "ngay": "days", "thang": "months",
    "dang_giai_quyet": "In progress", "da_giai_quyet": "Resolved", "tam_dung": "Paused",
    "rut": "Withdrawn", "tu_choi": "Refused", "truc_tiep": "In person", "truc_tuyen": "Online",
    "buu_chinh": "By post", "khieu_nai": "Complaint", "to_cao": "Denunciation",
    "phan_anh_kien_nghi": "Feedback", "dich_vu_cong": "Public services",
    "tthc": "Administrative procedures", "tien_mat": "Cash", "dien_tu": "Electronic",
    "den": "Incoming", "di": "Outgoing", "hoan_thanh": "Completed",
    "dang_thuc_hien": "In progress", "chua_thuc_hien": "Not started",
    "khong_phat_sinh": "Did not arise",
}

# What each check function measures, for the report's per-target section and its methodology.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "tthc_on_time": (
        "Mẫu số: hồ sơ có kết quả trong kỳ (trừ hồ sơ rút, từ chối); tử số: hồ sơ có ngày có kết quả "
        "không muộn hơn hạn trả (ngày hẹn trả ghi trên phiếu, nếu trống thì tính theo thời hạn của thủ tục).",
        "Denominator: dossiers resolved in the period (not withdrawn or refused); numerator: those "
        "resolved on or before the due date (the receipt slip's date, else computed from the "
        "procedure's time limit)."),
    "complaints_on_time": (
        "Mẫu số: đơn khiếu nại, tố cáo giải quyết trong kỳ; tử số: đơn giải quyết không muộn hơn hạn giải quyết.",
        "Denominator: complaints and denunciations resolved in the period; numerator: those "
        "resolved on or before their deadline."),
    "monthly_publication": (
        "Mỗi tháng của kỳ có hạn công khai (cuối tháng + 5 ngày làm việc) không muộn hơn ngày cuối kỳ "
        "phải có một lần công khai nội dung này cho tháng đó, đăng không muộn hơn hạn; tỷ lệ = số tháng "
        "công khai đúng hạn / số tháng phải công khai.",
        "Each month of the period whose publication deadline (month end + 5 working days) falls "
        "within the period needs a publication of this content for that month by the deadline; "
        "value = months published in time / months required."),
    "apologies": (
        "Mẫu số: hồ sơ giải quyết trễ hạn trong kỳ và hồ sơ quá hạn đang giải quyết tại ngày cuối kỳ; "
        "tử số: hồ sơ có ngày xin lỗi không muộn hơn ngày cuối kỳ. Xin lỗi phải gửi chậm nhất 01 ngày "
        "trước hạn trả (Nghị định 61/2018/NĐ-CP, Điều 19): xin lỗi muộn hơn vẫn được tính nhưng được nêu.",
        "Denominator: dossiers resolved late in the period plus those overdue in progress at its end; "
        "numerator: those with an apology dated by the end of the period. An apology is due at least "
        "one day before the due date (Decree 61/2018, Art. 19): a later one counts but is listed."),
    "internal_procedures_published": (
        "Mẫu số: thủ tục hành chính nội bộ; tử số: thủ tục có ngày công khai không muộn hơn ngày cuối kỳ.",
        "Denominator: internal procedures; numerator: those published by the end of the period."),
    "satisfaction": (
        "Mẫu số: phiếu khảo sát trong kỳ về lĩnh vực này; tử số: phiếu ở mức Hài lòng hoặc Rất hài lòng (4, 5).",
        "Denominator: survey responses in the period on this subject; numerator: those at level 4 or 5."),
    "feedback_answered": (
        "Mẫu số: phản ánh, kiến nghị nhận trong kỳ (trừ phản ánh chưa trả lời còn trong hạn); tử số: "
        "phản ánh có ngày trả lời và ngày công khai không muộn hơn ngày cuối kỳ.",
        "Denominator: feedback received in the period (leaving out unanswered ones still within their "
        "deadline); numerator: those answered and published by the end of the period."),
    "digitized": (
        "Mẫu số: hồ sơ có kết quả trong kỳ; tử số: hồ sơ đã số hóa thành phần và có kết quả điện tử.",
        "Denominator: dossiers resolved in the period; numerator: those digitized with an electronic result."),
    "electronic_payment": (
        "Tỷ lệ thanh toán điện tử (theo số lượt) trên (a) hồ sơ của thủ tục có phí, lệ phí trong kỳ và "
        "(b) các khoản thu dịch vụ trong kỳ; đạt khi mỗi phần có phát sinh đều có ít nhất một lượt "
        "thanh toán điện tử.",
        "Share of electronic payments (by count) over (a) dossiers of fee-bearing procedures in the "
        "period and (b) service payments in the period; met when every part that arose has at least "
        "one electronic payment."),
    "electronic_documents": (
        "Mẫu số: văn bản trong kỳ (trừ văn bản mật); tử số: văn bản trao đổi trên môi trường điện tử.",
        "Denominator: documents in the period (not classified); numerator: those exchanged electronically."),
    "staff_flag": (
        "Mẫu số: cán bộ, viên chức đang công tác; tử số: người đã có nội dung này.",
        "Denominator: staff in post; numerator: those who have it."),
    "reporting_systems": (
        "Mẫu số: hệ thống báo cáo của đơn vị; tử số: hệ thống đã kết nối với hệ thống của Huyện.",
        "Denominator: the unit's reporting systems; numerator: those connected to the district's."),
    "data_reuse": (
        "Mẫu số: hồ sơ tiếp nhận trong kỳ (trừ hồ sơ rút); tử số: hồ sơ tái sử dụng dữ liệu, người dân "
        "không phải cung cấp lại giấy tờ.",
        "Denominator: dossiers received in the period (not withdrawn); numerator: those where data "
        "was reused and no document was asked for again."),
    "tasks": (
        "Một nhiệm vụ có minh chứng trong kỳ khi sổ minh chứng có dòng ghi nhận ngày trong kỳ, có "
        "minh chứng và tình trạng Hoàn thành hoặc Đang thực hiện, hoặc Không phát sinh kèm ghi chú.",
        "A task is evidenced in the period when the evidence register has a row for it dated in the "
        "period with an evidence reference and status completed or in progress, or did-not-arise "
        "with a note."),
}


def label(key: str, lang: str = "vi", **values) -> str:
    pair = LABELS.get(key)
    text = key if pair is None else pick(pair, lang)
    return text.format(**values) if values else text


def reason(code, lang: str = "vi") -> str:
    pair = REASONS.get(str(code))
    return str(code) if pair is None else pick(pair, lang)


def column_label(name: str, lang: str = "vi", registers=()) -> str:
    """A column's header; `registers` (the check's) come first, since `ngay` is the survey date in
    khao_sat and the document date in van_ban."""
    if name in DERIVED_COLUMNS:
        return pick(DERIVED_COLUMNS[name], lang)
    if lang == "en" and name in COLUMNS_EN:
        return COLUMNS_EN[name]
    preferred = [REGISTERS[r] for r in registers if r in REGISTERS]
    for register in preferred + list(REGISTERS.values()):
        for column in register.columns:
            if column.name == name:
                return COLUMNS_EN.get(name, column.label_vi) if lang == "en" else column.label_vi
    return name


def choice_label(column: str, code, lang: str = "vi") -> str:
    """The label of an enumeration code (`kenh_nop` `truc_tuyen` -> `Trực tuyến`)."""
    code = str(code)
    if lang == "en" and code in CHOICES_EN:
        return CHOICES_EN[code]
    for register in REGISTERS.values():
        for col in register.columns:
            if col.name == column and code in col.choices:
                return col.choices[code][0]
    if code in STATUS_TASK:
        return pick(STATUS_TASK[code], lang)
    return code


def definition(check: str, lang: str = "vi") -> str | None:
    pair = DEFINITIONS.get(check)
    return None if pair is None else pick(pair, lang)

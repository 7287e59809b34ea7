"""The product's codes, each defined once. StrEnum members are their code strings: they compare
equal to them and serialize to JSON as them, so results.json and the archive keep plain codes."""

from __future__ import annotations

from enum import StrEnum


class UnitOutcome(StrEnum):
    """What became of one unit in a batch round."""

    OK = "ok"  # archived
    SKIPPED = "skipped"  # archived before, not run again
    BAD_INPUT = "bad_input"
    ERROR = "error"  # crashed, timed out, or its worker died for good


class Status(StrEnum):
    """A check's outcome, in the order the report lists them."""

    DAT = "dat"  # met
    KHONG_DAT = "khong_dat"  # not met
    KHONG_PHAT_SINH = "khong_phat_sinh"  # nothing arose in the period
    THIEU_DU_LIEU = "thieu_du_lieu"  # a register it needs is missing
    MIEN_TRU = "mien_tru"  # waived by the params file


class Audience(StrEnum):
    """Who reads a report: the signed internal report, or the published one."""

    INTERNAL = "internal"
    PUBLIC = "public"


# The notebook output metadata key that marks an output's audience.
META_KEY = "cchc_audit"


class Reason(StrEnum):
    """Why a row is listed under a check (its `ly_do`); each has a `reason.*` catalog entry."""

    TRE_HAN = "tre_han"
    KHONG_XAC_DINH_HAN = "khong_xac_dinh_han"
    GIAI_QUYET_TRE_HAN = "giai_quyet_tre_han"
    CHUA_XIN_LOI = "chua_xin_loi"
    XIN_LOI_MUON = "xin_loi_muon"
    CHUA_SO_HOA = "chua_so_hoa"
    CHUA_CO_KET_QUA_DIEN_TU = "chua_co_ket_qua_dien_tu"
    KHONG_TAI_SU_DUNG = "khong_tai_su_dung"
    CHUA_TRA_LOI = "chua_tra_loi"
    CHUA_CONG_KHAI = "chua_cong_khai"
    DANG_TRONG_HAN = "dang_trong_han"
    KHONG_HAI_LONG = "khong_hai_long"
    KHONG_DIEN_TU = "khong_dien_tu"
    THIEU_CHU_KY_SO = "thieu_chu_ky_so"
    THIEU_THU_CONG_VU = "thieu_thu_cong_vu"
    CHUA_KET_NOI = "chua_ket_noi"
    THANG_CHUA_CONG_KHAI = "thang_chua_cong_khai"
    CONG_KHAI_MUON = "cong_khai_muon"
    KHONG_CO_MINH_CHUNG = "khong_co_minh_chung"
    CHUA_THUC_HIEN = "chua_thuc_hien"
    KHONG_PHAT_SINH_THIEU_GHI_CHU = "khong_phat_sinh_thieu_ghi_chu"
    THANH_TOAN_KHONG_DIEN_TU = "thanh_toan_khong_dien_tu"
# papermill's name for the package's engine (inprocess.py), as the entry point declares it.
IN_PROCESS_ENGINE = "cchc-inprocess"

"""People of the sample school and its families: Vietnamese names, mobile numbers, citizen IDs."""

from __future__ import annotations

import numpy as np

from .arrays import concat_strings, pick, zero_padded

_FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Huỳnh", 5), ("Phan", 4.5),
           ("Võ", 4), ("Hoàng", 3), ("Vũ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 1.5), ("Hồ", 1.5),
           ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.6), ("Trương", 1), ("Lâm", 0.8), ("Đinh", 0.6),
           ("Mai", 0.5), ("Châu", 0.4), ("Tô", 0.3), ("Quách", 0.2), ("Lương", 0.5)]
_F_MIDDLE = [("Thị", 50), ("Ngọc", 10), ("Thanh", 8), ("Thu", 6), ("Kim", 5), ("Mỹ", 5), ("Phương", 4),
             ("Hoài", 3), ("Bích", 3), ("Diễm", 2), ("Thị Thu", 2), ("Thị Ngọc", 2)]
_F_GIVEN = ["Lan", "Hương", "Trang", "Linh", "Hạnh", "Ngân", "Thảo", "Vy", "Nhung", "Hằng", "Dung", "Phượng",
            "Yến", "Trâm", "Quyên", "Nga", "Thúy", "Loan", "Tuyết", "Hà", "Anh", "Mai", "Hồng", "Tâm", "Xuân",
            "Oanh", "Duyên", "Giang", "Hiền", "My", "Nhi", "Uyên"]
_M_MIDDLE = [("Văn", 40), ("Minh", 12), ("Quốc", 8), ("Hoàng", 7), ("Thanh", 6), ("Đức", 6), ("Hữu", 6),
             ("Công", 5), ("Tấn", 5), ("Gia", 3), ("Trọng", 2)]
_M_GIVEN = ["Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Phong", "Khoa", "Long", "Sơn", "Thành", "Trí", "Tài",
            "Phúc", "Hải", "Quang", "Thắng", "Vinh", "Bảo", "Khang", "Hiếu", "Lộc", "Tùng", "Cường", "Nhân"]
_PHONE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "099",
                   "032", "033", "034", "035", "036", "037", "038", "039"]
# Citizen ID (CCCD) province codes: mostly Ho Chi Minh City, then the Mekong delta and the centre.
_PROVINCES = [("079", 70), ("080", 4), ("075", 3), ("083", 3), ("082", 3), ("086", 2), ("087", 2),
              ("089", 2), ("092", 2), ("094", 1.5), ("096", 1.5), ("040", 2), ("038", 1.5), ("042", 1),
              ("051", 1), ("052", 1), ("054", 0.5)]


def full_names(rng, female: np.ndarray) -> np.ndarray:
    n = len(female)
    family = pick(rng, _FAMILY, n)
    middle = np.where(female, pick(rng, _F_MIDDLE, n), pick(rng, _M_MIDDLE, n))
    given = np.where(female, np.array(_F_GIVEN)[rng.integers(0, len(_F_GIVEN), n)],
                     np.array(_M_GIVEN)[rng.integers(0, len(_M_GIVEN), n)])
    return concat_strings(family, " ", middle, " ", given)


def phone_numbers(rng, n: int) -> np.ndarray:
    return concat_strings(np.array(_PHONE_PREFIXES)[rng.integers(0, len(_PHONE_PREFIXES), n)],
                          zero_padded(rng.integers(0, 10**7, n), 7))


def citizen_ids(rng, female: np.ndarray, birth_year: np.ndarray) -> np.ndarray:
    """12-digit citizen IDs: province (3), century and sex (1), year (2), serial (6)."""
    century = np.where(birth_year >= 2000, 2, 0) + female.astype(int)
    return concat_strings(pick(rng, _PROVINCES, len(female)), zero_padded(century, 1),
                          zero_padded(birth_year % 100, 2), zero_padded(rng.integers(0, 10**6, len(female)), 6))

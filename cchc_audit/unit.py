"""The unit (school) a data folder describes: `don_vi.yaml`, every key optional."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import safeio
from .errors import UnitFileError
from .problems import Problem, ProblemCode
from .text import slug

DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh"


class TimeZoneError(UnitFileError):
    """`mui_gio` names no time zone: reported as a problem of don_vi.yaml, with its line and value."""

    def __init__(self, path: Path, value: str, line: int | None):
        super().__init__("unit.time_zone", path=path, value=value, default=DEFAULT_TIME_ZONE)
        self.problem = Problem(path.name, line, "mui_gio", value, ProblemCode.UNIT_TIME_ZONE, DEFAULT_TIME_ZONE)


def time_zone(name: str | None) -> ZoneInfo:
    """The IANA zone `name` (a unit's `mui_gio`), or Vietnam's when it is not given or unknown: an
    archived run read back is never refused for its zone (a new one is, in `load_unit_info`)."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


@dataclass(frozen=True)
class Unit:
    ten_don_vi: str | None = None  # name
    ma_don_vi: str | None = None  # code
    co_quan_chu_quan: str | None = None  # managing body
    dia_danh: str | None = None  # place, for the date line
    ky_hieu: str | None = None  # abbreviation in document numbers
    hieu_truong: str | None = None  # principal
    dien_thoai: str | None = None  # the office's phone, shown in the public report
    email: str | None = None  # the office's e-mail
    website: str | None = None  # the school's website
    mui_gio: str = DEFAULT_TIME_ZONE  # time zone (IANA name) the archive's times are shown in
    folder: str = ""

    @property
    def zone(self) -> ZoneInfo:
        return time_zone(self.mui_gio)

    @property
    def code(self) -> str:
        """A file-system-safe identifier: the unit's code, else its abbreviation, else its folder."""
        for candidate in (self.ma_don_vi, self.ky_hieu, self.folder, self.ten_don_vi):
            if candidate and slug(candidate):
                return slug(candidate)
        return "don_vi"

    @property
    def name(self) -> str:
        """`ten_don_vi`, or "" when missing: the report leaves a blank (DATA-CONTRACT.md), never a name
        made up from the folder's."""
        return self.ten_don_vi or ""


def load_unit_info(data_dir: Path) -> Unit:
    path = Path(data_dir) / "don_vi.yaml"
    known = {f.name for f in fields(Unit)} - {"folder"}
    info: dict = {}
    if os.path.lexists(path):  # a broken link is reported, not taken for an absent file
        loaded = safeio.read_yaml(path, root=data_dir) or {}
        if not isinstance(loaded, dict):
            raise UnitFileError("unit.not_mapping", path=path)
        info = {k: (None if v is None else str(v).strip() or None) for k, v in loaded.items() if k in known}
    zone = info.pop("mui_gio", None)
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            lines = safeio.read_text(path, "yaml", data_dir).splitlines()
            line = next((i for i, text in enumerate(lines, 1) if text.lstrip().startswith("mui_gio")), None)
            raise TimeZoneError(path, zone, line) from None
        info["mui_gio"] = zone
    return Unit(folder=Path(data_dir).resolve().name, **info)

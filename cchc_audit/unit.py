"""The unit (school) a data folder describes: `don_vi.yaml`, every key optional."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from . import safeio
from .errors import UnitFileError
from .text import slug


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
    folder: str = ""

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
    return Unit(folder=Path(data_dir).resolve().name, **info)

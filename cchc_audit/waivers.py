"""Time-limited waivers (miễn trừ) from the params file, in the manner of InSpec's waivers:
a check id, a justification and an expiry date. An expired waiver is ignored and reported.
The params file's `waivers` are validated with the other parameters (params_check.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Waiver:
    check: str
    justification: str
    expires: dt.date

    def active(self, today: dt.date) -> bool:
        return today <= self.expires

    def to_json(self) -> dict:
        return {"check": self.check, "justification": self.justification, "expires": self.expires.isoformat()}

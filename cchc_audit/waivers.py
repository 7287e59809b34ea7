"""Time-limited waivers (miễn trừ) from the params file, in the manner of InSpec's waivers:
a check id, a justification and an expiry date. An expired waiver is ignored and reported."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class WaiverError(ValueError):
    pass


@dataclass(frozen=True)
class Waiver:
    check: str
    justification: str
    expires: dt.date

    def active(self, today: dt.date) -> bool:
        return today <= self.expires

    def to_json(self) -> dict:
        return {"check": self.check, "justification": self.justification, "expires": self.expires.isoformat()}


def parse_waivers(entries) -> list[Waiver]:
    waivers = []
    for number, entry in enumerate(entries or [], start=1):
        if not isinstance(entry, dict):
            raise WaiverError(f"waivers[{number}]: cần khóa check, justification, expires / "
                              "expected keys check, justification, expires")
        missing = [k for k in ("check", "justification", "expires") if not entry.get(k)]
        if missing:
            raise WaiverError(f"waivers[{number}]: thiếu {', '.join(missing)} / missing {', '.join(missing)}")
        expires = entry["expires"]
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires.strip())
            except ValueError:
                raise WaiverError(f"waivers[{number}].expires: \"{expires}\" không phải ngày yyyy-mm-dd / "
                                  "is not a yyyy-mm-dd date") from None
        if isinstance(expires, dt.datetime):
            expires = expires.date()
        if not isinstance(expires, dt.date):
            raise WaiverError(f"waivers[{number}].expires: \"{expires}\" không phải ngày / is not a date")
        waivers.append(Waiver(str(entry["check"]).strip(), str(entry["justification"]).strip(), expires))
    return waivers

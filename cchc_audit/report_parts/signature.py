"""The signature block: recipients, the principal, who prepared the report."""

from __future__ import annotations

from ..messages import label
from ..trends import History
from .common import param, unit_view


def signature_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    unit = unit_view(audit)
    recipients = list(param(audit, "recipients", ()) or ())
    return {
        "recipients_title": label("noi_nhan", lang) + ":",
        "recipients": [r if r.startswith("-") else f"- {r}" for r in recipients] + [f"- {label('luu', lang)}"],
        "signer_title": label("hieu_truong", lang),
        "principal": unit["principal"],
        "prepared_by_label": label("nguoi_lap", lang),
        "prepared_by": param(audit, "prepared_by") or "",
    }

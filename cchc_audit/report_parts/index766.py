"""Appendix III: the Quyết định 766 index."""

from __future__ import annotations

from ..codes import Audience
from ..fmt import fmt_int, fmt_number, fmt_pct, fmt_share
from ..messages import label
from ..trends import History
from .common import appendix_head, field_of


def index_view(audit, lang: str, audience: str, history: History | None = None) -> dict | None:
    index = field_of(audit, "index_766")
    if index is None:
        return None
    rows = []
    for item in list(field_of(index, "items", ()) or ()):
        arisen = field_of(item, "arisen", True)
        rows.append({
            "id": field_of(item, "id"),
            "title": field_of(item, "title_en" if lang == "en" else "title_vi", ""),
            "numerator": fmt_int(field_of(item, "numerator"), lang),
            "denominator": fmt_int(field_of(item, "denominator"), lang),
            "value": fmt_pct(field_of(item, "value"), lang) if arisen else label("not_arisen", lang),
            "threshold": fmt_share(field_of(item, "threshold"), lang),
            "max_points": fmt_number(field_of(item, "max_points"), lang),
            "points": fmt_number(field_of(item, "points"), lang) if arisen else "—",
            "arisen": arisen,
        })
    return {"head": appendix_head(audit, "III", label("index_title", lang), lang),
            "score": label("index_score", lang, score=fmt_number(field_of(index, "score"), lang),
                           max=fmt_number(field_of(index, "max"), lang)),
            "rows": rows,
            # A parent reads one figure, the rate with its count beside it, not two columns of
            # fractions' parts.
            "public": audience == Audience.PUBLIC,
            "definition": label("index_note", lang)}

"""The report's header: the unit, the national motto, number and date, the subject and the opening
sentence citing the plan."""

from __future__ import annotations

from ..codes import Audience
from ..fmt import date_line, fmt_date_prose
from ..messages import label
from ..trends import History
from .common import doc_suffix, field_of, lower_first, period_dates, period_label, report_date, unit_view


def _about(plan, lang: str) -> str:
    """What the plan is about, as the opening line cites it: "về thực hiện công tác ..." in
    Vietnamese; the plan's English title, whole, in English ("Plan No. ... (Plan for ...)")."""
    if lang == "en":
        return field_of(plan, "title_en") or ""
    title = field_of(plan, "title_vi") or ""
    if title.lower().startswith("kế hoạch "):
        title = title[len("kế hoạch "):]
    return lower_first(title, lang)


def subject(audit, lang: str) -> str:
    plan = field_of(audit, "plan")
    year = field_of(plan, "year") or audit.period.start.year
    text = label("subject", lang, year=year)
    if field_of(audit.period, "kind") == "year" and str(audit.period.id) == str(year):
        return text  # the plan's own year: "... năm 2024" says it all
    period = period_label(audit.period, lang)
    tail = label("period_year_suffix", lang, year=year)
    if period.endswith(tail) and str(audit.period.id).startswith(str(year)):
        period = period[: -len(tail)]
    return f"{text} — {period}"


def header_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    unit = unit_view(audit)
    plan = field_of(audit, "plan")
    period = audit.period
    name = unit["name_plain"] or label("blank", lang)  # a missing ten_don_vi is left to fill in
    return {
        "unit": unit,
        "number": f"{label('so', lang)}:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0{doc_suffix(unit)}",
        "national": label("quoc_hieu", lang),
        "motto": label("tieu_ngu", lang),
        "date_line": date_line(unit["place"], report_date(audit), lang),
        "kind": label("bao_cao", lang),
        "subject": subject(audit, lang),
        "opening": label(
            "opening", lang, number=field_of(plan, "number", ""), date=fmt_date_prose(field_of(plan, "date"), lang),
            issuer=field_of(plan, "issuer", ""), about=_about(plan, lang), unit=name,
            period=lower_first(period_label(period, lang), lang), dates=period_dates(period, lang)),
        "public": audience == Audience.PUBLIC,
        "public_notice": label("public_notice", lang),
    }

"""The report: an `Audit` turned into HTML fragments that the audit notebook displays.

Each part is rendered by `render(audit, part, lang, audience, history)`: a view model (one module
of report_parts/ per part) through a Jinja fragment (templates/fragments). Parts that can carry personal data
render differently for the internal audience (masked, see privacy.py) and the public one (personal
and free-text columns dropped); `show` displays such a part twice, each copy marked with its
audience, and a part that is the same for both once, unmarked. The run's exporter keeps, in each
HTML file, the unmarked outputs and those of its audience.

Every value reaches the page through Jinja with autoescaping on: a register cell holding
`<script>` prints as text. Charts are PNG images inside the page (`data:` URIs); nothing is
loaded from elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import calendar, charts, i18n, templating
from .codes import META_KEY, Audience
from .report_parts import (
    assessment,
    header,
    index766,
    inspection,
    method,
    overview,
    statistics,
    targets,
    tasks,
    trends,
)
from .resources import CSS, TEMPLATE_DIR
from .trends import History, load_history

FRAGMENTS_DIR = TEMPLATE_DIR / "fragments"


# --- nbconvert template -----------------------------------------------------------------------

def template_dir() -> Path:
    """The nbconvert template folder (extends `lab`): pass `template_name=template_dir().name`
    and `extra_template_basedirs=[str(template_dir().parent)]` to HTMLExporter, or the folder's
    absolute path as `template_name`. The template takes the report's language from the `lang`
    parameter papermill recorded in the notebook, else from `language_code`."""
    return TEMPLATE_DIR


def exporter_options() -> dict:
    return {"template_name": TEMPLATE_DIR.name, "extra_template_basedirs": [str(TEMPLATE_DIR.parent)]}


# --- history ------------------------------------------------------------------------------------

def history(audit, archive_dir: str | Path | None) -> History:
    """The unit's earlier periods of the same length in the archive at `archive_dir` (trends.py);
    empty without an archive."""
    return load_history(archive_dir, audit.unit.code, audit.period)


# --- rendering ----------------------------------------------------------------------------------

def environment(lang: str = "vi") -> jinja2.Environment:
    """The report fragments' environment for `lang` (templating.py: autoescaping, the catalog)."""
    return templating.environment(str(FRAGMENTS_DIR), lang)


def render_template(template: str, lang: str, **context) -> str:
    return environment(lang).get_template(template).render(lang=lang, **context).strip()


# Part -> (view model, fragment). A view returning None renders nothing (e.g. no ho_so register).
# The report's order (REPORT-FORM.md): header, the overview, parts I-V, signature, appendices.
_PARTS: dict[str, tuple[Callable, str]] = {
    "header": (header.header_view, "header.html.j2"),
    "overview": (overview.overview_view, "overview.html.j2"),
    "direction": (tasks.direction_view, "direction.html.j2"),
    "targets": (targets.targets_view, "targets.html.j2"),
    "trends": (trends.trends_view, "trends.html.j2"),
    "tasks": (tasks.tasks_view, "tasks.html.j2"),
    "assessment": (assessment.assessment_view, "assessment.html.j2"),
    "signature": (assessment.closing_view, "signature.html.j2"),
    "checks_table": (inspection.checks_table_view, "checks_table.html.j2"),
    "statistics": (statistics.statistics_view, "statistics.html.j2"),
    "index766": (index766.index_view, "index766.html.j2"),
    "methodology": (method.methodology_view, "methodology.html.j2"),
}
PARTS = tuple(_PARTS)
# Parts of the signed report only: the public report has no part V (a space for the inspector, or
# free text from the params) and no signature block.
# Nor Phụ lục I: every target and task again, in full, is the district's, not a parent's (the
# public report's parts I-III carry the same statuses).
INTERNAL_ONLY = frozenset({"signature", "checks_table"})


def render(audit, part: str, lang: str = "vi", audience: str = Audience.INTERNAL,
           history: History | None = None) -> str:
    if audience not in tuple(Audience):
        raise ValueError(f"audience must be one of {tuple(map(str, Audience))}, not {audience!r}")
    if audience == Audience.PUBLIC and part in INTERNAL_ONLY:
        return ""
    view_model, template = _PARTS[part]
    view = view_model(audit, lang, audience, history)
    return "" if view is None else render_template(template, lang, audience=audience, v=view)


def render_both(audit, part: str, lang: str = "vi", history: History | None = None) -> tuple[str, str]:
    return render(audit, part, lang, Audience.INTERNAL, history), render(audit, part, lang, Audience.PUBLIC, history)


def display_for(html_internal: str, html_public: str) -> None:
    """Display a part for both audiences: once, unmarked, when both see the same thing; else each
    copy with metadata `{"cchc_audit": {"audience": ...}}` (an empty copy is not displayed)."""
    from IPython.display import HTML, display

    if html_internal == html_public:
        if html_internal:
            display(HTML(html_internal))
        return
    for audience, html in ((Audience.INTERNAL, html_internal), (Audience.PUBLIC, html_public)):
        if html:
            display(HTML(html), metadata={META_KEY: {"audience": str(audience)}})


def show(audit, part: str, lang: str = "vi", history: History | None = None) -> None:
    """Render one part for both audiences and display it (see `display_for`)."""
    display_for(*render_both(audit, part, lang, history))


def warm(langs=None, calendar_spans=()) -> None:
    """Pay, ahead of the first unit, what a process pays once: every fragment compiled in each
    language, the charts' fonts and renderers (`charts.warm`), and the working-day calendars of
    `calendar_spans` (`calendar.warm`). For a process that will run unit after unit (a batch's
    worker)."""
    langs = tuple(langs or i18n.LANGS)
    for lang in langs:
        env = environment(lang)
        for path in sorted(FRAGMENTS_DIR.glob("*.j2")):
            env.get_template(path.name)
    charts.warm(langs)
    calendar.warm(calendar_spans)


def standalone_html(audit, lang: str = "vi", audience: str = Audience.INTERNAL, history: History | None = None) -> str:
    """The whole report as one HTML page without a notebook (tests, previews)."""
    css = CSS.read_text(encoding="utf-8")
    body = "\n".join(render(audit, part, lang, audience, history) for part in PARTS)
    # Both are trusted: the stylesheet ships with the package; the body is already-escaped HTML.
    return render_template("page.html.j2", lang, audience=audience, css=Markup(css), body=Markup(body))

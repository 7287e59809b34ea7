"""Charts: monthly series that add up to the targets' figures, small static PNGs inside the page,
the same bytes for the same figures, and matplotlib imported only when a chart is drawn."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys

import pytest
import soup
from PIL import Image
from unitdata import run

from cchc_audit import charts, i18n, report, resources
from cchc_audit.audit import run_audit
from cchc_audit.params import resolve
from cchc_audit.report_parts.targets import target_charts

SAMPLE = resources.SAMPLE_DIR


def sample_audit(period: str, convention: str = "calendar"):
    params = resolve(None, period=period, data=str(SAMPLE), convention=convention)
    return run_audit(params.period_range(), params.data, params.plan_path, params)


@pytest.fixture(scope="module")
def year():
    return sample_audit("2024")


@pytest.mark.parametrize("period, convention, months", [
    ("2024", "calendar", 12), ("2024-Q2", "calendar", 3), ("2024-Q1", "cutoff", 4)])
def test_monthly_series_add_up_to_the_targets(period, convention, months):
    audit = sample_audit(period, convention)
    d = audit.dossiers
    for series, check in ((charts.on_time_by_month(d, audit.period), "II.1.1.a"),
                          (charts.digitized_by_month(d, audit.period), "II.4"),
                          (charts.reuse_by_month(d, audit.period), "III.3.6.b")):
        assert len(series) == months
        figure = audit.check(check)
        assert (series["numerator"].sum(), series["denominator"].sum()) == (figure.numerator, figure.denominator)
        assert series["denominator"].sum() > 0


def _png(chart: charts.Chart) -> Image.Image:
    assert chart.uri.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(chart.uri.split(",", 1)[1])))


def test_charts_are_small_pngs_drawn_the_same_way_twice(year):
    drawn = target_charts(year, "vi")
    assert set(drawn) == {"II.1.1.a", "II.2.2", "II.4"}
    for check, found in drawn.items():
        for chart in found:
            image = _png(chart)
            assert image.size == (chart.width, chart.height)
            assert 500 <= chart.width <= 800 and 100 <= chart.height <= 400
            assert len(chart.uri) < 80_000, check  # small enough to embed
    again = charts.on_time_chart(charts.on_time_by_month(year.dossiers, year.period), 0.98, "vi")
    assert again.uri == drawn["II.1.1.a"][0].uri


def test_chart_text_says_the_figures(year):
    on_time = target_charts(year, "vi")["II.1.1.a"][0]
    series = charts.on_time_by_month(year.dossiers, year.period)
    first = series.iloc[0]
    assert f"T1: {first['value'] * 100:.2f}%".replace(".", ",") in on_time.alt
    levels = year.check("II.2.2").extra["levels"]
    satisfaction = target_charts(year, "en")["II.2.2"][0]
    total = sum(levels.values())
    for level, count in levels.items():  # each level with the legend's name, its count and share
        name = i18n.text(f"level.{level}", "en")
        assert f"level {level} ({name}) {count} ({100 * count / total:.2f}%)" in satisfaction.alt
    # The bars are shares of the responses, and each says whose survey it is, in words.
    assert satisfaction.caption == "Share of survey responses by satisfaction level (%, levels 1–5)"
    assert "People satisfied with how their procedures were handled" in satisfaction.alt
    assert "II.2.2" not in satisfaction.alt


def test_charts_sit_under_their_targets_in_both_reports(year):
    html = report.render(year, "targets", "vi", "internal")
    sections = re.split(r'<h[34][^>]*id="ct-', html)
    on_time = next(s for s in sections if s.startswith("II-1-1-a\""))
    assert on_time.count("<img") == 1 and "Tỷ lệ hồ sơ giải quyết đúng hạn theo tháng" in on_time
    digitization = next(s for s in sections if s.startswith("II-4\""))
    assert digitization.count("<img") == 1 and "Số hóa và tái sử dụng dữ liệu theo tháng" in digitization
    # The public report: the same charts under its summary table, each with its figures in words.
    public = report.render(year, "targets", "vi", "public")
    drawn = [c for charts_of in target_charts(year, "vi").values() for c in charts_of]
    assert public.count("<img") == len(drawn) == 3
    page = soup.parse(public)
    assert [p.get_text() for p in page.select("p.chart-text")] == [c.alt for c in drawn]


def test_no_register_no_chart(tmp_path):
    audit = run(tmp_path, {"nhiem_vu": [{"ma_nhiem_vu": "III.1.1", "ngay": "10/01/2024",
                                         "trang_thai": "Hoàn thành", "minh_chung": "QĐ 01"}]})
    assert target_charts(audit, "vi") == {}
    assert "<img" not in report.render(audit, "targets", "vi", "internal")


def test_matplotlib_is_imported_only_to_draw():
    code = ("import sys, cchc_audit.report, cchc_audit.cli, cchc_audit.frontpage; "
            "print(sorted(m for m in ('matplotlib', 'papermill', 'nbconvert') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

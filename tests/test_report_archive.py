"""What the report reads back from the archive (earlier periods of the same length: the change
column and the trends) and the archive's front page. The archive is built with archive.py from
real audits of the sample, without notebooks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import soup
from htmlscan import Resources

from cchc_audit import archive, frontpage, report, resources
from cchc_audit import results as results_mod
from cchc_audit.audit import run_audit
from cchc_audit.fmt import fmt_points
from cchc_audit.params import resolve

SAMPLE = resources.SAMPLE_DIR


def audit_of(period: str, convention: str = "calendar"):
    params = resolve(None, period=period, data=str(SAMPLE), convention=convention)
    return run_audit(params.period_range(), params.data, params.plan_path, params)


def archive_run(out: Path, audit, unit: str | None = None, html: bool = True) -> Path:
    """One archived run of `audit` (results.json, stand-in reports), as `cchc-audit run` leaves it."""
    results = audit.to_json()
    if unit is not None:
        results["unit"], results["unit_code"] = unit, "khac"
    with archive.new_run(out, results["unit_code"], audit.period.id) as run:
        (run.tmp / archive.RESULTS).write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        if html:
            (run.tmp / "bao-cao-noi-bo.html").write_text("<p>internal</p>", encoding="utf-8")
            (run.tmp / "bao-cao-cong-khai.html").write_text("<p>public</p>", encoding="utf-8")
    return run.path


@pytest.fixture(scope="module")
def audits():
    return {p: audit_of(p) for p in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2024-H1")}


@pytest.fixture(scope="module")
def out(tmp_path_factory, audits):
    out = tmp_path_factory.mktemp("archive") / "reports"
    archive_run(out, audits["2024-Q1"])
    archive_run(out, audits["2024-Q1"])  # a second revision of Q1: the later one counts
    archive_run(out, audits["2024-Q2"])
    archive_run(out, audits["2024-Q3"])
    archive_run(out, audits["2024-Q4"])  # an earlier revision of the period being reported
    archive_run(out, audits["2024-H1"])  # another length
    archive_run(out, audit_of("2024-Q3", "cutoff"))  # another convention
    archive_run(out, audits["2024-Q2"], unit='Trường <script>alert("u")</script> & Co')  # another unit
    return out


def test_history_is_the_same_unit_same_length_earlier_periods(out, audits):
    q4 = audits["2024-Q4"]
    history = report.history(q4, out)
    assert [(r.period.id, r.period.convention, r.revision) for r in history.runs] == [
        ("2024-Q1", "calendar", 2), ("2024-Q2", "calendar", 1), ("2024-Q3", "calendar", 1)]
    assert history.previous.period.id == "2024-Q3"
    assert not report.history(audits["2024-Q1"], out)  # nothing earlier than the first quarter
    assert not report.history(q4, None) and not report.history(q4, out / "nowhere")
    h2 = audit_of("2024-H2")
    assert [r.period.id for r in report.history(h2, out).runs] == ["2024-H1"]


def test_summary_table_shows_the_change_since_the_previous_period(out, audits):
    q4, q3 = audits["2024-Q4"], audits["2024-Q3"]
    public = report.render(q4, "targets", "vi", "public", report.history(q4, out))
    assert "So với kỳ trước (điểm %)" in public and public.count('class="num change') == len(q4.targets)
    html = report.render(q4, "targets", "vi", "internal", report.history(q4, out))
    assert "So với kỳ trước (điểm %)" in html
    assert "so với Quý III năm 2024 (từ ngày 01/07/2024 đến ngày 30/09/2024), bản lưu rev-001" in html
    for check in q4.targets:
        before = q3.check(check.id)
        change = soup.row(html, check.id).select_one("td.num.change").decode_contents()
        if check.denominator and before.denominator:
            assert change.startswith(fmt_points(check.value - before.value, "vi")), check.id
        if before.status != check.status:
            assert "trước: " in change, check.id
    without = report.render(q4, "targets", "vi", "public")
    assert "So với kỳ trước" not in without


def test_trends_table_and_chart(out, audits):
    q4 = audits["2024-Q4"]
    html = report.render(q4, "trends", "vi", "public", report.history(q4, out))
    head = soup.parse(html).select_one("thead")
    assert [soup.text_of(th) for th in head.find_all("th") if soup.text_of(th).startswith("Quý")] == [
        "Quý I năm 2024", "Quý II năm 2024", "Quý III năm 2024", "Quý IV năm 2024"]
    values = [soup.text_of(td) for td in soup.row(html, "II.1.1.a").select('td[class*="num"]') if soup.text_of(td)]
    expected = [audits[p].check("II.1.1.a").value for p in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4")]
    assert values == [f"{v * 100:.2f}%".replace(".", ",") for v in expected]
    assert html.count("<img") == 1 and "Diễn biến qua các kỳ" in html
    first = report.render(audits["2024-Q1"], "trends", "vi", "public", report.history(audits["2024-Q1"], out))
    assert "Chưa có kỳ trước cùng độ dài" in first and "<table" not in first


# --- the front page ----------------------------------------------------------------------------------

def test_front_page_lists_every_run_with_working_links(out):
    path = frontpage.write_index(out)
    assert path == out / "index.html"
    html = path.read_text(encoding="utf-8")
    page = Resources(html)
    links = [value for tag, key, value in page.found if tag == "a"]
    runs = archive.list_runs(out)
    assert sum(tag == "tr" for tag, _ in page.tags) == len(runs) + 2  # one header row per unit
    assert page.loads == [] and page.code == []  # inline style only: nothing to fetch or run
    assert links and all(not re.match(r"^[a-z]+:|^/|\.\.", link) for link in links)
    for link in links:  # relative, inside the archive, and there
        assert (out / link.replace("%20", " ")).is_file(), link
    for run in runs:
        assert f"{run.unit}/{run.period}/rev-{run.revision:03d}/results.json" in links
    assert "Trường &lt;script&gt;alert(&#34;u&#34;)&lt;/script&gt; &amp; Co" in html
    assert "<script>" not in html
    assert html.count("bản để ký / to sign") == len({(r.unit, r.period) for r in runs})
    assert "Quý I năm 2024" in html and "15/06/2024 – 14/09/2024" in html  # the cut-off quarter's dates


def test_front_page_is_replaced_whole_and_ignored_by_the_archive(out, audits):
    frontpage.write_index(out)
    before = (out / "index.html").read_text(encoding="utf-8")
    archive_run(out, audits["2024-Q2"])
    frontpage.write_index(out)
    after = (out / "index.html").read_text(encoding="utf-8")
    assert after.count(">rev-002") == before.count(">rev-002") + 1
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-index")]
    assert all(r.path.parent.parent.parent == out for r in archive.list_runs(out))


def test_front_page_of_an_empty_archive(tmp_path):
    html = frontpage.build_index(tmp_path)
    assert "Chưa có lần chạy nào" in html


def test_run_summary_counts_statuses(audits):
    summary = results_mod.run_summary(audits["2024-Q1"].to_json())
    assert summary["targets"] == len(audits["2024-Q1"].targets)
    assert summary["by_status"] == audits["2024-Q1"].status_counts("target")
    assert (summary["evidenced"], summary["tasks"]) == (audits["2024-Q1"].tasks_summary()["evidenced"], 52)

"""The district roll-up: pooled figures against hand-computed ones, on hand-made results (no
notebook runs), and the files it archives."""

import csv
import io
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
import soup

from cchc_audit import archive, rollup
from cchc_audit.batch import Outcome
from cchc_audit.periods import parse_period

PERIOD = parse_period("2024-Q1")


def check(id_, status, num, den, target=1.0, comparator=">=", kind="target"):
    return {"id": id_, "kind": kind, "area": id_.rsplit(".", 1)[0], "title_vi": f"Chỉ tiêu {id_}",
            "title_en": f"Target {id_}", "status": status, "numerator": num, "denominator": den,
            "value": None if not den else num / den, "target": target, "comparator": comparator}


def results(code, checks, tasks=(0, 0), task_status="dat", index=(0.0, 0.0)):
    task_checks = [check(f"III.{i}", task_status, None, None, kind="task") for i in range(2)]
    return {"unit": f"Trường {code}", "unit_code": code, "checks": checks + task_checks,
            "tasks_summary": {"tasks": tasks[0], "evidenced": tasks[1]},
            "index_766": {"score": index[0], "max": index[1], "items": []}}


def units():
    """Three measured units and one whose run failed. Rates differ so that a mean of ratios and
    the pooled figure differ."""
    a = results("A", [check("II.1.1.a", "dat", 49, 50, 0.98),   # 98%
                      check("II.6.1", "khong_dat", 9, 10),
                      check("II.9", "khong_phat_sinh", 0, 0),
                      check("II.2.1", "dat", 19, 20, 0.95)],
                tasks=(10, 7), index=(50.0, 60.0))
    b = results("B", [check("II.1.1.a", "khong_dat", 9, 10, 0.98),  # 90%
                      check("II.6.1", "dat", 5, 5),
                      check("II.9", "khong_phat_sinh", 0, 0),
                      check("II.2.1", "dat", 8, 10, 0.80)],  # this unit's plan asks 80%
                tasks=(10, 2), index=(30.0, 40.0))
    waived = check("II.6.1", "mien_tru", 3, 4)
    waived["waiver"] = {"check": "II.6.1", "active": True, "status_before": "khong_dat"}
    c = results("C", [check("II.1.1.a", "thieu_du_lieu", None, None, 0.98), waived,
                      check("II.9", "khong_phat_sinh", 0, 0),
                      check("II.2.1", "thieu_du_lieu", None, None, 0.95)],
                tasks=(10, 0), task_status="thieu_du_lieu", index=(0.0, 0.0))
    return [rollup.UnitRun("a", "Trường A", "ok", results=a),
            rollup.UnitRun("b", "Trường B", "skipped", results=b),
            rollup.UnitRun("c", "Trường C", "ok", results=c),
            rollup.UnitRun("d", "Trường D", "bad_input", "ho_so.xlsx, dòng 7: ngày sai")]


def by_id(built):
    return {t["id"]: t for t in built["targets"]}


def test_pooled_figures_are_sums_of_numerators_over_sums_of_denominators():
    targets = by_id(rollup.build(units(), PERIOD, ("nb", "Nhà Bè")))
    on_time = targets["II.1.1.a"]
    # Units A and B measured it (C lacks the register, D has no run): (49 + 9) / (50 + 10).
    assert (on_time["numerator"], on_time["denominator"]) == (58, 60)
    assert on_time["value"] == pytest.approx(58 / 60)
    assert on_time["value"] != pytest.approx((49 / 50 + 9 / 10) / 2)  # not a mean of rates
    assert Fraction(58, 60) < Fraction(98, 100) and on_time["status"] == "khong_dat"
    assert (on_time["units_counted"], on_time["units_not_counted"]) == (2, 2)
    assert on_time["unit_statuses"]["dat"] == 1 and on_time["unit_statuses"]["khong_dat"] == 1


def test_a_waived_unit_counts_its_dossiers_and_a_unit_without_data_does_not():
    targets = by_id(rollup.build(units(), PERIOD, ("nb", "Nhà Bè")))
    documents = targets["II.6.1"]
    assert (documents["numerator"], documents["denominator"]) == (9 + 5 + 3, 10 + 5 + 4)
    assert documents["status"] == "khong_dat" and documents["units_counted"] == 3


def test_nothing_arisen_anywhere_is_not_arisen_and_differing_plans_get_no_status():
    targets = by_id(rollup.build(units(), PERIOD, ("nb", "Nhà Bè")))
    assert targets["II.9"]["status"] == "khong_phat_sinh" and targets["II.9"]["value"] is None
    satisfaction = targets["II.2.1"]
    assert (satisfaction["numerator"], satisfaction["denominator"]) == (27, 30)
    assert satisfaction["same_rule"] is False and satisfaction["status"] is None


def test_the_pooled_status_uses_the_plans_comparator_exactly():
    # 49/50 = 98% is met against ">= 98%"; a strict ">" would not be.
    unit = rollup.UnitRun("a", "A", "ok", results=results("A", [check("X", "dat", 49, 50, 0.98)]))
    assert by_id(rollup.build([unit], PERIOD, ("nb", "NB")))["X"]["status"] == "dat"
    strict = rollup.UnitRun("a", "A", "ok", results=results("A", [check("X", "khong_dat", 49, 50, 0.98, ">")]))
    assert by_id(rollup.build([strict], PERIOD, ("nb", "NB")))["X"]["status"] == "khong_dat"


def test_tasks_and_index_are_pooled_too():
    built = rollup.build(units(), PERIOD, ("nb", "Nhà Bè"))
    # Unit C has no task register: left out. (7 + 2) / (10 + 10).
    assert built["tasks"] == {"tasks": 20, "evidenced": 9, "value": 9 / 20, "units_counted": 2}
    assert built["index_766"] == {"score": 80.0, "max": 100.0, "value": 0.8, "units_counted": 2}


def test_csv_has_a_row_per_unit_and_target_then_the_district():
    built = rollup.build(units(), PERIOD, ("nb", "Nhà Bè"))
    rows = list(csv.DictReader(io.StringIO(rollup.to_csv(built))))
    assert [r for r in rows if r["scope"] == "unit" and r["unit_code"] == "a" and r["check"] == "II.6.1"] == [
        {"scope": "unit", "unit_code": "a", "unit_name": "Trường A", "outcome": "ok", "check": "II.6.1",
         "status": "khong_dat", "numerator": "9", "denominator": "10", "value": "0.9", "comparator": ">=",
         "target": "1.0"}]
    district = {r["check"]: r for r in rows if r["scope"] == "district"}
    assert (district["II.1.1.a"]["numerator"], district["II.1.1.a"]["denominator"]) == ("58", "60")
    assert [r["outcome"] for r in rows if r["unit_code"] == "d"] == ["bad_input"]  # the failed unit is listed


def fake_run(out: Path, code: str, res: dict) -> Path:
    with archive.new_run(out, code, "2024-Q1") as run:
        (run.tmp / archive.RESULTS).write_text(json.dumps(res), encoding="utf-8")
        for name in ("bao-cao-noi-bo.html", "bao-cao-cong-khai.html"):
            (run.tmp / name).write_text("<p>report</p>", encoding="utf-8")
    return run.path


def test_written_roll_up_links_reports_relatively_escapes_names_and_never_overwrites(tmp_path):
    out = tmp_path / "reports"
    hostile = results("A", [check("II.1.1.a", "dat", 49, 50, 0.98)])
    hostile["unit"] = 'Trường <script>alert("x")</script> & Co'
    run_a = fake_run(out, "a", hostile)
    run_b = fake_run(out, "b", results("B", [check("II.1.1.a", "khong_dat", 9, 10, 0.98)]))
    outcomes = [Outcome("a", "A", "/data/a", "ok", run=str(run_a)),
                Outcome("b", "B", "/data/b", "skipped", run=str(run_b)),
                Outcome("c", "C <b>", "/data/c", "error", "Lỗi: <kernel> died")]
    first = rollup.write_rollup(out, "NB", "Phòng GD&ĐT Nhà Bè", PERIOD, outcomes)
    second = rollup.write_rollup(out, "NB", "Phòng GD&ĐT Nhà Bè", PERIOD, outcomes)
    assert first == out / "_rollup" / "NB" / "2024-Q1" / "rev-001"
    assert second.name == "rev-002" and first.is_dir()  # the first is kept as it was
    assert archive.verify(first).ok and sorted(archive.read_manifest(first)) == ["index.html", "rollup.csv", "rollup.json"]

    page = (first / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "&lt;kernel&gt; died" in page and "C &lt;b&gt;" in page
    # Relative links that resolve to the units' reports; nothing fetched from the network.
    links = [a["href"] for a in soup.parse(page).find_all(href=True)]
    assert "../../../../a/2024-Q1/rev-001/bao-cao-noi-bo.html" in links
    assert all((first / link).resolve().is_file() for link in links)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert ".cchc-report" in page  # the unit reports' stylesheet, inlined

    data = json.loads((first / "rollup.json").read_text(encoding="utf-8"))
    assert [u["code"] for u in data["units"]] == ["a", "b", "c"]
    assert data["units"][2]["outcome"] == "error" and data["units"][2]["checks"] == {}
    assert by_id(data)["II.1.1.a"]["numerator"] == 58
    assert data["units"][0]["results_sha256"] == archive.sha256_file(run_a / "results.json")


def test_the_unit_archive_listing_ignores_roll_ups(tmp_path):
    out = tmp_path / "reports"
    run = fake_run(out, "a", results("A", [check("II.1.1.a", "dat", 49, 50, 0.98)]))
    rollup.write_rollup(out, "NB", "NB", PERIOD, [Outcome("a", "A", "/data/a", "ok", run=str(run))])
    assert [r.unit for r in archive.list_runs(out)] == ["a"]
    assert [r.path for r in archive.list_runs(out, unit="a")] == [run]
    assert archive.list_runs(out, unit="b") == [] and archive.list_runs(out, unit="..") == []
    assert archive.latest_run(out, "a", "2024-Q1") == run

"""The archive's front page tells the principal which revision to sign (issue 11, item 5): per unit
and period the latest Vietnamese revision is marked, every revision shows its language, report
date, params file and what changed since the one before, and times are the unit's local time."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import soup

from cchc_audit import archive, frontpage, resources
from cchc_audit.audit import run_audit
from cchc_audit.errors import UnitFileError
from cchc_audit.params import resolve
from cchc_audit.registers import load_unit
from cchc_audit.unit import DEFAULT_TIME_ZONE, load_unit_info


@pytest.fixture(scope="module")
def q1() -> dict:
    """results.json of the sample's Q1, as a run archives it."""
    params = resolve(resources.PARAMS_DIR / "2024-Q1.yaml")
    return run_audit(params.period_range(), params.data, params.plan_path, params).to_json()


def revision(out: Path, results: dict, *, params_yaml: str | None = None, **changes) -> Path:
    record = copy.deepcopy(results) | changes
    with archive.new_run(out, record["unit_code"], record["period"]["id"]) as run:
        (run.tmp / archive.RESULTS).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        if params_yaml is not None:
            (run.tmp / archive.PARAMS_YAML).write_text(params_yaml, encoding="utf-8")
    return run.path


def with_statuses(results: dict, **statuses) -> dict:
    """A copy of `results` whose targets `II_1_4=...` (dots as underscores) have other statuses."""
    changed = copy.deepcopy(results)
    wanted = {k.replace("_", "."): v for k, v in statuses.items()}
    for check in changed["checks"]:
        if check["id"] in wanted:
            check["status"] = wanted[check["id"]]
    return changed


def rows(html: str, unit_code: str = "tmnmn") -> list[dict]:
    """The rows of a unit's table: revision, the cells by their header, and whether marked to sign."""
    page = soup.parse(html)
    table = next(t for t in page.select("table.runs") if unit_code in t.find_previous("h2").get_text())
    headers = [soup.text_of(th).split(" ")[0] for th in table.select("thead th")]
    found = []
    for tr in table.select("tbody tr"):
        cells = [soup.text_of(td) for td in tr.select("td")]
        found.append({"to_sign": "to-sign" in tr.get("class", []), "cells": cells,
                      "revision": cells[2].split(" ")[0], **dict(zip(headers, cells))})
    return found


def test_the_latest_vietnamese_revision_is_the_one_to_sign_and_each_says_what_changed(tmp_path, q1):
    out = tmp_path / "reports"
    assert q1["lang"] == "vi" and q1["params_file"] == "2024-Q1.yaml" and q1["report_date"] == "2024-04-05"
    revision(out, q1)
    revision(out, with_statuses(q1, II_1_4="dat", II_6_1="mien_tru"), report_date="2024-04-08")
    revision(out, with_statuses(q1, II_1_4="dat", II_6_1="mien_tru"), lang="en", params_file="2024-Q1-en.yaml")
    html = frontpage.build_index(out)
    shown = {r["revision"]: r for r in rows(html)}
    assert [r for r, row in shown.items() if row["to_sign"]] == ["rev-002"]  # not the later English one
    assert html.count("bản để ký / to sign") == 1
    assert shown["rev-003"]["Ngôn"] == "Tiếng Anh" and shown["rev-002"]["Ngôn"] == "Tiếng Việt"
    assert shown["rev-002"]["Ngày"] == "08/04/2024" and shown["rev-001"]["Ngày"] == "05/04/2024"
    assert shown["rev-003"]["Tệp"] == "2024-Q1-en.yaml" and shown["rev-001"]["Tệp"] == "2024-Q1.yaml"
    change = {r: row["Thay"] for r, row in shown.items()}
    assert change["rev-001"].startswith("bản đầu tiên của kỳ")
    assert change["rev-002"].startswith("so với rev-001: 2 chỉ tiêu đổi trạng thái — "
                                        "II.1.4: Không đạt → Đạt; II.6.1: Không đạt → Miễn trừ")
    assert "since rev-001: 2 targets changed status — II.1.4: Not met → Met" in change["rev-002"]
    assert change["rev-003"].startswith("so với rev-002: không chỉ tiêu nào đổi trạng thái")


def test_many_changes_are_counted_and_a_dropped_target_shows_as_a_dash(q1):
    targets = [c["id"] for c in q1["checks"] if c["kind"] == "target" and c["status"] != "mien_tru"]
    later = with_statuses(q1, **{t.replace(".", "_"): "mien_tru" for t in targets[:7]})
    later["checks"] = [c for c in later["checks"] if c["id"] != targets[8]]
    changes = frontpage.status_changes(q1, later)
    dropped = next(c["status"] for c in q1["checks"] if c["id"] == targets[8])
    assert len(changes) == 8 and changes[-1] == (targets[8], dropped, None)
    before = archive.ArchivedRun("tmnmn", "2024-Q1", 1, Path("x"), q1)
    after = archive.ArchivedRun("tmnmn", "2024-Q1", 2, Path("y"), later)
    line = frontpage.change_line(after, before, "vi")
    assert line.startswith("so với rev-001: 8 chỉ tiêu đổi trạng thái") and line.endswith("và 3 chỉ tiêu khác")
    assert line.count("→") == frontpage.MAX_CHANGES
    assert frontpage.change_line(after, before, "en").endswith("and 3 more targets")
    unreadable = archive.ArchivedRun("tmnmn", "2024-Q1", 1, Path("x"), None, "not JSON")
    assert "rev-001" in frontpage.change_line(after, unreadable, "vi")


def test_times_are_the_units_local_time(tmp_path, q1):
    out = tmp_path / "reports"
    revision(out, q1, generated_at="2024-04-05T02:30:00+00:00")  # run on a server keeping UTC
    tokyo = q1 | {"unit": "Trường Tokyo", "unit_code": "TOKYO", "unit_info": q1["unit_info"] | {"mui_gio": "Asia/Tokyo"}}
    revision(out, tokyo, generated_at="2024-04-05T02:30:00+00:00")
    html = frontpage.build_index(out)
    assert rows(html)[0]["Thời"] == "05/04/2024 09:30"  # Asia/Ho_Chi_Minh, UTC+7
    assert rows(html, "TOKYO")[0]["Thời"] == "05/04/2024 11:30"
    assert "(Asia/Ho_Chi_Minh)" in html and "(Asia/Tokyo)" in html
    assert frontpage.local_time("2024-04-05T02:30:00", None) == "05/04/2024 02:30"  # no offset: as written


def test_an_older_revision_is_read_from_its_params_yaml_and_a_period_without_vietnamese_has_none_to_sign(tmp_path, q1):
    out = tmp_path / "reports"
    old = {k: v for k, v in q1.items() if k not in ("lang", "report_date", "params_file")}
    revision(out, old, params_yaml="lang: en\nreport_date: 2024-04-06\nsource_file: cu.yaml\n")
    html = frontpage.build_index(out)
    only = rows(html)[0]
    assert (only["Ngôn"], only["Ngày"], only["Tệp"], only["to_sign"]) == ("Tiếng Anh", "06/04/2024", "cu.yaml", False)
    assert "bản để ký" not in html.split("</p>", 2)[-1]  # the rule is stated above, no row is marked
    revision(out, old, params_yaml="lang: vi\n")  # a Vietnamese one later: that one
    assert [r["revision"] for r in rows(frontpage.build_index(out)) if r["to_sign"]] == ["rev-002"]


def test_the_units_time_zone_comes_from_don_vi_yaml_and_a_bad_one_is_refused(tmp_path):
    folder = tmp_path / "unit"
    folder.mkdir()
    assert load_unit_info(folder).mui_gio == DEFAULT_TIME_ZONE
    (folder / "don_vi.yaml").write_text("ten_don_vi: A\nmui_gio: Asia/Bangkok\n", encoding="utf-8")
    assert load_unit_info(folder).zone.key == "Asia/Bangkok"
    (folder / "don_vi.yaml").write_text("ten_don_vi: A\nmui_gio: Sao Hỏa/Olympus\n", encoding="utf-8")
    with pytest.raises(UnitFileError) as refused:
        load_unit_info(folder)
    assert "don_vi.yaml" in refused.value.message("vi") and "Sao Hỏa/Olympus" in refused.value.message("vi")
    assert "not an IANA time zone" in refused.value.message("en")
    # Read with the registers, it is one problem naming the file, the line, the key and the value.
    [problem] = [p for p in load_unit(folder).problems if p.file == "don_vi.yaml"]
    assert (problem.file, problem.row, problem.column, problem.value) == ("don_vi.yaml", 2, "mui_gio", "Sao Hỏa/Olympus")
    assert problem.expected("vi") == "một múi giờ IANA, ví dụ Asia/Ho_Chi_Minh"


def test_the_real_run_is_marked_to_sign_with_its_params_file(sample_q1):
    html = (sample_q1.out / frontpage.INDEX).read_text(encoding="utf-8")
    [row] = rows(html)
    assert row["to_sign"] and row["Ngôn"] == "Tiếng Việt" and row["Tệp"] == "2024-Q1.yaml"
    assert row["Ngày"] == "05/04/2024" and row["Thay"].startswith("bản đầu tiên")
    results = json.loads((sample_q1.path / archive.RESULTS).read_text(encoding="utf-8"))
    assert results["generated_at"].endswith("+07:00")  # recorded in the unit's zone


def test_odd_values_in_results_json_neither_break_the_page_nor_mark_a_revision(tmp_path, q1):
    out = tmp_path / "reports"
    revision(out, q1, lang=["vi"])  # not the schema: skipped as unreadable, as other bad values are
    revision(out, q1, unit_info=[1], params_file="<b>x</b>.yaml", generated_at="2024-04-05T02:30:00+00:00")
    revision(out, q1 | {"unit_info": {"mui_gio": "Sao Hỏa/Olympus"}}, generated_at="2024-04-05T02:30:00+00:00")
    assert "results.json: lang" in archive.list_runs(out)[0].problem
    html = frontpage.build_index(out)
    shown = {r["revision"]: r for r in rows(html)}
    assert not shown["rev-001"]["to_sign"] and shown["rev-003"]["to_sign"]
    assert "&lt;b&gt;x&lt;/b&gt;.yaml" in html and "<b>x" not in html
    assert shown["rev-002"]["Thời"] == shown["rev-003"]["Thời"] == "05/04/2024 09:30"  # the default zone
    assert "Sao Hỏa" not in html
    assert shown["rev-002"]["Thay"].startswith("không so được với rev-001")

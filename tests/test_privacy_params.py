"""Personal data written into the params file (issue 11, item 3): a waiver's justification, a
recommendation, a cause and a recipient naming a teacher with her phone and CCCD number. Masked as
the file is read, so results.json, the archived notebook, the archived params.yaml and the internal
report hold them only masked; the public report holds them in no form at all. One real run of
`cchc-audit run`, with a params file written here (not the sample's)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from conftest import archived_path, run_cli
from soup import visible_text as text
from test_archive_modes import assert_published

from cchc_audit import archive, params, resources

NAME, PHONE, CCCD = "Nguyễn Thị Hoa", "0903123456", "079123456789"
RAW = [NAME, "Thị Hoa", PHONE, CCCD, "Trần Văn Bình", "Văn Bình", "0912 345 678", "Tư Hùng", "B1234567"]
MASKED = ["Nguyễn T. H.", "*******456", "*********789"]
FREE_TEXT = {
    "waivers": [{"check": "II.6.3", "expires": "2024-12-31",
                 "justification": f"Cô {NAME} (SĐT {PHONE}, CCCD {CCCD}) nghỉ thai sản"}],
    "recommendations": [f"Đề nghị bố trí người thay cô {NAME}, liên hệ {PHONE}",
                        "Nhắc bảo vệ Tư Hùng (hộ chiếu B1234567) khóa cổng"],
    "causes": [f"Phó Hiệu trưởng Trần Văn Bình (ĐT 0912 345 678) nghỉ ốm; CCCD {CCCD} chưa cập nhật"],
    "recipients": ["Phòng GD&ĐT huyện Nhà Bè (để báo cáo);", f"Cô {NAME} (để thực hiện);"],
}


@pytest.fixture(scope="module")
def revision(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("params-privacy")
    file = work / "tham-so-rieng.yaml"
    file.write_text(yaml.safe_dump({"period": "2024-Q1", "data": str(resources.SAMPLE_DIR),
                                    "report_date": "2024-04-05", **FREE_TEXT}, allow_unicode=True),
                    encoding="utf-8")
    mask = os.umask(0o077)  # a user keeping everything private: the archive is still readable by others
    try:
        done = run_cli("--params", str(file), "--out", str(work / "reports"), cwd=work)
    finally:
        os.umask(mask)
    assert done.returncode == 0, done.stdout + done.stderr
    return archived_path(done.stdout)


def _notebook_text(path: Path) -> str:
    """Every string of the notebook, sources and outputs, as a reader of the file sees them."""
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)


def test_params_free_text_is_masked_as_the_file_is_read(tmp_path):
    file = tmp_path / "p.yaml"
    file.write_text(yaml.safe_dump({"period": "2024-Q1", **FREE_TEXT}, allow_unicode=True), encoding="utf-8")
    p = params.resolve(file)
    assert p.waivers[0].justification == "Cô Nguyễn T. H. (SĐT *******456, CCCD *********789) nghỉ thai sản"
    assert p.recommendations == ("Đề nghị bố trí người thay cô Nguyễn T. H., liên hệ *******456",
                                 "Nhắc bảo vệ T. H. (hộ chiếu *****567) khóa cổng")
    assert p.causes == ("Phó Hiệu trưởng Trần V. B. (ĐT **** *** 678) nghỉ ốm; CCCD *********789 chưa cập nhật",)
    assert p.recipients == ("Phòng GD&ĐT huyện Nhà Bè (để báo cáo);", "Cô Nguyễn T. H. (để thực hiện);")
    assert p.source_file == "p.yaml"
    # The archived params.yaml, read again by the notebook, holds the masked text and gives it back as is.
    again = params.load(p.write(tmp_path / "params.yaml"))
    assert again.to_dict() == p.to_dict() and again.source_file == "p.yaml"
    assert not [raw for raw in RAW if raw in (tmp_path / "params.yaml").read_text(encoding="utf-8")]


def test_results_notebook_and_internal_report_hold_it_only_masked(revision):
    results = (revision / archive.RESULTS).read_text(encoding="utf-8")
    notebook = _notebook_text(revision / archive.EXECUTED)
    internal_html = (revision / archive.INTERNAL_HTML).read_text(encoding="utf-8")
    internal = text(internal_html)
    for where, content in {"results.json": results, "audit.ipynb": notebook,
                           "internal (HTML)": internal_html, "internal (text)": internal}.items():
        assert not [raw for raw in RAW if raw in content], where
    assert all(masked in internal for masked in MASKED)
    assert all(masked in notebook for masked in MASKED)
    assert "Nguyễn T. H." in results and "*********789" in results  # the waiver's justification
    record = json.loads(results)
    assert (record["lang"], record["report_date"], record["params_file"]) == ("vi", "2024-04-05",
                                                                              "tham-so-rieng.yaml")
    # Outside inputs/ (the params file as given, like the registers, kept to re-run), no file of the
    # revision holds the raw text.
    for path in revision.rglob("*"):
        if path.is_file() and archive.INPUTS not in path.relative_to(revision).parts:
            content = path.read_text(encoding="utf-8", errors="replace")
            assert not [raw for raw in (PHONE, CCCD, NAME) if raw in content], path


def test_the_public_report_holds_it_in_no_form(revision):
    public_html = (revision / archive.PUBLIC_HTML).read_text(encoding="utf-8")
    public = text(public_html)
    for content in (public_html, public):
        assert not [raw for raw in RAW + MASKED if raw in content]
        assert "T. H." not in content and "***" not in content and "thai sản" not in content


def test_a_run_under_a_private_umask_is_still_readable_by_others(revision):
    assert_published(revision.parents[2])  # the archive's root, unit and period folders, index.html too

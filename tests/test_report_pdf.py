"""`--pdf` without a working Chromium: a missing browser is a warning (the HTML reports are still
archived, exit 0); a browser that fails to print stops the run (exit 1, nothing archived)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_audit import pdf, pipeline, resources

REPO = Path(__file__).resolve().parents[1]


def test_a_missing_chromium_is_a_bilingual_warning(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv(pdf.CHROMIUM_ENV, "no-such-browser-here")
    assert pdf.find_chromium() is None
    html = tmp_path / "r.html"
    html.write_text("<p>x</p>", encoding="utf-8")
    pipeline.print_pdf(html, tmp_path / "r.pdf")
    err = capsys.readouterr().err
    assert "Không tìm thấy Chromium" in err and "Chromium not found" in err
    assert "báo cáo HTML vẫn được lưu" in err and "the HTML reports are archived" in err
    assert not (tmp_path / "r.pdf").exists()
    with pytest.raises(pdf.ChromiumMissing):
        pdf.print_pdf(html, tmp_path / "r.pdf")


def test_a_chromium_that_fails_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.CHROMIUM_ENV, "false")  # exits 1 at once, prints nothing
    html = tmp_path / "r.html"
    html.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(pdf.PdfError) as failed:
        pdf.print_pdf(html, tmp_path / "r.pdf")
    assert "exit 1" in failed.value.message("en") and "mã 1" in failed.value.message("vi")
    assert not (tmp_path / "r.pdf").exists()


def test_a_failed_print_archives_nothing(tmp_path):
    out = tmp_path / "reports"
    env = {**os.environ, pdf.CHROMIUM_ENV: "false"}
    done = subprocess.run([sys.executable, "-m", "cchc_audit", "run", "--params",
                           str(resources.PARAMS_DIR / "2024-Q1.yaml"), "--out", str(out), "--pdf"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Chromium could not print the PDF" in done.stderr or "Chromium không in được PDF" in done.stderr
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]

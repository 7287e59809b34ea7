"""Print the internal report to PDF with a headless Chromium (Debian's `chromium`)."""

from __future__ import annotations

from pathlib import Path

from .errors import ChromiumMissing, PdfError

CHROMIUM_ENV = "CCHC_AUDIT_CHROMIUM"  # a browser to use instead of the one found on PATH
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_TIMEOUT = 180  # seconds; a 2-core machine prints the sample's year report in a few


def find_chromium() -> str | None:
    """The Chromium to print with: `$CCHC_AUDIT_CHROMIUM`, else the first of CHROMIUM_NAMES on
    PATH (Debian's package `chromium` installs /usr/bin/chromium)."""
    import os
    import shutil

    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        return shutil.which(chosen)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_args(browser: str, profile: str | Path) -> list[str]:
    """Headless Chromium that stays off the network: no background requests, every host name
    unresolvable, a throw-away profile. Reports load nothing from the network anyway; this makes
    sure a printed report cannot either."""
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--no-first-run", "--no-default-browser-check", "--mute-audio",
            "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}"]


def run_chromium(args: list[str], timeout: float) -> tuple[int, str]:
    """Run a headless Chromium to completion; on timeout kill it with every child it started."""
    import os
    import signal
    import subprocess

    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PdfError("failure.pdf_timeout", seconds=f"{timeout:.0f}") from None
    return process.returncode, output


def print_pdf(html_path: str | Path, pdf_path: str | Path, *, browser: str | None = None,
              timeout: float = PDF_TIMEOUT) -> Path:
    """Print an HTML report to PDF with headless Chromium (`--print-to-pdf`), as the report's
    print stylesheet lays it out (A4, the decree's margins), without the browser's own header and
    footer. Raises ChromiumMissing when there is no Chromium, PdfError when printing fails."""
    import tempfile

    browser = browser or find_chromium()
    if browser is None:
        raise ChromiumMissing("failure.no_chromium", variable=CHROMIUM_ENV)
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="cchc-chromium-") as profile:
        args = chromium_args(browser, profile) + [
            "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", html_path.as_uri()]
        code, output = run_chromium(args, timeout)
    if code != 0 or not pdf_path.is_file() or pdf_path.read_bytes()[:5] != b"%PDF-":
        pdf_path.unlink(missing_ok=True)
        tail = " ".join(output.strip().splitlines()[-3:])
        raise PdfError("failure.pdf_failed", code=code, output=tail)
    return pdf_path

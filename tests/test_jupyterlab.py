"""The analyst's notebook as the analyst meets it: `cchc-audit notebooks --out` into a fresh folder,
a real `jupyter lab` server on 127.0.0.1 (a free port, a token, no browser of its own), and
explore.ipynb opened in Debian's Chromium, which must render every cell, then run them all in the
notebook's kernel without an error, showing the sample's misses, the periods side by side and the
district. Screenshots are kept in tests/artifacts/ (not committed). The server, its kernels and the
browser are stopped here, with every child they started."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import browser
import pytest
from browser import Browser, chromium_or_skip
from test_cluster import _stop

from cchc_audit import resources

ARTIFACTS = Path(__file__).parent / "artifacts"
STARTUP = 120  # seconds: the server's first start builds nothing, but a loaded machine is slow
RUN_ALL = 600  # seconds for every cell: the generated district is audited in the kernel


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    home = tmp_path_factory.mktemp("lab")
    root = home / "so-tay"
    done = subprocess.run([sys.executable, "-m", "cchc_audit", "notebooks", "--out", str(root)],
                          capture_output=True, text=True, cwd=home, timeout=120)
    assert done.returncode == 0, done.stderr
    # Every cell in the DOM (JupyterLab otherwise renders only the cells in view), in a settings
    # folder of the test's own: the user's JupyterLab settings are neither read nor touched.
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}), encoding="utf-8")
    notices = home / "settings" / "@jupyterlab" / "apputils-extension"
    notices.mkdir(parents=True)  # no "news?" prompt over the screenshots; nothing fetched
    (notices / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    env.update(JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               IPYTHONDIR=str(home / "ipython"), MPLCONFIGDIR=str(home / "mpl"))
    port, token = _free_port(), secrets.token_hex(16)
    log = home / "lab.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
             "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
             *(["--allow-root"] if os.geteuid() == 0 else [])],  # CI containers run as root
            cwd=home, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP
        while True:
            assert server.poll() is None, log.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.5)
        yield url, token, root
    finally:
        _stop(server)


ARTIFACTS.mkdir(exist_ok=True)


def _wait(page: Browser, expression: str, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(expression)
        if value:
            return value
        time.sleep(0.5)
    page.screenshot(ARTIFACTS / "jupyterlab-timeout.png")
    raise TimeoutError(f"{what}; the page shows: {page.evaluate('document.body.innerText')[:2000]}")


NOTEBOOK = "jupyterapp.shell.currentWidget"
CODE_CELLS = f"{NOTEBOOK}.content.widgets.filter(w => w.model.type === 'code')"


def local_only(args: list[str]) -> list[str]:
    """The tests' Chromium resolves no host name; this one may reach 127.0.0.1, and nothing else."""
    rule = "--host-resolver-rules=MAP * ~NOTFOUND"
    assert rule in args
    return [f"{rule}, EXCLUDE 127.0.0.1" if a == rule else a for a in args]


def test_explore_opens_in_jupyterlab_and_runs_every_cell(lab, monkeypatch):
    url, token, root = lab
    real = browser.chromium_args
    monkeypatch.setattr(browser, "chromium_args", lambda *a: local_only(real(*a)))
    cells = json.loads((root / "explore.ipynb").read_text(encoding="utf-8"))["cells"]
    assert (root / "explore.ipynb").read_bytes() == resources.EXPLORE_NOTEBOOK.read_bytes()
    with Browser(chromium_or_skip(), width=1400, height=900, timeout=120) as page:
        # The browser tests run offline; this one talks to its own server on 127.0.0.1.
        page.page("Network.emulateNetworkConditions", offline=False, latency=0, downloadThroughput=-1,
                  uploadThroughput=-1)
        page.page("Page.navigate", url=f"{url}/lab/tree/explore.ipynb?token={token}")
        _wait(page, f"document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length === {len(cells)}",
              STARTUP, f"the notebook's {len(cells)} cells")
        title = _wait(page, "document.querySelector('.jp-NotebookPanel .jp-MarkdownOutput h1')?.textContent",
                      STARTUP, "the notebook's title")
        assert title.startswith("Khám phá dữ liệu / Explore"), page.evaluate("document.body.innerText")[:3000]
        assert page.evaluate("[...document.querySelectorAll('.jp-NotebookPanel .jp-InputArea-editor')]"
                             ".some(e => e.textContent.includes('explore.audit_unit(period'))")
        page.screenshot(ARTIFACTS / "jupyterlab-explore-opened.png")

        _wait(page, f"{NOTEBOOK}.sessionContext.session?.kernel?.status === 'idle'", STARTUP, "the kernel")
        page.evaluate("jupyterapp.commands.execute('notebook:run-all-cells').then(() => true)")
        _wait(page, f"{CODE_CELLS}.every(w => w.model.executionCount !== null) && "
                    f"{NOTEBOOK}.sessionContext.session.kernel.status === 'idle'", RUN_ALL, "every cell run")
        errors = page.evaluate(f"{CODE_CELLS}.flatMap(w => w.model.outputs.toJSON())"
                               ".filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue)")
        assert errors == []
        text = page.evaluate(f"{NOTEBOOK}.content.node.innerText")
        for seen in ("Không đạt", "Chưa có chữ ký số", "Quý I năm 2024", "Quý II năm 2024", "Trường Mầm non số 20",
                     "Toàn huyện"):
            assert seen in text, seen
        images = page.evaluate(f"{NOTEBOOK}.content.node.querySelectorAll('.jp-OutputArea-output img').length")
        assert images == 4  # the periods, the statuses, the pooled figures, the movers
        for number, name in ((0, "periods"), (1, "district")):
            page.evaluate(f"{NOTEBOOK}.content.node.querySelectorAll('.jp-OutputArea-output img')[{number}]"
                          ".scrollIntoView()")
            time.sleep(0.5)
            page.screenshot(ARTIFACTS / f"jupyterlab-explore-{name}.png")

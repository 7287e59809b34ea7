"""A headless Chromium the tests drive over the DevTools protocol, through a pipe (no port, no
network): open a report from disk, record every request it makes, measure elements, take
screenshots, print to PDF.

Debian's `chromium` package (installed by .ci/run) is what CI uses. Without it the browser tests
skip, unless CCHC_AUDIT_REQUIRE_BROWSER is set (as .ci/run sets it once the package is in place):
then a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from cchc_audit.pdf import chromium_args, find_chromium

REQUIRE_ENV = "CCHC_AUDIT_REQUIRE_BROWSER"


def chromium_or_skip() -> str:
    browser = find_chromium()
    if browser is None:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but no Chromium was found (Debian package `chromium`)")
        pytest.skip("Chromium is not installed (Debian package `chromium`; .ci/run installs it)")
    return browser


def tool_or_skip(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but `{name}` was not found (Debian package poppler-utils)")
        pytest.skip(f"`{name}` is not installed (Debian package poppler-utils; .ci/run installs it)")
    return found


class Browser:
    """One headless Chromium, one page. Use as a context manager."""

    def __init__(self, browser: str, width: int = 1366, height: int = 768, timeout: float = 60):
        self.profile = tempfile.mkdtemp(prefix="cchc-test-chromium-")
        self.timeout = timeout
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def pipes_as_3_and_4():  # the protocol pipe: Chromium reads fd 3 and writes fd 4
            read, write = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(read, 3)
            os.dup2(write, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        args = chromium_args(browser, self.profile) + ["--remote-debugging-pipe", "about:blank"]
        self.process = subprocess.Popen(args, preexec_fn=pipes_as_3_and_4, close_fds=False,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.page(f"{domain}.enable")
        # The network is off: anything but file: and data: would fail, and is recorded anyway.
        self.page("Network.emulateNetworkConditions", offline=True, latency=0, downloadThroughput=-1,
                  uploadThroughput=-1)
        self.page("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)

    # -- protocol --
    def _message(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            reply = self._message()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise TimeoutError(method)

    def page(self, method: str, **params) -> dict:
        return self.call(method, self.session, **params)

    # -- what the tests use --
    def open(self, path: Path) -> None:
        self.events.clear()
        self.page("Page.navigate", url=Path(path).resolve().as_uri())
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"loading {path}")
            self.events.append(self._message())

    def requests(self) -> list[str]:
        """Every URL the page asked for since it was opened (the page itself included)."""
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def evaluate(self, expression: str):
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        params = {"format": "png"}
        if full_page:
            width, height = self.evaluate("[document.documentElement.scrollWidth, "
                                          "document.documentElement.scrollHeight]")
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": width, "height": min(height, 16000), "scale": 1})
        Path(path).write_bytes(base64.b64decode(self.page("Page.captureScreenshot", **params)["data"]))
        return Path(path)

    def close(self) -> None:
        try:  # Chromium's helpers (zygote, GPU, network service) share its process group
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        finally:
            for fd in (self._to_child, self._from_child):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

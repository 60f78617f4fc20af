"""Print an HTML page to PDF with headless Chromium (Debian's chromium, never a downloaded one).

The page is printed with JavaScript switched off. Chromium's `--print-to-pdf` switch needs
script to print at all, so the page is loaded and printed over the DevTools protocol on a
pipe (`--remote-debugging-pipe`: NUL-separated JSON on the child's fds 3 and 4), with
`Emulation.setScriptExecutionDisabled` set before the page is opened.
"""
from __future__ import annotations

import base64
import json
import os
import pathlib
import select
import shutil
import signal
import tempfile
import time
from typing import Any

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--disable-extensions", "--remote-debugging-pipe",
]
# A report is inert (report_sanitizer); printing it runs no script either.
PRINT_OPTIONS = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}


class PdfError(RuntimeError):
    pass


def chromium_path() -> str:
    explicit = os.environ.get("DISTLAB_CHROMIUM")
    for candidate in ([explicit] if explicit else []) + ["/usr/bin/chromium", "chromium", "chromium-browser"]:
        found = shutil.which(candidate) if not os.path.isabs(candidate) else (candidate if os.path.exists(candidate) else None)
        if found:
            return found
    raise PdfError("Chromium was not found: PDF reports need Debian's chromium (apt install chromium), "
                   "or DISTLAB_CHROMIUM set to a Chromium binary. `npm test` installs it.")


class _DevTools:
    """One Chromium over --remote-debugging-pipe; every read is bounded by the deadline."""

    def __init__(self, profile: str, deadline: float) -> None:
        self.deadline = deadline
        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()
        args = [chromium_path(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"]
        self.log = f"{profile}.log"
        # posix_spawn, not fork + preexec: this also runs inside the threaded Jupyter server.
        self.pid = os.posix_spawn(args[0], args, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, to_child, 3), (os.POSIX_SPAWN_DUP2, from_child, 4),
            (os.POSIX_SPAWN_OPEN, 1, self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
            (os.POSIX_SPAWN_DUP2, 1, 2)])
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self.events: list[str] = []  # methods of events that arrived while waiting for a reply

    def _send(self, method: str, params: dict[str, Any], session: str | None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        return self._next_id

    def receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._in], [], [], remaining)[0]:
                raise PdfError(f"Chromium did not finish printing in time{self.log_tail()}")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise PdfError(f"Chromium closed its DevTools pipe before printing{self.log_tail()}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        wanted = self._send(method, params or {}, session)
        while True:
            message = self.receive()
            if message.get("id") == wanted:
                if "error" in message:
                    raise PdfError(f"Chromium refused {method}: {message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message["method"])

    def wait_for(self, event: str) -> None:
        while event not in self.events:
            message = self.receive()
            if "method" in message:
                self.events.append(message["method"])

    def log_tail(self) -> str:
        try:
            return ": " + pathlib.Path(self.log).read_text(errors="replace").strip()[-800:]
        except OSError:
            return ""

    def close(self) -> None:
        """Ask Chromium to quit, wait up to 5 s, then kill it: it never outlives the export."""
        try:
            self._send("Browser.close", {}, None)
        except OSError:
            pass
        exited = False
        for _ in range(50):
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                exited = True
                break
            time.sleep(0.1)
        if not exited:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        for fd in (self._out, self._in):
            os.close(fd)


def html_to_pdf(page: str, timeout_s: int = 120) -> bytes:
    """Render `page` (a self-contained HTML document) with script disabled; return the PDF bytes."""
    with tempfile.TemporaryDirectory(prefix="distlab-pdf-") as tmp:
        source = pathlib.Path(tmp, "report.html")
        source.write_text(page, encoding="utf-8")
        browser = _DevTools(f"{tmp}/profile", time.monotonic() + timeout_s)
        try:
            target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            browser.call("Emulation.setScriptExecutionDisabled", {"value": True}, session)
            browser.call("Page.enable", {}, session)
            browser.call("Page.navigate", {"url": source.as_uri()}, session)
            browser.wait_for("Page.loadEventFired")
            data = browser.call("Page.printToPDF", PRINT_OPTIONS, session).get("data", "")
        finally:
            browser.close()
        pdf = base64.b64decode(data)
        if not pdf.startswith(b"%PDF-"):
            raise PdfError("Chromium did not return a PDF")
        return pdf

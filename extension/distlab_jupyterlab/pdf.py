"""Print an HTML page to PDF with headless Chromium (Debian's chromium, never a downloaded one)."""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tempfile

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
]


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


def html_to_pdf(page: str, timeout_s: int = 120) -> bytes:
    """Render `page` (a self-contained HTML document) and return the PDF bytes."""
    with tempfile.TemporaryDirectory(prefix="distlab-pdf-") as tmp:
        source = pathlib.Path(tmp, "report.html")
        target = pathlib.Path(tmp, "report.pdf")
        source.write_text(page, encoding="utf-8")
        command = [chromium_path(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile",
                   f"--print-to-pdf={target}", source.as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
        if not target.exists() or target.stat().st_size == 0:
            raise PdfError(f"Chromium did not write a PDF (exit {result.returncode}): {result.stderr.strip()[-800:]}")
        return target.read_bytes()

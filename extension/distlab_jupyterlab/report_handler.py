"""/distlab/report: export a notebook as a distlab report (HTML or PDF) saved next to it.

POST {path, format} starts an export and answers at once with its job; GET ?id=JOB tells its
phase (converting, printing, saving), how long it has run, and at the end the saved file or
the error. The lab shows that progress (report-export-menu.ts). One export per notebook and
format runs at a time; exports run one after another on a thread of their own, never on
the server's event loop.
"""
from __future__ import annotations

import asyncio
import base64
import itertools
import json
import posixpath
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import nbformat
from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .exporter import DistlabReportExporter
from .pdf import PdfError, html_to_pdf

FORMATS = ("html", "pdf")
# Chromium and nbconvert each want a core; two exports at once would only slow both.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="distlab-report")
_jobs: dict[str, dict[str, Any]] = {}
_running: dict[tuple[str, str], str] = {}
_lock = threading.Lock()
_ids = itertools.count(1)
_KEEP_FINISHED = 20


def report_path(path: str, fmt: str) -> str:
    """Where the report of `path` goes: beside it, `<stem>.report.html|pdf`."""
    folder, name = posixpath.split(path)
    stem = name[: -len(".ipynb")] if name.endswith(".ipynb") else name
    return posixpath.join(folder, f"{stem}.report.{fmt}")


def _phase(job: dict[str, Any], phase: str) -> None:
    with _lock:
        job["phase"] = phase


def _convert(job: dict[str, Any], nb: nbformat.NotebookNode, name: str) -> tuple[str, bytes | str]:
    """Runs on the export thread: the notebook as saved (no re-execution) to HTML, then PDF."""
    _phase(job, "converting")
    page, _ = DistlabReportExporter().from_notebook_node(nb, resources={"metadata": {"name": name}})
    if job["format"] == "html":
        return "text", page
    _phase(job, "printing")
    return "base64", base64.b64encode(html_to_pdf(page)).decode("ascii")


async def _run(job: dict[str, Any], contents_manager: Any) -> None:
    try:
        model = await ensure_async(contents_manager.get(job["path"], content=True, type="notebook"))
        name = posixpath.splitext(posixpath.basename(job["path"]))[0]
        loop = asyncio.get_running_loop()
        file_format, content = await loop.run_in_executor(_executor, _convert, job, model["content"], name)
        _phase(job, "saving")
        await ensure_async(contents_manager.save({"type": "file", "format": file_format, "content": content}, job["output"]))
        with _lock:
            job.update(phase="done", seconds=round(time.monotonic() - job["started"], 1))
    except (PdfError, web.HTTPError, OSError, ValueError) as error:
        message = error.log_message if isinstance(error, web.HTTPError) and error.log_message else str(error)
        with _lock:
            job.update(phase="failed", error=message or type(error).__name__)
    except Exception as error:  # noqa: BLE001 - any failure is the learner's message, not a dead job
        with _lock:
            job.update(phase="failed", error=f"{type(error).__name__}: {error}")
    finally:
        with _lock:
            _running.pop((job["path"], job["format"]), None)


def _public(job: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "path", "format", "output", "phase", "error", "seconds")
    reply = {k: job[k] for k in keys if k in job}
    reply["elapsed"] = round(time.monotonic() - job["started"], 1)
    return reply


class ReportHandler(APIHandler):
    @web.authenticated
    async def post(self):
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise web.HTTPError(400, "the request body is not JSON") from None
        path = body.get("path") if isinstance(body, dict) else None
        fmt = body.get("format") if isinstance(body, dict) else None
        if not isinstance(path, str) or not path.endswith(".ipynb"):
            raise web.HTTPError(400, f"path must be a notebook path ending in .ipynb, got {path!r}")
        if fmt not in FORMATS:
            raise web.HTTPError(400, f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        path = path.lstrip("/")
        with _lock:
            running = _running.get((path, fmt))
            if running:
                self.set_status(409)
                self.finish(json.dumps({**_public(_jobs[running]), "message": "this report is already being exported"}))
                return
            job_id = str(next(_ids))
            job = {"id": job_id, "path": path, "format": fmt, "output": report_path(path, fmt),
                   "phase": "queued", "started": time.monotonic()}
            _jobs[job_id] = job
            _running[(path, fmt)] = job_id
            for old in [k for k, j in _jobs.items() if j["phase"] in ("done", "failed")][:-_KEEP_FINISHED]:
                del _jobs[old]
        asyncio.get_running_loop().create_task(_run(job, self.contents_manager))
        self.set_status(202)
        self.finish(json.dumps(_public(job)))

    @web.authenticated
    async def get(self):
        job_id = self.get_query_argument("id", "")
        with _lock:
            job = _jobs.get(job_id)
            reply = _public(job) if job else None
        if reply is None:
            raise web.HTTPError(404, f"no report export with id {job_id!r}")
        self.finish(json.dumps(reply))


def setup_report_handler(server_app) -> None:
    web_app = server_app.web_app
    base = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [(url_path_join(base, "distlab", "report"), ReportHandler)])

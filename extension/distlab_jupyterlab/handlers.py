"""REST endpoints of the server extension: /distlab/progress and /distlab/questions.

Every file operation runs on a small thread pool of its own, never on the server's event loop:
a slow disk, a large progress file or a busy lock delays that request only, not the server.
"""
from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .progress import apply_events_with_notices, dismiss_notices, parse_events, read_progress, remove_stale_temp_files, reset_progress, reset_question
from .questions import scan_notebooks

# Two threads: a read can run while a write waits for the file lock (writes are serialised by it).
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="distlab-progress")


async def _off_loop(function: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(_executor, function, *args)


def _save(body: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return apply_events_with_notices(parse_events(body))


class ProgressHandler(APIHandler):
    def _reply(self, questions: dict[str, Any], notices: list[dict[str, Any]]) -> None:
        self.finish(json.dumps({"questions": questions, "notices": notices}))

    @web.authenticated
    async def get(self):
        self._reply(*await _off_loop(read_progress))

    @web.authenticated
    async def post(self):
        body = self.request.body or b""
        try:
            # Its size first (a body over the limit is never parsed), then JSON and events, off the loop.
            questions, notices = await _off_loop(_save, body)
        except ValueError as error:
            raise web.HTTPError(400, str(error)) from None
        self._reply(questions, notices)

    @web.authenticated
    async def delete(self):
        await _off_loop(reset_progress)
        self._reply({}, [])


class QuestionProgressHandler(APIHandler):
    """DELETE /distlab/progress/question?id=ID: the learner reset that one question in the panel."""

    @web.authenticated
    async def delete(self):
        try:
            questions, notices = await _off_loop(reset_question, self.get_query_argument("id", ""))
        except ValueError as error:
            raise web.HTTPError(400, str(error)) from None
        self.finish(json.dumps({"questions": questions, "notices": notices}))


class ProgressNoticesHandler(APIHandler):
    """DELETE: the learner dismissed the notices the panel shows."""

    @web.authenticated
    async def delete(self):
        self.finish(json.dumps(dict(zip(("questions", "notices"), await _off_loop(dismiss_notices)))))


class QuestionsHandler(APIHandler):
    @web.authenticated
    async def get(self):
        root = self.settings.get("server_root_dir") or self.settings.get("root_dir") or "."
        self.finish(json.dumps({"modules": await _off_loop(scan_notebooks, root)}))


def setup_handlers(server_app) -> None:
    web_app = server_app.web_app
    base = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [
        (url_path_join(base, "distlab", "progress"), ProgressHandler),
        (url_path_join(base, "distlab", "progress", "notices"), ProgressNoticesHandler),
        (url_path_join(base, "distlab", "progress", "question"), QuestionProgressHandler),
        (url_path_join(base, "distlab", "questions"), QuestionsHandler),
    ])
    try:
        removed = remove_stale_temp_files()
    except OSError as error:
        server_app.log.warning("distlab: could not clean up temporary progress files: %s", error)
    else:
        if removed:
            server_app.log.info("distlab: removed %d temporary progress files left by a killed writer", len(removed))

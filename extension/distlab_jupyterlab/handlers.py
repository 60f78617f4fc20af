"""REST endpoints of the server extension: /distlab/progress and /distlab/questions."""
from __future__ import annotations

import json

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .progress import apply_events, load_progress, reset_progress
from .questions import scan_notebooks


class ProgressHandler(APIHandler):
    @web.authenticated
    def get(self):
        self.finish(json.dumps({"questions": load_progress()}))

    @web.authenticated
    def post(self):
        try:
            body = json.loads(self.request.body or b"{}")
            events = body.get("events") if isinstance(body, dict) else None
            if not isinstance(events, list):
                raise ValueError("invalid body: expected {\"events\": [...]}")
            questions = apply_events(events)
        except ValueError as error:
            raise web.HTTPError(400, str(error)) from error
        self.finish(json.dumps({"questions": questions}))

    @web.authenticated
    def delete(self):
        reset_progress()
        self.finish(json.dumps({"questions": {}}))


class QuestionsHandler(APIHandler):
    @web.authenticated
    def get(self):
        root = self.settings.get("server_root_dir") or self.settings.get("root_dir") or "."
        self.finish(json.dumps({"modules": scan_notebooks(root)}))


def setup_handlers(server_app) -> None:
    web_app = server_app.web_app
    base = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [
        (url_path_join(base, "distlab", "progress"), ProgressHandler),
        (url_path_join(base, "distlab", "questions"), QuestionsHandler),
    ])

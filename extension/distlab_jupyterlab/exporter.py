"""nbconvert exporters for distlab reports: a self-contained HTML report and its PDF.

The lab exports through /distlab/report (report_handler.py), `npm run report` through
report.py; nbconvert takes the class by name:
`jupyter nbconvert --to distlab_jupyterlab.exporter.DistlabReportExporter NB.ipynb`.
They are not nbconvert entry points, so JupyterLab does not list them twice (pyproject.toml).

The report adds to nbconvert's lab template: a title page (module, date, learner, the seed
of every experiment), a table of contents, foldable code, each question with the learner's
answer state and a score summary, marks on cells that failed, and print rules so that a
page break never cuts a figure. Figures are the kernel-rendered SVGs, as data: images.
The page is made inert by report_sanitizer (allow-list sanitiser, CSP, no inline SVG).
"""
from __future__ import annotations

import copy
import datetime as _dt
import html
import pathlib
import re
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters import Exporter
from traitlets import Bool, Unicode

from .progress import load_progress
from .questions import question_rows, score
from .report_sanitizer import sanitize_page, svg_image

TEMPLATES = pathlib.Path(__file__).parent / "templates"

_HEADING_RE = re.compile(r'<h([1-3]) id="([^"]+)">(.*?)<a class="anchor-link"', re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def failing_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of code cells whose run produced an error (tslab reports errors on stderr)."""
    failed = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.output_type == "error" or (output.output_type == "stream" and output.get("name") == "stderr"):
                failed.append(index)
                break
    return failed


_SEED_RE = re.compile(r"\bseeds? (\d+(?:\s*\.\.\s*\d+)?)")
_MD_HEADING_RE = re.compile(r"^#{1,3}\s+(.+)$", re.MULTILINE)


def experiment_seeds(nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """The seed of each experiment, in notebook order, under the heading of its section.

    An output may declare it in `metadata.distlab.seed`; otherwise it is read from what the
    output shows (every experiment prints or titles its seed: "seed 7", "seeds 1..1000").
    """
    seeds: list[dict[str, Any]] = []
    section = ""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            headings = _MD_HEADING_RE.findall(_text(cell.source))
            section = headings[-1].strip() if headings else section
            continue
        if cell.cell_type != "code":
            continue
        found: list[str] = []
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("distlab", {})
            if isinstance(meta, dict) and "seed" in meta:
                found.append(str(meta["seed"]))
                continue
            text = _text(output.get("text", "")) + _text(output.get("data", {}).get("text/plain", ""))
            found.extend(re.sub(r"\s+", "", m) for m in _SEED_RE.findall(text))
        for seed in dict.fromkeys(found):
            seeds.append({"cell": index, "seed": seed, "title": section})
    return seeds


def module_title(nb: nbformat.NotebookNode, fallback: str) -> tuple[str, str]:
    meta = nb.metadata.get("distlab", {})
    module = str(meta.get("module", ""))
    title = meta.get("title")
    if not title:
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                match = re.search(r"^#\s+(.+)$", _text(cell.source), re.MULTILINE)
                if match:
                    title = match.group(1).strip()
                    break
    return module, title or fallback


def _copy_for_marks(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Copy what the exporter changes (cell metadata, output data), share the rest.

    A deep copy of a notebook full of SVG figures costs more than the export itself.
    """
    def copy_output(output: Any) -> Any:
        fresh = copy.copy(output)
        if "data" in output:
            fresh["data"] = copy.copy(output["data"])
        return fresh

    fresh_nb = copy.copy(nb)
    fresh_nb.cells = []
    for cell in nb.cells:
        fresh = copy.copy(cell)
        fresh["metadata"] = copy.copy(cell.get("metadata", {}))
        if "outputs" in cell:
            fresh["outputs"] = [copy_output(o) for o in cell["outputs"]]
        fresh_nb.cells.append(fresh)
    return fresh_nb


def progress_summary(questions: list[dict[str, Any]]) -> str:
    """How far the learner got, beyond the score: "12 of 18 answered, 2 with hints"."""
    if not questions:
        return ""
    answered = sum(1 for q in questions if q.get("state") not in (None, "unanswered"))
    helped = sum(1 for q in questions if q.get("state") in ("hinted", "revealed"))
    parts = [f"{answered} of {len(questions)} answered"]
    if helped:
        parts.append(f"{helped} with hints or the answer shown")
    return ", ".join(parts)


class DistlabReportExporter(HTMLExporter):
    """Self-contained HTML report of a notebook, with the learner's answers and scores."""

    export_from_notebook = "distlab report"
    learner = Unicode("", help="Learner name shown on the title page.").tag(config=True)
    hide_code = Bool(False, help="Show prose, figures and results only.").tag(config=True)
    progress_file = Unicode("", help="Progress file to read answer states from (default: the server's).").tag(config=True)

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("template_name", "distlab_report")
        kw.setdefault("extra_template_basedirs", [str(TEMPLATES)])
        super().__init__(**kw)

    def default_filters(self):
        yield from super().default_filters()
        yield ("svg_image", svg_image)

    def from_notebook_node(self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any):
        nb = _copy_for_marks(nb)
        resources = dict(resources or {})
        name = resources.get("metadata", {}).get("name") or "notebook"
        module, title = module_title(nb, name)
        failed = failing_cells(nb)
        questions = question_rows(nb, load_progress(self.progress_file or None))
        resources["distlab"] = {
            "module": module,
            "title": title,
            "date": _dt.date.today().isoformat(),
            "learner": self.learner,
            "seeds": experiment_seeds(nb),
            "failed_cells": failed,
            "questions": questions,
            "score": score(questions),
            "progress": progress_summary(questions),
            "hide_code": self.hide_code,
        }
        # Per-cell marks the template reads (on this copy only; the notebook is untouched).
        for index in failed:
            nb.cells[index].metadata["distlab_report"] = {"failed": True}
        for question in questions:
            nb.cells[question["cell"]].metadata["distlab_report"] = {"question": question}
        if self.hide_code:
            self.exclude_input = True
            self.exclude_input_prompt = True
            self.exclude_output_prompt = True
        output, resources = super().from_notebook_node(nb, resources, **kw)
        # Last, over the whole body: whatever a notebook or a template block put there.
        return sanitize_page(insert_toc(keep_words_whole(output))), resources


_PRE_RE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.DOTALL)
_TAG_SPLIT_RE = re.compile(r"(<[^>]+>)")
_HYPHENATED_RE = re.compile(r"[^\s<>]*[\w'\"]-[^\s<>]*|--[\w][^\s<>]*")
_NOWRAP_MAX = 48


def keep_words_whole(page: str) -> str:
    """Code and console output wrap at spaces only: a browser also breaks after a hyphen
    ('kube-|scheduler', '--replicas=|6'), so each short hyphenated word is kept on one line."""
    def words(text: str) -> str:
        return _HYPHENATED_RE.sub(
            lambda m: f'<span class="distlab-nowrap">{m.group(0)}</span>' if len(m.group(0)) <= _NOWRAP_MAX else m.group(0), text)

    def pre(match: re.Match[str]) -> str:
        parts = _TAG_SPLIT_RE.split(match.group(2))
        return match.group(1) + "".join(p if p.startswith("<") else words(p) for p in parts) + match.group(3)

    return _PRE_RE.sub(pre, page)


def insert_toc(page: str) -> str:
    """Fill the table of contents from the headings nbconvert rendered (with their anchors)."""
    items = []
    for level, anchor, inner in _HEADING_RE.findall(page):
        label = html.unescape(_TAG_RE.sub("", inner)).strip()
        items.append(f'<li class="distlab-toc-h{level}"><a href="#{anchor}">{html.escape(label)}</a></li>')
    return page.replace("<!-- distlab:toc -->", "\n".join(items), 1)


class DistlabReportPdfExporter(Exporter):
    """The same report printed to PDF by headless Chromium (Debian's chromium)."""

    export_from_notebook = "distlab report (PDF)"
    output_mimetype = "application/pdf"
    learner = Unicode("", help="Learner name shown on the title page.").tag(config=True)
    hide_code = Bool(False, help="Show prose, figures and results only.").tag(config=True)

    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any):
        from .pdf import html_to_pdf

        html_exporter = DistlabReportExporter(parent=self, learner=self.learner, hide_code=self.hide_code)
        page, resources = html_exporter.from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".pdf"
        return html_to_pdf(page), resources

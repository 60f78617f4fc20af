"""The questions in notebooks, read from their markdown cells' ``metadata.distlab``.

Public API (for the lab's question list and for the report):

- ``questions_in(nb) -> list[dict]``: ``{"id", "kind", "title", "cell", "exercise"?}`` per
  question cell, in notebook order; ``nb`` is an nbformat node or a plain dict.
- ``question_rows(nb, progress) -> list[dict]``: the same with the learner's ``state``,
  ``attempts`` and ``hints`` (progress from ``progress.load_progress()``).
  A ``response`` row also carries the learner's ``response`` (text, or table rows) and its
  ``columns``; a ``checklist`` row carries ``items`` with ``ticked``/``auto``/``manual``.
- ``score(rows) -> {"correct", "total"}``: graded questions only (not responses, checklists).
- ``scan_notebooks(root) -> list[dict]``: every notebook under ``root`` with its questions.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .progress import STATES, response_text

METADATA_KEY = "distlab"
UNGRADED_KINDS = ("response", "checklist")


def progress_key(question: dict[str, Any]) -> str:
    """Where a question's record lives in the progress file: code exercises record by exercise id."""
    if question.get("kind") == "code" and question.get("exercise"):
        return f"exercise:{question['exercise']}"
    return question["id"]


def questions_in(nb: Any) -> list[dict[str, Any]]:
    found = []
    for index, cell in enumerate(nb.get("cells", []) if isinstance(nb, dict) else nb.cells):
        if cell.get("cell_type") != "markdown":
            continue
        meta = cell.get("metadata", {}).get(METADATA_KEY)
        question = meta.get("question") if isinstance(meta, dict) else None
        if not isinstance(question, dict) or not isinstance(question.get("id"), str):
            continue
        entry = {"id": question["id"], "kind": question.get("kind", ""), "title": question.get("title") or question["id"], "cell": index}
        if isinstance(question.get("exercise"), str):
            entry["exercise"] = question["exercise"]
        if entry["kind"] == "response" and isinstance(question.get("columns"), list):
            entry["columns"] = [{"id": c["id"], "label": c.get("label", c["id"])} for c in question["columns"] if isinstance(c, dict) and isinstance(c.get("id"), str)]
        if entry["kind"] == "checklist" and isinstance(question.get("items"), list):
            entry["items"] = [{"id": i["id"], "label": i.get("label", i["id"]), "questions": [q for q in i.get("questions", []) if isinstance(q, str)]}
                              for i in question["items"] if isinstance(i, dict) and isinstance(i.get("id"), str)]
        found.append(entry)
    return found


def question_rows(nb: Any, progress: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for question in questions_in(nb):
        record = progress.get(progress_key(question), {}) if isinstance(progress, dict) else {}
        record = record if isinstance(record, dict) else {}
        state = record.get("state", "unanswered")
        row = {**question, "state": state if state in STATES else "unanswered",
               "attempts": int(record.get("attempts", 0)), "hints": int(record.get("hints", 0))}
        if question["kind"] == "response":
            row["response"] = record.get("response") if response_text(record.get("response")) else None
        if question["kind"] == "checklist":
            row["manual"] = [t for t in record.get("ticked", []) if isinstance(t, str)]
        rows.append(row)
    # Checklist items tick from the states of the questions they name (same notebook).
    states = {r["id"]: r["state"] for r in rows}
    for row in rows:
        if row["kind"] == "checklist":
            manual = row.pop("manual")
            row["items"] = [checklist_item(item, states, manual) for item in row.get("items", [])]
    return rows


def checklist_item(item: dict[str, Any], states: dict[str, str], manual: list[str]) -> dict[str, Any]:
    """Same rule as the lab (extension/src/answers/responses.ts): all its questions correct or answered."""
    questions = item.get("questions", [])
    auto = bool(questions) and all(states.get(q) in ("correct", "answered") for q in questions)
    by_hand = item["id"] in manual
    return {**item, "auto": auto, "manual": by_hand, "ticked": auto or by_hand}


def score(rows: list[dict[str, Any]]) -> dict[str, int]:
    graded = [r for r in rows if r.get("kind") not in UNGRADED_KINDS]
    return {"correct": sum(1 for r in graded if r.get("state") == "correct"), "total": len(graded)}


def _module_title(nb: dict[str, Any], fallback: str) -> str:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            for line in source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def scan_notebooks(root: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every .ipynb under root (hidden folders and checkpoints skipped), sorted by path."""
    root = Path(root)
    modules = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        for name in sorted(filenames):
            if not name.endswith(".ipynb"):
                continue
            path = Path(dirpath) / name
            relative = path.relative_to(root).as_posix()
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            questions = questions_in(nb)
            if questions:
                modules.append({"path": relative, "title": _module_title(nb, relative), "questions": questions})
    modules.sort(key=lambda m: m["path"])
    return modules

"""The questions of a notebook and the learner's answer state, for reports."""
from __future__ import annotations

from typing import Any

STATES = ("unanswered", "correct", "incorrect", "hinted", "revealed")


def _progress(progress_file: str | None) -> dict[str, Any]:
    try:
        from . import progress  # written by the progress server extension
    except ImportError:
        return {}
    return progress.load_progress(progress_file) if progress_file else progress.load_progress()


def question_states(nb: Any, progress_file: str | None = None) -> list[dict[str, Any]]:
    """One entry per question cell: its id, prompt, and the learner's state."""
    records = _progress(progress_file)
    found = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("distlab", {})
        question = meta.get("question") if isinstance(meta, dict) else None
        if not isinstance(question, dict) or "id" not in question:
            continue
        record = records.get(question["id"], {}) if isinstance(records, dict) else {}
        state = record.get("state", "unanswered") if isinstance(record, dict) else "unanswered"
        found.append({
            "cell": index,
            "id": question["id"],
            "kind": question.get("kind", ""),
            "state": state if state in STATES else "unanswered",
            "attempts": record.get("attempts", 0) if isinstance(record, dict) else 0,
        })
    return found


def score(questions: list[dict[str, Any]]) -> dict[str, int]:
    correct = sum(1 for q in questions if q["state"] == "correct")
    return {"correct": correct, "total": len(questions)}

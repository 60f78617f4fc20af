"""A learner's progress on the course questions, one JSON file per user.

Stored at ``jupyter_data_dir()/distlab/progress.json`` (it follows JUPYTER_DATA_DIR).
Writers send *events* (an attempt, a hint, a give-up, an exercise result) that are merged
into the file under a lock and written with an atomic replace, so concurrent saves from
several tabs or servers never lose an update.

Public API (used by the lab's REST handler and by the report):

- ``load_progress(path=None) -> dict[str, dict]``: question id -> record with
  ``state`` (one of STATES), ``attempts``, ``hints``, ``correct``, ``revealed``, ``updated``.
- ``apply_events(events, path=None) -> dict[str, dict]``: merge events, return all records.
- ``reset_progress(path=None)``: forget everything (an explicit learner action).

Free responses (kind ``response``) are stored in the record as ``response``: the text, or a
table's rows (a list of {column id: text}); their state is ``answered`` or ``unanswered``.
A checklist's hand-ticked items are kept as ``ticked`` (a list of item ids).
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

STATES = ("unanswered", "correct", "incorrect", "hinted", "revealed", "answered")
EVENT_TYPES = ("attempt", "hint", "giveup", "exercise", "response", "tick")
# Text of one response (every cell of a table), in UTF-8 bytes; the lab says the same limit.
MAX_RESPONSE_BYTES = 20_000
MAX_RESPONSE_ROWS = 100
MAX_RESPONSE_COLUMNS = 12
FILE_VERSION = 1

_lock = threading.Lock()


def progress_path() -> Path:
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "distlab" / "progress.json"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as error:
        raise ValueError(f"progress file {path} is not valid JSON: {error}") from error
    questions = data.get("questions", {}) if isinstance(data, dict) else {}
    return questions if isinstance(questions, dict) else {}


def load_progress(path: str | os.PathLike[str] | None = None) -> dict[str, dict[str, Any]]:
    """Question id -> record. Missing file: no progress yet ({})."""
    return _read(Path(path) if path is not None else progress_path())


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, open(path.with_suffix(".lock"), "a+") as lock_file:
        try:
            import fcntl

            fcntl.flock(lock_file, fcntl.LOCK_EX)
        except ImportError:  # Windows: the in-process lock still serialises one server
            pass
        yield


def _write(path: Path, questions: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".json", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"version": FILE_VERSION, "questions": questions}, out, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def response_text(value: Any) -> list[str]:
    """Every text a stored response holds (one for a text area, each cell for a table)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [cell for row in value if isinstance(row, dict) for cell in row.values() if isinstance(cell, str)]
    return []


def _has_response(record: dict[str, Any]) -> bool:
    return any(text.strip() for text in response_text(record.get("response")))


def _check_response(value: Any) -> Any:
    if isinstance(value, list):
        if len(value) > MAX_RESPONSE_ROWS:
            raise ValueError(f"response too long: {len(value)} rows (limit {MAX_RESPONSE_ROWS})")
        for row in value:
            if not isinstance(row, dict) or len(row) > MAX_RESPONSE_COLUMNS or not all(
                    isinstance(k, str) and len(k) <= 80 and isinstance(v, str) for k, v in row.items()):
                raise ValueError("invalid response: a table row must map column ids to text")
    elif not isinstance(value, str):
        raise ValueError("invalid response: expected text or a list of table rows")
    size = sum(len(text.encode("utf-8")) for text in response_text(value))
    if size > MAX_RESPONSE_BYTES:
        raise ValueError(f"response too long: {size} bytes (limit {MAX_RESPONSE_BYTES} bytes, about 20 kB); shorten it to save")
    return value


def state_of(record: dict[str, Any]) -> str:
    if "response" in record or "ticked" in record:
        # Not graded: a response is answered or not (a checklist, once anything is ticked by hand).
        return "answered" if _has_response(record) or record.get("ticked") else "unanswered"
    if record.get("correct"):
        return "correct"
    if record.get("revealed"):
        return "revealed"
    if record.get("attempts", 0) > 0:
        return "incorrect"
    if record.get("hints", 0) > 0:
        return "hinted"
    return "unanswered"


def _check_event(event: Any) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise ValueError(f"invalid event: {event!r} (expected an object)")
    qid = event.get("id")
    if not isinstance(qid, str) or not qid or len(qid) > 120:
        raise ValueError(f"invalid event id: {qid!r} (expected a question id)")
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        raise ValueError(f"invalid event type: {kind!r} (expected one of {', '.join(EVENT_TYPES)})")
    if kind == "response":
        _check_response(event.get("response"))
    if kind == "tick" and (not isinstance(event.get("item"), str) or not event["item"] or len(event["item"]) > 80):
        raise ValueError(f"invalid tick: item {event.get('item')!r} (expected a checklist item id)")
    return event


def apply_events(events: Iterable[Any], path: str | os.PathLike[str] | None = None) -> dict[str, dict[str, Any]]:
    """Merge events into the stored progress (read-modify-write under a lock)."""
    checked = [_check_event(e) for e in events]
    target = Path(path) if path is not None else progress_path()
    with _locked(target):
        questions = _read(target)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for event in checked:
            record = questions.setdefault(event["id"], {"attempts": 0, "hints": 0, "correct": False, "revealed": False})
            kind = event["type"]
            if kind == "attempt":
                record["attempts"] = record.get("attempts", 0) + 1
                record["correct"] = bool(record.get("correct")) or bool(event.get("correct"))
                record["lastCorrect"] = bool(event.get("correct"))
            elif kind == "hint":
                record["hints"] = max(record.get("hints", 0), int(event.get("hint", 1)))
            elif kind == "giveup":
                record["revealed"] = True
            elif kind == "response":
                record["response"] = event["response"]
            elif kind == "tick":
                ticked = [t for t in record.get("ticked", []) if t != event["item"]]
                record["ticked"] = ticked + [event["item"]] if event.get("ticked", True) else ticked
            elif kind == "exercise":
                # The same check output re-rendered (a reload) is one attempt, not two.
                result = str(event.get("result", ""))
                if result and result == record.get("lastResult"):
                    continue
                record["lastResult"] = result
                record["attempts"] = record.get("attempts", 0) + 1
                record["correct"] = bool(record.get("correct")) or bool(event.get("correct"))
                record["lastCorrect"] = bool(event.get("correct"))
                if event.get("seed") is not None:
                    record["lastSeed"] = event.get("seed")
            record["state"] = state_of(record)
            record["updated"] = now
        _write(target, questions)
        return questions


def reset_progress(path: str | os.PathLike[str] | None = None) -> None:
    target = Path(path) if path is not None else progress_path()
    with _locked(target):
        _write(target, {})

"""A learner's progress on the course questions, one JSON file per user.

Stored at ``jupyter_data_dir()/distlab/progress.json`` (it follows JUPYTER_DATA_DIR).
Writers send *events* (an attempt, a hint, a give-up, an exercise result) that are merged
into the file under a lock and written with an atomic replace, so concurrent saves from
several tabs or servers never lose an update.

Public API (used by the lab's REST handler and by the report):

- ``load_progress(path=None) -> dict[str, dict]``: question id -> record with
  ``state`` (one of STATES), ``attempts``, ``hints``, ``correct``, ``revealed``, ``updated``.
- ``read_progress(path=None) -> (questions, notices)``: the same, and the notices the learner
  has not dismissed yet (a damaged file recovered: what happened, where the old file is).
- ``apply_events(events, path=None) -> dict[str, dict]``: merge events, return all records.
- ``reset_progress(path=None)``: forget everything (an explicit learner action).
- ``parse_events(body: bytes) -> list``: a request body, checked (size, UTF-8, JSON depth).

Free responses (kind ``response``) are stored in the record as ``response``: the text, or a
table's rows (a list of {column id: text}); their state is ``answered`` or ``unanswered``.
A checklist's hand-ticked items are kept as ``ticked`` (a list of item ids).
A checked question keeps the ``answer`` of its last attempt (the right one, once given), so the lab
can show it after a reload; the lab displays it as input values only, never as markup.

Everything is bounded, and anything else is refused with a ValueError (a 400 with its message):
a request body (MAX_BODY_BYTES, MAX_EVENTS), every field of an event (types and ranges below),
the number of question ids the file keeps (MAX_QUESTIONS) and the file (MAX_FILE_BYTES).

A damaged file (not UTF-8, not JSON, or JSON of another shape) is never read as empty: it is
set aside as ``progress.damaged-<UTC time>.json``, progress comes back from the last good copy
(``progress.json.bak``, the file as it was before the latest save) or, without one, from the
readable records of the damaged file, and a notice says so until the learner dismisses it.
Temporary files of a writer that was killed (``.progress-*``) are removed by the next writer.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import tempfile
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

STATES = ("unanswered", "correct", "incorrect", "hinted", "revealed", "answered")
EVENT_TYPES = ("attempt", "hint", "giveup", "exercise", "response", "tick")
# Text of one response (every cell of a table), in UTF-8 bytes; the lab says the same limit.
MAX_RESPONSE_BYTES = 20_000
MAX_RESPONSE_ROWS = 100
MAX_RESPONSE_COLUMNS = 12
# The answer of a checked question kept with its record (so a reload shows it): typed text, option
# ids, or item -> category; the lab (answers/answer-store.ts) says the same limits.
MAX_ANSWER_CHARS = 500
MAX_ANSWER_PARTS = 100
# One request: its body, and the events in it.
MAX_BODY_BYTES = 256 * 1024
MAX_EVENTS = 200
# The file: question ids it keeps (a course has a few dozen), and its size (about 100 full responses).
MAX_QUESTIONS = 1000
MAX_FILE_BYTES = 2_000_000
# A file larger than this is not read at all (it is damage: set aside, recovered from the copy).
MAX_READ_BYTES = 64_000_000
# Fields of an event and of a record.
MAX_HINT = 50
MAX_COUNT = 1_000_000
MAX_TICKED = 100
MAX_SEED = 2**53 - 1  # a safe integer in JavaScript
MAX_NOTICES = 10
MAX_NOTICE_CHARS = 4000
ID_PATTERN = re.compile(r"^(?:exercise:)?[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$")
ITEM_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
RESULT_PATTERN = re.compile(r"^[0-9a-f]{0,64}$")
FILE_VERSION = 1
TEMP_PREFIX = ".progress-"
STALE_TEMP_SECONDS = 60

_lock = threading.Lock()


class Damage(Exception):
    """The progress file cannot be read as progress; the message says why."""


def progress_path() -> Path:
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "distlab" / "progress.json"


def _target(path: str | os.PathLike[str] | None) -> Path:
    return Path(path) if path is not None else progress_path()


def _backup_path(target: Path) -> Path:
    return target.with_name(target.name + ".bak")


def _show(value: Any) -> str:
    """A value in an error message: short, and in JSON's words (null, true, a list)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "a number out of range" if not math.isnan(value) else "NaN"
    if isinstance(value, (int, float)):
        text = repr(value)
        return text if len(text) <= 40 else f"a number of {len(text)} digits"
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else f"{value[:40]!r}… ({len(value)} characters)"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


# --- reading JSON safely -------------------------------------------------------------------------

def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _loads(raw: bytes, what: str) -> Any:
    """UTF-8 JSON text, strictly: no NaN/Infinity, no nesting deep enough to exhaust the stack."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{what} is not UTF-8 text (byte {error.start})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError(f"{what} is JSON nested too deeply") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{what} is not valid JSON ({error.msg}: line {error.lineno}, column {error.colno})") from None
    except ValueError as error:
        raise ValueError(f"{what} is not valid JSON ({error})") from None


def parse_events(body: bytes) -> list[Any]:
    """The events of a POST body ``{"events": [...]}``; ValueError (a 400) for anything else."""
    if len(body) > MAX_BODY_BYTES:
        raise ValueError(f"request body too large: {len(body)} bytes (limit {MAX_BODY_BYTES} bytes)")
    try:
        data = _loads(body or b"{}", "the body")
    except ValueError as error:
        raise ValueError(f"invalid body: {error}") from None
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        raise ValueError('invalid body: expected {"events": [...]}')
    if len(events) > MAX_EVENTS:
        raise ValueError(f"too many events: {len(events)} in one request (limit {MAX_EVENTS})")
    return events


# --- fields ----------------------------------------------------------------------------------------

def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) and ID_PATTERN.match(value) is not None


def _valid_item(value: Any) -> bool:
    return isinstance(value, str) and ITEM_PATTERN.match(value) is not None


def _valid_seed(value: Any) -> bool:
    return _is_int(value) and -MAX_SEED <= value <= MAX_SEED


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


def _valid_answer_part(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= MAX_ANSWER_CHARS


def _valid_answer(value: Any) -> bool:
    """An attempt's answer: text, a list of option ids, or item id -> category id, all short."""
    if isinstance(value, list):
        return len(value) <= MAX_ANSWER_PARTS and all(_valid_item(v) for v in value)
    if isinstance(value, dict):
        return len(value) <= MAX_ANSWER_PARTS and all(_valid_item(k) and (v == "" or _valid_item(v)) for k, v in value.items())
    return _valid_answer_part(value)


def _valid_response(value: Any) -> bool:
    try:
        _check_response(value)
        return True
    except ValueError:
        return False


# What a stored record may hold, field by field.
RECORD_FIELDS = {
    "state": lambda v: v in STATES,
    "attempts": lambda v: _is_int(v) and 0 <= v <= MAX_COUNT,
    "hints": lambda v: _is_int(v) and 0 <= v <= MAX_HINT,
    "correct": lambda v: isinstance(v, bool),
    "revealed": lambda v: isinstance(v, bool),
    "lastCorrect": lambda v: isinstance(v, bool),
    "lastResult": lambda v: isinstance(v, str) and RESULT_PATTERN.match(v) is not None,
    "lastSeed": _valid_seed,
    "answer": _valid_answer,
    "response": _valid_response,
    "ticked": lambda v: isinstance(v, list) and len(v) <= MAX_TICKED and all(_valid_item(t) for t in v),
    "updated": lambda v: isinstance(v, str) and len(v) <= 40,
}
NOTICE_FIELDS = ("id", "at", "message", "damagedFile")


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


def _check_bool(event: dict[str, Any], name: str, required: bool) -> None:
    if name not in event and not required:
        return
    value = event.get(name)
    if not isinstance(value, bool):
        raise ValueError(f"invalid {name}: {_show(value)} (expected true or false)")


def _check_event(event: Any) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise ValueError(f"invalid event: {_show(event)} (expected an object)")
    qid = event.get("id")
    if not _valid_id(qid):
        raise ValueError(f"invalid event id: {_show(qid)} (expected a question id: letters, digits, '-', '_' or '.', at most 120)")
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        raise ValueError(f"invalid event type: {_show(kind)} (expected one of {', '.join(EVENT_TYPES)})")
    if kind == "attempt":
        _check_bool(event, "correct", required=True)
        if "answer" in event and not _valid_answer(event["answer"]):
            raise ValueError(f"invalid answer: {_show(event['answer'])} (expected text of at most {MAX_ANSWER_CHARS} characters, "
                             f"or at most {MAX_ANSWER_PARTS} option or item ids)")
    elif kind == "hint":
        hint = event.get("hint", 1)
        if not _is_int(hint) or not 1 <= hint <= MAX_HINT:
            raise ValueError(f"invalid hint: {_show(hint)} (expected a whole number from 1 to {MAX_HINT})")
    elif kind == "exercise":
        _check_bool(event, "correct", required=True)
        seed = event.get("seed")
        if seed is not None and not _valid_seed(seed):
            raise ValueError(f"invalid seed: {_show(seed)} (expected null or a whole number of at most {MAX_SEED})")
        result = event.get("result", "")
        if not isinstance(result, str) or RESULT_PATTERN.match(result) is None:
            raise ValueError(f"invalid result: {_show(result)} (expected a hex digest of at most 64 digits)")
    elif kind == "response":
        _check_response(event.get("response"))
    elif kind == "tick":
        if not _valid_item(event.get("item")):
            raise ValueError(f"invalid tick: item {_show(event.get('item'))} (expected a checklist item id of at most 80 characters)")
        _check_bool(event, "ticked", required=False)
    return event


def check_events(events: Iterable[Any]) -> list[dict[str, Any]]:
    checked = []
    for event in events:
        if len(checked) >= MAX_EVENTS:
            raise ValueError(f"too many events in one request (limit {MAX_EVENTS})")
        checked.append(_check_event(event))
    return checked


# --- the file --------------------------------------------------------------------------------------

def _decode(raw: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Questions and notices of a file's bytes, or Damage saying what is wrong with them."""
    if len(raw) > MAX_READ_BYTES:
        raise Damage(f"it is {len(raw)} bytes, more than the {MAX_READ_BYTES} a progress file can be")
    try:
        data = _loads(raw, "it")
    except ValueError as error:
        raise Damage(str(error)) from None
    if not isinstance(data, dict):
        raise Damage(f"it holds {_show(data)}, not an object with questions")
    if data.get("version") != FILE_VERSION:
        raise Damage(f"its version is {_show(data.get('version'))}, not {FILE_VERSION}")
    questions = data.get("questions")
    if not isinstance(questions, dict):
        raise Damage(f"its questions are {_show(questions)}, not an object")
    for qid, record in questions.items():
        if not _valid_id(qid):
            raise Damage(f"it holds a question id that is not one: {_show(qid)}")
        if not isinstance(record, dict):
            raise Damage(f"the record of {qid!r} is {_show(record)}, not an object")
        for name, value in record.items():
            valid = RECORD_FIELDS.get(name)
            if valid is None:
                raise Damage(f"the record of {qid!r} has an unknown field {_show(name)}")
            if not valid(value):
                raise Damage(f"the record of {qid!r} has {name} = {_show(value)}")
    notices = data.get("notices", [])
    if not isinstance(notices, list) or len(notices) > MAX_NOTICES or not all(_valid_notice(n) for n in notices):
        raise Damage("its notices are not a short list of messages")
    unknown = set(data) - {"version", "questions", "notices"}
    if unknown:
        raise Damage(f"it has an unknown field {_show(sorted(unknown)[0])}")
    return questions, notices


def _valid_notice(notice: Any) -> bool:
    return (isinstance(notice, dict) and set(notice) <= set(NOTICE_FIELDS)
            and all(isinstance(notice.get(k), str) and len(notice[k]) <= MAX_NOTICE_CHARS for k in ("id", "at", "message"))
            and (notice.get("damagedFile") is None or isinstance(notice["damagedFile"], str)))


def _salvage(raw: bytes) -> tuple[dict[str, Any], int]:
    """The readable records of a damaged file (field by field), and how many fields were left out."""
    try:
        data = _loads(raw[:MAX_READ_BYTES], "it")
    except ValueError:
        return {}, 0
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, dict):
        return {}, 0
    kept: dict[str, Any] = {}
    left_out = 0
    for qid, record in questions.items():
        if not _valid_id(qid) or not isinstance(record, dict) or len(kept) >= MAX_QUESTIONS:
            left_out += 1
            continue
        clean = {name: value for name, value in record.items() if name in RECORD_FIELDS and RECORD_FIELDS[name](value)}
        left_out += len(record) - len(clean)
        if clean:
            clean["state"] = state_of(clean)
            kept[qid] = clean
    return kept, left_out


def _read_bytes(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as source:
            return source.read(MAX_READ_BYTES + 1)
    except FileNotFoundError:
        return None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[bool]:
    """The in-process lock and an flock on progress.lock; yields whether the flock is real."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, open(path.with_suffix(".lock"), "a+") as lock_file:
        try:
            import fcntl

            fcntl.flock(lock_file, fcntl.LOCK_EX)
            real = True
        except ImportError:  # Windows: the in-process lock still serialises one server
            real = False
        yield real


def _remove_stale_temp_files(folder: Path, exclusive: bool) -> list[str]:
    """Temporary files of writers that were killed. Writers make them only while they hold the
    file lock, so under that lock every one is stale; without it, only those over a minute old."""
    removed = []
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return removed
    now = datetime.now().timestamp()
    for name in names:
        if not name.startswith(TEMP_PREFIX):
            continue
        candidate = folder / name
        try:
            if exclusive or now - candidate.stat().st_mtime > STALE_TEMP_SECONDS:
                candidate.unlink()
                removed.append(name)
        except FileNotFoundError:
            pass
    return removed


def remove_stale_temp_files(path: str | os.PathLike[str] | None = None) -> list[str]:
    """At server start: clean up after killed writers, without waiting for a busy lock."""
    target = _target(path)
    if not target.parent.is_dir():
        return []
    with _lock, open(target.with_suffix(".lock"), "a+") as lock_file:
        try:
            import fcntl

            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:
            return _remove_stale_temp_files(target.parent, exclusive=False)
        except OSError:  # another writer holds it; it cleans up itself
            return []
        return _remove_stale_temp_files(target.parent, exclusive=True)


def _encode(questions: dict[str, Any], notices: list[dict[str, Any]]) -> bytes:
    return json.dumps({"version": FILE_VERSION, "questions": questions, "notices": notices},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write(path: Path, data: bytes, backup: bool) -> None:
    """Atomic replace. With ``backup`` (the current file was read and is good), the current file
    first becomes progress.json.bak: a hard link to it, so no copy and no window without one."""
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if backup and path.exists():
            spare = path.parent / f"{TEMP_PREFIX}bak-{uuid.uuid4().hex}.json"
            try:
                os.link(path, spare)
            except OSError:  # a file system without hard links
                shutil.copyfile(path, spare)
            os.replace(spare, _backup_path(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(path.parent)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _set_aside(path: Path) -> Path:
    stamp = _now().strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        aside = path.with_name(f"{path.stem}.damaged-{stamp}{'' if n == 1 else f'-{n}'}.json")
        if not aside.exists():
            os.replace(path, aside)
            return aside
    raise OSError(f"cannot set {path} aside: too many damaged copies named {path.stem}.damaged-{stamp}-*.json")


def _recover(target: Path, raw: bytes | None, reason: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Under the lock: set the damaged file aside, get progress back, write it, add a notice."""
    aside = _set_aside(target) if raw is not None else None
    backup = _backup_path(target)
    questions: dict[str, Any] = {}
    notices: list[dict[str, Any]] = []
    recovered = None
    backup_raw = _read_bytes(backup)
    if backup_raw is not None:
        try:
            questions, notices = _decode(backup_raw)
            saved = datetime.fromtimestamp(backup.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
            recovered = (f"Your progress was restored from the last good copy ({backup}, saved {saved}); "
                         "a save made after that copy is only in the set-aside file.")
        except Damage:
            pass
    if recovered is None and raw is not None:
        questions, left_out = _salvage(raw)
        if questions:
            recovered = (f"No good earlier copy was found; {len(questions)} question records were read from it"
                         + (f" and {left_out} unreadable fields left out (they are still in the set-aside file)." if left_out else "."))
    if recovered is None:
        recovered = "No good earlier copy was found, so your progress list starts empty; what you had is only in the set-aside file."
    what = (f"Your progress file {target} could not be read ({reason}). It was set aside, unchanged, as {aside}. "
            if aside is not None else f"Your progress file {target} was missing. ")
    notice = {"id": uuid.uuid4().hex, "at": _now().isoformat(timespec="seconds"), "message": (what + recovered)[:MAX_NOTICE_CHARS],
              "damagedFile": str(aside) if aside is not None else None}
    notices = (notices + [notice])[-MAX_NOTICES:]
    _write(target, _encode(questions, notices), backup=False)
    return questions, notices


def _read_locked(target: Path) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """Under the lock: questions, notices, and whether the file on disk is good (may be backed up)."""
    raw = _read_bytes(target)
    if raw is None:
        if _backup_path(target).exists():
            questions, notices = _recover(target, None, "missing")
            return questions, notices, True
        return {}, [], False
    try:
        questions, notices = _decode(raw)
        return questions, notices, True
    except Damage as damage:
        questions, notices = _recover(target, raw, str(damage))
        return questions, notices, True


def read_progress(path: str | os.PathLike[str] | None = None) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Questions and notices. A damaged file is recovered (see the module's doc) before it returns."""
    target = _target(path)
    raw = _read_bytes(target)
    if raw is not None:
        try:
            return _decode(raw)
        except Damage:
            pass
    elif not _backup_path(target).exists():
        return {}, []
    with _locked(target) as exclusive:
        _remove_stale_temp_files(target.parent, exclusive)
        questions, notices, _ = _read_locked(target)
        return questions, notices


def load_progress(path: str | os.PathLike[str] | None = None) -> dict[str, dict[str, Any]]:
    """Question id -> record. Missing file: no progress yet ({}). It only reads (the report may be
    given someone else's file): a damaged file reads as its last good copy, or else as its readable
    records; the lab's server repairs it, and tells the learner, the next time it reads it."""
    target = _target(path)
    raw = _read_bytes(target)
    if raw is not None:
        try:
            return _decode(raw)[0]
        except Damage:
            pass
    backup = _read_bytes(_backup_path(target))
    if backup is not None:
        with contextlib.suppress(Damage):
            return _decode(backup)[0]
    return _salvage(raw)[0] if raw is not None else {}


def _merge(questions: dict[str, Any], checked: list[dict[str, Any]]) -> None:
    now = _now().isoformat(timespec="seconds")
    for event in checked:
        record = questions.setdefault(event["id"], {"attempts": 0, "hints": 0, "correct": False, "revealed": False})
        kind = event["type"]
        if kind == "attempt":
            record["attempts"] = min(record.get("attempts", 0) + 1, MAX_COUNT)
            record["correct"] = bool(record.get("correct")) or event["correct"]
            record["lastCorrect"] = event["correct"]
            # The answer shown after a reload: the right one, once there is one.
            if "answer" in event and (event["correct"] or not record["correct"]):
                record["answer"] = event["answer"]
        elif kind == "hint":
            record["hints"] = max(record.get("hints", 0), event.get("hint", 1))
        elif kind == "giveup":
            record["revealed"] = True
        elif kind == "response":
            record["response"] = event["response"]
        elif kind == "tick":
            ticked = [t for t in record.get("ticked", []) if t != event["item"]]
            if event.get("ticked", True):
                if len(ticked) >= MAX_TICKED:
                    raise ValueError(f"too many ticked items in {event['id']!r} (limit {MAX_TICKED})")
                ticked.append(event["item"])
            record["ticked"] = ticked
        elif kind == "exercise":
            # The same check result sent again (the same code run again) is one attempt, not two.
            result = event.get("result", "")
            if result and result == record.get("lastResult"):
                continue
            record["lastResult"] = result
            record["attempts"] = min(record.get("attempts", 0) + 1, MAX_COUNT)
            record["correct"] = bool(record.get("correct")) or event["correct"]
            record["lastCorrect"] = event["correct"]
            if event.get("seed") is not None:
                record["lastSeed"] = event["seed"]
        record["state"] = state_of(record)
        record["updated"] = now


def apply_events_with_notices(events: Iterable[Any], path: str | os.PathLike[str] | None = None) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Merge events into the stored progress (read-modify-write under a lock): questions, notices."""
    checked = check_events(events)
    target = _target(path)
    with _locked(target) as exclusive:
        _remove_stale_temp_files(target.parent, exclusive)
        questions, notices, good = _read_locked(target)
        count_before = len(questions)
        size_before = target.stat().st_size if good and target.exists() else 0
        _merge(questions, checked)
        if len(questions) > MAX_QUESTIONS and len(questions) > count_before:
            raise ValueError(f"progress keeps at most {MAX_QUESTIONS} questions; this save would make {len(questions)} "
                             "(question ids must be the course's own)")
        data = _encode(questions, notices)
        if len(data) > MAX_FILE_BYTES and len(data) > size_before:
            raise ValueError(f"progress file too large: this save would make it {len(data)} bytes (limit {MAX_FILE_BYTES}); "
                             "shorten a free response to save")
        _write(target, data, backup=good)
        # Once more after the write: a killed writer's spare is never outlived by a save.
        _remove_stale_temp_files(target.parent, exclusive)
        return questions, notices


def apply_events(events: Iterable[Any], path: str | os.PathLike[str] | None = None) -> dict[str, dict[str, Any]]:
    """Merge events into the stored progress (read-modify-write under a lock)."""
    return apply_events_with_notices(events, path)[0]


def dismiss_notices(path: str | os.PathLike[str] | None = None) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The learner has read the notices: forget them (the set-aside files stay where they are)."""
    target = _target(path)
    with _locked(target) as exclusive:
        _remove_stale_temp_files(target.parent, exclusive)
        questions, notices, good = _read_locked(target)
        if notices:
            _write(target, _encode(questions, []), backup=good)
        return questions, []


def reset_progress(path: str | os.PathLike[str] | None = None) -> None:
    """Forget everything. The progress before the reset stays in progress.json.bak until the next save."""
    target = _target(path)
    with _locked(target) as exclusive:
        _remove_stale_temp_files(target.parent, exclusive)
        raw = _read_bytes(target)
        good = False
        if raw is not None:
            try:
                _decode(raw)
                good = True
            except Damage:
                _set_aside(target)  # never deleted: it may hold what a learner earned
        _write(target, _encode({}, []), backup=good)


def reset_question(question_id: Any, path: str | os.PathLike[str] | None = None) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Forget one question's record (an explicit learner action); the others stay as they are.
    A question id that is not one is refused (ValueError); one without a record changes nothing."""
    if not _valid_id(question_id):
        raise ValueError(f"invalid question id: {_show(question_id)} (expected a question id: a letter or digit, then up to 119 of letters, digits, '_', '.', '-', "
                         "optionally after 'exercise:')")
    target = _target(path)
    with _locked(target) as exclusive:
        _remove_stale_temp_files(target.parent, exclusive)
        questions, notices, good = _read_locked(target)
        if question_id in questions:
            questions = {key: record for key, record in questions.items() if key != question_id}
            _write(target, _encode(questions, notices), backup=good)
        return questions, notices

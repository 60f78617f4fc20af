"""Turn notebooks into reports: `python -m distlab_jupyterlab.report NB... [options]`.

Each notebook runs in a fresh kernel (unless --no-execute) and is written as a
self-contained HTML report and a PDF report (`DistlabReportExporter`, printed by headless
Chromium). One notebook's problem (missing, invalid, failing cells) is reported for that
notebook and the others still export.
"""
from __future__ import annotations

import argparse
import glob
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from .exporter import DistlabReportExporter, failing_cells
from .pdf import PdfError, html_to_pdf


# A tslab kernel can lose its shell socket while it starts (zeromq's "Socket is blocked by a
# bind or unbind operation" on its first kernel_info reply): it stays up and never answers.
# Such a start is given up after this long and tried again with a fresh kernel.
KERNEL_STARTUP_TIMEOUT_S = 40
KERNEL_STARTS_MAX = 3


def execute(nb: nbformat.NotebookNode, notebook_dir: pathlib.Path, timeout_s: int) -> str | None:
    """Run every cell in a fresh kernel in the notebook's folder. Returns a problem, if any."""
    kernel = nb.metadata.get("kernelspec", {}).get("name", "tslab")
    for start in range(1, KERNEL_STARTS_MAX + 1):
        client = NotebookClient(nb, timeout=timeout_s, kernel_name=kernel, allow_errors=True,
                                startup_timeout=KERNEL_STARTUP_TIMEOUT_S,
                                resources={"metadata": {"path": str(notebook_dir)}})
        # tslab drops requests that arrive within 200 ms of a failed cell; let later cells run.
        client.on_cell_error = lambda **_: time.sleep(0.4)
        try:
            client.execute()
        except CellTimeoutError as error:
            return f"a cell ran longer than {timeout_s} s and was stopped: {str(error).splitlines()[0]}"
        except DeadKernelError as error:
            return f"the kernel died: {error}"
        except RuntimeError as error:
            # Raised by the start (no cell has run yet): another kernel, up to KERNEL_STARTS_MAX.
            if "didn't respond" not in str(error):
                raise
            if start == KERNEL_STARTS_MAX:
                return f"the {kernel} kernel did not answer within {KERNEL_STARTUP_TIMEOUT_S} s, {start} starts in a row"
            print(f"[distlab] the {kernel} kernel did not answer within {KERNEL_STARTUP_TIMEOUT_S} s; starting another",
                  file=sys.stderr)
            continue
        return None
    return None


def expand(patterns: list[str]) -> list[pathlib.Path]:
    """Shell-style globs, also when quoted so the shell did not expand them."""
    paths: list[pathlib.Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [pattern]
        paths.extend(pathlib.Path(m) for m in (matches or [pattern]))
    return paths


def report_one(path: pathlib.Path, args: argparse.Namespace) -> list[str]:
    """Export one notebook; returns the lines to print (problems start with 'problem:')."""
    if not path.is_file():
        return [f"problem: {path}: no such notebook file"]
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # noqa: BLE001 - any unreadable notebook is reported, the batch goes on
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return [f"problem: {path}: not a valid notebook ({first})"]
    lines = []
    if not args.no_execute:
        problem = execute(nb, path.parent.resolve(), args.timeout)
        if problem:
            lines.append(f"problem: {path}: {problem}")
    failed = failing_cells(nb)
    if failed:
        cells = ", ".join(str(i + 1) for i in failed)
        lines.append(f"problem: {path}: {len(failed)} cell(s) failed (cell {cells}); the report marks them")
    exporter = DistlabReportExporter(learner=args.name or "", hide_code=args.hide_code,
                                     progress_file=args.progress or "")
    page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem, "path": str(path.parent)}})
    args.out.mkdir(parents=True, exist_ok=True)
    html_path = args.out / f"{path.stem}.html"
    html_path.write_text(page, encoding="utf-8")
    lines.append(f"report: {path} -> {html_path}")
    if not args.no_pdf:
        try:
            pdf_path = args.out / f"{path.stem}.pdf"
            pdf_path.write_bytes(html_to_pdf(page))
            lines.append(f"report: {path} -> {pdf_path}")
        except PdfError as error:
            lines.append(f"problem: {path}: PDF not written: {error}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="npm run report --", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", help="notebook files or globs, e.g. 'notebooks/*.ipynb'")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("reports"), help="output folder (default: reports/)")
    parser.add_argument("--no-execute", action="store_true", help="export the notebook as saved, with its own outputs")
    parser.add_argument("--hide-code", action="store_true", help="prose, figures and results only")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML report only")
    parser.add_argument("--name", help="learner name for the title page")
    parser.add_argument("--progress", help="progress file with the learner's answers (default: this user's)")
    parser.add_argument("--timeout", type=int, default=300, help="per-cell timeout in seconds (default 300)")
    args = parser.parse_args(argv)
    problems = 0
    for path in expand(args.notebooks):
        for line in report_one(path, args):
            is_problem = line.startswith("problem:")
            problems += is_problem
            print(line, file=sys.stderr if is_problem else sys.stdout, flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

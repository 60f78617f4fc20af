"""Report benchmark: export time (HTML, PDF) and HTML size against plain nbconvert.

usage: bench_report.py NOTEBOOK — prints progress lines, then one JSON object as the last line.
The notebook is executed once; both exports start from that executed notebook.
"""
import json
import pathlib
import sys
import time

import nbformat
from nbconvert import HTMLExporter

from distlab_jupyterlab.exporter import DistlabReportExporter
from distlab_jupyterlab.pdf import html_to_pdf
from distlab_jupyterlab.report import execute


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main() -> None:
    path = pathlib.Path(sys.argv[1])
    nb = nbformat.read(path, as_version=4)
    problem, execute_s = timed(lambda: execute(nb, path.parent.resolve(), 300))
    if problem:
        raise SystemExit(f"{path}: {problem}")
    print(f"[bench] executed {path.name} in {execute_s:.1f} s", flush=True)
    resources = {"metadata": {"name": path.stem, "path": str(path.parent)}}
    (page, _), html_s = timed(lambda: DistlabReportExporter().from_notebook_node(nb, resources=resources))
    pdf, pdf_s = timed(lambda: html_to_pdf(page))
    (plain, _), plain_s = timed(lambda: HTMLExporter().from_notebook_node(nb, resources=resources))
    report_bytes = len(page.encode("utf-8"))
    plain_bytes = len(plain.encode("utf-8"))
    print(f"[bench] report HTML {html_s:.2f} s, PDF {pdf_s:.2f} s, {report_bytes} bytes vs plain {plain_bytes}", flush=True)
    print(json.dumps({
        "notebook": str(path),
        "executeS": round(execute_s, 2),
        "htmlExportS": round(html_s, 3),
        "pdfExportS": round(pdf_s, 3),
        "plainNbconvertHtmlS": round(plain_s, 3),
        "htmlBytes": report_bytes,
        "plainNbconvertHtmlBytes": plain_bytes,
        "sizeRatioVsPlain": round(report_bytes / plain_bytes, 3),
        "pdfBytes": len(pdf),
        "selfContained": "<script src=\"http" not in page and "<link href=\"http" not in page,
        "targets": {"sizeRatioVsPlainMax": 2, "met": report_bytes <= 2 * plain_bytes},
    }), flush=True)


if __name__ == "__main__":
    main()

"""Turn notebooks into self-contained HTML reports: `python -m distlab_jupyterlab.report NB... [--out DIR]`.

Each notebook is executed in a fresh kernel (unless --no-execute) and exported with the
`distlab_report` template, which inlines every figure as SVG and loads nothing from a CDN.
"""
from __future__ import annotations

import argparse
import pathlib
import sys

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

TEMPLATES = pathlib.Path(__file__).parent / "templates"


def execute(nb: nbformat.NotebookNode, notebook_dir: pathlib.Path, timeout_s: int) -> None:
    """Run every cell in a fresh kernel started in the notebook's folder."""
    kernel = nb.metadata.get("kernelspec", {}).get("name", "tslab")
    client = NotebookClient(nb, timeout=timeout_s, kernel_name=kernel, allow_errors=True,
                            resources={"metadata": {"path": str(notebook_dir)}})
    client.execute()


def export_html(nb: nbformat.NotebookNode) -> str:
    exporter = HTMLExporter(template_name="distlab_report", extra_template_basedirs=[str(TEMPLATES)])
    exporter.skip_svg_encoding = True
    body, _ = exporter.from_notebook_node(nb)
    return body


def report(path: pathlib.Path, out_dir: pathlib.Path, run: bool, timeout_s: int) -> pathlib.Path:
    nb = nbformat.read(path, as_version=4)
    if run:
        execute(nb, path.parent.resolve(), timeout_s)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{path.stem}.html"
    target.write_text(export_html(nb), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="npm run report --", description=__doc__)
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("reports"))
    parser.add_argument("--no-execute", action="store_true", help="export the notebook as saved, with its own outputs")
    parser.add_argument("--timeout", type=int, default=300, help="per-cell timeout in seconds (default 300)")
    args = parser.parse_args(argv)
    failures = 0
    for path in args.notebooks:
        if not path.is_file():
            print(f"report: {path}: no such notebook", file=sys.stderr)
            failures += 1
            continue
        target = report(path, args.out, not args.no_execute, args.timeout)
        print(f"report: {path} -> {target}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

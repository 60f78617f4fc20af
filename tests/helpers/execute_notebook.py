"""Execute a notebook through the real tslab kernel, as `npm run report` does, and write the result.

usage: execute_notebook.py IN.ipynb OUT.ipynb [--timeout SECONDS]
Errors in cells do not stop execution; the caller inspects the outputs. A cell that times out
or a kernel that dies fails the run.
"""
import argparse
import pathlib

import nbformat
from distlab_jupyterlab.report import execute


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--timeout", type=int, default=120)
    args = parser.parse_args()
    source = pathlib.Path(args.source).resolve()
    nb = nbformat.read(source, as_version=4)
    problem = execute(nb, source.parent, args.timeout)
    if problem:
        raise SystemExit(f"{source}: {problem}")
    nbformat.write(nb, args.target)


if __name__ == "__main__":
    main()

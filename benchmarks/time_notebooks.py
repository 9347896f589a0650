"""Time each chapter notebook, run top to bottom in a fresh kernel, against a limit.

Every chapter must run in a fresh kernel in under 60 seconds on 2 cores. This script
executes each notebook of ``_toc.yml`` (or the notebooks given on the command line)
with nbclient, in memory (nothing is written back: the notebooks stay without
outputs), in the notebook's own folder as Jupyter Book does, with the ``python3``
kernel of the Python that runs this script (the course's ``.venv``). It prints a
table of the wall-clock time of each (kernel start included) and its slowest cell,
and exits non-zero if a notebook fails, is missing, or exceeds ``--limit``.

With ``--book`` it also times the full ``jupyter-book build . -W -n --keep-going``.

Usage (``make time-notebooks`` runs the first)::

    .venv/bin/python benchmarks/time_notebooks.py [NOTEBOOK ...] [--limit 60] [--book]
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import tempfile
import sys
import time
from pathlib import Path

import nbformat
import yaml
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "python3"


def toc_files(toc_path: Path) -> list[str]:
    """Every ``file:`` entry of a Jupyter Book ``_toc.yml`` (root first), in order."""
    toc = yaml.safe_load(toc_path.read_text())
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                if isinstance(value, (list, dict)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return found


def toc_notebooks(root: Path) -> tuple[list[Path], list[str]]:
    """The ``.ipynb`` files the table of contents lists, and entries with no file."""
    notebooks, missing = [], []
    for entry in toc_files(root / "_toc.yml"):
        path = root / entry
        candidates = [path] if path.suffix else [path.with_suffix(s) for s in
                                                 (".ipynb", ".md", ".rst")]
        existing = [c for c in candidates if c.is_file()]
        if not existing:
            missing.append(entry)
        elif existing[0].suffix == ".ipynb":
            notebooks.append(existing[0])
    return notebooks, missing


def slowest_cell(nb) -> tuple[int | None, float | None]:
    """Index (among code cells, from 1) and seconds of the slowest cell, from the
    timing that nbclient records in each cell's ``metadata.execution``."""
    best = (None, None)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for i, cell in enumerate(code_cells, start=1):
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if start and end:
            seconds = (datetime.datetime.fromisoformat(end.replace("Z", "+00:00"))
                       - datetime.datetime.fromisoformat(start.replace("Z", "+00:00"))
                       ).total_seconds()
            if best[1] is None or seconds > best[1]:
                best = (i, seconds)
    return best


def time_notebook(path: Path, cell_timeout: int) -> dict:
    """Execute one notebook in a fresh kernel; its time, slowest cell and status."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=cell_timeout,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    status = "ok"
    try:
        client.execute()
    except CellTimeoutError:
        status = f"cell timeout ({cell_timeout} s)"
    except CellExecutionError as err:
        status = f"error: {err.ename}: {err.evalue}"[:80]
    seconds = time.perf_counter() - start
    cell, cell_seconds = slowest_cell(nb)
    return {"notebook": path, "seconds": seconds, "cell": cell,
            "cell_seconds": cell_seconds, "status": status}


def print_table(rows: list[list[str]], head: list[str], right: set[int]) -> None:
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]

    def fmt(cells):
        return "| " + " | ".join(c.rjust(w) if i in right else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    print(fmt(head))
    print("|" + "|".join("-" * (w + 1) + ":" if i in right else "-" * (w + 2)
                         for i, w in enumerate(widths)) + "|")
    for row in rows:
        print(fmt(row))


def time_book(root: Path) -> tuple[float, int]:
    """Wall-clock seconds and exit code of a full, strict book build from scratch.

    It builds into a fresh temporary folder, so that Sphinx reuses nothing from an
    earlier build (an incremental rebuild of an unchanged book takes two seconds).
    """
    jb = Path(sys.executable).parent / "jupyter-book"
    with tempfile.TemporaryDirectory() as out:
        cmd = [str(jb), "build", ".", "-W", "-n", "--keep-going", "--path-output", out]
        print(f"\n$ jupyter-book {' '.join(cmd[1:6])} --path-output <fresh folder>  "
              f"(in {root})", flush=True)
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=root, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        seconds = time.perf_counter() - start
    if proc.returncode:
        print(proc.stdout[-3000:])
    return seconds, proc.returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to time (default: every .ipynb in _toc.yml)")
    parser.add_argument("--limit", type=float, default=60.0,
                        help="seconds a notebook may take, kernel start included "
                             "(default 60)")
    parser.add_argument("--cell-timeout", type=int, default=300,
                        help="seconds before one cell is stopped (default 300, as "
                             "_config.yml's execute.timeout)")
    parser.add_argument("--book", action="store_true",
                        help="also time `jupyter-book build . -W -n --keep-going`")
    args = parser.parse_args(argv)
    if args.limit <= 0:
        parser.error(f"--limit must be positive; got {args.limit}")

    if args.notebooks:
        notebooks = [p.resolve() for p in args.notebooks]
        missing = [str(p) for p in notebooks if not p.is_file()]
        notebooks = [p for p in notebooks if p.is_file()]
        if any(p.suffix != ".ipynb" for p in notebooks):
            parser.error("give .ipynb files; got "
                         + ", ".join(str(p) for p in notebooks if p.suffix != ".ipynb"))
    else:
        notebooks, missing = toc_notebooks(ROOT)

    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    python = sys.executable if spec.argv[0] in ("python", "python3") else spec.argv[0]
    print(f"{datetime.datetime.now().astimezone().isoformat(timespec='seconds')}  "
          f"{len(os.sched_getaffinity(0))} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; kernel {KERNEL} ({python})")
    print(f"{len(notebooks)} notebook(s), limit {args.limit:g} s each", flush=True)

    results = []
    for path in notebooks:
        print(f"  running {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}",
              file=sys.stderr, flush=True)
        results.append(time_notebook(path, args.cell_timeout))

    rows, failed = [], bool(missing)
    for r in results:
        over = r["seconds"] > args.limit
        failed |= over or r["status"] != "ok"
        status = r["status"] if r["status"] != "ok" else ("OVER LIMIT" if over else "ok")
        path = r["notebook"]
        rows.append([str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
                     f"{r['seconds']:.1f}",
                     "-" if r["cell"] is None else f"{r['cell']} ({r['cell_seconds']:.1f} s)",
                     status])
    for entry in missing:
        rows.append([entry, "-", "-", "missing"])
    print()
    if rows:
        print_table(rows, ["notebook", "seconds", "slowest code cell", "status"], {1})
    else:
        print("no notebooks to time")
    if results:
        print(f"\ntotal {sum(r['seconds'] for r in results):.1f} s; load average at end "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    if args.book:
        seconds, code = time_book(ROOT)
        print(f"book build: {seconds:.1f} s, "
              + ("ok" if code == 0 else f"FAILED (exit code {code})"))
        failed |= code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

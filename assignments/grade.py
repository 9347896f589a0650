"""Grade a folder of submitted notebooks offline into a CSV of scores.

Usage (from the project root; ``make grade SUBMISSIONS=path/to/folder`` runs this):

    python assignments/grade.py path/to/folder [--csv FILE] [--jobs N] [--timeout S]

Every ``.ipynb`` under the folder (any depth) is a submission. Its assignment is read
from the notebook's metadata (``otter.assignment_name``, written by ``otter assign``
into the student copy) or, failing that, from an assignment name in its file name. It
is graded with that assignment's autograder zip from ``assignments/dist`` (build it
first with ``make assignments``) by ``otter run``, which executes the notebook in a
fresh kernel without Docker, with a time limit.

Writes

- the CSV (default ``assignments/dist/grades.csv``): one row per submission with
  ``submission, assignment, score, possible``, one column per autograded question
  (its points), one empty column per written question (to fill in by hand), and
  ``error`` (why a submission could not be graded; it then scores 0);
- ``<csv name>_feedback/<submission>.txt`` beside the CSV (``grades_feedback/`` for
  ``grades.csv``): each question's score and the messages of the tests that failed,
  hidden ones included.

A submission that crashes, loops past the time limit or is not a notebook scores 0
with the reason in ``error``; the other submissions are graded regardless.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
DIST = HERE / "dist"


def load_manifest(dist: Path) -> dict:
    path = dist / "manifest.json"
    if not path.exists():
        raise SystemExit(f"{path} not found: build the assignments first (make assignments)")
    return json.loads(path.read_text())["assignments"]


def which_assignment(path: Path, names) -> str | None:
    """The assignment a submission belongs to: from its metadata, else its file name."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        name = meta.get("otter", {}).get("assignment_name")
        if name in names:
            return name
    except (OSError, ValueError, AttributeError):
        pass
    matches = [n for n in names if n in path.name]
    return matches[0] if len(matches) == 1 else None


def _kill_tree(pid: int) -> None:
    """Kill a process and its descendants (the kernel runs in a session of its own)."""
    try:
        parent = psutil.Process(pid)
        procs = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=10)


def run_otter(submission: Path, autograder: Path, timeout: float) -> dict:
    """``otter run`` in its own process group; returns its results.json, or raises."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(autograder),
                   "-o", out, str(submission)]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        try:
            log, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(proc.pid)
            proc.communicate()
            raise RuntimeError(f"grading took longer than {timeout:g} s (an endless loop?)")
        results = Path(out) / "results.json"
        if proc.returncode != 0 or not results.exists():
            last = [ln for ln in log.splitlines() if ln.strip()][-3:]
            raise RuntimeError("otter run failed: " + " | ".join(last))
        return json.loads(results.read_text())


def grade_one(submission: Path, folder: Path, manifest: dict, dist: Path,
              timeout: float) -> dict:
    row = {"submission": str(submission.relative_to(folder)), "assignment": "",
           "score": 0, "possible": "", "error": "", "scores": {}, "feedback": ""}
    name = which_assignment(submission, manifest)
    if name is None:
        row["error"] = "cannot tell which assignment this is (no otter metadata, no name)"
        return row
    entry = manifest[name]
    row["assignment"] = name
    row["possible"] = entry["auto_points"]
    auto = [q for q in entry["questions"] if not q["manual"]]
    row["scores"] = {q["name"]: 0 for q in auto}
    try:
        results = run_otter(submission, dist / entry["autograder"], timeout)
    except (RuntimeError, OSError, ValueError) as err:
        row["error"] = str(err)
        return row
    notes = []
    for test in results["tests"]:
        if test.get("max_score") is None:       # the "Public Tests" summary
            continue
        row["scores"][test["name"]] = test["score"]
        notes.append(f"== {test['name']}: {test['score']:g} / {test['max_score']:g}\n"
                     f"{test.get('output', '').strip()}\n")
    row["score"] = sum(row["scores"].values())
    row["feedback"] = "\n".join(notes)
    return row


def _number(value) -> str:
    """Points as written in the CSV: ``4``, ``1.5``; empty stays empty."""
    return value if value == "" else f"{value:g}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder of submitted .ipynb files")
    parser.add_argument("--dist", type=Path, default=DIST, help="where build.py wrote")
    parser.add_argument("--csv", type=Path, default=None,
                        help="output CSV (default: DIST/grades.csv)")
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds allowed per submission")
    args = parser.parse_args(argv)
    dist = args.dist.resolve()
    manifest = load_manifest(dist)
    folder = args.folder.resolve()
    if not folder.is_dir():
        raise SystemExit(f"{folder} is not a folder")
    submissions = sorted(p for p in folder.rglob("*.ipynb")
                         if ".ipynb_checkpoints" not in p.parts)
    if not submissions:
        raise SystemExit(f"no .ipynb files under {folder}")
    csv_path = (args.csv or dist / "grades.csv").resolve()
    print(f"grading {len(submissions)} submission(s) from {folder} ...", flush=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        rows = list(pool.map(lambda p: grade_one(p, folder, manifest, dist, args.timeout),
                             submissions))
    present = [n for n in manifest if any(r["assignment"] == n for r in rows)]
    columns = ["submission", "assignment", "score", "possible"]
    for name in present:
        columns += [q["name"] for q in manifest[name]["questions"]]
    columns.append("error")
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    feedback_dir = csv_path.parent / f"{csv_path.stem}_feedback"
    shutil.rmtree(feedback_dir, ignore_errors=True)     # no stale files from a last run
    feedback_dir.mkdir()
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({"submission": row["submission"], "assignment": row["assignment"],
                             "score": _number(row["score"]),
                             "possible": _number(row["possible"]), "error": row["error"],
                             **{q: _number(v) for q, v in row["scores"].items()}})
            stem = row["submission"].replace(os.sep, "__").removesuffix(".ipynb")
            (feedback_dir / f"{stem}.txt").write_text(
                f"{row['submission']} ({row['assignment'] or 'unknown assignment'}): "
                f"{row['score']:g} / {row['possible'] or 0} autograded points\n"
                + (f"ERROR: {row['error']}\n" if row["error"] else "")
                + "\n" + row["feedback"], encoding="utf-8")
            status = f"  ERROR: {row['error']}" if row["error"] else ""
            print(f"{row['submission']}: {row['score']:g} / {row['possible'] or 0}{status}")
    print(f"wrote {csv_path} and {len(rows)} feedback file(s) in {feedback_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build every assignment's student notebook and autograder zip with otter-grader.

Usage (from the project root; ``make assignments`` runs the first line):

    python assignments/build.py                    # every notebook in assignments/source/
    python assignments/build.py hw2_bptt           # only the named assignments
    python assignments/build.py --out DIR --no-run-tests

For each source notebook ``assignments/source/NAME.ipynb`` this runs
``otter assign`` into ``DIR/NAME/`` (default ``assignments/dist/``, git-ignored), which
writes

- ``student/NAME.ipynb``: the copy to hand out (solutions and hidden tests stripped);
- ``autograder/NAME.ipynb``: the solution notebook;
- ``autograder/NAME-autograder.zip``: what ``otter run`` (and ``grade.py``) grades with.

``otter assign`` first runs every test, visible and hidden, against the solution and
fails if one does not pass (``--no-run-tests`` skips that, for a quick rebuild). Then
this script refuses a student copy that still holds a line of solution code, a written
answer or a hidden test, and writes ``DIR/manifest.json``, listing each assignment's
files and questions, which ``grade.py`` reads.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
DIST = HERE / "dist"


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _raw_config(cell, marker: str):
    """The YAML under a raw ``# MARKER`` cell, or None if the cell is not one."""
    text = _source(cell)
    if cell.cell_type != "raw" or not re.match(rf"#\s*{marker}\b", text, re.IGNORECASE):
        return None
    return yaml.safe_load(text.split("\n", 1)[1] if "\n" in text else "") or {}


def questions(source_nb) -> list[dict]:
    """Each question's name, points and whether it is graded by hand (``manual``)."""
    found = []
    for cell in source_nb.cells:
        config = _raw_config(cell, "BEGIN QUESTION")
        if config is not None:
            found.append({"name": config["name"], "points": config.get("points", 1),
                          "manual": bool(config.get("manual", False))})
    return found


def assignment_name(source_nb) -> str:
    for cell in source_nb.cells:
        config = _raw_config(cell, "ASSIGNMENT CONFIG")
        if config is not None:
            return config["name"]
    raise ValueError("the notebook has no '# ASSIGNMENT CONFIG' raw cell")


def solution_lines(source_nb) -> list[str]:
    """The solution lines of the source notebook, as the student copy must not hold them.

    Code between ``# BEGIN SOLUTION`` / ``# END SOLUTION`` comments, lines ending in
    ``# SOLUTION``, and the text of Markdown cells inside solution blocks (written
    answers). Skipped: lines shorter than 12 characters (``return h``, ``else:``) and
    lines that also occur outside the solutions (``tau, B = y.shape`` in a visible
    test), since they say nothing about the answer.
    """
    secret, public, in_block = [], [], False
    for cell in source_nb.cells:
        text = _source(cell)
        if cell.cell_type == "raw":
            if re.match(r"#\s*BEGIN SOLUTION", text, re.IGNORECASE):
                in_block = True
            elif re.match(r"#\s*END SOLUTION", text, re.IGNORECASE):
                in_block = False
            continue
        if cell.cell_type == "markdown":
            (secret if in_block else public).extend(text.splitlines())
            continue
        inside = False
        for line in text.splitlines():
            stripped = line.strip()
            if re.match(r"#\s*BEGIN SOLUTION", stripped):
                inside = True
            elif re.match(r"#\s*END SOLUTION", stripped):
                inside = False
            elif inside:
                secret.append(line)
            elif re.search(r"#\s*SOLUTION\s*$", line):
                secret.append(re.sub(r"#\s*SOLUTION\s*$", "", line))
            else:
                public.append(line)
    public = {ln.strip() for ln in public}
    return [ln.strip() for ln in secret if len(ln.strip()) >= 12 and ln.strip() not in public]


def hidden_test_names(source_nb) -> list[str]:
    """The function names defined in hidden test cells."""
    names = []
    for cell in source_nb.cells:
        text = _source(cell)
        if cell.cell_type == "code" and re.search(r"^hidden:\s*true", text, re.M | re.I):
            names += re.findall(r"^def (\w+)", text, re.M)
    return names


def check_student_copy(source_nb, student_path: Path) -> list[str]:
    """What the student copy leaks: solution lines, hidden tests, the hidden checks."""
    text = student_path.read_text(encoding="utf-8")
    student = nbformat.reads(text, as_version=4)
    body = "\n".join(_source(c) for c in student.cells)
    tests = json.dumps(student.metadata.get("otter", {}).get("tests", {}))
    problems = [f"solution line: {line!r}" for line in solution_lines(source_nb)
                if line in body or line in tests]
    problems += [f"hidden test: {name}" for name in hidden_test_names(source_nb)
                 if name in text]
    if "hidden_checks" in text:
        problems.append("a reference to hidden_checks")
    if re.search(r"hidden\s*=\s*True", tests):
        problems.append("a hidden test case in the notebook metadata")
    if (student_path.parent / "hidden_checks.py").exists():
        problems.append("hidden_checks.py in the student folder")
    return problems


def build_one(source_path: Path, out: Path, run_tests: bool = True) -> dict:
    source_nb = nbformat.read(source_path, as_version=4)
    name = assignment_name(source_nb)
    if name != source_path.stem:
        raise ValueError(f"{source_path.name}: the ASSIGNMENT CONFIG name {name!r} must equal "
                         "the file name")
    result = out / name
    command = [sys.executable, "-m", "otter", "assign", "--no-pdfs",
               str(source_path), str(result)]
    if not run_tests:
        command.insert(4, "--no-run-tests")
    print(f"building {name} ...", flush=True)
    done = subprocess.run(command, cwd=SOURCE, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"otter assign failed for {name} (output above): a test does not "
                         "pass on the solution, or the notebook format is wrong")
    zips = sorted((result / "autograder").glob(f"{name}-autograder_*.zip"))
    if len(zips) != 1:
        raise SystemExit(f"expected one autograder zip for {name}; found {len(zips)}")
    zip_path = zips[0].rename(result / "autograder" / f"{name}-autograder.zip")
    student = result / "student" / f"{name}.ipynb"
    problems = check_student_copy(source_nb, student)
    if problems:
        shutil.rmtree(result / "student")
        raise SystemExit(f"the student copy of {name} leaks: " + "; ".join(problems))
    qs = questions(source_nb)
    return {
        "student": str(student.relative_to(out)),
        "solution": str((result / "autograder" / f"{name}.ipynb").relative_to(out)),
        "autograder": str(zip_path.relative_to(out)),
        "questions": qs,
        "auto_points": sum(q["points"] for q in qs if not q["manual"]),
        "manual_points": sum(q["points"] for q in qs if q["manual"]),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="assignments to build (default: all)")
    parser.add_argument("--out", type=Path, default=DIST, help="output folder")
    parser.add_argument("--no-run-tests", action="store_true",
                        help="skip otter's check that the solution passes every test")
    args = parser.parse_args(argv)
    sources = sorted(SOURCE.glob("*.ipynb"))
    if args.names:
        unknown = set(args.names) - {p.stem for p in sources}
        if unknown:
            raise SystemExit(f"no source notebook for {sorted(unknown)}; have "
                             f"{[p.stem for p in sources]}")
        sources = [p for p in sources if p.stem in args.names]
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "manifest.json"
    manifest = {"assignments": {}}
    if manifest_path.exists() and args.names:   # a partial rebuild keeps the others
        manifest = json.loads(manifest_path.read_text())
    for path in sources:
        manifest["assignments"][path.stem] = build_one(path, out, not args.no_run_tests)
    seen = {}
    for name, entry in manifest["assignments"].items():
        for q in entry["questions"]:
            if q["name"] in seen:
                raise SystemExit(f"question name {q['name']!r} is used by both {seen[q['name']]} "
                                 f"and {name}: names must be unique (they are grade columns)")
            seen[q["name"]] = name
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    for name, entry in manifest["assignments"].items():
        print(f"{name}: hand out {entry['student']}; grade with {entry['autograder']} "
              f"({entry['auto_points']} points autograded, {entry['manual_points']} by hand)")
    print(f"wrote {manifest_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The homework round trip: build, hand out, grade (issue #6).

One module-scoped build and one grading run (the documented commands,
``assignments/build.py`` and ``assignments/grade.py``) feed every test:

- the solution notebook of each assignment scores full marks;
- the unfilled student notebook scores zero, and grading it does not crash;
- each planted mistake scores below full marks, in the question it breaks, with a
  failure message that names the mistake;
- the student copy holds no solution code, no written answer and no hidden test;
- the CSV has the expected scores, per question;
- a submission that never finishes is stopped and scored 0, and a file that is not a
  notebook is reported, without stopping the batch.

Grading executes notebooks (otter run, no Docker): about a minute in all.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

import rnn_course as rc

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ROOT / "assignments"
NAMES = ("hw1_forward", "hw2_bptt", "hw3_teacher_forcing")


def _load_build():
    spec = importlib.util.spec_from_file_location("assignments_build",
                                                  ASSIGNMENTS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build()

# (id, assignment, text in the solution, replacement, {question: phrases its feedback
#  must contain}); every listed question must lose points.
PLANTS = [
    # the four mistakes of back-propagation through time
    ("dw_not_summed", "hw2_bptt", 'dW += g["dW"]', 'dW = g["dW"]',
     {"bptt": ["dW is wrong: it matches the gradient of W(t) at t=1 only",
               "W is shared by every step, so sum W(t)'s gradient over t = 1..tau"]}),
    ("no_tanh_derivative", "hw2_bptt", "da = dh * (1.0 - h ** 2)", "da = dh",
     {"step_backward": ["the tanh derivative is left out"],
      "bptt": ["grad of h(t) wrong at t=4 (first wrong step going backwards)",
               "leaves out the tanh derivative"]}),
    ("no_term_from_next_h", "hw2_bptt", "dh[t - 1] = dh_out[t - 1] + dh_next",
     "dh[t - 1] = dh_out[t - 1]",
     {"bptt": ["grad of h(t) wrong at t=4 (first wrong step going backwards)",
               "missing the term from h(t+1)"]}),
    ("w_for_w_transpose", "hw2_bptt", '"dh_prev": da @ W,', '"dh_prev": da @ W.T,',
     {"step_backward": ["dh_prev is wrong: W used where its transpose belongs"],
      "bptt": ["grad of h(t) wrong at t=4", "W used where its transpose belongs"]}),
    # one realistic mistake per theme in the other assignments
    ("no_bias", "hw1_forward", "a = b + h_prev @ W.T + x @ U.T", "a = h_prev @ W.T + x @ U.T",
     {"step_forward": ["the bias b is missing"],
      "rnn_forward": ["h(t) at t=1 (the first wrong step) is wrong: the bias b is missing"]}),
    ("softmax_axis", "hw1_forward", "return z / z.sum(axis=-1, keepdims=True)",
     "return z / z.sum(axis=0, keepdims=True)",
     {"softmax": ["softmax(o) sums to one along axis 0 (the time axis), not along the "
                  "n_out classes"],
      "rnn_forward": ["yhat sums to one along axis 0"]}),
    ("teacher_feeds_y_t", "hw3_teacher_forcing",
     "fed[1:] = np.eye(n_out)[y[:-1]]        # one-hot", "fed[1:] = np.eye(n_out)[y[1:]]  #",
     {"teacher_forced_forward": ["h(t) at t=2 (the first wrong step) is wrong: step t=2 "
                                 "was fed y(t), the very target it must predict"]}),
    ("closed_loop_feeds_truth", "hw3_teacher_forcing", "fed[t - 1] = yhat[t - 2]",
     "fed[t - 1] = np.eye(n_out)[y[t - 2]]",
     {"closed_loop": ["fed at t=2 (the first wrong step) is wrong",
                      "was fed the ground truth y(t-1): that is teacher forcing"],
      "exposure": ["cl_loss equals the teacher-forced loss"]}),
]


def _plant(solution: Path, old: str, new: str, target: Path) -> None:
    nb = nbformat.read(solution, as_version=4)
    hits = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
    assert len(hits) == 1 and hits[0].source.count(old) == 1, \
        f"the planted mistake needs exactly one {old!r} in the solution"
    hits[0].source = hits[0].source.replace(old, new)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Build every assignment, plant the mistakes, grade everything once."""
    work = tmp_path_factory.mktemp("assignments")
    dist, subs = work / "dist", work / "submissions"
    # the solution is graded below, so otter's own test run is skipped here
    subprocess.run([sys.executable, str(ASSIGNMENTS / "build.py"), "--out", str(dist),
                    "--no-run-tests"], check=True, capture_output=True, text=True)
    manifest = json.loads((dist / "manifest.json").read_text())["assignments"]
    for folder, key in (("solution", "solution"), ("unfilled", "student")):
        (subs / folder).mkdir(parents=True)
        for name in NAMES:
            shutil.copy(dist / manifest[name][key], subs / folder / f"{name}.ipynb")
    for plant_id, name, old, new, _ in PLANTS:
        _plant(dist / manifest[name]["solution"], old, new,
               subs / plant_id / f"{name}.ipynb")
    (subs / "broken").mkdir()
    (subs / "broken" / "notes.ipynb").write_text("not a notebook")
    csv_path = work / "grades.csv"
    done = subprocess.run([sys.executable, str(ASSIGNMENTS / "grade.py"), str(subs),
                           "--dist", str(dist), "--csv", str(csv_path), "--jobs", "2",
                           "--timeout", "300"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        columns, rows = reader.fieldnames, {r["submission"]: r for r in reader}
    feedback = {p.stem: p.read_text() for p in (work / "grades_feedback").glob("*.txt")}
    return {"dist": dist, "manifest": manifest, "columns": columns, "rows": rows,
            "feedback": feedback}


def _auto(entry):
    return [q for q in entry["questions"] if not q["manual"]]


def test_every_assignment_built(graded):
    manifest = graded["manifest"]
    assert sorted(manifest) == sorted(NAMES)
    for name, entry in manifest.items():
        for key in ("student", "solution", "autograder"):
            assert (graded["dist"] / entry[key]).is_file(), (name, key)
        kinds = {q["manual"] for q in entry["questions"]}
        assert kinds == {True, False}, f"{name} needs code and written questions"
        assert entry["auto_points"] > 0 and entry["manual_points"] > 0


@pytest.mark.parametrize("name", NAMES)
def test_solution_scores_full_marks(graded, name):
    row = graded["rows"][f"solution/{name}.ipynb"]
    entry = graded["manifest"][name]
    assert row["error"] == ""
    assert float(row["score"]) == float(row["possible"]) == entry["auto_points"]
    for q in _auto(entry):
        assert float(row[q["name"]]) == q["points"], (q["name"], row[q["name"]])


@pytest.mark.parametrize("name", NAMES)
def test_unfilled_student_copy_scores_zero(graded, name):
    row = graded["rows"][f"unfilled/{name}.ipynb"]
    assert row["error"] == "", "grading the unfilled notebook must not crash"
    assert float(row["score"]) == 0
    assert all(float(row[q["name"]]) == 0 for q in _auto(graded["manifest"][name]))
    text = graded["feedback"][f"unfilled__{name}"]
    assert "fill in its body" in text or "not filled in" in text


@pytest.mark.parametrize("plant", PLANTS, ids=[p[0] for p in PLANTS])
def test_planted_mistake_is_caught_and_named(graded, plant):
    plant_id, name, _, _, expected = plant
    row = graded["rows"][f"{plant_id}/{name}.ipynb"]
    entry = graded["manifest"][name]
    assert row["error"] == ""
    assert float(row["score"]) < entry["auto_points"]
    points = {q["name"]: q["points"] for q in _auto(entry)}
    text = graded["feedback"][f"{plant_id}__{name}"]
    sections = {s.split(":", 1)[0].strip(): s for s in text.split("\n== ")[1:]}
    for question, phrases in expected.items():
        assert float(row[question]) < points[question], f"{question} kept full marks"
        for phrase in phrases:
            assert phrase in sections[question], \
                f"{question}'s feedback lacks {phrase!r}:\n{sections[question]}"


def test_unreadable_submission_is_reported_not_fatal(graded):
    row = graded["rows"]["broken/notes.ipynb"]
    assert float(row["score"]) == 0 and "cannot tell which assignment" in row["error"]


def test_endless_loop_times_out(graded, tmp_path):
    """A notebook that never finishes scores 0 with a reason; its kernel is killed."""
    nb = nbformat.read(graded["dist"] / graded["manifest"]["hw1_forward"]["solution"], 4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("while True:\n    pass"))
    (tmp_path / "subs").mkdir()
    nbformat.write(nb, tmp_path / "subs" / "hw1_forward.ipynb")
    done = subprocess.run([sys.executable, str(ASSIGNMENTS / "grade.py"), str(tmp_path / "subs"),
                           "--dist", str(graded["dist"]), "--csv", str(tmp_path / "g.csv"),
                           "--timeout", "15"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(tmp_path / "g.csv", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert float(row["score"]) == 0 and "longer than 15 s" in row["error"]


def test_csv_columns_and_written_questions(graded):
    columns, manifest = graded["columns"], graded["manifest"]
    expected = ["submission", "assignment", "score", "possible"]
    for name in NAMES:
        expected += [q["name"] for q in manifest[name]["questions"]]
    assert columns == expected + ["error"]
    assert len(graded["rows"]) == 2 * len(NAMES) + len(PLANTS) + 1
    for row in graded["rows"].values():
        for name, entry in manifest.items():
            for q in entry["questions"]:
                if q["manual"] or row["assignment"] != name:
                    assert row[q["name"]] == "", "left blank: graded by hand or not this one"


@pytest.mark.parametrize("name", NAMES)
def test_student_copy_has_no_solution_and_no_hidden_test(graded, name):
    source = nbformat.read(ASSIGNMENTS / "source" / f"{name}.ipynb", as_version=4)
    student_path = graded["dist"] / graded["manifest"][name]["student"]
    assert build.check_student_copy(source, student_path) == []
    text = student_path.read_text()
    lines = build.solution_lines(source)
    assert len(lines) >= 10, "the leak check must have solution lines to look for"
    assert not [line for line in lines if line in text]
    assert not [t for t in build.hidden_test_names(source) if t in text]
    assert "hidden_checks" not in text and "BEGIN SOLUTION" not in text
    student = nbformat.reads(text, as_version=4)
    tests = student.metadata["otter"]["tests"]
    assert tests, "the visible tests travel in the student notebook"
    assert all("hidden=True" not in body for body in tests.values())
    assert not (student_path.parent / "hidden_checks.py").exists()
    # the written answers are gone too
    written = [c for c in student.cells if c.cell_type == "markdown"
               and "otter_answer_cell" in c.metadata.get("tags", [])]
    assert written and all(c.source == "_Type your answer here, replacing this text._"
                           for c in written)


# ---------------------------------------------------------------------------------
# The hidden checks called directly (no notebook, milliseconds): more mistakes than the
# planted ones, each must fail with a message that names it.

def _load_hidden_checks():
    spec = importlib.util.spec_from_file_location(
        "hidden_checks", ASSIGNMENTS / "source" / "hidden_checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checks = _load_hidden_checks()


def _softmax(o):
    z = np.exp(o - o.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def _forward_o_from_previous_h(x, h0, U, W, V, b, c):
    h = [h0]
    for t in range(x.shape[0]):
        h.append(np.tanh(b + h[-1] @ W.T + x[t] @ U.T))
    h = np.stack(h)
    o = c + h[:-1] @ V.T                       # the mistake: o(t) from h(t-1)
    return h, o, _softmax(o)


def _forward_without_h0(x, h0, U, W, V, b, c):
    h = _forward_o_from_previous_h(x, h0, U, W, V, b, c)[0][1:]   # the mistake: no h(0)
    o = c + h @ V.T
    return h, o, _softmax(o)


def _closed_loop_argmax(x, y, U, W, V, b, c):
    tau, B = y.shape
    n_out = V.shape[0]
    h, yhat = np.empty((tau, B, W.shape[0])), np.empty((tau, B, n_out))
    fed = np.zeros((tau, B, n_out))
    for t in range(tau):
        if t:
            fed[t] = np.eye(n_out)[yhat[t - 1].argmax(-1)]   # the mistake: argmax fed back
        h[t] = np.tanh(b + x[t] @ U.T + fed[t] @ W.T)
        yhat[t] = _softmax(c + h[t] @ V.T)
    picked = np.take_along_axis(yhat, y[..., None], axis=-1)[..., 0]
    return {"h": h, "yhat": yhat, "fed": fed, "loss": float(-np.log(picked).sum() / B)}


def _teacher_forced_grads_no_mean(x, y, U, W, V, b, c):
    tau, B = y.shape
    n_out = V.shape[0]
    fed = np.zeros((tau, B, n_out))
    fed[1:] = np.eye(n_out)[y[:-1]]
    h = np.tanh(b + x @ U.T + fed @ W.T)
    do = _softmax(c + h @ V.T)
    do[np.arange(tau)[:, None], np.arange(B), y] -= 1.0    # the mistake: no division by B
    da = (do @ V) * (1 - h ** 2)
    tb = lambda p, q: np.einsum("tbi,tbj->ij", p, q)  # noqa: E731
    return {"U": tb(da, x), "W": tb(da, fed), "V": tb(do, h), "b": da.sum((0, 1)),
            "c": do.sum((0, 1))}


def _step_backward_dw_transposed(dh, x, h_prev, h, U, W):
    da = dh * (1 - h ** 2)
    return {"dx": da @ U, "dh_prev": da @ W, "dU": da.T @ x, "dW": h_prev.T @ da,
            "db": da.sum(0)}


def _step_backward_by_the_package(dh, x, h_prev, h, U, W):
    cache = rc.steps.RNNStepCache(x=x, h_prev=h_prev, h=h, U=U, W=W)
    return rc.steps.rnn_step_backward(dh, cache)._asdict()


def _unstable_softmax(o):
    z = np.exp(o)
    return z / z.sum(axis=-1, keepdims=True)


MISTAKES = [
    ("step_forward W transposed", checks.check_step_forward,
     lambda x, hp, U, W, b: np.tanh(b + hp @ W + x @ U.T), "W is applied transposed"),
    ("step_forward without tanh", checks.check_step_forward,
     lambda x, hp, U, W, b: b + hp @ W.T + x @ U.T, "the tanh is missing"),
    ("unstable softmax", checks.check_softmax_stable, _unstable_softmax,
     "softmax overflows for large logits"),
    ("o(t) from h(t-1)", checks.check_rnn_forward, _forward_o_from_previous_h,
     "o(t) at t=1 (the first wrong step) is wrong: o(t) is read from h(t-1)"),
    ("h without h(0)", checks.check_rnn_forward, _forward_without_h0,
     "h holds h(0) too"),
    ("loss averaged over time", checks.check_sequence_loss,
     lambda yhat, y: float(-np.log(np.take_along_axis(yhat, y[..., None], -1)).mean()),
     "it is also divided by tau"),
    ("dW transposed", checks.check_step_backward, _step_backward_dw_transposed,
     "dW is wrong: dW is transposed"),
    ("the package's answer", checks.check_step_backward, _step_backward_by_the_package,
     "calls rnn_course's reference code (rnn_step_backward)"),
    ("argmax fed back", checks.check_closed_loop, _closed_loop_argmax,
     "fed at t=2 (the first wrong step) is wrong: it feeds the one-hot of the most likely"),
    ("gradient not averaged", checks.check_teacher_forced_grads,
     _teacher_forced_grads_no_mean, "is B = 3 times too large"),
    ("not filled in", checks.check_bptt_dh, lambda dh_out, x, h, U, W: None,
     "bptt returned None: fill in its body"),
]


@pytest.mark.parametrize("check, fn, phrase", [m[1:] for m in MISTAKES],
                         ids=[m[0] for m in MISTAKES])
def test_hidden_check_names_the_mistake(check, fn, phrase):
    with pytest.raises(AssertionError) as caught:
        check(fn)
    assert phrase in str(caught.value), str(caught.value)

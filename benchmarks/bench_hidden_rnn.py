"""Time ``rnn_course.HiddenRNN.loss_and_grads`` (forward + BPTT) side by side with
PyTorch on the CPU and with a naive per-step, per-example loop.

Three implementations compute the same loss and gradients:

- **ours**: ``HiddenRNN.loss_and_grads(x, y)``, with token ids ``x (tau, B)`` (``U x`` is a
  column lookup of ``U``) and, like-for-like with PyTorch, with one-hot floats
  ``x (tau, B, n_in)``.
- **PyTorch** (CPU): ``torch.nn.RNN(nonlinearity="tanh")`` + ``torch.nn.Linear`` +
  ``torch.nn.functional.cross_entropy(reduction="sum") / B`` (sum over time, mean over
  the batch, as ours), forward and ``loss.backward()``, on one-hot float inputs (what
  ``nn.RNN`` takes). Its two biases are ``b_ih = b`` and ``b_hh = 0``.
- **naive**: min-char-rnn's ``lossFun`` loop (Karpathy, 2015), written out below: one
  example at a time, one step at a time, column vectors and ``np.dot``. It is the
  benchmark's baseline, not part of the package.

Before timing, every shape and dtype is checked: all implementations give the same loss,
and (float64) the same gradients to a relative error below 1e-10. Then each
implementation is warmed up and timed in interleaved rounds (one sample of each per
round, so a burst of load from other processes hits all of them alike); the table gives
the median time per call and the ratios of the medians.

Usage (``make bench`` runs the first)::

    benchmarks/.venv/bin/python benchmarks/bench_hidden_rnn.py [--quick] [--repeats N]
                                                               [--json PATH]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from typing import NamedTuple

import numpy as np
import torch

import rnn_course


class Shape(NamedTuple):
    name: str
    tau: int
    B: int
    n_in: int
    n_hidden: int
    n_out: int
    vs_torch: float  # the target: ours takes at most this times PyTorch's time


SHAPES = [
    Shape("min-char-rnn", tau=25, B=1, n_in=65, n_hidden=100, n_out=65, vs_torch=1.0),
    Shape("batch 32", tau=50, B=32, n_in=65, n_hidden=256, n_out=65, vs_torch=1.0),
    Shape("large", tau=100, B=64, n_in=128, n_hidden=512, n_out=128, vs_torch=1.5),
]
VS_NAIVE_B32 = 10.0  # the target at B = 32: ours at least this many times faster
DTYPES = (np.float64, np.float32)
IMPLS = ("ours", "ours one-hot", "PyTorch", "naive")
TORCH_DTYPE = {np.float64: torch.float64, np.float32: torch.float32}
# Agreement required before timing: relative error of the loss and of each gradient.
LOSS_RTOL = {np.float64: 1e-10, np.float32: 1e-5}
GRAD_RTOL = {np.float64: 1e-10, np.float32: 1e-4}


# --- (b) the naive baseline: min-char-rnn's lossFun, batched by an outer loop ---------

def naive_loss_and_grads(params, inputs, targets):
    """min-char-rnn's forward and backward, one example and one step at a time.

    Args:
        params: ``U (n_hidden, n_in)``, ``W``, ``V (n_out, n_hidden)``, ``b``, ``c``.
        inputs, targets: ``(tau, B)`` token ids.
    Returns:
        ``(loss, grads)`` with the package's reduction: sum over time, mean over the batch.
    """
    U, W, V = params["U"], params["W"], params["V"]
    bh, by = params["b"][:, None], params["c"][:, None]  # column vectors
    n_hidden, n_in = U.shape
    tau, B = inputs.shape
    dU, dW, dV = np.zeros_like(U), np.zeros_like(W), np.zeros_like(V)
    db, dc = np.zeros_like(bh), np.zeros_like(by)
    loss = 0.0
    for e in range(B):                                   # one example at a time
        xs, hs, ps = {}, {-1: np.zeros((n_hidden, 1), U.dtype)}, {}
        for t in range(tau):                             # forward, one step at a time
            xs[t] = np.zeros((n_in, 1), U.dtype)
            xs[t][inputs[t, e]] = 1                      # one-hot column
            hs[t] = np.tanh(np.dot(U, xs[t]) + np.dot(W, hs[t - 1]) + bh)
            ys = np.dot(V, hs[t]) + by
            es = np.exp(ys - np.max(ys))                 # (min-char-rnn omits the max)
            ps[t] = es / np.sum(es)
            loss += -np.log(ps[t][targets[t, e], 0])
        dhnext = np.zeros_like(hs[0])
        for t in reversed(range(tau)):                   # backward, one step at a time
            dy = np.copy(ps[t])
            dy[targets[t, e]] -= 1
            dV += np.dot(dy, hs[t].T)
            dc += dy
            dh = np.dot(V.T, dy) + dhnext
            dhraw = (1 - hs[t] * hs[t]) * dh
            db += dhraw
            dU += np.dot(dhraw, xs[t].T)
            dW += np.dot(dhraw, hs[t - 1].T)
            dhnext = np.dot(W.T, dhraw)
    grads = {"U": dU / B, "W": dW / B, "V": dV / B, "b": db[:, 0] / B, "c": dc[:, 0] / B}
    return float(loss) / B, grads


# --- (a) PyTorch on the CPU ------------------------------------------------------------

class TorchRNN:
    """``nn.RNN`` + ``nn.Linear`` + cross-entropy holding the parameters of ``model``."""

    def __init__(self, model: rnn_course.HiddenRNN, dtype):
        p = model.params
        tdt = TORCH_DTYPE[dtype]
        self.B = None
        self.rnn = torch.nn.RNN(model.n_in, model.n_hidden, nonlinearity="tanh", dtype=tdt)
        self.out = torch.nn.Linear(model.n_hidden, model.n_out, dtype=tdt)
        with torch.no_grad():  # the book's shapes are torch's: weight_ih is U (n_hidden, n_in)
            self.rnn.weight_ih_l0.copy_(torch.from_numpy(p["U"]))
            self.rnn.weight_hh_l0.copy_(torch.from_numpy(p["W"]))
            self.rnn.bias_ih_l0.copy_(torch.from_numpy(p["b"]))
            self.rnn.bias_hh_l0.zero_()
            self.out.weight.copy_(torch.from_numpy(p["V"]))
            self.out.bias.copy_(torch.from_numpy(p["c"]))
        self.params = list(self.rnn.parameters()) + list(self.out.parameters())

    def loss_and_grads(self, x, y):
        """``x (tau, B, n_in)`` one-hot floats, ``y (tau * B,)`` int64; returns the loss."""
        for q in self.params:
            q.grad = None
        h, _ = self.rnn(x)                           # h(1..tau), h(0) = 0
        o = self.out(h)                              # (tau, B, n_out)
        loss = torch.nn.functional.cross_entropy(o.reshape(-1, o.shape[-1]), y,
                                                 reduction="sum") / x.shape[1]
        loss.backward()
        return loss

    def grads(self):
        """The gradients in the package's names, as numpy arrays."""
        r, out = self.rnn, self.out
        return {"U": r.weight_ih_l0.grad, "W": r.weight_hh_l0.grad, "V": out.weight.grad,
                "b": r.bias_ih_l0.grad, "b_hh": r.bias_hh_l0.grad, "c": out.bias.grad}


# --- set-up and agreement ----------------------------------------------------------------

class Case(NamedTuple):
    shape: Shape
    dtype: type
    impls: dict  # name -> zero-argument callable doing one forward + backward


def make_case(shape: Shape, dtype, seed=0) -> Case:
    """Build one model, its inputs, and the four callables; assert they agree."""
    rng = np.random.default_rng(seed)
    model = rnn_course.HiddenRNN(shape.n_in, shape.n_hidden, shape.n_out, seed=rng,
                                 dtype=dtype)
    for k in ("b", "c"):  # non-zero biases, so their gradients are checked for real
        model.params[k][:] = 0.1 * rng.standard_normal(model.params[k].shape)
    x_ids = rng.integers(0, shape.n_in, size=(shape.tau, shape.B))
    y = rng.integers(0, shape.n_out, size=(shape.tau, shape.B))
    x_onehot = np.eye(shape.n_in, dtype=dtype)[x_ids]            # (tau, B, n_in)
    net = TorchRNN(model, dtype)
    xt, yt = torch.from_numpy(x_onehot), torch.from_numpy(y.reshape(-1))

    impls = {
        "ours": lambda: model.loss_and_grads(x_ids, y),
        "ours one-hot": lambda: model.loss_and_grads(x_onehot, y),
        "PyTorch": lambda: net.loss_and_grads(xt, yt),
        "naive": lambda: naive_loss_and_grads(model.params, x_ids, y),
    }
    check_agreement(shape, dtype, impls, net)
    return Case(shape, dtype, impls)


def require(condition: bool, message: str) -> None:
    """``assert`` that survives ``python -O``."""
    if not condition:
        raise AssertionError(message)


def check_agreement(shape, dtype, impls, net) -> None:
    where = f"{shape.name} {np.dtype(dtype).name}"
    loss, grads = impls["ours"]()
    require(all(g.dtype == dtype for g in grads.values()),
            f"{where}: ours computed in {[str(g.dtype) for g in grads.values()]}")
    torch_loss = impls["PyTorch"]().item()
    others = {
        "ours one-hot": impls["ours one-hot"](),
        "PyTorch": (torch_loss, {k: v.numpy() for k, v in net.grads().items()}),
        "naive": impls["naive"](),
    }
    tg = others["PyTorch"][1]
    require(rnn_course.relative_error(tg["b"], tg["b_hh"]) < GRAD_RTOL[dtype],
            f"{where}: torch's two bias gradients differ")
    for name, (other_loss, other_grads) in others.items():
        rel = abs(other_loss - loss) / abs(loss)
        require(rel < LOSS_RTOL[dtype],
                f"{where}: loss of {name} {other_loss!r} differs from ours {loss!r} "
                f"(relative {rel:.1e} >= {LOSS_RTOL[dtype]:g})")
        for k in grads:
            err = rnn_course.relative_error(other_grads[k], grads[k])
            require(err < GRAD_RTOL[dtype],
                    f"{where}: d{k} of {name} differs from ours: relative error "
                    f"{err:.1e} >= {GRAD_RTOL[dtype]:g}")


# --- timing ------------------------------------------------------------------------------

def calls_per_sample(f, min_time: float) -> int:
    """How many calls make one sample last at least ``min_time`` seconds (also warms up)."""
    f()
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            f()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return number
        number = max(number + 1, int(number * 1.2 * min_time / max(elapsed, 1e-9)))


def time_case(case: Case, repeats: int, min_time: float) -> dict:
    """Seconds per call of each implementation, ``repeats`` samples taken in
    interleaved rounds."""
    numbers = {k: calls_per_sample(f, min_time) for k, f in case.impls.items()}
    samples = {k: [] for k in case.impls}
    for _ in range(repeats):
        for k, f in case.impls.items():  # one sample of each per round
            start = time.perf_counter()
            for _ in range(numbers[k]):
                f()
            samples[k].append((time.perf_counter() - start) / numbers[k])
    return samples


def spread(samples) -> float:
    """Interquartile range over median: how much the load moved the samples."""
    q1, med, q3 = np.percentile(samples, [25, 50, 75])
    return float((q3 - q1) / med)


# --- the machine ------------------------------------------------------------------------

def machine_info(n_threads: int) -> dict:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": n_threads,
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": f"{blas.get('name')} {blas.get('version')}",
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default (one per core)"),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "load_average_start": os.getloadavg(),
    }


# --- report ------------------------------------------------------------------------------

def fmt_ms(value) -> str:
    return "-" if value is None else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def fmt_ratio(num, den) -> str:
    return "-" if num is None or den is None else f"{num / den:.2f}"


def print_table(rows) -> None:
    """A Markdown table: one row per shape and dtype, times in ms and their ratios."""
    head = ["shape: tau, B, n_in/n_hidden/n_out", "dtype", "ours ms", "ours 1-hot ms",
            "PyTorch ms", "naive ms", "PyTorch/ours", "PyTorch/ours 1-hot", "naive/ours",
            "spread"]
    lines = []
    for r in rows:
        s, t = r["shape"], r["ms"]
        lines.append([f"{s['name']}: {s['tau']}, {s['B']}, "
                      f"{s['n_in']}/{s['n_hidden']}/{s['n_out']}", r["dtype"],
                      *(fmt_ms(t[k]) for k in IMPLS),
                      fmt_ratio(t["PyTorch"], t["ours"]),
                      fmt_ratio(t["PyTorch"], t["ours one-hot"]),
                      fmt_ratio(t["naive"], t["ours"]), f"{r['spread']:.0%}"])
    widths = [max(len(x) for x in col) for col in zip(head, *lines)]

    def fmt(cells):  # text columns left-aligned, numbers right-aligned
        return "| " + " | ".join(c.ljust(w) if i < 2 else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    print(fmt(head))
    print("|" + "|".join("-" * (w + 2) if i < 2 else "-" * (w + 1) + ":"
                         for i, w in enumerate(widths)) + "|")
    for line in lines:
        print(fmt(line))


def targets(rows) -> list[dict]:
    """The targets of issue #3, each per dtype, on token-id and one-hot inputs."""
    out = []
    for r in rows:
        s, t, d = r["shape"], r["ms"], r["dtype"]
        for inputs in ("ours", "ours one-hot"):
            rule = ("faster than PyTorch" if s["vs_torch"] == 1 else
                    f"within {s['vs_torch']:g}x of PyTorch")
            out.append({"shape": s["name"], "dtype": d, "what": inputs, "target": rule,
                        "ratio": t["PyTorch"] / t[inputs],
                        "met": bool(t[inputs] <= s["vs_torch"] * t["PyTorch"])})
        if s["B"] == 32 and t["naive"] is not None:
            out.append({"shape": s["name"], "dtype": d, "what": "ours",
                        "target": f">= {VS_NAIVE_B32:g}x faster than naive",
                        "ratio": t["naive"] / t["ours"],
                        "met": bool(t["naive"] >= VS_NAIVE_B32 * t["ours"])})
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="3 rounds of samples of >= 20 ms, naive loop not timed on "
                             "the large shape (a check that everything runs)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="rounds of samples per implementation (default 9; 3 with "
                             "--quick); the median is reported")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    repeats = args.repeats if args.repeats is not None else (3 if args.quick else 9)
    if repeats < 1:
        parser.error(f"--repeats must be >= 1; got {repeats}")
    min_time = 0.02 if args.quick else 0.1

    n_threads = len(os.sched_getaffinity(0))
    torch.set_num_threads(n_threads)
    info = machine_info(n_threads)
    print(f"{info['date']}  {info['cpu']}, {n_threads} cores; load average at start "
          f"{' '.join(f'{x:.2f}' for x in info['load_average_start'])}")
    print(f"numpy {info['numpy']} ({info['numpy_blas']}, threads: "
          f"{info['openblas_threads']}); torch {info['torch']}, "
          f"torch.set_num_threads({n_threads})")
    print(f"median of {repeats} interleaved samples per implementation, each sample "
          f">= {min_time * 1e3:.0f} ms of repeated calls, after warm-up; ratios > 1 mean "
          f"ours is faster; spread: the largest interquartile range / median of the row's "
          f"samples", flush=True)

    rows = []
    for shape in SHAPES:
        for dtype in DTYPES:
            case = make_case(shape, dtype)
            if args.quick and shape is SHAPES[-1]:
                del case.impls["naive"]
            samples = time_case(case, repeats, min_time)
            rows.append({"shape": shape._asdict(), "dtype": np.dtype(dtype).name,
                         "ms": {k: (float(np.median(samples[k])) * 1e3 if k in samples
                                    else None) for k in IMPLS},
                         "spread": max(spread(v) for v in samples.values()),
                         "samples_ms": {k: [x * 1e3 for x in v] for k, v in samples.items()}})
            print(f"  {shape.name} {np.dtype(dtype).name}: agreement asserted, timed",
                  file=sys.stderr, flush=True)
    info["load_average_end"] = os.getloadavg()

    print()
    print_table(rows)
    print(f"\nload average at end {' '.join(f'{x:.2f}' for x in info['load_average_end'])}")
    print("\ntargets:")
    checked = targets(rows)
    for c in checked:
        print(f"  {'met   ' if c['met'] else 'MISSED'} {c['shape']} {c['dtype']} "
              f"{c['what']}: {c['target']} (ratio {c['ratio']:.2f})")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": info, "repeats": repeats, "min_sample_s": min_time,
                       "rows": rows, "targets": checked}, fh, indent=2)
            fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

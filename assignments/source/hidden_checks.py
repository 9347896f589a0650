"""Hidden checks for the rnn-course assignments (ships in the autograder zips only).

Each source notebook lists this file under ``autograder_files``, so it goes into the
autograder zip and never into the student copy. A hidden test cell calls one
``check_*`` function with the student's code. The check:

1. refuses code that hands the work to ``rnn_course`` (the package holds the
   answers: the assignments ask students to write them);
2. calls the student's function on fresh random inputs whose sizes differ from the
   notebook's and from each other (``tau, B, n_in, n_hidden, n_out = 5, 3, 4, 6, 7``),
   so hard-coded sizes and transposed matrices fail;
3. compares with ``rnn_course``'s verified implementation in float64 and, where
   there is a gradient, with central finite differences;
4. on a mismatch raises ``AssertionError`` whose message says which quantity is
   wrong, at which time step it first goes wrong, and the likely mistake, found by
   comparing the student's numbers with those that each common mistake produces.

Time steps in messages are the book's ``t = 1..tau``; arrays are time-major and
``x[t-1]`` holds ``x(t)``.
"""

from __future__ import annotations

import dis
import types

import numpy as np

import rnn_course as rc

__all__ = [
    "check_step_forward", "check_softmax", "check_softmax_stable", "check_rnn_forward",
    "check_sequence_loss", "check_n_params",
    "check_step_backward", "check_bptt_dh", "check_bptt_params", "check_model_grads",
    "check_teacher_forced_forward", "check_teacher_forced_grads", "check_closed_loop",
    "check_exposure",
]

TAU, B, N_IN, N_HIDDEN, N_OUT = 5, 3, 4, 6, 7
TOL = 1e-7        # relative error that counts as "the same numbers" (float64 rounding only)
GRAD_TOL = 1e-6   # bound for a finite-difference gradient check in float64
ALLOWED = {"numerical_gradient", "relative_error", "check_model_gradients"}


class NotDone(AssertionError):
    """The student's code is missing or broke before producing a value."""


# ---------------------------------------------------------------- helpers

def _rng(seed):
    return np.random.default_rng(seed)


def _state(rng, *shape):
    """A plausible hidden state: values strictly inside (-1, 1)."""
    return np.tanh(rng.standard_normal(shape))


def _mat(rng, *shape, scale=0.6):
    return scale * rng.standard_normal(shape)


def _uses_reference(fn, forbidden_attrs, allowed, seen=None):
    """Names of rnn_course objects that ``fn`` (or a notebook function it calls) uses."""
    seen = set() if seen is None else seen
    if id(fn) in seen or not isinstance(fn, types.FunctionType):
        return []
    seen.add(id(fn))
    found = []
    codes = [fn.__code__]
    while codes:
        code = codes.pop()
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        for ins in dis.get_instructions(code):
            if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
                obj = fn.__globals__.get(ins.argval)
                module = getattr(obj, "__module__", None) or ""
                if isinstance(obj, types.ModuleType):
                    continue  # attribute uses are judged below
                if module.startswith("rnn_course") and ins.argval not in allowed:
                    found.append(ins.argval)
                elif (isinstance(obj, types.FunctionType)
                      and obj.__globals__ is fn.__globals__):
                    found += _uses_reference(obj, forbidden_attrs, allowed, seen)
            elif ins.opname in ("LOAD_ATTR", "LOAD_METHOD") and ins.argval in forbidden_attrs:
                found.append(ins.argval)
    return found


def _own_work(fn, name, forbidden_attrs=(), allowed=()):
    """Fail if ``fn`` is missing, is rnn_course's own, or calls a reference that does the job."""
    if fn is None:
        raise NotDone(f"{name} is not defined: run the cell that defines it")
    if not callable(fn):
        raise NotDone(f"{name} must be a function; got {type(fn).__name__}")
    module = getattr(fn, "__module__", None) or ""
    if module.startswith("rnn_course"):
        raise AssertionError(f"{name} is rnn_course's own {module}.{fn.__name__}: the "
                             "assignment asks you to write it yourself, with numpy")
    used = _uses_reference(fn, set(forbidden_attrs), ALLOWED | set(allowed))
    if used:
        raise AssertionError(f"{name} calls rnn_course's reference code "
                             f"({', '.join(sorted(set(used)))}): the assignment asks you to "
                             "write this computation yourself, with numpy (use rnn_course "
                             "only to check your answer)")


def _call(fn, name, *args):
    """Call the student's function on copies of the inputs; turn failures into messages."""
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    try:
        out = fn(*copies)
    except NotImplementedError:
        raise NotDone(f"{name} is not implemented yet") from None
    except Exception as err:  # the student's error, reported plainly
        raise AssertionError(f"{name} raised {type(err).__name__}: {err}") from None
    if out is None or out is Ellipsis:
        raise NotDone(f"{name} returned {out!r}: fill in its body (replace the ...)")
    return out


def _array(value, what, shape, hint=""):
    """``value`` as a float64 array of ``shape``, or an AssertionError that says why not."""
    if value is None or value is Ellipsis:
        raise NotDone(f"{what} is {value!r}: it has not been computed")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} must be a float array of shape {shape}; got "
                             f"{type(value).__name__}") from None
    if arr.shape != tuple(shape):
        raise AssertionError(f"{what} has shape {arr.shape}; expected {tuple(shape)}"
                             + (f". {hint}" if hint else ""))
    if not np.isfinite(arr).all():
        raise AssertionError(f"{what} contains NaN or inf values")
    return arr


def _key(result, key, name):
    if not isinstance(result, dict):
        raise AssertionError(f"{name} must return a dict with the keys described in its "
                             f"docstring; got {type(result).__name__}")
    if key not in result:
        raise AssertionError(f"{name}'s result has no key {key!r} (keys: {sorted(result)})")
    return result[key]


def _same(a, b, tol=TOL):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and rc.relative_error(a, b) < tol


def _explain(got, ref, what, candidates, generic):
    """Pass if ``got`` matches ``ref``; else name the first candidate mistake it matches.

    ``what`` names the quantity ("h(t) at t=2"); ``None`` means the messages already
    say everything and are raised as they are.
    """
    if _same(got, ref):
        return
    lead = "" if what is None else f"{what} is wrong: "
    for value, message in candidates:
        if value is not None and _same(got, value):
            raise AssertionError(lead + message)
    err = rc.relative_error(got, ref)
    raise AssertionError(f"{lead}{generic} (relative error {err:.1e} against the "
                         "reference)")


def _first_wrong_step(got, ref):
    """The book's t (1-based) of the first time slice where ``got`` differs, or None."""
    for t in range(1, got.shape[0] + 1):
        if not _same(got[t - 1], ref[t - 1]):
            return t
    return None


def _softmax_axis_message(yhat, what):
    """A message if ``yhat`` is normalised along a wrong axis, else None."""
    sums = yhat.sum(axis=-1)
    if np.allclose(sums, 1.0):
        return None
    for axis, label in ((0, "the time axis"), (1, "the batch axis")):
        if yhat.ndim == 3 and np.allclose(yhat.sum(axis=axis), 1.0):
            return (f"{what} sums to one along axis {axis} ({label}), not along the "
                    "n_out classes: the softmax of eq. 10.11 normalises each yhat(t) of each "
                    "example over the last axis (use axis=-1)")
    return (f"{what} does not sum to one over the classes (the last axis): "
            f"sums range from {sums.min():.3g} to {sums.max():.3g}")


def _check_yhat(yhat, ref_yhat, rule):
    """``yhat (TAU, B, N_OUT)`` against the reference: first the softmax axis, then values."""
    message = _softmax_axis_message(yhat, "yhat")
    if message:
        raise AssertionError(message)
    _explain(yhat, ref_yhat, "yhat", [], rule)


def _onehot(ids, n):
    return np.eye(n)[ids]


def _hidden_params(rng, n_in=N_IN, n_hidden=N_HIDDEN, n_out=N_OUT):
    return {"U": _mat(rng, n_hidden, n_in), "W": _mat(rng, n_hidden, n_hidden),
            "V": _mat(rng, n_out, n_hidden), "b": _mat(rng, n_hidden, scale=0.5),
            "c": _mat(rng, n_out, scale=0.5)}


def _model(cls, params, n_in, n_hidden, n_out):
    model = cls(n_in, n_hidden, n_out)
    model.params = {k: v.copy() for k, v in params.items()}
    return model


# ---------------------------------------------- assignment 1: the forward pass

def check_step_forward(step_forward):
    """``step_forward(x, h_prev, U, W, b) -> h``: one step of eqs. 10.8-10.9."""
    _own_work(step_forward, "step_forward",
              forbidden_attrs={"rnn_step_forward", "recurrence_forward", "forward"})
    rng = _rng(101)
    p = _hidden_params(rng)
    U, W, b = p["U"], p["W"], p["b"]
    x, h_prev = rng.standard_normal((B, N_IN)), _state(rng, B, N_HIDDEN)
    ref, _ = rc.steps.rnn_step_forward(x, h_prev, U, W, b)
    got = _call(step_forward, "step_forward", x, h_prev, U, W, b)
    if isinstance(got, tuple):
        raise AssertionError("step_forward must return h(t) alone (one array), not a tuple")
    got = _array(got, "h(t)", (B, N_HIDDEN),
                 "A batch is stored row-wise, (B, n_hidden), so the book's W h(t-1) is "
                 "h_prev @ W.T and U x(t) is x @ U.T")
    a = b + h_prev @ W.T + x @ U.T
    _explain(got, ref, "h(t)", [
        (np.tanh(h_prev @ W.T + x @ U.T), "the bias b is missing: a(t) = b + W h(t-1) + U x(t)"),
        (np.tanh(b + h_prev @ W + x @ U.T),
         "W is applied transposed. For a batch stored row-wise the book's W h(t-1) is "
         "h_prev @ W.T"),
        (a, "the tanh is missing: h(t) = tanh(a(t)) (eq. 10.9)"),
        (np.tanh(b + x @ U.T), "the recurrent term W h(t-1) is missing"),
        (np.tanh(b + h_prev @ W.T), "the input term U x(t) is missing"),
    ], "check a(t) = b + W h(t-1) + U x(t) and h(t) = tanh(a(t))")


def check_softmax(softmax):
    """``softmax(o)`` over the last axis, for any leading axes."""
    _own_work(softmax, "softmax", forbidden_attrs={"softmax", "log_softmax"})
    rng = _rng(102)
    o = 2.0 * rng.standard_normal((TAU, B, N_OUT))
    got = _array(_call(softmax, "softmax", o), "softmax(o)", o.shape,
                 "softmax keeps the shape of o")
    message = _softmax_axis_message(got, "softmax(o)")
    if message:
        raise AssertionError(message)
    _explain(got, rc.losses.softmax(o), "softmax(o)", [
        (np.exp(o), "the exponentials are not divided by their sum"),
    ], "softmax(o)_i = exp(o_i) / sum_j exp(o_j) along the last axis")


def check_softmax_stable(softmax):
    """The softmax must survive large logits (it should subtract the max)."""
    _own_work(softmax, "softmax", forbidden_attrs={"softmax", "log_softmax"})
    rng = _rng(103)
    o = 2.0 * rng.standard_normal((B, N_OUT)) + 1000.0
    with np.errstate(all="ignore"):
        got = _call(softmax, "softmax", o)
    arr = np.asarray(got, dtype=np.float64)
    if arr.shape != o.shape or not np.isfinite(arr).all():
        raise AssertionError("softmax overflows for large logits (o around 1000 gives NaN or "
                             "inf): subtract o.max(axis=-1, keepdims=True) before np.exp; the "
                             "result is unchanged because softmax(o - m) = softmax(o)")
    _explain(arr, rc.losses.softmax(o), "softmax(o) for large logits", [],
             "subtract the row maximum before np.exp")


def check_rnn_forward(rnn_forward):
    """``rnn_forward(x, h0, U, W, V, b, c) -> (h, o, yhat)`` for fig. 10.3."""
    _own_work(rnn_forward, "rnn_forward",
              forbidden_attrs={"rnn_step_forward", "recurrence_forward", "forward", "softmax",
                               "output_forward"})
    rng = _rng(104)
    p = _hidden_params(rng)
    x, h0 = rng.standard_normal((TAU, B, N_IN)), _state(rng, B, N_HIDDEN)
    ref = _model(rc.HiddenRNN, p, N_IN, N_HIDDEN, N_OUT).forward(x, h0)
    out = _call(rnn_forward, "rnn_forward", x, h0, *(p[k] for k in "UWVbc"))
    if not (isinstance(out, tuple) and len(out) == 3):
        raise AssertionError("rnn_forward must return the tuple (h, o, yhat)")
    h = _array(out[0], "h", (TAU + 1, B, N_HIDDEN),
               "h holds h(0) too: h[0] = h0 and h[t] = h(t) for t = 1..tau, so it has tau+1 "
               "rows" if np.shape(out[0])[:1] == (TAU,) else "")
    if not _same(h[0], h0):
        raise AssertionError("h[0] is wrong: it must be h0, the state before the first input "
                             "(h[t] holds h(t), so h[0] = h(0))")
    t = _first_wrong_step(h[1:], ref.h[1:])
    if t is not None:
        U, W, b = p["U"], p["W"], p["b"]
        step = lambda xt, hp: np.tanh(b + hp @ W.T + xt @ U.T)
        candidates = [
            (np.tanh(h[t - 1] @ W.T + x[t - 1] @ U.T), "the bias b is missing"),
            (np.tanh(b + h[t - 1] @ W + x[t - 1] @ U.T),
             "W is applied transposed (the book's W h(t-1) is h_prev @ W.T for a batch)"),
            (step(x[t], h[t - 1]) if t < TAU else None,
             "it reads x(t+1): x[t-1] holds the book's x(t)"),
            (step(x[t - 1], np.zeros_like(h0)) if t == 1 else None,
             "h(1) was computed from a zero state: the recurrence starts from h0"),
            (b + h[t - 1] @ W.T + x[t - 1] @ U.T, "the tanh is missing"),
        ]
        _explain(h[t], ref.h[t], f"h(t) at t={t} (the first wrong step)", candidates,
                 "h(t) = tanh(b + W h(t-1) + U x(t)), starting from h(0) = h0")
    o = _array(out[1], "o", (TAU, B, N_OUT))
    V, c = p["V"], p["c"]
    t = _first_wrong_step(o, ref.o)
    if t is not None:
        _explain(o[t - 1], ref.o[t - 1], f"o(t) at t={t} (the first wrong step)", [
            (c + h[t - 1] @ V.T, "o(t) is read from h(t-1); it must read h(t) = h[t], so over "
                                 "all steps o = c + h[1:] @ V.T"),
            (h[t] @ V.T, "the output bias c is missing: o(t) = c + V h(t)"),
        ], "o(t) = c + V h(t) (eq. 10.10)")
    _check_yhat(_array(out[2], "yhat", (TAU, B, N_OUT)), ref.yhat,
                "yhat(t) = softmax(o(t)) (eq. 10.11)")


def check_sequence_loss(sequence_loss):
    """``sequence_loss(yhat, y) -> float``: (1/B) sum_b sum_t -log yhat(t)[y(t)]."""
    _own_work(sequence_loss, "sequence_loss",
              forbidden_attrs={"loss", "softmax_cross_entropy_forward"})
    rng = _rng(105)
    yhat = rc.losses.softmax(rng.standard_normal((TAU, B, N_OUT)))
    y = rng.integers(0, N_OUT, size=(TAU, B))
    nll = -np.log(np.take_along_axis(yhat, y[..., None], axis=-1)[..., 0])
    ref = float(nll.sum() / B)
    got = _call(sequence_loss, "sequence_loss", yhat, y)
    if np.ndim(got) != 0:
        raise AssertionError("sequence_loss must return one number, the loss summed over t "
                             f"and averaged over the batch; got an array of shape "
                             f"{np.shape(got)}")
    got = float(got)
    _explain(got, ref, "the loss", [
        (ref * B, "it is not divided by B: the package's loss averages over the batch, "
                  "(1/B) sum_b sum_t -log yhat(t)[y(t)]"),
        (ref / TAU, "it is also divided by tau: the book's L sums over the time steps "
                    "(eqs. 10.12-10.14); average over the batch only"),
        (-ref, "the sign is wrong: L(t) = -log yhat(t)[y(t)] is positive"),
        (float(-np.log(yhat[..., 0]).sum() / B) if not np.all(y == 0) else None,
         "it reads class 0 instead of the target class y(t)"),
    ], "L = (1/B) sum_b sum_t -log yhat(t)[y(t)], picking each example's target class")


def check_n_params(n_params):
    """The parameter count of fig. 10.3 for n_in, n_hidden, n_out = 4, 5, 6."""
    if n_params is None or n_params is Ellipsis:
        raise NotDone("n_params is not filled in")
    n_in, n_hidden, n_out = 4, 5, 6
    ref = n_hidden * n_in + n_hidden * n_hidden + n_out * n_hidden + n_hidden + n_out
    try:
        value = int(n_params)
    except (TypeError, ValueError):
        raise AssertionError(f"n_params must be a whole number; got {n_params!r}") from None
    if value == ref:
        return
    if value == ref - n_hidden - n_out:
        raise AssertionError("n_params is wrong: the biases b (n_hidden) and c (n_out) are "
                             "parameters too")
    raise AssertionError(f"n_params is wrong ({value}): count U (n_hidden x n_in), "
                         "W (n_hidden x n_hidden), V (n_out x n_hidden), b and c, once each; "
                         "they are shared by every time step, so tau does not enter")


# ----------------------------------------- assignment 2: back-propagation through time

STEP_KEYS = ("dx", "dh_prev", "dU", "dW", "db")
BPTT_FORBIDDEN = {"rnn_step_backward", "recurrence_backward", "input_term_backward", "bptt",
                  "loss_and_grads", "check_model_gradients"}


def _step_case(rng):
    p = _hidden_params(rng)
    x, h_prev = rng.standard_normal((B, N_IN)), _state(rng, B, N_HIDDEN)
    h, cache = rc.steps.rnn_step_forward(x, h_prev, p["U"], p["W"], p["b"])
    return p, x, h_prev, h, cache


def check_step_backward(step_backward):
    """``step_backward(dh, x, h_prev, h, U, W) -> {dx, dh_prev, dU, dW, db}``."""
    _own_work(step_backward, "step_backward", forbidden_attrs=BPTT_FORBIDDEN)
    rng = _rng(201)
    p, x, h_prev, h, cache = _step_case(rng)
    U, W = p["U"], p["W"]
    dh = rng.standard_normal((B, N_HIDDEN))
    ref = rc.steps.rnn_step_backward(dh, cache)._asdict()
    out = _call(step_backward, "step_backward", dh, x, h_prev, h, U, W)
    da = dh * (1.0 - h ** 2)
    no_tanh = "the tanh derivative is left out: h(t) = tanh(a(t)), so da = dh * (1 - h**2) " \
              "comes before any other gradient (the diag(1 - h^2) of eqs. 10.21-10.28)"
    candidates = {
        "dx": [(dh @ U, no_tanh)],
        "dh_prev": [
            (da @ W.T, "W used where its transpose belongs: the book's dh(t-1) = W^T da, "
                       "which for a batch stored row-wise is da @ W (not da @ W.T)"),
            (dh @ W, no_tanh),
            (dh @ W.T, "two mistakes: the tanh derivative is left out and W is used where "
                       "its transpose W^T belongs (row-wise: dh_prev = da @ W)"),
        ],
        "dU": [(dh.T @ x, no_tanh)],
        "dW": [
            (h_prev.T @ da, "dW is transposed: dW[i, j] = sum_b da[b, i] h_prev[b, j], so "
                            "dW = da.T @ h_prev"),
            (da.T @ h, "dW uses h(t); W multiplies h(t-1) in a(t), so dW = da.T @ h_prev"),
            (dh.T @ h_prev, no_tanh),
        ],
        "db": [(dh.sum(axis=0), no_tanh)],
    }
    shapes = {"dx": (B, N_IN), "dh_prev": (B, N_HIDDEN), "dU": (N_HIDDEN, N_IN),
              "dW": (N_HIDDEN, N_HIDDEN), "db": (N_HIDDEN,)}
    hints = {"db": "b is added to every example, so db sums da over the batch axis"}
    problems = {}                         # explanation -> the gradients it explains
    for key in STEP_KEYS:
        got = _array(_key(out, key, "step_backward"), key, shapes[key], hints.get(key, ""))
        try:
            _explain(got, ref[key], None, candidates[key],
                     {"dx": "dx = da @ U", "dh_prev": "dh_prev = da @ W",
                      "dU": "dU = da.T @ x", "dW": "dW = da.T @ h_prev",
                      "db": "db = da.sum(axis=0)"}[key] + " with da = dh * (1 - h**2)")
        except AssertionError as err:
            problems.setdefault(str(err), []).append(key)
    if problems:
        raise AssertionError("step_backward: " + "; ".join(
            f"{', '.join(keys)} {'is' if len(keys) == 1 else 'are'} wrong: {why}"
            for why, keys in problems.items()))


def _bptt_case(seed):
    rng = _rng(seed)
    p = _hidden_params(rng)
    x, h0 = rng.standard_normal((TAU, B, N_IN)), _state(rng, B, N_HIDDEN)
    _, h = rc.recurrence.recurrence_forward(rc.steps.input_term(x, p["U"]), h0, p["W"], p["b"])
    dh_out = rng.standard_normal((TAU, B, N_HIDDEN))
    rec = rc.recurrence.recurrence_backward(dh_out, h, p["W"])
    dU, dx = rc.steps.input_term_backward(rec.da, x, p["U"])
    dh = dh_out.copy()
    dh[:-1] += rec.da[1:] @ p["W"]            # dh(t) = from o(t) + W^T da(t+1)
    ref = {"dx": dx, "dh0": rec.dh0, "dU": dU, "dW": rec.dW, "db": rec.db, "dh": dh,
           "da": rec.da}
    return p, x, h, dh_out, ref


def _run_bptt(bptt, seed):
    _own_work(bptt, "bptt", forbidden_attrs=BPTT_FORBIDDEN)
    p, x, h, dh_out, ref = _bptt_case(seed)
    out = _call(bptt, "bptt", dh_out, x, h, p["U"], p["W"])
    return p, x, h, dh_out, ref, out


def check_bptt_dh(bptt):
    """The gradient reaching each h(t) (eq. 10.21), checked step by step going backwards."""
    p, x, h, dh_out, ref, out = _run_bptt(bptt, 202)
    W = p["W"]
    got = _array(_key(out, "dh", "bptt"), "dh", (TAU, B, N_HIDDEN),
                 "dh[t-1] holds the gradient reaching h(t) for t = 1..tau (dh0 is returned "
                 "separately)")
    if not _same(got[-1], ref["dh"][-1]):
        raise AssertionError(f"grad of h(t) wrong at t={TAU} = tau, the last step: nothing "
                             "comes from h(tau+1) there, so dh(tau) is just the gradient from "
                             "the output, dh_out[tau-1]")
    for t in range(TAU - 1, 0, -1):           # the book's t, going backwards
        if _same(got[t - 1], ref["dh"][t - 1]):
            continue
        nxt = got[t]                          # the student's dh(t+1), already correct
        da_next = nxt * (1.0 - h[t + 1] ** 2)
        prefix = f"grad of h(t) wrong at t={t} (first wrong step going backwards): "
        _explain(got[t - 1], ref["dh"][t - 1], None, [
            (dh_out[t - 1], prefix + "missing the term from h(t+1). h(t) feeds both o(t) "
                            "and h(t+1), so dh(t) = dh_out(t) + W^T diag(1 - h(t+1)^2) "
                            "dh(t+1) (eq. 10.21)"),
            (dh_out[t - 1] + nxt @ W, prefix + "the term from h(t+1) leaves out the tanh "
                                               "derivative: multiply dh(t+1) by "
                                               "(1 - h(t+1)^2) before W^T"),
            (dh_out[t - 1] + da_next @ W.T, prefix + "W used where its transpose belongs: "
                                                     "the term from h(t+1) is W^T da(t+1), "
                                                     "row-wise da_next @ W"),
            (dh_out[t - 1] + (nxt * (1.0 - h[t] ** 2)) @ W,
             prefix + "the tanh derivative uses h(t); the step from h(t) to h(t+1) goes "
                      "through tanh(a(t+1)), so use 1 - h(t+1)^2"),
            (da_next @ W, prefix + "missing the term from o(t), dh_out(t)"),
        ], prefix + "it should be dh_out(t) + W^T diag(1 - h(t+1)^2) dh(t+1) (eq. 10.21)")


def _not_summed(got, per_step, name):
    """A message if ``got`` equals one step's term instead of the sum over steps."""
    p = name[1:]
    eq = {"W": "eqs. 10.25-10.26", "U": "eqs. 10.27-10.28", "b": "eq. 10.23"}[p]
    for t in range(1, per_step.shape[0] + 1):
        if _same(got, per_step[t - 1]):
            return (f"{name} is wrong: it matches the gradient of {p}(t) at t={t} only. {p} "
                    f"is shared by every step, so sum {p}(t)'s gradient over t = 1..tau "
                    f"({eq}): accumulate with += in the loop")
    return None


def check_bptt_params(bptt):
    """dU, dW, db, dx, dh0 of the full backward pass, plus a finite-difference check."""
    p, x, h, dh_out, ref, out = _run_bptt(bptt, 203)
    U, W = p["U"], p["W"]
    shapes = {"dx": (TAU, B, N_IN), "dh0": (B, N_HIDDEN), "dU": (N_HIDDEN, N_IN),
              "dW": (N_HIDDEN, N_HIDDEN), "db": (N_HIDDEN,)}
    got = {k: _array(_key(out, k, "bptt"), k, s) for k, s in shapes.items()}
    dh = np.asarray(_key(out, "dh", "bptt"), dtype=np.float64)
    # the per-step terms, from the reference and from the student's own dh(t)
    das = [ref["da"]]
    if dh.shape == (TAU, B, N_HIDDEN):
        das.append(dh * (1.0 - h[1:] ** 2))
    for key, per_step in (("dW", lambda da: np.einsum("tbi,tbj->tij", da, h[:-1])),
                          ("dU", lambda da: np.einsum("tbi,tbj->tij", da, x)),
                          ("db", lambda da: da.sum(axis=1))):
        if _same(got[key], ref[key]):
            continue
        for da in das:
            message = _not_summed(got[key], per_step(da), key)
            if message:
                raise AssertionError(message)
        if key == "dW" and _same(got[key], ref[key].T):
            raise AssertionError("dW is transposed: dW = sum_t da(t).T @ h(t-1)")
        if len(das) > 1 and not _same(dh, ref["dh"]):
            raise AssertionError(f"{key} is wrong because the gradients reaching h(t) are "
                                 "wrong: fix dh first (see the other bptt test)")
        raise AssertionError(f"{key} is wrong (relative error "
                             f"{rc.relative_error(got[key], ref[key]):.1e}): "
                             f"{key} = sum over t of the step gradients")
    t = _first_wrong_step(got["dx"], ref["dx"])
    if t is not None:
        raise AssertionError(f"dx is wrong, first at t={t}: dx(t) = da(t) @ U")
    if not _same(got["dh0"], ref["dh0"]):
        raise AssertionError("dh0 is wrong: it is the gradient that flows from h(1) into "
                             "h(0), da(1) @ W (the dh_prev of the step at t=1)")
    # a finite-difference check of the parameters through a whole model
    _gradient_check_through_model(bptt)


def _gradient_check_through_model(bptt):
    rng = _rng(204)
    p = _hidden_params(rng)
    model = _model(rc.HiddenRNN, p, N_IN, N_HIDDEN, N_OUT)
    x, h0 = rng.standard_normal((TAU, B, N_IN)), _state(rng, B, N_HIDDEN)
    y = rng.integers(0, N_OUT, size=(TAU, B))
    fwd = model.forward(x, h0)
    do = fwd.yhat.copy()
    np.put_along_axis(do, y[..., None], np.take_along_axis(do, y[..., None], -1) - 1.0, -1)
    dh_out = (do / B) @ p["V"]
    out = _call(bptt, "bptt", dh_out, x, fwd.h, p["U"], p["W"])
    numeric = rc.gradcheck.numerical_param_gradients(
        model, lambda: model.loss(x, y, h0), names=("U", "W", "b"))
    for name in ("U", "W", "b"):
        err = rc.relative_error(np.asarray(_key(out, "d" + name, "bptt"), dtype=float),
                                numeric[name])
        if not err < GRAD_TOL:
            raise AssertionError(f"gradient check failed for {name}: relative error {err:.1e} "
                                 f"between your d{name} and the finite-difference gradient of "
                                 f"the loss (bound {GRAD_TOL:g})")


def check_model_grads(model_grads):
    """``model_grads(model, x, y, h0) -> {U, W, V, b, c}``, against finite differences."""
    _own_work(model_grads, "model_grads", forbidden_attrs=BPTT_FORBIDDEN
              | {"output_backward", "softmax_cross_entropy_backward"})
    rng = _rng(205)
    p = _hidden_params(rng)
    model = _model(rc.HiddenRNN, p, N_IN, N_HIDDEN, N_OUT)
    x, h0 = rng.standard_normal((TAU, B, N_IN)), _state(rng, B, N_HIDDEN)
    y = rng.integers(0, N_OUT, size=(TAU, B))
    ref = model.bptt(x, y, h0).grads
    try:
        out = model_grads(model, x.copy(), y.copy(), h0.copy())
    except Exception as err:
        raise AssertionError(f"model_grads raised {type(err).__name__}: {err}") from None
    finally:
        model.params = {k: v.copy() for k, v in p.items()}
    if out is None or out is Ellipsis:
        raise NotDone("model_grads returned None: fill in its body")
    shapes = {k: v.shape for k, v in p.items()}
    for name in ("V", "c", "U", "W", "b"):
        got = _array(_key(out, name, "model_grads"), f"the gradient of {name}", shapes[name])
        if _same(got, ref[name]):
            continue
        if _same(got, ref[name] * B):
            raise AssertionError(f"the gradient of {name} is B = {B} times too large: the loss "
                                 "averages over the batch, so do = (yhat - onehot(y)) / B")
        if name in ("V", "c"):
            raise AssertionError(f"the gradient of {name} is wrong: with do(t) = (yhat(t) - "
                                 "onehot(y(t))) / B (eq. 10.18), dV = sum_t do(t).T @ h(t) and "
                                 "dc = sum_t do(t), summed over t and the batch")
        numeric = rc.gradcheck.numerical_param_gradients(
            model, lambda: model.loss(x, y, h0), names=(name,))
        err = rc.relative_error(got, numeric[name])
        if not _passes(check_bptt_params, model_grads.__globals__.get("bptt")):
            why = "your bptt is wrong (see its tests), and model_grads inherits the error"
        else:
            why = ("bptt passes its checks, so look at its input: dh_out(t) = do(t) @ V "
                   "with do = (yhat - onehot(y)) / B, for t = 1..tau, and h from the forward "
                   "pass")
        raise AssertionError(f"gradient check failed for {name}: relative error {err:.1e} "
                             f"against finite differences (bound {GRAD_TOL:g}): {why}")


def _passes(check, *args):
    try:
        check(*args)
    except AssertionError:
        return False
    return True


# ------------------------------------ assignment 3: teacher forcing and closed loop

def _output_case(seed):
    rng = _rng(seed)
    p = {"U": _mat(rng, N_HIDDEN, N_IN), "W": _mat(rng, N_HIDDEN, N_OUT, scale=1.0),
         "V": _mat(rng, N_OUT, N_HIDDEN, scale=1.0), "b": _mat(rng, N_HIDDEN, scale=0.5),
         "c": _mat(rng, N_OUT, scale=0.5)}
    x = rng.standard_normal((TAU, B, N_IN))
    y = rng.integers(0, N_OUT, size=(TAU, B))
    y[1:] = np.where(y[1:] == y[:-1], (y[1:] + 1) % N_OUT, y[1:])  # y(t) != y(t-1)
    return p, x, y


TF_FORBIDDEN = {"forward", "bptt", "loss", "loss_and_grads", "closed_loop",
                "closed_loop_loss", "input_term", "input_term_backward", "output_forward",
                "output_backward", "softmax_cross_entropy_backward"}


def check_teacher_forced_forward(teacher_forced_forward):
    """``teacher_forced_forward(x, y, U, W, V, b, c) -> (h, o, yhat)`` (fig. 10.6, left)."""
    _own_work(teacher_forced_forward, "teacher_forced_forward", forbidden_attrs=TF_FORBIDDEN,
              allowed={"softmax"})
    p, x, y = _output_case(301)
    ref = _model(rc.OutputRecurrentRNN, p, N_IN, N_HIDDEN, N_OUT).forward(x, y)
    out = _call(teacher_forced_forward, "teacher_forced_forward", x, y,
                *(p[k] for k in "UWVbc"))
    if not (isinstance(out, tuple) and len(out) == 3):
        raise AssertionError("teacher_forced_forward must return the tuple (h, o, yhat)")
    h = _array(out[0], "h", (TAU, B, N_HIDDEN),
               "this network has no h(0): h[t-1] holds h(t) for t = 1..tau")
    U, W, b = p["U"], p["W"], p["b"]
    base = b + x @ U.T
    fed_same = _onehot(y, N_OUT)                        # y(t) at step t: the leak
    fed_wrap = np.roll(fed_same, 1, axis=0)             # y(tau) wrapped round to t = 1
    t = _first_wrong_step(h, ref.h)
    if t is not None:
        k = t - 1
        _explain(h[k], ref.h[k], f"h(t) at t={t} (the first wrong step)", [
            (np.tanh(base[k] + fed_same[k] @ W.T),
             f"step t={t} was fed y(t), the very target it must predict. Teacher forcing "
             "feeds the previous target y(t-1) (and nothing at t=1)"),
            (np.tanh(base[k] + fed_wrap[k] @ W.T) if t == 1 else None,
             "at t=1 there is no previous output, so the W term must be zero; here y(tau) "
             "was wrapped round to t=1 (np.roll?)"),
            (np.tanh(x[k] @ U.T + (fed_wrap[k] @ W.T if t > 1 else 0.0)),
             "the bias b is missing: a(t) = b + W onehot(y(t-1)) + U x(t)"),
            (np.tanh(base[k]) if t > 1 else None,
             "the W onehot(y(t-1)) term is missing: the output recurrence is this network's "
             "only link between time steps"),
            (base[k] + (fed_wrap[k] @ W.T if t > 1 else 0.0), "the tanh is missing"),
        ], "a(t) = b + W onehot(y(t-1)) + U x(t) with no W term at t=1, h(t) = tanh(a(t))")
    o = _array(out[1], "o", (TAU, B, N_OUT))
    _explain(o, ref.o, "o", [(h @ p["V"].T, "the output bias c is missing")],
             "o(t) = c + V h(t)")
    _check_yhat(_array(out[2], "yhat", (TAU, B, N_OUT)), ref.yhat,
                "yhat(t) = softmax(o(t))")


def check_teacher_forced_grads(teacher_forced_grads):
    """``teacher_forced_grads(x, y, U, W, V, b, c) -> {U, W, V, b, c}`` with no BPTT loop."""
    _own_work(teacher_forced_grads, "teacher_forced_grads", forbidden_attrs=TF_FORBIDDEN,
              allowed={"softmax"})
    p, x, y = _output_case(302)
    model = _model(rc.OutputRecurrentRNN, p, N_IN, N_HIDDEN, N_OUT)
    ref = model.bptt(x, y).grads
    out = _call(teacher_forced_grads, "teacher_forced_grads", x, y, *(p[k] for k in "UWVbc"))
    fwd = model.forward(x, y)
    do = fwd.yhat.copy()
    np.put_along_axis(do, y[..., None], np.take_along_axis(do, y[..., None], -1) - 1.0, -1)
    da = ((do / B) @ p["V"]) * (1.0 - fwd.h ** 2)
    for name in ("V", "c", "b", "U", "W"):
        got = _array(_key(out, name, "teacher_forced_grads"), f"the gradient of {name}",
                     p[name].shape)
        if _same(got, ref[name]):
            continue
        if _same(got, ref[name] * B):
            raise AssertionError(f"the gradient of {name} is B = {B} times too large: the loss "
                                 "averages over the batch, so do = (yhat - onehot(y)) / B")
        if name == "W":
            if _same(got, np.einsum("tbi,tbj->ij", da, _onehot(y, N_OUT))):
                raise AssertionError("the gradient of W is wrong: it pairs da(t) with y(t); W "
                                     "multiplied onehot(y(t-1)) at step t, so dW = sum over "
                                     "t >= 2 of da(t).T @ onehot(y(t-1))")
        def loss_at(value, name=name):
            model.params[name] = value
            try:
                return model.loss(x, y)
            finally:
                model.params[name] = p[name]
        err = rc.relative_error(got, rc.numerical_gradient(loss_at, p[name]))
        raise AssertionError(f"gradient check failed for {name}: relative error {err:.1e} "
                             f"against finite differences of the teacher-forced loss (bound "
                             f"{GRAD_TOL:g})")


def check_closed_loop(closed_loop):
    """``closed_loop(x, y, U, W, V, b, c) -> {h, yhat, fed, loss}``, feeding back yhat(t-1)."""
    _own_work(closed_loop, "closed_loop", forbidden_attrs=TF_FORBIDDEN, allowed={"softmax"})
    p, x, y = _output_case(303)
    model = _model(rc.OutputRecurrentRNN, p, N_IN, N_HIDDEN, N_OUT)
    ref = model.closed_loop(x, feedback="probs")
    ref_loss = model.closed_loop_loss(x, y, feedback="probs")
    out = _call(closed_loop, "closed_loop", x, y, *(p[k] for k in "UWVbc"))
    fed = _array(_key(out, "fed", "closed_loop"), "fed", (TAU, B, N_OUT),
                 "fed[t-1] is what W multiplies at step t")
    truth = _onehot(y, N_OUT)
    t = _first_wrong_step(fed, ref.fed)
    if t is not None:
        k = t - 1
        yh = np.asarray(_key(out, "yhat", "closed_loop"), dtype=float)
        own = yh[k - 1] if (t > 1 and yh.shape == (TAU, B, N_OUT)) else None
        _explain(fed[k], ref.fed[k], f"fed at t={t} (the first wrong step)", [
            (truth[k - 1] if t > 1 else None,
             f"step t={t} was fed the ground truth y(t-1): that is teacher forcing. In "
             "closed loop the network runs free and feeds back its own output yhat(t-1); "
             "y is used only to score the loss"),
            (None if own is None else _onehot(own.argmax(-1), N_OUT),
             "it feeds the one-hot of the most likely class; this assignment feeds back "
             "the probabilities yhat(t-1) themselves"),
            (None if own is None else np.log(np.clip(own, 1e-300, None)),
             "it feeds log-probabilities; feed the probabilities yhat(t-1)"),
        ], "fed(1) = 0 and fed(t) = yhat(t-1) for t >= 2" if t > 1 else
           "at t=1 nothing is fed back: fed[0] must be zeros")
    h = _array(_key(out, "h", "closed_loop"), "h", (TAU, B, N_HIDDEN))
    t = _first_wrong_step(h, ref.h)
    if t is not None:
        raise AssertionError(f"h is wrong, first at t={t}, although fed is right there: "
                             "h(t) = tanh(b + W fed(t) + U x(t))")
    _check_yhat(_array(_key(out, "yhat", "closed_loop"), "yhat", (TAU, B, N_OUT)), ref.yhat,
                "yhat(t) = softmax(c + V h(t))")
    loss = _key(out, "loss", "closed_loop")
    if loss is None or loss is Ellipsis:
        raise NotDone("closed_loop's loss has not been computed")
    if np.ndim(loss) != 0:
        raise AssertionError("closed_loop's loss must be one number")
    _explain(float(loss), ref_loss, "the closed-loop loss", [
        (ref_loss / TAU, "it is divided by tau: sum over t, average over the batch only"),
        (ref_loss * B, "it is not divided by B"),
    ], "(1/B) sum_b sum_t -log yhat(t)[y(t)] with the closed-loop yhat")


def check_exposure(tf_loss, cl_loss, model, x_val, y_val):
    """The two losses of the trained model on the held-out sequences."""
    for name, value in (("tf_loss", tf_loss), ("cl_loss", cl_loss)):
        if value is None or value is Ellipsis:
            raise NotDone(f"{name} is not filled in")
        if np.ndim(value) != 0:
            raise AssertionError(f"{name} must be one number; got shape {np.shape(value)}")
    if model is None or x_val is None or y_val is None:
        raise NotDone("the trained model and the held-out data are missing: run the "
                      "training cell")
    ref_tf = model.loss(x_val, y_val)
    ref_cl = model.closed_loop_loss(x_val, y_val, feedback="probs")
    tf_loss, cl_loss = float(tf_loss), float(cl_loss)
    if _same(cl_loss, ref_tf) and not _same(ref_cl, ref_tf):
        raise AssertionError("cl_loss equals the teacher-forced loss: the closed-loop run was "
                             "fed the ground truth. In closed loop the network feeds back its "
                             "own yhat(t-1)")
    if _same(tf_loss, ref_cl) and _same(cl_loss, ref_tf):
        raise AssertionError("tf_loss and cl_loss are swapped")
    _explain(tf_loss, ref_tf, "tf_loss", [],
             "the teacher-forced loss of the trained model on (x_val, y_val)")
    _explain(cl_loss, ref_cl, "cl_loss", [],
             "the closed-loop loss (yhat(t-1) fed back) of the trained model on "
             "(x_val, y_val)")

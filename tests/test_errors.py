"""Bad input raises a TypeError or ValueError naming what was expected and what came.

Every case runs through every entry point of every model that takes the argument,
with all warnings turned into errors: a numpy warning, a silent broadcast or a NaN
loss instead of the expected exception fails the test.
"""

import re
import warnings

import numpy as np
import pytest

import rnn_course as rc
from builders import KINDS, MODEL_CLASSES

TAU, B, N_IN, N_HIDDEN, N_OUT = 3, 2, 4, 5, 6


def good_x():
    return np.random.default_rng(0).standard_normal((TAU, B, N_IN))


def good_y(kind):
    return np.zeros((B,) if kind == "summary" else (TAU, B), dtype=int)


def good_h0(kind):
    return None if kind == "output" else np.zeros((B, N_HIDDEN))


# every entry point, as f(model, x, y, h0); the output model has no h0 argument
ENTRY_POINTS = {
    "hidden": {
        "forward": lambda m, x, y, h0: m.forward(x, h0),
        "loss": lambda m, x, y, h0: m.loss(x, y, h0),
        "bptt": lambda m, x, y, h0: m.bptt(x, y, h0),
        "loss_and_grads": lambda m, x, y, h0: m.loss_and_grads(x, y, h0),
    },
    "summary": {
        "forward": lambda m, x, y, h0: m.forward(x, h0),
        "summary": lambda m, x, y, h0: m.summary(x, h0),
        "predict": lambda m, x, y, h0: m.predict(x, h0),
        "loss": lambda m, x, y, h0: m.loss(x, y, h0),
        "bptt": lambda m, x, y, h0: m.bptt(x, y, h0),
    },
    "output": {
        "forward": lambda m, x, y, h0: m.forward(x, y),
        "loss": lambda m, x, y, h0: m.loss(x, y),
        "bptt": lambda m, x, y, h0: m.bptt(x, y),
        "closed_loop": lambda m, x, y, h0: m.closed_loop(x),
        "closed_loop_sample": lambda m, x, y, h0: m.closed_loop(
            x, feedback="sample", rng=np.random.default_rng(0)),
        "closed_loop_loss": lambda m, x, y, h0: m.closed_loop_loss(x, y),
    },
}
READS_Y = {"loss", "bptt", "loss_and_grads", "closed_loop_loss"} | {"forward@output"}
READS_H0 = {"forward", "summary", "predict", "loss", "bptt", "loss_and_grads"}


def reads_y(kind, name):
    return name in READS_Y or f"{name}@{kind}" in READS_Y


def entry_points(argument):
    out = []
    for kind in KINDS:
        for name in ENTRY_POINTS[kind]:
            if argument == "y" and not reads_y(kind, name):
                continue
            if argument == "h0" and (kind == "output" or name not in READS_H0):
                continue
            out.append(pytest.param(kind, name, id=f"{kind}.{name}"))
    return out


def model(kind):
    return MODEL_CLASSES[kind](N_IN, N_HIDDEN, N_OUT, seed=0)


def raises_cleanly(exc, pattern, f):
    """``f()`` raises ``exc`` matching ``pattern``, and emits no warning on the way."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(exc, match=pattern):
            f()


X_FEATURES = rf"\(tau, B, n_in={N_IN}\) or integer token ids of shape \(tau, B\)"
BAD_X = {
    "None": (lambda: None, TypeError, rf"^x must be a float array of shape {X_FEATURES}; got None$"),
    "str": (lambda: "abc", TypeError, r"^x must be .*; got a str$"),
    "strings": (lambda: [["a", "b"]] * TAU, TypeError, r"^x must be .*; got non-numeric dtype <U1$"),
    "objects": (lambda: np.full((TAU, B, N_IN), None, dtype=object), TypeError,
                r"got non-numeric dtype object$"),
    "dict": (lambda: {"x": 1}, TypeError, r"got non-numeric dtype object$"),
    "datetime": (lambda: np.zeros((TAU, B), dtype="datetime64[s]"), TypeError,
                 r"got non-numeric dtype datetime64\[s\]$"),
    "complex": (lambda: good_x() + 1j, TypeError, r"^x must be .*; got complex dtype complex128$"),
    "bool": (lambda: good_x() > 0, TypeError, r"^x must be .*; got boolean dtype$"),
    "ragged": (lambda: [[1, 2], [3]], ValueError, r"^x must be .*; got a ragged or unconvertible list"),
    "0-d": (lambda: 1.5, ValueError, r"^x must be .*; got ndim 0 with shape \(\)$"),
    "1-d": (lambda: np.zeros(TAU), ValueError, r"got ndim 1 with shape \(3,\)$"),
    "4-d": (lambda: np.zeros((TAU, B, N_IN, 1)), ValueError, r"got ndim 4 with shape \(3, 2, 4, 1\)$"),
    "batch-less": (lambda: np.zeros((TAU, N_IN)), ValueError,
                   r"^x: a 2-D input must hold integer token ids; got float dtype float64 with "
                   r"shape \(3, 4\) \(float inputs have shape \(tau, B, n_in=4\)\)$"),
    "int 3-d": (lambda: np.zeros((TAU, B, N_IN), dtype=int), ValueError,
                r"^x: integer token ids must have shape \(tau, B\); got ndim 3 with shape "
                r"\(3, 2, 4\) \(one-hot inputs must be float\)$"),
    "int 1-d": (lambda: np.zeros(TAU, dtype=int), ValueError,
                r"^x: integer token ids must have shape \(tau, B\); got ndim 1 with shape \(3,\)$"),
    "features": (lambda: np.zeros((TAU, B, N_IN + 1)), ValueError,
                 r"^x must have n_in=4 features on its last axis, shape \(tau, B, 4\); got shape "
                 r"\(3, 2, 5\)$"),
    "features transposed": (lambda: np.zeros((TAU, N_IN, B)), ValueError,
                            r"^x must have n_in=4 features .*; got shape \(3, 4, 2\)$"),
    "nan": (lambda: np.where(np.arange(TAU * B * N_IN).reshape(TAU, B, N_IN) == 5, np.nan,
                             good_x()), ValueError,
            r"^x must be finite; got 1 NaN and 0 inf value\(s\) in shape \(3, 2, 4\)$"),
    "inf": (lambda: np.full((TAU, B, N_IN), np.inf), ValueError,
            r"^x must be finite; got 0 NaN and 24 inf value\(s\)"),
    "-inf and nan": (lambda: np.array([[[-np.inf, np.nan, 0, 0]] * B] * TAU), ValueError,
                     r"^x must be finite; got 6 NaN and 6 inf value\(s\)"),
    "empty tau": (lambda: np.zeros((0, B, N_IN)), ValueError,
                  r"^x is empty: its time \(tau\) axis has length 0 \(shape \(0, 2, 4\)\); need at "
                  r"least one$"),
    "empty batch": (lambda: np.zeros((TAU, 0, N_IN)), ValueError,
                    r"^x is empty: its batch \(B\) axis has length 0 \(shape \(3, 0, 4\)\)"),
    "empty tau ids": (lambda: np.zeros((0, B), dtype=int), ValueError,
                      r"^x is empty: its time \(tau\) axis has length 0"),
    "empty batch ids": (lambda: np.zeros((TAU, 0), dtype=int), ValueError,
                        r"^x is empty: its batch \(B\) axis has length 0"),
    "empty list": (lambda: [], ValueError, r"^x must be .*; got ndim 1 with shape \(0,\)$"),
    "id negative": (lambda: np.array([[0, 1], [-1, 2], [3, 0]]), ValueError,
                    r"^x must hold token ids in \[0, 4\); got values from -1 to 3$"),
    "id too big": (lambda: np.array([[0, 1], [4, 2], [3, 0]]), ValueError,
                   r"^x must hold token ids in \[0, 4\); got values from 0 to 4$"),
    "id huge uint": (lambda: np.full((TAU, B), 2 ** 63, dtype=np.uint64), ValueError,
                     r"^x must hold token ids in \[0, 4\); got values from 9223372036854775808"),
}


@pytest.mark.parametrize("case", BAD_X, ids=list(BAD_X))
@pytest.mark.parametrize("kind, entry", entry_points("x"))
def test_bad_x(kind, entry, case):
    make, exc, pattern = BAD_X[case]
    m = model(kind)
    call = ENTRY_POINTS[kind][entry]
    raises_cleanly(exc, pattern, lambda: call(m, make(), good_y(kind), good_h0(kind)))


def y_axes(kind):
    return (r"\(B,\) = \(2,\)" if kind == "summary" else r"\(tau, B\) = \(3, 2\)")


def bad_y(kind):
    """``{case: (make, exc, pattern)}`` for a model's targets."""
    axes = y_axes(kind)
    shape = (B,) if kind == "summary" else (TAU, B)
    ids = np.zeros(shape, dtype=int)
    expected = rf"integer class ids in \[0, 6\) of shape {axes}"
    cases = {
        "None": (None, TypeError, rf"^y must be {expected}; got None$"),
        "float": (ids.astype(float), TypeError,
                  rf"^y must hold {expected}; got float dtype float64 \(convert with "
                  r"\.astype\(int\) if the values are whole numbers\)$"),
        "float32 nan": (np.full(shape, np.nan, dtype=np.float32), TypeError,
                        r"^y must hold .*; got float dtype float32"),
        "complex": (ids + 0j, TypeError, rf"^y must be {expected}; got complex dtype complex128$"),
        "bool": (ids > 0, TypeError, r"^y must be .*; got boolean dtype$"),
        "str": ("ab", TypeError, r"^y must be .*; got a str$"),
        "objects": (ids.astype(object), TypeError, r"got non-numeric dtype object$"),
        "negative": (ids - 1, ValueError, r"^y must hold class ids in \[0, 6\); got values from -1 "
                                          r"to -1$"),
        "too big": (ids + N_OUT, ValueError, r"^y must hold class ids in \[0, 6\); got values from 6 "
                                             r"to 6$"),
        "empty": (np.zeros((0,), dtype=int), ValueError,
                  rf"^y must have shape {axes} to match x; got shape \(0,\)$"),
        "batch of 1 (no broadcast)": (ids[..., :1], ValueError,
                                      rf"^y must have shape {axes} to match x; got shape "),
        "batch + 1": (np.zeros(shape[:-1] + (B + 1,), dtype=int), ValueError,
                      rf"^y must have shape {axes} to match x; got shape "),
        "extra axis": (ids[..., None], ValueError, rf"^y must have shape {axes} to match x"),
    }
    if kind == "summary":
        cases["one per step"] = (np.zeros((TAU, B), dtype=int), ValueError,
                                 r"^y must have shape \(B,\) = \(2,\) to match x; got shape \(3, 2\)$")
    else:
        cases["tau + 1"] = (np.zeros((TAU + 1, B), dtype=int), ValueError,
                            r"^y must have shape \(tau, B\) = \(3, 2\) to match x; got shape \(4, 2\)$")
        cases["tau - 1"] = (np.zeros((TAU - 1, B), dtype=int), ValueError,
                            r"got shape \(2, 2\)$")
        cases["batch only"] = (np.zeros(B, dtype=int), ValueError, r"got shape \(2,\)$")
        cases["transposed"] = (np.zeros((B, TAU), dtype=int), ValueError, r"got shape \(2, 3\)$")
    return cases


Y_CASES = [pytest.param(kind, entry, case, id=f"{kind}.{entry}-{case}")
           for kind in KINDS for entry in ENTRY_POINTS[kind] if reads_y(kind, entry)
           for case in bad_y(kind)]


@pytest.mark.parametrize("kind, entry, case", Y_CASES)
@pytest.mark.parametrize("tokens", [False, True], ids=["floats", "ids"])
def test_bad_y(kind, entry, case, tokens):
    value, exc, pattern = bad_y(kind)[case]
    m = model(kind)
    x = np.zeros((TAU, B), dtype=int) if tokens else good_x()
    call = ENTRY_POINTS[kind][entry]
    raises_cleanly(exc, pattern, lambda: call(m, x, value, good_h0(kind)))


H0_SHAPE = r"\(B, n_hidden\) = \(2, 5\)"
BAD_H0 = {
    "batch of 1 (no broadcast)": (np.zeros((1, N_HIDDEN)), ValueError,
                                  rf"^h0 must have shape {H0_SHAPE}; got shape \(1, 5\)$"),
    "1-d (no broadcast)": (np.zeros(N_HIDDEN), ValueError, r"got shape \(5,\)$"),
    "scalar": (0.0, ValueError, r"got shape \(\)$"),
    "transposed": (np.zeros((N_HIDDEN, B)), ValueError, r"got shape \(5, 2\)$"),
    "wrong size": (np.zeros((B, N_HIDDEN + 1)), ValueError, r"got shape \(2, 6\)$"),
    "3-d": (np.zeros((1, B, N_HIDDEN)), ValueError, r"got shape \(1, 2, 5\)$"),
    "empty": (np.zeros((0, N_HIDDEN)), ValueError, r"got shape \(0, 5\)$"),
    "nan": (np.full((B, N_HIDDEN), np.nan), ValueError,
            r"^h0 must be finite; got 10 NaN and 0 inf value\(s\) in shape \(2, 5\)$"),
    "inf": (np.array([[np.inf, 0, 0, 0, -np.inf]] * B), ValueError,
            r"^h0 must be finite; got 0 NaN and 4 inf value\(s\)"),
    "complex": (np.zeros((B, N_HIDDEN), complex), TypeError,
                rf"^h0 must be a float array of shape {H0_SHAPE}, or None for zeros; got complex "
                r"dtype complex128$"),
    "bool": (np.zeros((B, N_HIDDEN), bool), TypeError, r"^h0 must be .*; got boolean dtype$"),
    "str": ("zeros", TypeError, r"^h0 must be .*; got a str$"),
    "objects": (np.zeros((B, N_HIDDEN), object), TypeError, r"got non-numeric dtype object$"),
    "ragged": ([[0.0] * N_HIDDEN, [0.0]], ValueError, r"^h0 must be .*; got a ragged"),
}


@pytest.mark.parametrize("case", BAD_H0, ids=list(BAD_H0))
@pytest.mark.parametrize("kind, entry", entry_points("h0"))
def test_bad_h0(kind, entry, case):
    value, exc, pattern = BAD_H0[case]
    m = model(kind)
    call = ENTRY_POINTS[kind][entry]
    raises_cleanly(exc, pattern, lambda: call(m, good_x(), good_y(kind), value))


@pytest.mark.parametrize("entry", ["loss", "bptt", "loss_and_grads"])
def test_output_model_has_no_h0(entry):
    m = model("output")
    pattern = (r"^OutputRecurrentRNN has no hidden-to-hidden recurrence and so no initial "
               r"state h0; got one$")
    method = getattr(m, entry)
    raises_cleanly(ValueError, pattern, lambda: method(good_x(), good_y("output"),
                                                      np.zeros((B, N_HIDDEN))))


@pytest.mark.parametrize("kind", KINDS)
def test_valid_variants_are_accepted(kind):
    """Lists, other int and float dtypes, and an integer h0 are fine (cast, not refused)."""
    m = model(kind)
    y = good_y(kind)
    h0 = good_h0(kind)
    x = good_x()
    ref = m.loss(x, y, h0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert m.loss(x.tolist(), y.tolist(), h0) == ref
        assert m.loss(x.astype(np.float32), y.astype(np.int8), h0) == pytest.approx(ref, rel=1e-6)
        assert np.isfinite(m.loss(np.zeros((TAU, B), dtype=np.uint8), y.astype(np.uint16), h0))
        if kind != "output":
            assert m.loss(x, y, np.zeros((B, N_HIDDEN), dtype=int)) == ref


@pytest.mark.parametrize("kind", KINDS)
def test_float32_model_refuses_inputs_that_overflow_float32(kind):
    m = MODEL_CLASSES[kind](N_IN, N_HIDDEN, N_OUT, dtype=np.float32)
    pattern = (r"^{} has values too large for float32 \(they would become inf; the largest "
               r"finite float32 is 3\.4e\+38\)$")
    big = np.full((TAU, B, N_IN), 1e300)
    raises_cleanly(ValueError, pattern.format("x"), lambda: ENTRY_POINTS[kind]["forward"](
        m, big, good_y(kind), good_h0(kind)))
    if kind != "output":
        raises_cleanly(ValueError, pattern.format("h0"), lambda: m.loss(
            good_x(), good_y(kind), np.full((B, N_HIDDEN), -1e39)))


# -- parameters assigned by a user -----------------------------------------------------
def bad_params(kind):
    w_cols = N_OUT if kind == "output" else N_HIDDEN
    w_shape = rf"\(5, {w_cols}\)"
    return {
        "U transposed": ("U", np.zeros((N_IN, N_HIDDEN)), ValueError,
                         r"^params\['U'\] must have shape \(5, 4\); got \(4, 5\)$"),
        "W wrong": ("W", np.zeros((N_HIDDEN, w_cols + 1)), ValueError,
                    rf"^params\['W'\] must have shape {w_shape}; got \(5, {w_cols + 1}\)$"),
        "V transposed": ("V", np.zeros((N_HIDDEN, N_OUT)), ValueError,
                         r"^params\['V'\] must have shape \(6, 5\); got \(5, 6\)$"),
        "b as a column (no broadcast)": ("b", np.zeros((N_HIDDEN, 1)), ValueError,
                                         r"^params\['b'\] must have shape \(5,\); got \(5, 1\)$"),
        "c as a row (no broadcast)": ("c", np.zeros((1, N_OUT)), ValueError,
                                      r"^params\['c'\] must have shape \(6,\); got \(1, 6\)$"),
        "b 0-d": ("b", np.array(0.0), ValueError, r"^params\['b'\] must have shape \(5,\); got \(\)$"),
        "W nan": ("W", np.full((N_HIDDEN, w_cols), np.nan), ValueError,
                  rf"^params\['W'\] must be finite; got {N_HIDDEN * w_cols} NaN and 0 inf"),
        "V inf": ("V", np.full((N_OUT, N_HIDDEN), np.inf), ValueError,
                  r"^params\['V'\] must be finite; got 0 NaN and 30 inf"),
        "U int": ("U", np.zeros((N_HIDDEN, N_IN), dtype=int), TypeError,
                  r"^params\['U'\] must be a float numpy array of shape \(5, 4\); got an array of "
                  r"dtype int64 and shape \(5, 4\)$"),
        "U complex": ("U", np.zeros((N_HIDDEN, N_IN), dtype=complex), TypeError,
                      r"^params\['U'\] must be a float numpy array"),
        "c list": ("c", [0.0] * N_OUT, TypeError,
                   r"^params\['c'\] must be a float numpy array of shape \(6,\); got a list$"),
        "b None": ("b", None, TypeError, r"^params\['b'\] must be a float numpy array .*; got None$"),
        "mixed dtypes": ("c", np.zeros(N_OUT, dtype=np.float32), TypeError,
                         r"^params must share one float dtype; got \['float32', 'float64'\]$"),
    }


PARAM_CASES = [pytest.param(kind, case, id=f"{kind}-{case}")
               for kind in KINDS for case in bad_params(kind)]


@pytest.mark.parametrize("kind, case", PARAM_CASES)
def test_bad_params_assigned_by_a_user(kind, case):
    name, value, exc, pattern = bad_params(kind)[case]
    for entry, call in ENTRY_POINTS[kind].items():
        m = model(kind)
        m.params[name] = value
        raises_cleanly(exc, pattern, lambda: call(m, good_x(), good_y(kind), good_h0(kind)))


@pytest.mark.parametrize("kind", KINDS)
def test_params_dict_itself_checked(kind):
    m = model(kind)
    keys = r"\['U', 'V', 'W', 'b', 'c'\]"
    del m.params["W"]
    raises_cleanly(ValueError, rf"^params must have exactly the keys {keys}; got \['U', 'V', 'b', "
                               r"'c'\]$", lambda: m.loss(good_x(), good_y(kind), good_h0(kind)))
    m = model(kind)
    m.params["d"] = np.zeros(3)
    raises_cleanly(ValueError, r"^params must have exactly the keys .*; got \['U', 'V', 'W', 'b', "
                               r"'c', 'd'\]$", lambda: m.loss(good_x(), good_y(kind), good_h0(kind)))
    m = model(kind)
    m.params = list(m.params.values())
    raises_cleanly(TypeError, rf"^params must be a dict with keys {keys}; got a list$",
                   lambda: m.loss(good_x(), good_y(kind), good_h0(kind)))


# -- constructors, closed loop, sampling -----------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("size, exc, pattern", [
    (0, ValueError, r"^n_hidden must be a positive int; got 0$"),
    (-3, ValueError, r"^n_hidden must be a positive int; got -3$"),
    (2.0, TypeError, r"^n_hidden must be a positive int; got a float$"),
    (True, TypeError, r"^n_hidden must be a positive int; got a bool$"),
    ("5", TypeError, r"^n_hidden must be a positive int; got a str$"),
    (None, TypeError, r"^n_hidden must be a positive int; got None$"),
])
def test_bad_sizes(kind, size, exc, pattern):
    raises_cleanly(exc, pattern, lambda: MODEL_CLASSES[kind](N_IN, size, N_OUT))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", [np.float16, np.int64, np.complex128])
def test_bad_dtype(kind, dtype):
    pattern = rf"^dtype must be float32 or float64; got {np.dtype(dtype)}$"
    raises_cleanly(TypeError, pattern, lambda: MODEL_CLASSES[kind](N_IN, N_HIDDEN, N_OUT,
                                                                    dtype=dtype))


@pytest.mark.parametrize("kwargs, exc, pattern", [
    (dict(feedback="softmax"), ValueError,
     r"^feedback must be one of \('probs', 'sample', 'argmax'\); got 'softmax'$"),
    (dict(feedback="sample"), TypeError,
     r"^rng must be a numpy Generator, e\.g\. np\.random\.default_rng\(0\); got NoneType$"),
    (dict(feedback="sample", rng=0), TypeError, r"^rng must be a numpy Generator.*; got int$"),
    (dict(feedback="sample", rng=np.random.default_rng(0), temperature=-1.0), ValueError,
     r"^temperature must be a finite number >= 0; got -1\.0$"),
    (dict(feedback="sample", rng=np.random.default_rng(0), temperature=np.inf), ValueError,
     r"^temperature must be a finite number >= 0; got inf$"),
    (dict(feedback="sample", rng=np.random.default_rng(0), temperature="hot"), TypeError,
     r"^temperature must be a number >= 0; got str$"),
])
def test_bad_closed_loop_options(kwargs, exc, pattern):
    m = model("output")
    raises_cleanly(exc, pattern, lambda: m.closed_loop(good_x(), **kwargs))
    raises_cleanly(exc, pattern, lambda: m.closed_loop_loss(good_x(), good_y("output"), **kwargs))


PRIME = r"integer token ids in \[0, 6\) of shape \(tau0,\) or \(tau0, B\)"


@pytest.mark.parametrize("kwargs, exc, pattern", [
    (dict(prime=None), TypeError, rf"^prime must be {PRIME}; got None$"),
    (dict(prime=[]), ValueError,
     r"^prime is empty \(shape \(0,\)\); need at least one token id to start from$"),
    (dict(prime=np.zeros((0, 2), dtype=int)), ValueError, r"^prime is empty \(shape \(0, 2\)\)"),
    (dict(prime=[0.0, 1.0]), TypeError, rf"^prime must be {PRIME}; got dtype float64$"),
    (dict(prime="ab"), TypeError, rf"^prime must be {PRIME}; got a str$"),
    (dict(prime=3), ValueError, rf"^prime must be {PRIME}; got ndim 0 with shape \(\)$"),
    (dict(prime=np.zeros((2, 1, 6), dtype=int)), ValueError, r"got ndim 3 with shape \(2, 1, 6\)$"),
    (dict(prime=[0, 6]), ValueError, r"^prime must hold token ids in \[0, 6\); got values from 0 to 6$"),
    (dict(prime=[-1]), ValueError, r"^prime must hold token ids in \[0, 6\); got values from -1"),
    (dict(n=0), ValueError, r"^n must be a positive int; got 0$"),
    (dict(n=2.5), TypeError, r"^n must be a positive int; got a float$"),
    (dict(rng=None), TypeError, r"^rng must be a numpy Generator.*; got NoneType$"),
    (dict(rng=np.random.RandomState(0)), TypeError, r"^rng must be a numpy Generator.*; got RandomState$"),
    (dict(temperature=-0.5), ValueError, r"^temperature must be a finite number >= 0; got -0\.5$"),
    (dict(temperature=np.nan), ValueError, r"^temperature must be a finite number >= 0; got nan$"),
    (dict(temperature=None), TypeError, r"^temperature must be a number >= 0; got NoneType$"),
    (dict(temperature=True), TypeError, r"^temperature must be a number >= 0; got bool$"),
    (dict(h0=np.zeros((2, N_HIDDEN))), ValueError,
     r"^h0 must have shape \(B, n_hidden\) = \(1, 5\); got shape \(2, 5\)$"),
])
def test_bad_sample_arguments(kwargs, exc, pattern):
    m = rc.HiddenRNN(N_OUT, N_HIDDEN, N_OUT, seed=0)
    args = dict(prime=[1, 2], n=4, rng=np.random.default_rng(0))
    args.update(kwargs)
    raises_cleanly(exc, pattern, lambda: m.sample(args.pop("prime"), args.pop("n"), **args))


def test_sample_needs_one_vocabulary():
    m = model("hidden")
    pattern = (r"^sampling feeds outputs back as inputs, so it needs n_in == n_out; this model "
               r"has n_in=4, n_out=6$")
    raises_cleanly(ValueError, pattern, lambda: m.sample([0], 3, rng=np.random.default_rng(0)))


def test_messages_name_the_argument_not_a_generic_x():
    """The same validators name y, h0 and prime as such (the message begins with them)."""
    m = model("hidden")
    for call, name in [(lambda: m.loss(good_x(), None), "y"),
                       (lambda: m.loss(good_x(), good_y("hidden"), "h"), "h0")]:
        with pytest.raises(TypeError) as info:
            call()
        assert re.match(rf"^{name} must be", str(info.value))

"""Property-based sweeps (hypothesis) over shapes, sizes, seeds and bad inputs.

Settings: few examples, no deadline, no example database, derandomized, so a run
is quick, writes no files, and every run checks the same cases. For a longer random
search run with ``RNN_COURSE_THOROUGH=1`` (400 fresh examples per property).
"""

import os
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnn_course as rc
from autograd_reference import (hidden_rnn_loss, output_rnn_loss,
                                reference_loss_and_grads, summary_rnn_loss)
from builders import KINDS, make_data, make_model

THOROUGH = os.environ.get("RNN_COURSE_THOROUGH") == "1"
FAST = settings(max_examples=400 if THOROUGH else 40, derandomize=not THOROUGH,
                deadline=None, database=None)
REFERENCE_LOSSES = {"hidden": hidden_rnn_loss, "summary": summary_rnn_loss,
                    "output": output_rnn_loss}

sizes_st = st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 5),
                     st.integers(1, 5), st.integers(1, 5))
small_sizes_st = st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 4),
                           st.integers(1, 4), st.integers(1, 4))


def assert_close_gradient(ours, reference, rel, abs_floor, label):
    """Relative error below ``rel``, or, for a gradient so small that relative error
    measures only rounding, an absolute error below ``abs_floor``."""
    err = rc.relative_error(ours, reference)
    diff = float(np.linalg.norm(np.asarray(ours) - np.asarray(reference)))
    assert err < rel or diff < abs_floor, f"{label}: relative {err:.2e}, absolute {diff:.2e}"


@FAST
@given(kind=st.sampled_from(KINDS), sizes=sizes_st, seed=st.integers(0, 2 ** 16),
       tokens=st.booleans())
def test_forward_and_bptt_shapes(kind, sizes, seed, tokens):
    tau, B, n_in, n_hidden, n_out = sizes
    model = make_model(kind, sizes, seed)
    x, y, h0 = make_data(kind, sizes, seed, tokens)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fwd = model.forward(x, y) if kind == "output" else model.forward(x, h0)
        result = model.bptt(x, y, h0)
    assert fwd.a.shape == (tau, B, n_hidden)
    if kind == "output":
        assert fwd.h.shape == (tau, B, n_hidden)
    else:
        assert fwd.h.shape == (tau + 1, B, n_hidden)
        np.testing.assert_array_equal(fwd.h[0], h0)
    out_shape = (B, n_out) if kind == "summary" else (tau, B, n_out)
    assert fwd.o.shape == fwd.yhat.shape == out_shape
    np.testing.assert_allclose(fwd.yhat.sum(axis=-1), 1.0, rtol=1e-12)
    states = fwd.h if kind == "output" else fwd.h[1:]     # h(0) is given, not computed
    assert np.all(np.abs(states) <= 1.0)
    assert np.isfinite(result.loss) and result.loss >= 0.0
    assert set(result.grads) == set(model.params)
    for name, g in result.grads.items():
        assert g.shape == model.params[name].shape and np.isfinite(g).all()
    assert (result.dx is None) == tokens
    if not tokens:
        assert result.dx.shape == (tau, B, n_in)
    assert (result.dh0 is None) == (kind == "output")
    if kind != "output":
        assert result.dh0.shape == (B, n_hidden)
    if kind == "summary":
        assert model.summary(x, h0).shape == (B, n_hidden)
        assert model.predict(x, h0).shape == (B,)
    if kind == "output":
        run = model.closed_loop(x, feedback="sample", rng=np.random.default_rng(seed))
        assert run.a.shape == run.h.shape == (tau, B, n_hidden)
        assert run.o.shape == run.yhat.shape == run.fed.shape == (tau, B, n_out)
        assert run.y.shape == (tau, B) and run.y.min() >= 0 and run.y.max() < n_out


@FAST
@given(kind=st.sampled_from(KINDS), sizes=small_sizes_st, seed=st.integers(0, 2 ** 16),
       tokens=st.booleans())
def test_gradients_agree_with_finite_differences_and_autograd(kind, sizes, seed, tokens):
    model = make_model(kind, sizes, seed)
    x, y, h0 = make_data(kind, sizes, seed, tokens)
    errors = rc.check_model_gradients(model, x, y, h0, eps=1e-5)
    result = model.bptt(x, y, h0)
    ref_loss, ref = reference_loss_and_grads(REFERENCE_LOSSES[kind], model.params, x, y, h0,
                                             with_h0=kind != "output")
    assert result.loss == pytest.approx(ref_loss, rel=1e-12, abs=1e-300)
    ours = dict(result.grads, **({"x": result.dx} if result.dx is not None else {}),
                **({"h0": result.dh0} if result.dh0 is not None else {}))
    assert set(ours) == set(ref) == set(errors)
    for name in ref:
        assert_close_gradient(ours[name], ref[name], 1e-10, 1e-13, f"{name} vs autograd")
        numeric_err = errors[name]
        if numeric_err >= 1e-7:   # only a vanishing gradient may miss the relative bound
            assert np.linalg.norm(ours[name]) < 1e-4, f"{name}: FD relative {numeric_err:.2e}"


@FAST
@given(kind=st.sampled_from(KINDS), sizes=sizes_st, seed=st.integers(0, 2 ** 16),
       scale=st.sampled_from([1e-3, 1.0, 1e3, 1e6]))
def test_large_but_finite_inputs_give_finite_losses_without_warnings(kind, sizes, seed, scale):
    """Saturating tanh units and huge logits never turn into NaN, inf or a warning."""
    model = make_model(kind, sizes, seed)
    x, y, h0 = make_data(kind, sizes, seed, tokens=False)
    x = x * scale
    h0 = None if h0 is None else h0 * scale
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = model.bptt(x, y, h0)
    assert np.isfinite(result.loss)
    assert all(np.isfinite(g).all() for g in result.grads.values())


# -- bad inputs ------------------------------------------------------------------------
N_IN, N_HIDDEN, N_OUT = 3, 4, 5
MODELS = {kind: make_model(kind, (1, 1, N_IN, N_HIDDEN, N_OUT), 0) for kind in KINDS}


def run(kind, x, y, h0=None):
    model = MODELS[kind]
    return model.loss(x, y) if kind == "output" else model.loss(x, y, h0)


def good_y(kind, tau, B):
    return np.zeros((B,) if kind == "summary" else (tau, B), dtype=int)


shape_st = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)


@FAST
@given(kind=st.sampled_from(KINDS), shape=shape_st, integer=st.booleans())
def test_any_malformed_x_shape_is_refused_by_name(kind, shape, integer):
    valid = (len(shape) == 2 and integer) or (len(shape) == 3 and not integer
                                              and shape[2] == N_IN)
    valid = valid and all(s > 0 for s in shape[:2])
    x = np.zeros(shape, dtype=int if integer else float)
    tau, B = (shape + (1, 1))[:2]
    y = good_y(kind, max(tau, 1), max(B, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if valid:
            assert np.isfinite(run(kind, x, good_y(kind, tau, B)))
            return
        with pytest.raises(ValueError) as info:
            run(kind, x, y)
    message = str(info.value)
    assert message.startswith("x")
    assert str(shape) in message


@FAST
@given(kind=st.sampled_from(KINDS), tau=st.integers(1, 4), B=st.integers(1, 3),
       data=st.data())
def test_out_of_range_ids_and_targets_are_refused(kind, tau, B, data):
    ids = np.array(data.draw(st.lists(st.integers(-5, N_IN + 5), min_size=tau * B,
                                      max_size=tau * B))).reshape(tau, B)
    y_shape = (B,) if kind == "summary" else (tau, B)
    y = np.array(data.draw(st.lists(st.integers(-5, N_OUT + 5), min_size=int(np.prod(y_shape)),
                                    max_size=int(np.prod(y_shape))))).reshape(y_shape)
    bad_x = ids.min() < 0 or ids.max() >= N_IN
    bad_y = y.min() < 0 or y.max() >= N_OUT
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if not (bad_x or bad_y):
            assert np.isfinite(run(kind, ids, y))
            return
        with pytest.raises(ValueError) as info:
            run(kind, ids, y)
    if bad_x:
        expected = (f"x must hold token ids in [0, {N_IN}); got values from {ids.min()} "
                    f"to {ids.max()}")
    else:
        expected = (f"y must hold class ids in [0, {N_OUT}); got values from {y.min()} "
                    f"to {y.max()}")
    assert str(info.value) == expected


@FAST
@given(kind=st.sampled_from(KINDS), tau=st.integers(1, 4), B=st.integers(1, 3),
       dtau=st.integers(-1, 2), dB=st.integers(-1, 2), tokens=st.booleans())
def test_mismatched_tau_or_batch_between_x_and_y_is_refused(kind, tau, B, dtau, dB, tokens):
    x = (np.zeros((tau, B), dtype=int) if tokens else np.zeros((tau, B, N_IN)))
    y_shape = ((B + dB,) if kind == "summary" else (tau + dtau, B + dB))
    y = np.zeros(tuple(max(s, 0) for s in y_shape), dtype=int)
    matches = y.shape == ((B,) if kind == "summary" else (tau, B))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if matches:
            assert np.isfinite(run(kind, x, y))
            return
        with pytest.raises(ValueError, match=r"^y must have shape .* to match x; got shape "
                                             + re.escape(str(y.shape)) + "$"):
            run(kind, x, y)


@FAST
@given(kind=st.sampled_from(["hidden", "summary"]), tau=st.integers(1, 3),
       B=st.integers(1, 3), target=st.sampled_from(["x", "h0"]), data=st.data())
def test_nan_and_inf_anywhere_are_refused_with_a_count(kind, tau, B, target, data):
    x = np.zeros((tau, B, N_IN))
    h0 = np.zeros((B, N_HIDDEN))
    arr = x if target == "x" else h0
    flat = arr.reshape(-1)
    positions = data.draw(st.lists(st.integers(0, flat.size - 1), min_size=1, unique=True))
    values = data.draw(st.lists(st.sampled_from([np.nan, np.inf, -np.inf]),
                                min_size=len(positions), max_size=len(positions)))
    flat[positions] = values
    n_nan = sum(np.isnan(v) for v in values)
    n_inf = len(values) - n_nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=re.escape(
                f"{target} must be finite; got {n_nan} NaN and {n_inf} inf value(s) in shape "
                f"{arr.shape}")):
            run(kind, x, good_y(kind, tau, B), h0)


@FAST
@given(kind=st.sampled_from(["hidden", "summary"]), B=st.integers(1, 3),
       shape=shape_st)
def test_any_malformed_h0_shape_is_refused(kind, B, shape):
    h0 = np.zeros(shape)
    x = np.zeros((2, B, N_IN))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if shape == (B, N_HIDDEN):
            assert np.isfinite(run(kind, x, good_y(kind, 2, B), h0))
            return
        with pytest.raises(ValueError, match=re.escape(
                f"h0 must have shape (B, n_hidden) = {(B, N_HIDDEN)}; got shape {shape}")):
            run(kind, x, good_y(kind, 2, B), h0)


@FAST
@given(kind=st.sampled_from(KINDS), name=st.sampled_from(["U", "W", "V", "b", "c"]),
       shape=shape_st)
def test_any_malformed_parameter_shape_is_refused(kind, name, shape):
    model = make_model(kind, (2, 2, N_IN, N_HIDDEN, N_OUT), 0)
    expected = model.params[name].shape
    model.params[name] = np.zeros(shape)
    x, y = np.zeros((2, 2), dtype=int), good_y(kind, 2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if shape == expected:
            assert np.isfinite(model.loss(x, y))
            return
        with pytest.raises(ValueError, match=re.escape(
                f"params['{name}'] must have shape {expected}; got {shape}")):
            model.loss(x, y)

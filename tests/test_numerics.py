"""Numerical robustness: a stable softmax cross-entropy, and float32 models."""

import math

import numpy as np
import pytest

import rnn_course as rc
from builders import KINDS, make_data, make_model
from rnn_course import losses

SIZES = (3, 2, 4, 5, 6)


def stable_nll(logits, target):
    """-log softmax(logits)[target] with the log-sum-exp, in plain Python."""
    m = max(logits)
    return -(logits[target] - m - math.log(math.fsum(math.exp(v - m) for v in logits)))


@pytest.fixture
def strict_floats():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        yield


@pytest.mark.usefixtures("strict_floats")
def test_cross_entropy_of_huge_logits_is_finite_and_right():
    o = np.array([[1e4, 0.0, -1e4],
                  [1e4, 1e4, 1e4],
                  [-1e4, -1e4, 1e4 - 1.0]])
    y = np.array([1, 2, 0])
    nll, cache = losses.softmax_cross_entropy_forward(o, y)
    assert np.isfinite(nll).all()
    np.testing.assert_allclose(nll, [1e4, math.log(3), 2e4 - 1.0], rtol=1e-15)
    np.testing.assert_allclose(cache.yhat, [[1, 0, 0], [1 / 3] * 3, [0, 0, 1]], atol=1e-300)
    do = losses.softmax_cross_entropy_backward(np.ones(3), cache)
    np.testing.assert_allclose(do, [[1, -1, 0], [1 / 3, 1 / 3, -2 / 3], [-1, 0, 1]], atol=1e-15)
    np.testing.assert_allclose(losses.softmax(o), cache.yhat, rtol=1e-15)
    np.testing.assert_allclose(losses.log_softmax(o)[0], [0.0, -1e4, -2e4], rtol=1e-15)


@pytest.mark.usefixtures("strict_floats")
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_models_with_logits_of_1e4_give_a_finite_correct_loss(kind, dtype):
    model = make_model(kind, SIZES, seed=0, dtype=dtype)
    model.params["V"] = (model.params["V"] * 1e4).astype(dtype)  # |o| up to ~1e4
    x, y, h0 = make_data(kind, SIZES, seed=0, tokens=True)
    fwd = model.forward(x, y) if kind == "output" else model.forward(x, h0)
    assert np.abs(fwd.o).max() > 5e3
    o = np.asarray(fwd.o, dtype=np.float64)
    if kind == "summary":
        expected = sum(stable_nll(o[b].tolist(), y[b]) for b in range(y.shape[0])) / y.shape[0]
    else:
        expected = sum(stable_nll(o[t, b].tolist(), y[t, b])
                       for t in range(y.shape[0]) for b in range(y.shape[1])) / y.shape[1]
    result = model.bptt(x, y, h0)
    assert math.isfinite(result.loss) and expected > 100
    assert result.loss == pytest.approx(expected, rel=1e-12 if dtype == np.float64 else 1e-6)
    for g in result.grads.values():
        assert np.isfinite(g).all()


# -- float32 ---------------------------------------------------------------------------
def float32_copy(model64):
    model32 = type(model64)(model64.n_in, model64.n_hidden, model64.n_out, dtype=np.float32)
    model32.params = {k: v.astype(np.float32) for k, v in model64.params.items()}
    return model32


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("tokens", [False, True])
def test_float32_models_give_float32_results_close_to_float64(kind, tokens):
    model64 = make_model(kind, SIZES, seed=1)
    model32 = float32_copy(model64)
    x, y, h0 = make_data(kind, SIZES, seed=1, tokens=tokens)   # float64 data, cast inside
    r64, r32 = model64.bptt(x, y, h0), model32.bptt(x, y, h0)
    assert isinstance(r32.loss, float)
    assert r32.loss == pytest.approx(r64.loss, rel=1e-5)
    assert model32.loss(x, y, h0) == pytest.approx(r64.loss, rel=1e-5)
    for name in r64.grads:
        assert r32.grads[name].dtype == np.float32, name
        np.testing.assert_allclose(r32.grads[name], r64.grads[name], rtol=1e-4, atol=1e-5)
    for name in r64.forward._fields:
        assert getattr(r32.forward, name).dtype == np.float32, name
        np.testing.assert_allclose(getattr(r32.forward, name), getattr(r64.forward, name),
                                   rtol=1e-4, atol=1e-5)
    for name in ("dx", "dh0"):
        g32, g64 = getattr(r32, name), getattr(r64, name)
        assert (g32 is None) == (g64 is None)
        if g32 is not None:
            assert g32.dtype == np.float32
            np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-5)
    fwd32 = model32.forward(x, y) if kind == "output" else model32.forward(x, h0)
    assert all(getattr(fwd32, name).dtype == np.float32 for name in fwd32._fields)


def test_float32_default_parameters_and_closed_loop_and_sampling():
    for cls in (rc.HiddenRNN, rc.SummaryRNN, rc.OutputRecurrentRNN):
        m = cls(4, 5, 6, dtype=np.float32)
        assert all(p.dtype == np.float32 for p in m.params.values())
        m64 = cls(4, 5, 6)
        for k in m.params:
            np.testing.assert_allclose(m.params[k], m64.params[k], rtol=1e-6)
    out64 = make_model("output", SIZES, seed=2)
    out32 = float32_copy(out64)
    x = np.random.default_rng(0).standard_normal((4, 3, 4))
    for feedback in ("probs", "argmax", "sample"):
        run32 = out32.closed_loop(x, feedback=feedback, rng=np.random.default_rng(0))
        run64 = out64.closed_loop(x, feedback=feedback, rng=np.random.default_rng(0))
        for name in ("a", "h", "o", "yhat", "fed"):
            assert getattr(run32, name).dtype == np.float32
        if feedback != "sample":  # a sample may flip on a float32 rounding of its CDF
            np.testing.assert_array_equal(run32.y, run64.y)
            np.testing.assert_allclose(run32.yhat, run64.yhat, rtol=1e-4, atol=1e-6)
    lm = rc.HiddenRNN(5, 4, 5, dtype=np.float32)
    ids = lm.sample([0, 1, 2], 6, rng=np.random.default_rng(0), temperature=0)
    ids64 = float32_copy(rc.HiddenRNN(5, 4, 5)).sample([0, 1, 2], 6,
                                                       rng=np.random.default_rng(0),
                                                       temperature=0)
    np.testing.assert_array_equal(ids, ids64)


def test_float32_training_keeps_float32():
    x = np.array([[0, 1, 2, 0], [1, 2, 0, 1]]).T          # (tau=4, B=2)
    for opt in (rc.SGD(0.1), rc.Adagrad(0.1), rc.Adam(0.01)):
        model = rc.HiddenRNN(3, 4, 3, dtype=np.float32)
        batches = iter([(x, (x + 1) % 3)] * 5)
        rc.train(model, batches, opt, steps=5, clip=1.0, progress=False)
        assert all(p.dtype == np.float32 for p in model.params.values())

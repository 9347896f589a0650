"""The building blocks: one step, the recurrence over time, the output layer, the loss."""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import rnn_course as rc
from rnn_course import losses, recurrence, steps

B, N_IN, N_HIDDEN, N_OUT = 2, 4, 5, 6


def step_params(seed):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((N_HIDDEN, N_IN)) * 0.5,    # U
            rng.standard_normal((N_HIDDEN, N_HIDDEN)) * 0.5,  # W
            rng.standard_normal(N_HIDDEN) * 0.5)              # b


def inputs(seed, tau, tokens):
    rng = np.random.default_rng(100 + seed)
    if tokens:
        return rng.integers(0, N_IN, size=(tau, B))
    return rng.standard_normal((tau, B, N_IN))


@pytest.mark.parametrize("tokens", [False, True])
def test_input_term_of_ids_is_the_one_hot_product(tokens):
    U, _, _ = step_params(0)
    x = inputs(0, 3, tokens)
    x_float = np.eye(N_IN)[x] if tokens else x
    np.testing.assert_allclose(steps.input_term(x, U), np.einsum("hi,tbi->tbh", U, x_float),
                               rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("tokens", [False, True])
@pytest.mark.parametrize("tau", [1, 4])
def test_recurrence_forward_matches_repeated_step_forward(tau, tokens):
    U, W, b = step_params(1)
    x = inputs(1, tau, tokens)
    h0 = np.random.default_rng(7).standard_normal((B, N_HIDDEN)) * 0.5
    a, h = recurrence.recurrence_forward(steps.input_term(x, U), h0, W, b)
    assert a.shape == (tau, B, N_HIDDEN) and h.shape == (tau + 1, B, N_HIDDEN)
    np.testing.assert_array_equal(h[0], h0)
    h_t = h0
    for t in range(1, tau + 1):
        h_t, cache = steps.rnn_step_forward(x[t - 1], h_t, U, W, b)
        np.testing.assert_allclose(h[t], h_t, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(np.tanh(a[t - 1]), h_t, rtol=1e-14, atol=1e-15)
        assert cache.h is h_t


@pytest.mark.parametrize("tokens", [False, True])
def test_multi_step_backward_with_tau_1_equals_step_backward(tokens):
    U, W, b = step_params(2)
    x = inputs(2, 1, tokens)
    rng = np.random.default_rng(8)
    h0 = rng.standard_normal((B, N_HIDDEN)) * 0.5
    dh = rng.standard_normal((1, B, N_HIDDEN))
    _, h = recurrence.recurrence_forward(steps.input_term(x, U), h0, W, b)
    rec = recurrence.recurrence_backward(dh, h, W)
    dU, dx = steps.input_term_backward(rec.da, x, U)
    _, cache = steps.rnn_step_forward(x[0], h0, U, W, b)
    step = steps.rnn_step_backward(dh[0], cache)
    # equal up to the order of floating-point sums
    assert rc.relative_error(rec.dW, step.dW) < 1e-14
    assert rc.relative_error(rec.db, step.db) < 1e-14
    assert rc.relative_error(rec.dh0, step.dh_prev) < 1e-14
    assert rc.relative_error(dU, step.dU) < 1e-14
    if tokens:
        assert dx is None and step.dx is None
    else:
        assert rc.relative_error(dx[0], step.dx) < 1e-14


def test_multi_step_backward_is_the_sum_of_chained_step_backwards():
    """BPTT = step backwards chained from t = tau down to 1, W's and b's gradients summed."""
    tau = 4
    U, W, b = step_params(3)
    x = inputs(3, tau, tokens=False)
    rng = np.random.default_rng(9)
    h0 = rng.standard_normal((B, N_HIDDEN)) * 0.5
    dh_out = rng.standard_normal((tau, B, N_HIDDEN))
    _, h = recurrence.recurrence_forward(steps.input_term(x, U), h0, W, b)
    rec = recurrence.recurrence_backward(dh_out, h, W)
    caches = []
    h_t = h0
    for t in range(tau):
        h_t, cache = steps.rnn_step_forward(x[t], h_t, U, W, b)
        caches.append(cache)
    dW, db, dU = np.zeros_like(W), np.zeros_like(b), np.zeros_like(U)
    dh_next = np.zeros((B, N_HIDDEN))
    for t in range(tau - 1, -1, -1):
        g = steps.rnn_step_backward(dh_out[t] + dh_next, caches[t])
        dW, db, dU, dh_next = dW + g.dW, db + g.db, dU + g.dU, g.dh_prev
    rec_dU, _ = steps.input_term_backward(rec.da, x, U)
    for ours, chained in [(rec.dW, dW), (rec.db, db), (rec.dh0, dh_next), (rec_dU, dU)]:
        assert rc.relative_error(ours, chained) < 1e-14


@pytest.mark.parametrize("tokens", [False, True])
def test_step_backward_matches_finite_differences(tokens):
    U, W, b = step_params(4)
    x = inputs(4, 1, tokens)[0]
    rng = np.random.default_rng(10)
    h_prev = rng.standard_normal((B, N_HIDDEN)) * 0.5
    dh = rng.standard_normal((B, N_HIDDEN))

    def f(x_, h_, U_, W_, b_):
        return float(np.sum(dh * steps.rnn_step_forward(x_, h_, U_, W_, b_)[0]))

    _, cache = steps.rnn_step_forward(x, h_prev, U, W, b)
    g = steps.rnn_step_backward(dh, cache)
    checks = {
        "dh_prev": (g.dh_prev, rc.numerical_gradient(lambda v: f(x, v, U, W, b), h_prev)),
        "dU": (g.dU, rc.numerical_gradient(lambda v: f(x, h_prev, v, W, b), U)),
        "dW": (g.dW, rc.numerical_gradient(lambda v: f(x, h_prev, U, v, b), W)),
        "db": (g.db, rc.numerical_gradient(lambda v: f(x, h_prev, U, W, v), b)),
    }
    if not tokens:
        checks["dx"] = (g.dx, rc.numerical_gradient(lambda v: f(v, h_prev, U, W, b), x))
    for name, (ours, numeric) in checks.items():
        assert rc.relative_error(ours, numeric) < 1e-8, name


def test_output_layer_backward_matches_autograd():
    rng = np.random.default_rng(11)
    h = rng.standard_normal((3, B, N_HIDDEN))
    V = rng.standard_normal((N_OUT, N_HIDDEN))
    c = rng.standard_normal(N_OUT)
    do = rng.standard_normal((3, B, N_OUT))
    o, cache = steps.output_forward(h, V, c)
    np.testing.assert_allclose(o, np.einsum("oh,tbh->tbo", V, h) + c, rtol=1e-14)
    dh, dV, dc = steps.output_backward(do, cache)

    def f(h_, V_, c_):
        return anp.sum(do * (c_ + anp.einsum("oh,tbh->tbo", V_, h_)))

    ref_dh = autograd.grad(f, 0)(h, V, c)
    ref_dV = autograd.grad(f, 1)(h, V, c)
    ref_dc = autograd.grad(f, 2)(h, V, c)
    assert rc.relative_error(dh, ref_dh) < 1e-13
    assert rc.relative_error(dV, ref_dV) < 1e-13
    assert rc.relative_error(dc, ref_dc) < 1e-13


def test_softmax_cross_entropy_forward_and_backward():
    rng = np.random.default_rng(12)
    o = rng.standard_normal((3, B, N_OUT)) * 2
    y = rng.integers(0, N_OUT, size=(3, B))
    dL = rng.standard_normal((3, B))
    nll, cache = losses.softmax_cross_entropy_forward(o, y)
    p = np.exp(o) / np.exp(o).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(cache.yhat, p, rtol=1e-14)
    np.testing.assert_allclose(nll, -np.log(np.take_along_axis(p, y[..., None], -1)[..., 0]),
                               rtol=1e-13)
    do = losses.softmax_cross_entropy_backward(dL, cache)

    def f(o_):
        shift = anp.max(o_, axis=-1, keepdims=True)
        logp = o_ - shift - anp.log(anp.sum(anp.exp(o_ - shift), axis=-1, keepdims=True))
        return -anp.sum(dL[..., None] * np.eye(N_OUT)[y] * logp)

    assert rc.relative_error(do, autograd.grad(f)(o)) < 1e-13
    np.testing.assert_allclose(losses.softmax(o).sum(axis=-1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(losses.log_softmax(o), np.log(p), rtol=1e-13, atol=1e-14)


def test_squared_error_forward_and_backward():
    rng = np.random.default_rng(13)
    o, y = rng.standard_normal((3, B, N_OUT)), rng.standard_normal((3, B, N_OUT))
    dL = rng.standard_normal((3, B))
    np.testing.assert_allclose(losses.squared_error_forward(o, y),
                               0.5 * ((o - y) ** 2).sum(-1), rtol=1e-15)
    numeric = rc.numerical_gradient(
        lambda v: float(np.sum(dL * losses.squared_error_forward(v, y))), o)
    assert rc.relative_error(losses.squared_error_backward(dL, o, y), numeric) < 1e-8

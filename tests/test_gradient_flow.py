"""The gradient reaching every hidden state: finite differences, autograd, identities."""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import rnn_course as rc
from rnn_course.gradient_flow import state_gradients_from_outputs, summary_state_gradients

# (tau, B, n_in, n_hidden, n_out), distinct so that a transposed matrix fails
SIZES = [(3, 2, 4, 5, 6), (4, 3, 6, 2, 5), (1, 2, 5, 3, 4)]
MODELS = {"summary": rc.SummaryRNN, "hidden": rc.HiddenRNN}


def make_model(kind, sizes, seed):
    """A float64 model whose every parameter (b and c too) is random and nonzero."""
    _, _, n_in, n_hidden, n_out = sizes
    model = MODELS[kind](n_in, n_hidden, n_out, seed=seed)
    rng = np.random.default_rng(100 + seed)
    for p in model.params.values():
        p[...] = 0.6 * rng.standard_normal(p.shape)
    return model


def make_data(kind, sizes, seed, tokens):
    """``(x, y, h0)``: float or id inputs, targets (B,) or (tau, B), a random h0."""
    tau, B, n_in, n_hidden, n_out = sizes
    rng = np.random.default_rng(200 + seed)
    x = (rng.integers(0, n_in, size=(tau, B)) if tokens
         else rng.standard_normal((tau, B, n_in)))
    y = rng.integers(0, n_out, size=(B,) if kind == "summary" else (tau, B))
    return x, y, 0.5 * rng.standard_normal((B, n_hidden))


def perturbed_loss(e, th, x, y, per_step):
    """The loss with ``e[t]`` added to ``h(t)`` right after it is computed, in the book's
    column form; its gradient in ``e`` at ``e = 0`` is the gradient into every ``h(t)``.
    Written independently of rnn_course. ``per_step``: an output at every step (fig.
    10.3) or only at tau (fig. 10.5)."""
    U, W, V, b, c = th["U"], th["W"], th["V"], th["b"], th["c"]
    tau, B = x.shape[:2]

    def nll(h, target):
        o = c[:, None] + anp.dot(V, h)
        shift = anp.max(o, axis=0, keepdims=True)
        log_p = o - shift - anp.log(anp.sum(anp.exp(o - shift), axis=0, keepdims=True))
        return -anp.sum(np.eye(V.shape[0])[:, target] * log_p)

    h = anp.transpose(th["h0"] + e[0])
    total = 0.0
    for t in range(1, tau + 1):
        xt = np.eye(U.shape[1])[:, x[t - 1]] if x.dtype.kind == "i" else x[t - 1].T
        h = anp.tanh(b[:, None] + anp.dot(W, h) + anp.dot(U, xt)) + anp.transpose(e[t])
        if per_step:
            total = total + nll(h, y[t - 1])
    if not per_step:
        total = nll(h, y)
    return total / B


def reference(model, x, y, h0, per_step):
    th = {k: v for k, v in model.params.items()}
    th["h0"] = h0
    e0 = np.zeros((x.shape[0] + 1,) + h0.shape)
    auto = autograd.grad(perturbed_loss)(e0, th, x, y, per_step)
    numeric = rc.numerical_gradient(lambda e: perturbed_loss(e, th, x, y, per_step), e0,
                                    eps=1e-5)
    return auto, numeric


@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("tokens", [False, True], ids=["floats", "ids"])
def test_summary_state_gradients(sizes, tokens):
    tau, B, n_in, n_hidden, n_out = sizes
    model = make_model("summary", sizes, seed=0)
    x, y, h0 = make_data("summary", sizes, seed=0, tokens=tokens)
    gh = summary_state_gradients(model, x, y, h0)
    assert gh.shape == (tau + 1, B, n_hidden)
    auto, numeric = reference(model, x, y, h0, per_step=False)
    assert rc.relative_error(gh, auto) < 1e-12
    assert rc.relative_error(gh, numeric) < 1e-8
    np.testing.assert_allclose(gh[0], model.bptt(x, y, h0).dh0, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("sizes", SIZES[:2], ids=lambda s: "x".join(map(str, s)))
def test_from_outputs_with_an_output_at_every_step(sizes):
    """Fig. 10.3: every h(t) gets 'from its output' plus 'from h(t+1)'."""
    tau, B, n_in, n_hidden, n_out = sizes
    model = make_model("hidden", sizes, seed=1)
    x, y, h0 = make_data("hidden", sizes, seed=1, tokens=False)
    fwd = model.forward(x, h0)
    _, cache = rc.losses.softmax_cross_entropy_forward(fwd.o, y)
    do = rc.losses.softmax_cross_entropy_backward(np.full((tau, B), 1.0 / B), cache)
    dh_out, _, _ = rc.steps.output_backward(do, rc.steps.OutputCache(fwd.h[1:],
                                                                     model.params["V"]))
    gh = state_gradients_from_outputs(dh_out, fwd.h, model.params["W"])
    auto, numeric = reference(model, x, y, h0, per_step=True)
    assert rc.relative_error(gh, auto) < 1e-12
    assert rc.relative_error(gh, numeric) < 1e-8


def test_restarting_at_h_t_gives_the_same_gradient():
    sizes = (5, 2, 4, 3, 6)
    model = make_model("summary", sizes, seed=2)
    x, y, h0 = make_data("summary", sizes, seed=2, tokens=True)
    gh = summary_state_gradients(model, x, y, h0)
    h = model.forward(x, h0).h
    for t in range(sizes[0]):
        np.testing.assert_allclose(gh[t], model.bptt(x[t:], y, h0=h[t]).dh0, rtol=1e-10,
                                   atol=1e-15)


def test_bound_by_the_spectral_norm():
    """||grad h(t)|| <= ||W||_2^(tau - t) ||grad h(tau)||, since |tanh'| <= 1."""
    model = rc.SummaryRNN(3, 6, 2, seed=0)
    x = np.random.default_rng(0).standard_normal((12, 4, 3))
    y = np.arange(4) % 2
    for scale in (0.3, 1.0, 3.0):
        model.params["W"] = scale * rc.SummaryRNN(3, 6, 2, seed=1).params["W"]
        norms = np.linalg.norm(summary_state_gradients(model, x, y), axis=(1, 2))
        s = np.linalg.norm(model.params["W"], 2)
        for t in range(13):
            assert norms[t] <= s ** (12 - t) * norms[12] * (1 + 1e-12)


def test_rejects_other_models_and_bad_targets():
    with pytest.raises(TypeError, match="model must be a SummaryRNN; got a HiddenRNN"):
        summary_state_gradients(rc.HiddenRNN(2, 3, 2), np.zeros((3, 1), int),
                                np.zeros(1, int))
    model = rc.SummaryRNN(2, 3, 2)
    with pytest.raises(ValueError, match=r"y must have shape \(B,\) = \(2,\)"):
        summary_state_gradients(model, np.zeros((3, 2), int), np.zeros((3, 2), int))

"""The linear read-out on frozen features: gradients, training, bad input."""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import rnn_course as rc
from rnn_course.probe import LinearProbe, fit_probe, probe_loss_and_grads

N, n_hidden, n_out = 7, 5, 3            # distinct sizes: a transposed V fails


def data(seed=0):
    rng = np.random.default_rng(seed)
    V = rng.standard_normal((n_out, n_hidden))
    c = rng.standard_normal(n_out)
    H = rng.standard_normal((N, n_hidden))
    y = rng.integers(0, n_out, size=N)
    return V, c, H, y


def reference_loss(th, H, y, l2):
    """Column form, written independently: o_n = c + V h_n, mean NLL + l2/2 ||V||^2."""
    o = th["c"][:, None] + anp.dot(th["V"], H.T)                  # (n_out, N)
    shift = anp.max(o, axis=0, keepdims=True)
    log_p = o - shift - anp.log(anp.sum(anp.exp(o - shift), axis=0, keepdims=True))
    onehot = np.eye(o.shape[0])[:, y]                              # (n_out, N)
    return -anp.sum(onehot * log_p) / H.shape[0] + 0.5 * l2 * anp.sum(th["V"] ** 2)


@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_finite_differences_and_autograd(seed, l2):
    V, c, H, y = data(seed)
    loss, grads = probe_loss_and_grads(V, c, H, y, l2=l2)
    assert set(grads) == {"V", "c"}
    assert grads["V"].shape == (n_out, n_hidden) and grads["c"].shape == (n_out,)
    assert np.isclose(loss, reference_loss({"V": V, "c": c}, H, y, l2), rtol=1e-12)
    numeric = {
        "V": rc.numerical_gradient(
            lambda v: probe_loss_and_grads(v, c, H, y, l2=l2)[0], V, eps=1e-5),
        "c": rc.numerical_gradient(
            lambda v: probe_loss_and_grads(V, v, H, y, l2=l2)[0], c, eps=1e-5),
    }
    auto = autograd.grad(reference_loss)({"V": V, "c": c}, H, y, l2)
    for name in ("V", "c"):
        assert rc.relative_error(grads[name], numeric[name]) < 1e-8, name
        assert rc.relative_error(grads[name], auto[name]) < 1e-12, name


def test_fit_probe_separates_separable_data():
    rng = np.random.default_rng(0)
    H = rng.standard_normal((400, n_hidden))
    y = (H @ np.array([1.0, -2.0, 0.5, 0.0, 1.0]) > 0.3).astype(int)
    probe = fit_probe(H[:200], y[:200], steps=500, lr=0.1)
    assert isinstance(probe, LinearProbe)
    assert probe.V.shape == (2, n_hidden) and probe.c.shape == (2,)
    assert probe.accuracy(H[:200], y[:200]) > 0.98
    assert probe.accuracy(H[200:], y[200:]) > 0.95
    assert probe.predict(H[200:]).shape == (200,)


def test_fit_probe_lowers_the_loss_and_is_deterministic():
    _, _, H, y = data(3)
    zero_loss, _ = probe_loss_and_grads(np.zeros((n_out, n_hidden)), np.zeros(n_out),
                                        H, y)
    assert np.isclose(zero_loss, np.log(n_out))
    a = fit_probe(H, y, n_out=n_out, steps=200)
    b = fit_probe(H, y, n_out=n_out, steps=200)
    np.testing.assert_array_equal(a.V, b.V)
    assert probe_loss_and_grads(a.V, a.c, H, y)[0] < 0.5 * zero_loss


def test_fit_probe_infers_the_number_of_classes():
    _, _, H, _ = data(4)
    assert fit_probe(H, np.zeros(N, dtype=int), steps=2).V.shape == (2, n_hidden)
    assert fit_probe(H, np.arange(N) % 4, steps=2).V.shape == (4, n_hidden)


@pytest.mark.parametrize("features, y, kwargs, err, match", [
    (np.ones(N), np.zeros(N, int), {}, ValueError,
     r"features must be a float array of shape \(N, n_hidden\)"),
    (np.ones((N, 2), dtype=int), np.zeros(N, int), {}, ValueError, "got dtype int64"),
    (np.ones((0, 2)), np.zeros(0, int), {"n_out": 2}, ValueError, "features is empty"),
    (np.full((N, 2), np.nan), np.zeros(N, int), {}, ValueError,
     "features must be finite"),
    (np.ones((N, 2)), np.zeros(N), {}, TypeError, "y must be integer class ids"),
    (np.ones((N, 2)), np.zeros(N - 1, int), {}, ValueError, r"shape \(N,\) = \(7,\)"),
    (np.ones((N, 2)), np.full(N, 3), {"n_out": 2}, ValueError, r"class ids in \[0, 2\)"),
    (np.ones((N, 2)), np.zeros(N, int), {"l2": -1.0}, ValueError,
     "l2 must be a finite number >= 0"),
    (np.ones((N, 2)), np.zeros(N, int), {"steps": 0}, ValueError,
     "steps must be a positive int"),
])
def test_fit_probe_bad_input(features, y, kwargs, err, match):
    with pytest.raises(err, match=match):
        fit_probe(features, y, **kwargs)


def test_probe_rejects_features_of_the_wrong_width():
    probe = LinearProbe(V=np.zeros((2, 3)), c=np.zeros(2))
    with pytest.raises(ValueError, match="n_hidden=3 columns, like V; got shape"):
        probe.predict(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"shape \(N,\) = \(4,\)"):
        probe.accuracy(np.ones((4, 3)), np.zeros(3, dtype=int))

"""Optimisers (one step against a hand computation) and gradient clipping."""

import math

import numpy as np
import pytest

import rnn_course as rc


def params_and_grads():
    params = {"W": np.array([[1.0, -2.0], [0.5, 0.0]]), "b": np.array([0.3])}
    grads = {"W": np.array([[0.5, -1.0], [0.0, 2.0]]), "b": np.array([-4.0])}
    return params, grads


def test_sgd_step():
    params, grads = params_and_grads()
    W = params["W"]
    rc.SGD(lr=0.1).step(params, grads)
    assert params["W"] is W                       # updated in place: the model sees it
    np.testing.assert_allclose(params["W"], [[1.0 - 0.05, -2.0 + 0.1], [0.5, -0.2]], rtol=1e-15)
    np.testing.assert_allclose(params["b"], [0.3 + 0.4], rtol=1e-15)


def test_adagrad_two_steps():
    params, grads = params_and_grads()
    opt = rc.Adagrad(lr=0.5, eps=1e-8)
    opt.step(params, grads)
    # m = g^2, p -= lr g / sqrt(m + eps): a step of lr * sign(g) where g != 0
    w00 = 1.0 - 0.5 * 0.5 / math.sqrt(0.25 + 1e-8)
    w11 = 0.0 - 0.5 * 2.0 / math.sqrt(4.0 + 1e-8)
    b0 = 0.3 + 0.5 * 4.0 / math.sqrt(16.0 + 1e-8)
    assert params["W"][0, 0] == pytest.approx(w00, rel=1e-14)
    assert params["W"][1, 1] == pytest.approx(w11, rel=1e-14)
    assert params["W"][1, 0] == 0.5                # g = 0: no move
    assert params["b"][0] == pytest.approx(b0, rel=1e-14)
    opt.step(params, grads)
    # second step: m = 2 g^2
    w00 -= 0.5 * 0.5 / math.sqrt(0.5 + 1e-8)
    assert params["W"][0, 0] == pytest.approx(w00, rel=1e-14)
    np.testing.assert_allclose(opt.memory["W"], 2 * grads["W"] ** 2, rtol=1e-15)


def test_adam_two_steps():
    params, grads = params_and_grads()
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    opt = rc.Adam(lr=lr, beta1=b1, beta2=b2, eps=eps)
    g = -4.0                                        # follow params["b"]
    p = 0.3
    m = v = 0.0
    for t in (1, 2):
        g_t = g if t == 1 else 2.0                  # a different gradient at step 2
        grads["b"] = np.array([g_t])
        opt.step(params, grads)
        m = b1 * m + (1 - b1) * g_t
        v = b2 * v + (1 - b2) * g_t ** 2
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        p -= lr * m_hat / (math.sqrt(v_hat) + eps)
        assert params["b"][0] == pytest.approx(p, rel=1e-14), t
    assert opt.t == {"W": 2, "b": 2}


def test_adam_first_step_moves_every_entry_by_lr():
    params, grads = params_and_grads()
    before = {k: v.copy() for k, v in params.items()}
    rc.Adam(lr=0.01).step(params, grads)
    moved = {k: before[k] - params[k] for k in params}
    np.testing.assert_allclose(moved["W"], 0.01 * np.sign(grads["W"]), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(moved["b"], [-0.01], rtol=1e-6)


@pytest.mark.parametrize("opt", [rc.SGD(0.1), rc.Adagrad(0.1), rc.Adam(0.1)],
                         ids=["SGD", "Adagrad", "Adam"])
def test_step_checks_keys_and_shapes(opt):
    params, grads = params_and_grads()
    with pytest.raises(ValueError, match=r"^grads must have the keys of params \['W', 'b'\]; "
                                         r"got \['W'\]$"):
        opt.step(params, {"W": grads["W"]})
    with pytest.raises(ValueError, match=r"^grads\['W'\] has shape \(2,\), params\['W'\] has "
                                         r"\(2, 2\)$"):
        opt.step(params, {"W": np.zeros(2), "b": grads["b"]})


@pytest.mark.parametrize("cls", [rc.SGD, rc.Adagrad, rc.Adam])
@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1", None])
def test_bad_learning_rate(cls, lr):
    with pytest.raises(ValueError, match=r"^lr must be a finite number > 0; got "):
        cls(lr=lr)


def test_global_norm_and_clipping():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert rc.global_norm(grads) == 5.0
    clipped, norm = rc.clip_by_global_norm(grads, 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(clipped["a"], [0.6, 0.0], rtol=1e-15)
    np.testing.assert_allclose(clipped["b"], [[0.8]], rtol=1e-15)
    assert rc.global_norm(clipped) == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_array_equal(grads["a"], [3.0, 0.0])   # the input is not modified
    same, norm = rc.clip_by_global_norm(grads, 10.0)         # under the bound: unchanged
    assert norm == 5.0
    for k in grads:
        np.testing.assert_array_equal(same[k], grads[k])
        assert same[k] is not grads[k]
    zeros, norm = rc.clip_by_global_norm({"a": np.zeros(3)}, 1.0)
    assert norm == 0.0 and not zeros["a"].any()
    for bad in (0, -1.0, float("nan")):
        with pytest.raises(ValueError, match=r"^max_norm must be > 0; got "):
            rc.clip_by_global_norm(grads, bad)


def test_clipping_model_gradients_keeps_their_direction():
    model = rc.HiddenRNN(4, 5, 6, seed=0)
    x = np.random.default_rng(0).integers(0, 4, (3, 2))
    _, grads = model.loss_and_grads(x, np.ones((3, 2), dtype=int))
    norm = rc.global_norm(grads)
    clipped, reported = rc.clip_by_global_norm(grads, norm / 4)
    assert reported == norm
    for k in grads:
        np.testing.assert_allclose(clipped[k], grads[k] / 4, rtol=1e-14)

"""Every gradient of every model against finite differences and against autograd."""

import numpy as np
import pytest

import rnn_course as rc
from autograd_reference import (hidden_rnn_loss, output_rnn_loss,
                                reference_loss_and_grads, summary_rnn_loss)
from builders import KINDS, SIZES, make_data, make_model

REFERENCE_LOSSES = {"hidden": hidden_rnn_loss, "summary": summary_rnn_loss,
                    "output": output_rnn_loss}
# Central differences err by about eps**2 (truncation) plus 1e-16 * |L| / eps
# (rounding); eps = 1e-5, near float64's optimum (machine epsilon ** (1/3)), keeps
# both near 1e-11, far below the 1e-7 bound even for the small dh0 of a long chain.
FD_EPS = 1e-5
CASES = [(kind, sizes, seed, tokens)
         for kind in KINDS for sizes in SIZES for seed in (0, 1, 2)
         for tokens in (False, True)]
CASE_IDS = [f"{k}-{'x'.join(map(str, s))}-seed{seed}-{'ids' if tok else 'floats'}"
            for k, s, seed, tok in CASES]


def expected_gradient_names(kind, tokens):
    names = {"U", "W", "V", "b", "c"}
    if not tokens:
        names.add("x")
    if kind != "output":
        names.add("h0")
    return names


@pytest.mark.parametrize("kind, sizes, seed, tokens", CASES, ids=CASE_IDS)
def test_gradients_match_finite_differences(kind, sizes, seed, tokens):
    model = make_model(kind, sizes, seed)
    x, y, h0 = make_data(kind, sizes, seed, tokens)
    errors = rc.check_model_gradients(model, x, y, h0, eps=FD_EPS)
    assert set(errors) == expected_gradient_names(kind, tokens)
    for name, err in errors.items():
        assert err < 1e-7, f"{kind}: d{name} relative error {err:.2e}"


@pytest.mark.parametrize("kind, sizes, seed, tokens", CASES, ids=CASE_IDS)
def test_loss_and_gradients_match_autograd(kind, sizes, seed, tokens):
    model = make_model(kind, sizes, seed)
    x, y, h0 = make_data(kind, sizes, seed, tokens)
    result = model.bptt(x, y, h0)
    ref_loss, ref = reference_loss_and_grads(REFERENCE_LOSSES[kind], model.params, x, y,
                                             h0, with_h0=kind != "output")
    assert abs(result.loss - ref_loss) <= 1e-12 * abs(ref_loss)
    assert model.loss(x, y, h0) == pytest.approx(ref_loss, rel=1e-12, abs=0)
    ours = dict(result.grads)
    if result.dx is not None:
        ours["x"] = result.dx
    if result.dh0 is not None:
        ours["h0"] = result.dh0
    assert set(ours) == set(ref) == expected_gradient_names(kind, tokens)
    for name in ref:
        assert ours[name].shape == ref[name].shape, name
        err = rc.relative_error(ours[name], ref[name])
        assert err < 1e-10, f"{kind}: d{name} relative error {err:.2e} against autograd"


@pytest.mark.parametrize("kind", KINDS)
def test_default_h0_is_zeros_and_its_gradient_is_returned(kind):
    sizes = (3, 2, 4, 5, 6)
    model = make_model(kind, sizes, seed=4)
    x, y, _ = make_data(kind, sizes, seed=4, tokens=False)
    result = model.bptt(x, y)
    if kind == "output":
        assert result.dh0 is None
        return
    zeros = np.zeros((2, 5))
    same = model.bptt(x, y, zeros)
    assert result.loss == same.loss
    np.testing.assert_array_equal(result.dh0, same.dh0)
    _, ref = reference_loss_and_grads(REFERENCE_LOSSES[kind], model.params, x, y, None)
    assert rc.relative_error(result.dh0, ref["h0"]) < 1e-10


def test_loss_and_grads_agrees_with_bptt():
    model = make_model("hidden", (3, 2, 4, 5, 6), seed=5)
    x, y, h0 = make_data("hidden", (3, 2, 4, 5, 6), seed=5, tokens=True)
    loss, grads = model.loss_and_grads(x, y, h0)
    result = model.bptt(x, y, h0)
    assert loss == result.loss
    for name in grads:
        np.testing.assert_array_equal(grads[name], result.grads[name])


@pytest.mark.parametrize("kind", KINDS)
def test_gradients_do_not_modify_params_or_inputs(kind):
    sizes = (3, 2, 4, 5, 6)
    model = make_model(kind, sizes, seed=6)
    x, y, h0 = make_data(kind, sizes, seed=6, tokens=False)
    before = {k: v.copy() for k, v in model.params.items()}
    x0, y0 = x.copy(), y.copy()
    h00 = None if h0 is None else h0.copy()
    model.bptt(x, y, h0)
    rc.check_model_gradients(model, x, y, h0)
    for k in before:
        np.testing.assert_array_equal(model.params[k], before[k])
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)
    if h0 is not None:
        np.testing.assert_array_equal(h0, h00)


def test_check_model_gradients_refuses_float32():
    model = rc.HiddenRNN(4, 5, 6, dtype=np.float32)
    x, y, _ = make_data("hidden", (3, 2, 4, 5, 6), seed=0, tokens=True)
    with pytest.raises(TypeError, match="gradient checks need a float64 model"):
        rc.check_model_gradients(model, x, y)


def test_numerical_gradient_is_exact_on_a_quadratic_and_leaves_x_alone():
    A = np.array([[2.0, 1.0, 0.0], [0.5, 3.0, -1.0]])
    x = np.array([[0.3, -0.7], [1.1, 0.2], [-0.4, 0.9]])
    x_before = x.copy()

    def f(z):
        return float(0.5 * np.sum((A @ z) ** 2))

    grad = rc.numerical_gradient(f, x)
    np.testing.assert_allclose(grad, A.T @ (A @ x), rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(x, x_before)


def test_relative_error():
    assert rc.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rc.relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2)
    assert rc.relative_error([2.0], [2.0]) == 0.0
    with pytest.raises(ValueError, match=r"cannot compare gradients of shapes \(2,\) and \(3,\)"):
        rc.relative_error(np.zeros(2), np.zeros(3))


def test_numerical_param_gradients_of_chosen_names_match_all():
    model = rc.HiddenRNN(4, 5, 6, seed=1)
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((3, 2, 4)), rng.integers(0, 6, size=(3, 2))
    before = {k: v.copy() for k, v in model.params.items()}
    loss = lambda: model.loss(x, y)  # noqa: E731
    every = rc.gradcheck.numerical_param_gradients(model, loss)
    some = rc.gradcheck.numerical_param_gradients(model, loss, names=("W", "c"))
    assert set(some) == {"W", "c"}
    for name in some:
        np.testing.assert_array_equal(some[name], every[name])
    for name, value in model.params.items():  # every parameter restored
        np.testing.assert_array_equal(value, before[name])

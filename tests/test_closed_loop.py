"""Output recurrence with a real-valued output fed back, and training for closed-loop use.

Gradients of :class:`rnn_course.OutputRecurrentRegressor` (teacher forcing, free
running, any mix, with the fed outputs back-propagated through or held constant)
against central finite differences and against ``autograd`` differentiating an
independent column-vector loop; the scheduled-sampling machinery (masks from an
explicit rng, the schedules, the trainer); the ``prime`` option of
:meth:`rnn_course.OutputRecurrentRNN.closed_loop`; and bad input.
"""

import re
import warnings

import autograd
import autograd.numpy as anp
import numpy as onp
import pytest

import rnn_course as rc
from rnn_course.closed_loop import (FedHistory, closed_loop_errors, scheduled_mask,
                                    teacher_probability, train_fed)
from rnn_course.output_regressor import OutputRecurrentRegressor, prime_mask

np = onp
PARAMS = ("U", "W", "V", "b", "c")
# (tau, B, n_in, n_hidden, n_out): B, n_in, n_hidden, n_out distinct in each
SIZES = [(5, 2, 3, 6, 4), (4, 3, 2, 5, 7), (3, 1, 4, 7, 2), (1, 2, 5, 3, 4)]


# ---- an independent reference: the book's column vectors, one step at a time ----

def _columns(x, t, n_in):
    if isinstance(x, onp.ndarray) and x.dtype.kind in "iu":
        cols = onp.zeros((n_in, x.shape[1]))
        cols[x[t], onp.arange(x.shape[1])] = 1.0
        return cols
    return anp.transpose(x[t])


def reference_loss(th, x, y, feed_model, frozen=None):
    """``(1/B) sum_t 1/2 ||o(t) - y(t)||^2`` with ``f(t) = o(t-1)`` where
    ``feed_model[t-1]`` (column b), else ``y(t-1)``. ``frozen``: ``(tau, B, n_out)``
    plain-numpy outputs used in place of ``o(t-1)``: a constant to autograd."""
    x = th.get("x", x)
    tau, B, n_out = y.shape
    n_in = th["U"].shape[1]
    total, o_prev = 0.0, None
    for t in range(tau):
        if t == 0:
            f = anp.zeros((n_out, B))
        else:
            own = anp.transpose(frozen[t - 1]) if frozen is not None else o_prev
            m = feed_model[t][None, :].astype(float)
            f = m * own + (1.0 - m) * anp.transpose(y[t - 1])
        a = th["b"][:, None] + anp.dot(th["W"], f) + anp.dot(th["U"], _columns(x, t, n_in))
        o = th["c"][:, None] + anp.dot(th["V"], anp.tanh(a))
        total = total + 0.5 * anp.sum((o - anp.transpose(y[t])) ** 2)
        o_prev = o
    return total / B


def make(sizes, seed, tokens, dtype=np.float64):
    tau, B, n_in, n_hidden, n_out = sizes
    model = OutputRecurrentRegressor(n_in, n_hidden, n_out, seed=seed, dtype=dtype)
    rng = np.random.default_rng(100 + seed)
    for k, p in model.params.items():      # every parameter random and nonzero
        model.params[k] = (0.6 * rng.standard_normal(p.shape)).astype(dtype)
    x = (rng.integers(0, n_in, size=(tau, B)) if tokens
         else rng.standard_normal((tau, B, n_in)))
    y = rng.standard_normal((tau, B, n_out))
    mask = rng.random((tau, B)) < 0.5
    mask[min(1, tau - 1), 0] = True        # at least one model-fed step when tau > 1
    return model, x, y, mask


def assert_close(got, want, tol, what):
    err = rc.relative_error(got, want)
    assert err < tol, f"{what}: relative error {err:.2e} >= {tol:.0e}"


CASES = [(s, seed, tok) for seed, s in enumerate(SIZES) for tok in (False, True)]
ALL_TEACHER, FREE, RANDOM = "teacher", "free", "random"


def the_mask(kind, mask):
    if kind == ALL_TEACHER:
        return np.zeros_like(mask)
    if kind == FREE:
        return prime_mask(*mask.shape, 0)
    return mask


# ---- teacher forcing ---------------------------------------------------------------

@pytest.mark.parametrize("sizes,seed,tokens", CASES)
def test_teacher_forced_gradients_match_finite_differences_and_autograd(sizes, seed, tokens):
    model, x, y, mask = make(sizes, seed, tokens)
    errors = rc.check_model_gradients(model, x, y)
    assert set(errors) == set(PARAMS) | (set() if tokens else {"x"})
    for name, err in errors.items():
        assert err < 1e-7, f"d{name}: {err:.2e} against finite differences"
    result = model.bptt(x, y)
    no_feedback = np.zeros(mask.shape, dtype=bool)
    th = dict(model.params) if tokens else dict(model.params, x=x)
    ref_loss = reference_loss(th, x, y, no_feedback)
    ref = autograd.grad(reference_loss)(th, x, y, no_feedback)
    assert result.loss == pytest.approx(float(ref_loss), rel=1e-12)
    for name in PARAMS:
        assert_close(result.grads[name], ref[name], 1e-10, f"d{name} vs autograd")
    if not tokens:
        assert_close(result.dx, ref["x"], 1e-10, "dx vs autograd")
    assert result.dh0 is None


def test_teacher_forced_shapes_and_per_step_independence():
    tau, B, n_in, n_hidden, n_out = 6, 3, 2, 5, 4
    model, x, y, _ = make((tau, B, n_in, n_hidden, n_out), 7, False)
    fwd = model.forward(x, y)
    assert fwd.a.shape == fwd.h.shape == (tau, B, n_hidden)
    assert fwd.o.shape == fwd.fed.shape == (tau, B, n_out)
    assert np.all(fwd.fed[0] == 0) and np.array_equal(fwd.fed[1:], y[:-1])
    # changing y(3) changes o only at step 4 (where it is fed): the steps decouple
    y2 = y.copy()
    y2[2] += 1.0
    changed = np.abs(model.forward(x, y2).o - fwd.o).max(axis=(1, 2)) > 0
    assert changed.tolist() == [t == 3 for t in range(tau)]


# ---- mixes of ground truth and own outputs -------------------------------------------

@pytest.mark.parametrize("which", [ALL_TEACHER, FREE, RANDOM])
@pytest.mark.parametrize("sizes,seed,tokens", CASES)
def test_fed_gradient_through_feedback_is_the_exact_gradient(sizes, seed, tokens, which):
    model, x, y, mask = make(sizes, seed, tokens)
    mask = the_mask(which, mask)
    result = model.bptt_fed(x, y, mask, through_feedback=True)
    assert result.loss == pytest.approx(model.loss_fed(x, y, mask), rel=1e-13)
    numeric = rc.gradcheck.numerical_param_gradients(model, lambda: model.loss_fed(x, y, mask))
    for name in model.params:
        assert_close(result.grads[name], numeric[name], 1e-7, f"d{name} vs finite differences")
    th = dict(model.params) if tokens else dict(model.params, x=x)
    ref = autograd.grad(reference_loss)(th, x, y, mask)
    assert result.loss == pytest.approx(float(reference_loss(th, x, y, mask)), rel=1e-12)
    for name in PARAMS:
        assert_close(result.grads[name], ref[name], 1e-10, f"d{name} vs autograd")
    if not tokens:
        assert_close(result.dx, ref["x"], 1e-10, "dx vs autograd")
        assert_close(result.dx, rc.numerical_gradient(
            lambda xv: model.loss_fed(xv, y, mask), x), 1e-7, "dx vs finite differences")


@pytest.mark.parametrize("sizes,seed,tokens", CASES)
def test_fed_gradient_with_constant_feedback_holds_the_fed_outputs_fixed(sizes, seed, tokens):
    """``through_feedback=False``: the gradient of the loss in which the fed
    outputs are frozen at their values (a stop-gradient), checked by finite
    differences of that frozen loss and by autograd, which sees them as constants."""
    model, x, y, mask = make(sizes, seed, tokens)
    result = model.bptt_fed(x, y, mask, through_feedback=False)
    frozen = model.forward_fed(x, y, mask).o.copy()
    th = dict(model.params) if tokens else dict(model.params, x=x)
    assert result.loss == pytest.approx(float(reference_loss(th, x, y, mask, frozen)),
                                        rel=1e-12)
    ref = autograd.grad(reference_loss)(th, x, y, mask, frozen)
    for name, p in model.params.items():
        def frozen_loss(value, name=name):
            return reference_loss(dict(th, **{name: value}), x, y, mask, frozen)
        assert_close(result.grads[name], rc.numerical_gradient(frozen_loss, p), 1e-7,
                     f"d{name} vs finite differences of the frozen loss")
        assert_close(result.grads[name], ref[name], 1e-10, f"d{name} vs autograd")
    if not tokens:
        assert_close(result.dx, ref["x"], 1e-10, "dx vs autograd")


def test_the_two_gradients_differ_exactly_when_an_output_is_fed():
    model, x, y, mask = make((5, 3, 2, 4, 3), 3, False)
    through = model.bptt_fed(x, y, mask, through_feedback=True)
    const = model.bptt_fed(x, y, mask, through_feedback=False)
    assert through.loss == const.loss
    assert rc.relative_error(through.grads["W"], const.grads["W"]) > 1e-3
    nothing_fed = np.zeros_like(mask)
    teacher = model.bptt(x, y)
    for flag in (True, False):
        r = model.bptt_fed(x, y, nothing_fed, through_feedback=flag)
        assert r.loss == pytest.approx(teacher.loss, rel=1e-14)
        for name in PARAMS:
            np.testing.assert_allclose(r.grads[name], teacher.grads[name], rtol=1e-12,
                                       atol=1e-14)


def test_tau_one_has_nothing_to_feed():
    model, x, y, _ = make((1, 2, 5, 3, 4), 0, False)
    mask = np.ones((1, 2), dtype=bool)       # row 0 is ignored
    a, b = model.bptt_fed(x, y, mask), model.bptt(x, y)
    assert a.loss == pytest.approx(b.loss, rel=1e-14)
    for name in PARAMS:
        np.testing.assert_allclose(a.grads[name], b.grads[name], rtol=1e-12, atol=1e-14)


def test_forward_fed_feeds_what_the_mask_says():
    model, x, y, mask = make((6, 4, 3, 5, 2), 4, True)
    run = model.forward_fed(x, y, mask)
    assert np.all(run.fed[0] == 0)
    for t in range(1, 6):
        for b in range(4):
            want = run.o[t - 1, b] if mask[t, b] else y[t - 1, b]
            np.testing.assert_array_equal(run.fed[t, b], want)
    # the step by step run agrees with the package's step functions
    p = model.params
    for t in range(6):
        h, _ = rc.steps.rnn_step_forward(x[t], run.fed[t], p["U"], p["W"], p["b"])
        o, _ = rc.steps.output_forward(h, p["V"], p["c"])
        np.testing.assert_allclose(o, run.o[t], rtol=1e-13, atol=1e-14)


def test_closed_loop_after_a_prime():
    tau, B, n_in, n_hidden, n_out = 7, 3, 2, 5, 4
    model, x, y, _ = make((tau, B, n_in, n_hidden, n_out), 5, False)
    for k in (0, 1, 3, tau - 1):
        run = model.closed_loop(x, prime=y[:k] if k else None)
        want = model.forward_fed(x, y, prime_mask(tau, B, k))
        np.testing.assert_allclose(run.o, want.o, rtol=1e-13, atol=1e-14)
        np.testing.assert_array_equal(run.fed[1:k + 1], y[:k])
        np.testing.assert_array_equal(run.fed[k + 1:], run.o[k:-1])
    # fully primed = teacher forcing; the errors helper reads the same run
    np.testing.assert_allclose(model.closed_loop(x, prime=y[:-1]).o, model.forward(x, y).o,
                               rtol=1e-13, atol=1e-14)
    errs = closed_loop_errors(model, x, y, prime=2)
    run = model.closed_loop(x, prime=y[:2])
    assert errs.shape == (tau - 2, B)
    np.testing.assert_allclose(errs, ((run.o[2:] - y[2:]) ** 2).sum(-1), rtol=1e-14)
    target = y + 1.0
    np.testing.assert_allclose(closed_loop_errors(model, x, y, prime=2, target=target),
                               ((run.o[2:] - target[2:]) ** 2).sum(-1), rtol=1e-14)


def test_prime_mask():
    m = prime_mask(5, 2, 2)
    assert m.shape == (5, 2) and m.dtype == bool
    assert m[:, 0].tolist() == [False, False, False, True, True]
    assert not prime_mask(4, 3, 3).any() and not prime_mask(4, 3, 10).any()
    assert prime_mask(4, 3, 0)[1:].all() and not prime_mask(4, 3, 0)[0].any()


def test_float32_runs_and_stays_float32():
    model, x, y, mask = make((4, 2, 3, 5, 2), 1, False, dtype=np.float32)
    r = model.bptt_fed(x.astype(np.float32), y.astype(np.float32), mask)
    assert all(g.dtype == np.float32 for g in r.grads.values())
    assert model.closed_loop(x, prime=y[:1]).o.dtype == np.float32


# ---- scheduled sampling ----------------------------------------------------------------

def test_teacher_probability_schedules():
    assert teacher_probability(0, schedule="constant", k=0.3) == 0.3
    assert teacher_probability(0, schedule="linear", c=0.1) == 1.0
    assert teacher_probability(5, schedule="linear", c=0.1) == pytest.approx(0.5)
    assert teacher_probability(50, schedule="linear", c=0.1, floor=0.2) == 0.2
    assert teacher_probability(3, schedule="exponential", k=0.5) == 0.125
    k = 10.0
    assert teacher_probability(0, k=k) == pytest.approx(k / (k + 1))
    assert teacher_probability(20, k=k) == pytest.approx(k / (k + np.exp(2.0)))
    assert 0.0 <= teacher_probability(10 ** 6, k=k) < 1e-300  # no overflow warning
    assert teacher_probability(10 ** 6, k=k, floor=0.25) == 0.25
    values = [teacher_probability(i, k=50) for i in range(0, 1000, 10)]
    assert all(a >= b for a, b in zip(values, values[1:]))   # decays


def test_scheduled_mask_is_reproducible_and_has_the_right_rate():
    a = scheduled_mask(40, 50, 0.3, rng=np.random.default_rng(3), prime=2)
    b = scheduled_mask(40, 50, 0.3, rng=np.random.default_rng(3), prime=2)
    c = scheduled_mask(40, 50, 0.3, rng=np.random.default_rng(4), prime=2)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert not a[:3].any()                                   # t = 1 and the prime
    assert abs(a[3:].mean() - 0.7) < 0.03                    # model fed w.p. 1 - 0.3
    assert not scheduled_mask(5, 3, 1.0, rng=np.random.default_rng(0)).any()
    assert (scheduled_mask(5, 3, 0.0, rng=np.random.default_rng(0))
            == prime_mask(5, 3, 0)).all()


def oscillation_batches(seed, B=8, tau=10):
    rng = np.random.default_rng(seed)
    while True:
        d = rc.signals.oscillations(B, tau, rng=rng)
        yield d.x, d.y


@pytest.mark.parametrize("through", [False, True])
def test_train_fed_is_reproducible_and_uses_the_schedule(through):
    def run(seed):
        model = OutputRecurrentRegressor(1, 6, 2, seed=0)
        hist = train_fed(model, oscillation_batches(1), rc.Adam(lr=0.01), steps=12,
                         teacher_prob=lambda i: teacher_probability(i, k=3),
                         rng=np.random.default_rng(seed), through_feedback=through,
                         prime=1, progress=False)
        return model, hist
    m1, h1 = run(0)
    m2, h2 = run(0)
    m3, _ = run(1)
    assert isinstance(h1, FedHistory) and h1.loss.shape == h1.teacher_prob.shape == (12,)
    assert np.array_equal(h1.loss, h2.loss)
    assert all(np.array_equal(m1.params[k], m2.params[k]) for k in PARAMS)
    assert any(not np.array_equal(m1.params[k], m3.params[k]) for k in PARAMS)
    np.testing.assert_allclose(h1.teacher_prob, [teacher_probability(i, k=3)
                                                 for i in range(12)])


def test_train_fed_one_update_equals_the_gradient_step():
    """One SGD update with a fixed teacher probability: exactly the step taken
    with the mask drawn from the same rng and the matching gradient."""
    for through in (False, True):
        x, y = next(oscillation_batches(5))
        model = OutputRecurrentRegressor(1, 5, 2, seed=2)
        before = {k: v.copy() for k, v in model.params.items()}
        train_fed(model, iter([(x, y)]), rc.SGD(lr=0.1), steps=1, teacher_prob=0.4,
                  rng=np.random.default_rng(9), through_feedback=through, prime=1,
                  progress=False)
        ref = OutputRecurrentRegressor(1, 5, 2, seed=2)
        mask = scheduled_mask(*y.shape[:2], 0.4, rng=np.random.default_rng(9), prime=1)
        g = ref.bptt_fed(x, y, mask, through_feedback=through).grads
        for k in PARAMS:
            np.testing.assert_allclose(model.params[k], before[k] - 0.1 * g[k], rtol=1e-13,
                                       atol=1e-15)


def test_free_running_training_lowers_the_closed_loop_error_of_teacher_forcing():
    """The remedy works (a smaller copy of the chapter's experiment, other seeds)."""
    test = rc.signals.oscillations(200, 40, rng=np.random.default_rng(11))
    errors = {}
    for name, kw in {"teacher": dict(teacher_prob=1.0),
                     "free": dict(teacher_prob=0.0, through_feedback=True)}.items():
        model = OutputRecurrentRegressor(1, 16, 2, seed=2)
        hist = train_fed(model, oscillation_batches(4, B=32, tau=30), rc.Adam(lr=0.01),
                         steps=1000, prime=1, progress=False, **kw)
        assert hist.loss[-20:].mean() < hist.loss[:20].mean()
        errors[name] = closed_loop_errors(model, test.x, test.y, prime=3,
                                          target=test.clean)[-1].mean()
    assert errors["free"] < 0.5 * errors["teacher"]


# ---- the discrete network's prime -----------------------------------------------------

def test_output_rnn_closed_loop_prime_feeds_the_observed_ids():
    tau, B, n_in, n_hidden, n_out = 6, 3, 2, 5, 4
    model = rc.OutputRecurrentRNN(n_in, n_hidden, n_out, seed=1)
    rng = np.random.default_rng(0)
    x = rng.integers(0, n_in, (tau, B))
    y = rng.integers(0, n_out, (tau, B))
    teacher = model.forward(x, y)
    for feedback in ("probs", "argmax", "sample"):
        run = model.closed_loop(x, feedback=feedback, prime=y[:3],
                                rng=np.random.default_rng(1))
        np.testing.assert_array_equal(run.fed[1:4].argmax(-1), y[:3])
        np.testing.assert_array_equal(run.fed[1:4].sum(-1), 1.0)
        np.testing.assert_allclose(run.o[:4], teacher.o[:4], rtol=1e-13, atol=1e-14)
    full = model.closed_loop(x, prime=y[:-1])
    np.testing.assert_allclose(full.o, teacher.o, rtol=1e-13, atol=1e-14)
    none = model.closed_loop(x, prime=y[:0])
    np.testing.assert_allclose(none.o, model.closed_loop(x).o, rtol=0, atol=0)


# ---- bad input --------------------------------------------------------------------------

def raises(exc, pattern, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(exc, match=pattern):
            fn()


def regressor():
    model = OutputRecurrentRegressor(3, 5, 2, seed=0)
    x = np.zeros((4, 2, 3))
    y = np.zeros((4, 2, 2))
    return model, x, y, np.zeros((4, 2), dtype=bool)


REG_CALLS = {
    "forward": lambda m, x, y, f: m.forward(x, y),
    "loss": lambda m, x, y, f: m.loss(x, y),
    "bptt": lambda m, x, y, f: m.bptt(x, y),
    "forward_fed": lambda m, x, y, f: m.forward_fed(x, y, f),
    "loss_fed": lambda m, x, y, f: m.loss_fed(x, y, f),
    "bptt_fed": lambda m, x, y, f: m.bptt_fed(x, y, f),
}


@pytest.mark.parametrize("call", sorted(REG_CALLS))
@pytest.mark.parametrize("bad_y,exc,pattern", [
    (None, TypeError, r"y must be a float array of shape \(tau, B, n_out\) = \(4, 2, 2\); got None"),
    ("abc", TypeError, r"y must be .*got a str"),
    (np.zeros((4, 2)), ValueError, r"y must be .*\(4, 2, 2\) to match x; got shape \(4, 2\)"),
    (np.zeros((4, 2, 3)), ValueError, r"got shape \(4, 2, 3\)"),
    (np.zeros((3, 2, 2)), ValueError, r"got shape \(3, 2, 2\)"),
    (np.full((4, 2, 2), np.nan), ValueError, r"y must be finite; got 16 NaN"),
    (np.zeros((4, 2, 2), dtype=bool), TypeError, r"got boolean dtype"),
])
def test_bad_real_targets(call, bad_y, exc, pattern):
    m, x, _, f = regressor()
    raises(exc, pattern, lambda: REG_CALLS[call](m, x, bad_y, f))


@pytest.mark.parametrize("call", ["forward_fed", "loss_fed", "bptt_fed"])
@pytest.mark.parametrize("bad,exc,pattern", [
    (None, TypeError, r"feed_model must be a boolean array of shape \(tau, B\) = \(4, 2\); got None"),
    (np.zeros((4, 2)), TypeError, r"feed_model must be a boolean .*got dtype float64"),
    (np.zeros((4, 2), dtype=int), TypeError, r"got dtype int"),
    (np.zeros((4, 3), dtype=bool), ValueError, r"feed_model must have shape \(tau, B\) = \(4, 2\); got shape \(4, 3\)"),
    (np.zeros(4, dtype=bool), ValueError, r"got shape \(4,\)"),
])
def test_bad_feed_mask(call, bad, exc, pattern):
    m, x, y, _ = regressor()
    raises(exc, pattern, lambda: REG_CALLS[call](m, x, y, bad))


def test_bad_regressor_arguments():
    m, x, y, f = regressor()
    raises(TypeError, r"through_feedback must be True or False; got str",
           lambda: m.bptt_fed(x, y, f, through_feedback="yes"))
    raises(ValueError, r"no initial state h0; got one", lambda: m.bptt(x, y, np.zeros((2, 5))))
    raises(ValueError, r"no initial state h0; got one", lambda: m.loss(x, y, np.zeros((2, 5))))
    raises(ValueError, r"x must have n_in=3 features", lambda: m.forward(np.zeros((4, 2, 2)), y))
    raises(ValueError, r"prime must be a float array of shape \(k, B=2, n_out=2\) with k < "
                       r"tau=4; got shape \(4, 2, 2\)", lambda: m.closed_loop(x, prime=y))
    raises(ValueError, r"got shape \(2, 2\)", lambda: m.closed_loop(x, prime=y[:2, 0]))
    raises(ValueError, r"prime must be finite", lambda: m.closed_loop(x, prime=y[:1] * np.nan))
    raises(TypeError, r"prime must be .*got a str", lambda: m.closed_loop(x, prime="y"))
    raises(ValueError, r"tau must be a positive int; got 0", lambda: prime_mask(0, 2, 1))
    raises(ValueError, r"prime must be an int >= 0; got -1", lambda: prime_mask(3, 2, -1))
    raises(ValueError, r"prime must be an int >= 0; got 1.5", lambda: prime_mask(3, 2, 1.5))
    raises(TypeError, r"dtype must be float32 or float64",
           lambda: OutputRecurrentRegressor(1, 2, 3, dtype=np.int64))
    raises(TypeError, r"n_hidden must be a positive int; got a float",
           lambda: OutputRecurrentRegressor(1, 2.0, 3))


def test_bad_closed_loop_errors_arguments():
    m, x, y, _ = regressor()
    raises(ValueError, r"prime must be < tau = 4; got 4", lambda: closed_loop_errors(m, x, y, prime=4))
    raises(ValueError, r"prime must be an int >= 0; got -1",
           lambda: closed_loop_errors(m, x, y, prime=-1))
    raises(ValueError, r"y must have shape \(tau, B, n_out=2\); got shape \(4, 2\)",
           lambda: closed_loop_errors(m, x, y[..., 0], prime=1))
    raises(TypeError, r"y must be .*got a str", lambda: closed_loop_errors(m, x, "y", prime=1))
    raises(ValueError, r"target must be .*got shape \(4, 2, 3\)",
           lambda: closed_loop_errors(m, x, y, prime=1, target=np.zeros((4, 2, 3))))
    raises(TypeError, r"model must be an OutputRecurrentRegressor; got OutputRecurrentRNN",
           lambda: closed_loop_errors(rc.OutputRecurrentRNN(3, 5, 2), x, y, prime=1))


@pytest.mark.parametrize("kwargs,exc,pattern", [
    (dict(i=-1), ValueError, r"i must be an int >= 0; got -1"),
    (dict(i=1.0), ValueError, r"i must be an int >= 0; got 1.0"),
    (dict(i=0, schedule="cosine"), ValueError, r"schedule must be one of \('constant', "
                                               r"'linear', 'exponential', 'inverse_sigmoid'\); got 'cosine'"),
    (dict(i=0, schedule="inverse_sigmoid"), ValueError, r"the inverse_sigmoid schedule needs k"),
    (dict(i=0, k=0.5), ValueError, r"the inverse_sigmoid schedule needs k >= 1; got 0.5"),
    (dict(i=0, schedule="exponential", k=1.0), ValueError, r"needs 0 < k < 1; got 1.0"),
    (dict(i=0, schedule="linear"), ValueError, r"the linear schedule needs a slope c > 0; got None"),
    (dict(i=0, schedule="linear", c=-1), ValueError, r"slope c > 0; got -1"),
    (dict(i=0, schedule="constant", k=1.5), ValueError, r"needs 0 <= k <= 1; got 1.5"),
    (dict(i=0, k="10"), TypeError, r"k must be a finite number; got '10'"),
    (dict(i=0, k=10, floor=2), ValueError, r"floor must be in \[0, 1\]; got 2.0"),
])
def test_bad_schedule_arguments(kwargs, exc, pattern):
    i = kwargs.pop("i")
    raises(exc, pattern, lambda: teacher_probability(i, **kwargs))


def test_bad_scheduled_sampling_arguments():
    raises(TypeError, r"rng must be a numpy Generator.*got int",
           lambda: scheduled_mask(3, 2, 0.5, rng=0))
    raises(ValueError, r"teacher_prob must be in \[0, 1\]; got 1.5",
           lambda: scheduled_mask(3, 2, 1.5, rng=np.random.default_rng(0)))
    raises(TypeError, r"teacher_prob must be a finite number; got nan",
           lambda: scheduled_mask(3, 2, float("nan"), rng=np.random.default_rng(0)))
    batches = oscillation_batches(0, B=2, tau=4)
    model = OutputRecurrentRegressor(1, 3, 2)
    raises(TypeError, r"rng must be a numpy Generator when 0 < teacher_prob < 1 \(got "
                      r"teacher_prob=0.5 at update 0, rng=None\)",
           lambda: train_fed(model, batches, rc.SGD(), steps=2, teacher_prob=0.5,
                             progress=False))
    raises(ValueError, r"teacher_prob must be in \[0, 1\]; got 1.5 at update 0",
           lambda: train_fed(model, batches, rc.SGD(), steps=2, teacher_prob=lambda i: 1.5,
                             progress=False))
    raises(TypeError, r"model must be an OutputRecurrentRegressor; got HiddenRNN",
           lambda: train_fed(rc.HiddenRNN(1, 3, 2), batches, rc.SGD(), steps=2,
                             progress=False))
    raises(ValueError, r"steps must be a positive int; got 0",
           lambda: train_fed(model, batches, rc.SGD(), steps=0, progress=False))


@pytest.mark.parametrize("prime,exc,pattern", [
    (np.zeros((6, 3), dtype=int), ValueError, r"prime must be ids of shape \(k, B=3\) with "
                                              r"k < tau=6; got shape \(6, 3\)"),
    (np.zeros((2, 2), dtype=int), ValueError, r"got shape \(2, 2\)"),
    (np.zeros(3, dtype=int), ValueError, r"got shape \(3,\)"),
    (np.zeros((2, 3)), TypeError, r"prime must hold integer class ids .*got float dtype"),
    (np.full((2, 3), 4), ValueError, r"prime must hold class ids in \[0, 4\); got values "
                                     r"from 4 to 4"),
])
def test_bad_output_rnn_prime(prime, exc, pattern):
    model = rc.OutputRecurrentRNN(2, 5, 4)
    x = np.zeros((6, 3), dtype=int)
    raises(exc, pattern, lambda: model.closed_loop(x, prime=prime))
    assert re.compile(pattern)  # the pattern itself is valid

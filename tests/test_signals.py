"""The task generators of chapter 4: what they promise, reproducibility, bad input."""

import warnings

import numpy as np
import pytest

from rnn_course.signals import OMEGA_RANGE, delayed_copy, oscillations, ring_walk


def raises(exc, pattern, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(exc, match=pattern):
            fn()


@pytest.mark.parametrize("B,tau,n_symbols,delay", [(5, 7, 3, 2), (1, 4, 2, 1), (9, 3, 6, 2)])
def test_delayed_copy(B, tau, n_symbols, delay):
    x, y = delayed_copy(B, tau, n_symbols=n_symbols, delay=delay, rng=np.random.default_rng(0))
    assert x.shape == y.shape == (tau, B)
    assert x.min() >= 0 and x.max() < n_symbols
    np.testing.assert_array_equal(y[delay:], x[:-delay])
    assert (y[:delay] == 0).all()
    x2, _ = delayed_copy(B, tau, n_symbols=n_symbols, delay=delay, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(x, x2)


def test_ring_walk_follows_its_rule_and_slips_at_the_stated_rate():
    K, slip = 5, 0.2
    x, y = ring_walk(400, 30, n_positions=K, slip=slip, rng=np.random.default_rng(1))
    assert x.shape == y.shape == (30, 400)
    assert set(np.unique(x)) == {0, 1} and y.min() >= 0 and y.max() < K
    s = (y[1:] - y[:-1] - x[1:]) % K                  # the slip at steps 2..tau
    assert set(np.unique(s)) <= {0, 1, K - 1}
    assert abs((s != 0).mean() - slip) < 0.01
    assert abs((s == 1).mean() - (s == K - 1).mean()) < 0.01
    _, y0 = ring_walk(50, 20, n_positions=K, slip=0.0, rng=np.random.default_rng(2))
    x0, _ = ring_walk(50, 20, n_positions=K, slip=0.0, rng=np.random.default_rng(2))
    np.testing.assert_array_equal((y0[1:] - y0[:-1]) % K, x0[1:])   # no slips at 0
    a = ring_walk(3, 4, n_positions=K, slip=slip, rng=np.random.default_rng(7))
    b = ring_walk(3, 4, n_positions=K, slip=slip, rng=np.random.default_rng(7))
    assert all(np.array_equal(u, v) for u, v in zip(a, b))


def test_oscillations_turn_by_omega_each_step():
    d = oscillations(6, 9, rng=np.random.default_rng(3), noise=0.1)
    assert d.x.shape == (9, 6, 1) and d.y.shape == d.clean.shape == (9, 6, 2)
    assert d.omega.shape == (6,)
    assert ((d.omega >= OMEGA_RANGE[0]) & (d.omega <= OMEGA_RANGE[1])).all()
    np.testing.assert_allclose(np.linalg.norm(d.clean, axis=-1), 1.0, rtol=1e-14)
    c, s = np.cos(d.omega), np.sin(d.omega)
    turned = np.stack([c * d.clean[:-1, :, 0] - s * d.clean[:-1, :, 1],
                       s * d.clean[:-1, :, 0] + c * d.clean[:-1, :, 1]], axis=-1)
    np.testing.assert_allclose(d.clean[1:], turned, atol=1e-12)     # y(t) = R(omega) y(t-1)
    lo, hi = OMEGA_RANGE
    np.testing.assert_allclose(d.x[..., 0], (2 * (d.omega - lo) / (hi - lo) - 1)[None, :]
                               + 0 * d.x[..., 0], rtol=1e-14)
    assert (np.abs(d.x) <= 1).all()
    noise = (d.y - d.clean).std()
    assert 0.05 < noise < 0.15
    quiet = oscillations(6, 9, rng=np.random.default_rng(3), noise=0.0)
    np.testing.assert_array_equal(quiet.y, quiet.clean)


@pytest.mark.parametrize("fn,kwargs,exc,pattern", [
    (delayed_copy, dict(B=2, tau=5, n_symbols=1, delay=1), ValueError,
     r"n_symbols must be >= 2 for a task to learn; got 1"),
    (delayed_copy, dict(B=2, tau=2, n_symbols=3, delay=2), ValueError,
     r"tau must exceed delay so that some targets exist; got tau=2, delay=2"),
    (delayed_copy, dict(B=2, tau=5, n_symbols=3, delay=0), ValueError,
     r"delay must be a positive int; got 0"),
    (delayed_copy, dict(B=2.0, tau=5, n_symbols=3, delay=1), TypeError,
     r"B must be a positive int; got a float"),
    (ring_walk, dict(B=2, tau=5, n_positions=2, slip=0.1), ValueError,
     r"n_positions must be >= 3 .*got 2"),
    (ring_walk, dict(B=2, tau=5, n_positions=4, slip=1.0), ValueError,
     r"slip must be in \[0, 1\); got 1.0"),
    (ring_walk, dict(B=2, tau=5, n_positions=4, slip=-0.1), ValueError,
     r"slip must be in \[0, 1\); got -0.1"),
    (ring_walk, dict(B=2, tau=5, n_positions=4, slip="0.1"), TypeError,
     r"slip must be a number in \[0, 1\); got str"),
    (ring_walk, dict(B=2, tau=0, n_positions=4, slip=0.1), ValueError,
     r"tau must be a positive int; got 0"),
    (oscillations, dict(B=2, tau=5, omega=(0.5, 0.2)), ValueError,
     r"omega must satisfy 0 < low < high; got \(0.5, 0.2\)"),
    (oscillations, dict(B=2, tau=5, omega=0.3), TypeError,
     r"omega must be a pair \(low, high\) of numbers; got 0.3"),
    (oscillations, dict(B=2, tau=5, noise=-1.0), ValueError,
     r"noise must be a finite number >= 0; got -1.0"),
    (oscillations, dict(B=2, tau=5, noise=None), TypeError,
     r"noise must be a number >= 0; got NoneType"),
])
def test_bad_arguments(fn, kwargs, exc, pattern):
    raises(exc, pattern, lambda: fn(**kwargs, rng=np.random.default_rng(0)))


@pytest.mark.parametrize("fn,kwargs", [
    (delayed_copy, dict(n_symbols=3, delay=1)),
    (ring_walk, dict(n_positions=4, slip=0.1)),
    (oscillations, dict()),
])
def test_rng_must_be_a_generator(fn, kwargs):
    raises(TypeError, r"rng must be a numpy Generator, e\.g\. np\.random\.default_rng\(0\); "
                      r"got int", lambda: fn(2, 5, rng=0, **kwargs))
    raises(TypeError, r"got NoneType", lambda: fn(2, 5, rng=None, **kwargs))

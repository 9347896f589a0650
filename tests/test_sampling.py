"""HiddenRNN.sample and the sampling rule with a temperature."""

import warnings

import numpy as np
import pytest

import rnn_course as rc
from rnn_course.sampling import choose

VOCAB, N_HIDDEN = 5, 7


def language_model(seed=0):
    model = rc.HiddenRNN(VOCAB, N_HIDDEN, VOCAB, seed=seed)
    rng = np.random.default_rng(100 + seed)
    for name, p in model.params.items():
        model.params[name] = rng.standard_normal(p.shape)
    return model


def greedy_by_forward(model, prime, n, h0=None):
    """Greedy continuation by re-running the whole forward pass on the growing
    sequence (no use of the step functions the sampler relies on)."""
    seq = np.asarray(prime).reshape(len(prime), -1)
    out = []
    for _ in range(n):
        nxt = model.forward(seq, h0).o[-1].argmax(axis=-1)
        out.append(nxt)
        seq = np.concatenate([seq, nxt[None]], axis=0)
    return np.array(out)


def test_shapes_dtype_and_range():
    model = language_model()
    one = model.sample([1, 2, 3], 9, rng=np.random.default_rng(0))
    assert one.shape == (9,) and one.dtype.kind == "i"
    batch = model.sample(np.array([[1, 2], [3, 4], [0, 0]]), 9, rng=np.random.default_rng(0))
    assert batch.shape == (9, 2) and batch.dtype.kind == "i"
    for ids in (one, batch):
        assert ids.min() >= 0 and ids.max() < VOCAB


def test_reproducible_with_a_seeded_rng():
    model = language_model()
    a = model.sample([1, 2], 40, rng=np.random.default_rng(7))
    b = model.sample([1, 2], 40, rng=np.random.default_rng(7))
    c = model.sample([1, 2], 40, rng=np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # a 1-D prime is the B = 1 case of a 2-D prime
    d = model.sample(np.array([[1], [2]]), 40, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, d[:, 0])


@pytest.mark.parametrize("prime", [[3], [1, 4, 0, 2]])
def test_temperature_zero_is_greedy(prime):
    model = language_model(1)
    ids = model.sample(prime, 12, rng=np.random.default_rng(0), temperature=0)
    np.testing.assert_array_equal(ids, greedy_by_forward(model, prime, 12)[:, 0])
    # greedy does not depend on the rng
    np.testing.assert_array_equal(
        ids, model.sample(prime, 12, rng=np.random.default_rng(99), temperature=0))


def test_temperature_zero_batch_and_h0():
    model = language_model(2)
    prime = np.array([[0, 1, 2], [3, 4, 0]])       # (tau0=2, B=3)
    h0 = np.random.default_rng(3).standard_normal((3, N_HIDDEN)) * 0.5
    ids = model.sample(prime, 8, rng=np.random.default_rng(0), temperature=0, h0=h0)
    np.testing.assert_array_equal(ids, greedy_by_forward(model, prime, 8, h0))
    ids_no_h0 = model.sample(prime, 8, rng=np.random.default_rng(0), temperature=0)
    np.testing.assert_array_equal(ids_no_h0, greedy_by_forward(model, prime, 8))


def test_a_tiny_temperature_is_greedy_without_overflow_warnings():
    model = language_model(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tiny = model.sample([2, 1], 10, rng=np.random.default_rng(0), temperature=1e-310)
    np.testing.assert_array_equal(
        tiny, model.sample([2, 1], 10, rng=np.random.default_rng(0), temperature=0))


@pytest.mark.parametrize("temperature", [1.0, 0.5, 3.0])
def test_first_sample_follows_softmax_of_logits_over_temperature(temperature):
    """With N identical primes, the first generated ids are N draws from
    softmax(o(tau0) / T); every frequency lies within 5 standard errors."""
    model = language_model(4)
    N = 20000
    prime = np.tile(np.array([[1], [3]]), (1, N))
    ids = model.sample(prime, 1, rng=np.random.default_rng(11), temperature=temperature)[0]
    o = model.forward(prime[:, :1]).o[-1, 0] / temperature
    p = np.exp(o - o.max())
    p /= p.sum()
    freq = np.bincount(ids, minlength=VOCAB) / N
    assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / N) + 1e-12), (freq, p)


def test_choose_rule():
    o = np.array([[0.0, 2.0, 1.0], [5.0, -1.0, 5.5]])
    np.testing.assert_array_equal(choose(o, None, 0), [1, 2])
    N = 20000
    rng = np.random.default_rng(0)
    draws = choose(np.repeat(o, N, axis=0), rng, 1.0).reshape(2, N)   # one id per row
    p = np.exp(o) / np.exp(o).sum(axis=1, keepdims=True)
    for row in range(2):
        freq = np.bincount(draws[row], minlength=3) / N
        assert np.all(np.abs(freq - p[row]) < 5 * np.sqrt(p[row] * (1 - p[row]) / N))
    # a very high temperature flattens towards uniform
    hot = choose(np.repeat(o, N, axis=0), rng, 1e6).reshape(2, N)
    for row in range(2):
        np.testing.assert_allclose(np.bincount(hot[row], minlength=3) / N, 1 / 3, atol=0.02)

"""The sequence-to-one task generators: shapes, labels, reproducibility, bad input."""

import itertools
from collections import Counter

import numpy as np
import pytest

import rnn_course as rc
from rnn_course import tasks

GENERATORS = [tasks.parity, tasks.brackets, tasks.adding]


def rng(seed=0):
    return np.random.default_rng(seed)


# ----------------------------------------------------------------------------- shapes

@pytest.mark.parametrize("task", GENERATORS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("tau, B", [(2, 1), (6, 3), (20, 7)])
def test_shapes_and_dtypes(task, tau, B):
    batch = task(tau, B, rng=rng())
    assert isinstance(batch, tasks.TaskBatch)
    x, y = batch                                    # unpacks like a pair
    n_in, n_out = tasks.SIZES[task.__name__]
    if task is tasks.adding:
        assert x.shape == (tau, B, n_in) and x.dtype == np.float64
    else:
        assert x.shape == (tau, B) and x.dtype.kind == "i"
        assert set(np.unique(x)) <= set(range(n_in))
    assert y.shape == (B,) and y.dtype.kind == "i"
    assert set(np.unique(y)) <= set(range(n_out))


@pytest.mark.parametrize("task", GENERATORS, ids=lambda f: f.__name__)
def test_batches_feed_a_summary_rnn(task):
    n_in, n_out = tasks.SIZES[task.__name__]
    model = rc.SummaryRNN(n_in, 5, n_out, seed=0)
    x, y = task(4, 3, rng=rng())
    assert np.isfinite(model.loss(x, y))
    assert model.predict(x).shape == (3,)


# ----------------------------------------------------------------------------- labels

def test_parity_labels_on_hand_cases():
    x, y = tasks.parity(7, 500, rng=rng(1))
    assert (y == x.sum(axis=0) % 2).all()
    assert 0.4 < y.mean() < 0.6
    x1, y1 = tasks.parity(1, 200, rng=rng(2))       # length 1: the answer is the bit
    assert (y1 == x1[0]).all()


def ids(s):
    """'(()' -> (len(s), 1) bracket ids."""
    return np.array([[tasks.OPEN if ch == "(" else tasks.CLOSE] for ch in s])


@pytest.mark.parametrize("s, balanced", [
    ("()", True), ("(())", True), ("()()", True), ("(()())", True), ("((()))()", True),
    (")(", False), ("((", False), ("))", False), ("())(", False), ("(()", False),
    ("())", False), ("()))((", False), ("(", False), (")", False),
])
def test_is_balanced_on_hand_cases(s, balanced):
    assert tasks.is_balanced(ids(s))[0] == balanced


def test_depth_on_a_hand_case():
    assert tasks.depth(ids("(()))(")).ravel().tolist() == [1, 2, 1, 0, -1, 0]


@pytest.mark.parametrize("tau", [2, 4, 10, 30])
def test_bracket_labels_agree_with_the_definition(tau):
    x, y = tasks.brackets(tau, 400, rng=rng(tau))
    assert (y.astype(bool) == tasks.is_balanced(x)).all()
    assert y.sum() == 200                           # exactly half balanced
    d = tasks.depth(x)
    neg = y == 0
    flipped = neg & (d[-1] != 0)
    reordered = neg & (d[-1] == 0)
    assert (np.abs(d[-1, flipped]) == 2).all()      # one flip: counts off by two
    assert (d[:, reordered].min(axis=0) < 0).all()  # right counts, dips below zero
    assert flipped.sum() == reordered.sum() == 100


def test_balanced_strings_are_uniform():
    """Length 6 has five balanced strings; each should appear about equally often."""
    x, y = tasks.brackets(6, 20000, rng=rng(3))
    words = Counter("".join("()"[i] for i in col) for col in x[:, y == 1].T)
    every = {"".join(p) for p in itertools.product("()", repeat=6)}
    assert set(words) == {w for w in every if tasks.is_balanced(ids(w))[0]}
    assert len(words) == 5
    counts = np.array(list(words.values()))
    assert counts.min() > 0.9 * counts.mean() and counts.max() < 1.1 * counts.mean()


def test_adding_labels_and_markers():
    tau, B = 9, 300
    x, y = tasks.adding(tau, B, rng=rng(4))
    values, markers = x[..., 0], x[..., 1]
    assert ((values >= 0) & (values < 1)).all()
    assert set(np.unique(markers)) == {0.0, 1.0}
    assert (markers.sum(axis=0) == 2).all()
    assert (markers[: tau // 2].sum(axis=0) == 1).all()   # one in each half
    total = (values * markers).sum(axis=0)
    assert (y == (total > 1)).all()
    assert 0.35 < y.mean() < 0.65


def test_adding_hand_case():
    x, y = tasks.adding(2, 5, rng=rng(5))           # tau = 2: both steps marked
    assert (x[..., 1] == 1).all()
    assert (y == (x[..., 0].sum(axis=0) > 1)).all()


# ----------------------------------------------------------------------------- seeds

@pytest.mark.parametrize("task", GENERATORS, ids=lambda f: f.__name__)
def test_same_seed_same_batch(task):
    a, b = task(8, 5, rng=rng(42)), task(8, 5, rng=rng(42))
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    c = task(8, 5, rng=rng(43))
    assert not np.array_equal(a.x, c.x)


def test_mixed_lengths_stream():
    stream = tasks.mixed_lengths(tasks.brackets, [2, 4, 6], 3, rng=rng(0))
    seen = set()
    for batch in itertools.islice(stream, 60):
        tau = batch.x.shape[0]
        assert tau in (2, 4, 6) and batch.x.shape == (tau, 3) and batch.y.shape == (3,)
        seen.add(tau)
    assert seen == {2, 4, 6}
    again = tasks.mixed_lengths(tasks.brackets, [2, 4, 6], 3, rng=rng(0))
    for a, b in zip(itertools.islice(tasks.mixed_lengths(tasks.brackets, [2, 4, 6], 3,
                                                         rng=rng(0)), 10),
                    itertools.islice(again, 10)):
        np.testing.assert_array_equal(a.x, b.x)


def test_mixed_lengths_trains_parity():
    """The stream drives rnn_course.train; parity on short lengths is learned."""
    model = rc.SummaryRNN(2, 16, 2, seed=0)
    stream = tasks.mixed_lengths(tasks.parity, range(1, 11), 32, rng=rng(0))
    rc.train(model, stream, rc.Adam(0.01), steps=800, clip=1.0, progress=False)
    x, y = tasks.parity(10, 500, rng=rng(1))
    assert (model.predict(x) == y).mean() > 0.99


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("task", GENERATORS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("tau, B, err, match", [
    (0, 3, ValueError, "tau must be a positive int; got 0"),
    (-4, 3, ValueError, "tau must be a positive int; got -4"),
    (4, 0, ValueError, "batch_size must be a positive int; got 0"),
    (4.0, 3, TypeError, "tau must be a positive int; got a float"),
    (4, "3", TypeError, "batch_size must be a positive int; got a str"),
    (True, 3, TypeError, "tau must be a positive int; got a bool"),
])
def test_bad_sizes(task, tau, B, err, match):
    with pytest.raises(err, match=match):
        task(tau, B, rng=rng())


@pytest.mark.parametrize("task", GENERATORS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", [0, None, np.random.RandomState(0)])
def test_bad_rng(task, bad):
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        task(4, 2, rng=bad)


@pytest.mark.parametrize("task", GENERATORS, ids=lambda f: f.__name__)
def test_rng_is_keyword_only(task):
    with pytest.raises(TypeError):
        task(4, 2, rng())


def test_brackets_needs_even_length():
    with pytest.raises(ValueError, match="brackets needs an even tau .*got tau=7"):
        tasks.brackets(7, 2, rng=rng())


def test_adding_needs_two_steps():
    with pytest.raises(ValueError, match="adding needs tau >= 2 .*got tau=1"):
        tasks.adding(1, 2, rng=rng())


@pytest.mark.parametrize("x, match", [
    (np.array([[0, 2]]), r"only OPEN=0 and CLOSE=1; got values \[2\]"),
    (np.zeros((3, 2, 1), dtype=int),
     r"shape \(tau, B\); got dtype int64 and shape \(3, 2, 1\)"),
    (np.zeros((3, 2)), "integer bracket ids"),
])
def test_depth_bad_input(x, match):
    with pytest.raises(ValueError, match=match):
        tasks.depth(x)


@pytest.mark.parametrize("kwargs, err, match", [
    (dict(task="parity"), TypeError, "task must be a task generator .*got a str"),
    (dict(lengths=20), TypeError, "lengths must be a sequence .*single int 20"),
    (dict(lengths=[]), ValueError, "at least one length"),
    (dict(lengths=[4, 0]), ValueError, "every length must be a positive int; got 0"),
    (dict(lengths=[4, 2.5]), TypeError,
     "every length must be a positive int; got a float"),
    (dict(batch_size=0), ValueError, "batch_size must be a positive int; got 0"),
    (dict(rng=1), TypeError, "rng must be a numpy Generator"),
])
def test_mixed_lengths_bad_input_fails_at_once(kwargs, err, match):
    args = dict(task=tasks.parity, lengths=[2, 4], batch_size=3, rng=rng())
    args.update(kwargs)
    with pytest.raises(err, match=match):   # raised by the call, not by the first next()
        tasks.mixed_lengths(args.pop("task"), args.pop("lengths"), args.pop("batch_size"),
                            **args)

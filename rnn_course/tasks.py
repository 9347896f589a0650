"""Sequence-to-one tasks: the answer depends on the whole sequence (fig. 10.5).

Each generator takes the length ``tau``, the batch size ``B`` and an explicit
``np.random.Generator`` and returns a :class:`TaskBatch` ``(x, y)``, time-major:
``x`` is ``(tau, B)`` token ids or ``(tau, B, n_in)`` floats, ``y`` is ``(B,)``
class ids. The sizes a model needs are in :data:`SIZES`.

- :func:`parity`: bits; is the number of ones odd? Flipping any one bit flips the
  answer, so no part of the sequence can be ignored.
- :func:`brackets`: ``(`` and ``)``; is the string balanced? The network must count
  the open brackets and remember whether the count ever went below zero.
- :func:`adding`: Hochreiter & Schmidhuber's (1997) adding problem, as a
  classification: two marked numbers, far apart; is their sum above 1?

:func:`mixed_lengths` turns a generator into an endless stream of batches whose
length changes from batch to batch, ready for :func:`rnn_course.train`.
"""

from __future__ import annotations

from typing import Callable, Iterator, NamedTuple

import numpy as np

from ._validate import check_positive_int
from .sampling import check_rng

__all__ = ["TaskBatch", "SIZES", "OPEN", "CLOSE", "parity", "brackets", "depth",
           "is_balanced", "adding", "mixed_lengths"]

OPEN, CLOSE = 0, 1
"""The token ids of ``(`` and ``)`` in :func:`brackets`."""

SIZES = {"parity": (2, 2), "brackets": (2, 2), "adding": (2, 2)}
"""``(n_in, n_out)`` of each task, for ``SummaryRNN(n_in, n_hidden, n_out)``."""


class TaskBatch(NamedTuple):
    """One batch of a task; unpacks as ``x, y = batch``."""
    x: np.ndarray  # (tau, B) token ids, or (tau, B, n_in) floats
    y: np.ndarray  # (B,) class ids


def _check(tau, batch_size, rng):
    return (check_positive_int(tau, "tau"), check_positive_int(batch_size, "batch_size"),
            check_rng(rng))


def parity(tau, batch_size, *, rng) -> TaskBatch:
    """Random bit strings; the label is the parity of the number of ones.

    Args:
        tau: the length of every sequence (>= 1).
        batch_size: ``B``, how many sequences.
        rng: a ``np.random.Generator``.
    Returns:
        :class:`TaskBatch`: ``x (tau, B)`` ids in ``{0, 1}`` (the bits themselves),
        ``y (B,)``, ``1`` when the number of ones is odd.
    """
    tau, batch_size, rng = _check(tau, batch_size, rng)
    x = rng.integers(0, 2, size=(tau, batch_size))
    return TaskBatch(x=x, y=x.sum(axis=0) % 2)


def depth(x) -> np.ndarray:
    """The nesting depth after each bracket, ``(tau, B)``: ``(`` adds 1, ``)`` takes 1.

    Args:
        x: ``(tau, B)`` ids, :data:`OPEN` or :data:`CLOSE`.
    """
    x = np.asarray(x)
    if x.ndim != 2 or x.dtype.kind not in "iu":
        raise ValueError(f"x must be integer bracket ids of shape (tau, B); got dtype "
                         f"{x.dtype} and shape {x.shape}")
    if x.size and not np.isin(x, (OPEN, CLOSE)).all():
        raise ValueError(f"x must hold only OPEN={OPEN} and CLOSE={CLOSE}; got values "
                         f"{sorted(set(np.unique(x).tolist()) - {OPEN, CLOSE})}")
    return np.cumsum(np.where(x == OPEN, 1, -1), axis=0)


def is_balanced(x) -> np.ndarray:
    """``(B,)`` bools: the depth never goes below zero and ends at zero."""
    d = depth(x)
    return (d.min(axis=0) >= 0) & (d[-1] == 0)


def _dyck(n, batch_size, rng) -> np.ndarray:
    """``(2n, B)`` uniformly random balanced strings of ``n`` pairs, as +1/-1 steps.

    The cycle lemma: of the ``2n + 1`` rotations of a shuffle of ``n + 1`` up-steps and
    ``n`` down-steps exactly one has every prefix sum positive; it is an up-step
    followed by a balanced string, and every balanced string arises equally often.
    """
    steps = np.concatenate([np.ones(n + 1, dtype=np.int64), -np.ones(n, dtype=np.int64)])
    s = rng.permuted(np.tile(steps, (batch_size, 1)), axis=1)      # (B, 2n + 1)
    p = np.cumsum(s, axis=1)
    last_min = 2 * n - np.argmin(p[:, ::-1], axis=1)   # last index of the minimum
    idx = (last_min[:, None] + 1 + np.arange(2 * n + 1)) % (2 * n + 1)
    return np.take_along_axis(s, idx, axis=1)[:, 1:].T


def brackets(tau, batch_size, *, rng) -> TaskBatch:
    """Bracket strings; the label says whether the string is balanced.

    Half the strings are balanced (uniformly random among the balanced strings of
    length ``tau``); the other half are near misses, in equal parts: a balanced
    string with one bracket flipped (the counts differ by two), or a shuffle with as
    many ``(`` as ``)`` whose depth goes below zero somewhere (right counts, wrong
    order). So neither counting alone nor a glance at the ends decides. The shares
    are exact when ``batch_size`` is a multiple of 4 (the kinds are dealt in turn,
    then shuffled over the batch).

    Args:
        tau: the length, even and >= 2 (a balanced string has even length).
        batch_size: ``B``.
        rng: a ``np.random.Generator``.
    Returns:
        :class:`TaskBatch`: ``x (tau, B)`` ids, :data:`OPEN` ``= 0`` for ``(`` and
        :data:`CLOSE` ``= 1`` for ``)``; ``y (B,)``, ``1`` when balanced.
    """
    tau, batch_size, rng = _check(tau, batch_size, rng)
    if tau % 2:
        raise ValueError(f"brackets needs an even tau (a balanced string has as many "
                         f"')' as '('); got tau={tau}")
    n = tau // 2
    # kinds 0, 1: balanced; 2: one bracket flipped; 3: reordered to dip below zero
    kind = rng.permutation(np.arange(batch_size) % 4)
    s = _dyck(n, batch_size, rng)                       # (tau, B) +1/-1
    flip = np.flatnonzero(kind == 2)
    s[rng.integers(0, tau, size=flip.size), flip] *= -1
    order = np.flatnonzero(kind == 3)
    while order.size:                                   # shuffles that dip below zero
        steps = np.tile(np.r_[np.ones(n, dtype=np.int64), -np.ones(n, dtype=np.int64)],
                        (order.size, 1))
        s[:, order] = rng.permuted(steps, axis=1).T
        order = order[np.cumsum(s[:, order], axis=0).min(axis=0) >= 0]  # redo balanced
    x = np.where(s > 0, OPEN, CLOSE)
    return TaskBatch(x=x, y=(kind < 2).astype(np.int64))


def adding(tau, batch_size, *, rng) -> TaskBatch:
    """The adding problem of Hochreiter & Schmidhuber (1997), as a yes/no question.

    Each step carries two numbers: a value drawn uniformly from ``[0, 1)`` and a
    marker, ``1`` at exactly two steps (one in the first half, one in the second)
    and ``0`` elsewhere. The original asks for the sum of the two marked values; here
    the label asks whether that sum exceeds 1 (true for half the sequences). The
    first marked value must be held in ``h`` across up to ``tau - 1`` steps.

    Args:
        tau: the length, >= 2.
        batch_size: ``B``.
        rng: a ``np.random.Generator``.
    Returns:
        :class:`TaskBatch`: ``x (tau, B, 2)`` floats, ``x[..., 0]`` the values and
        ``x[..., 1]`` the markers; ``y (B,)``, ``1`` when the marked sum is > 1.
    """
    tau, batch_size, rng = _check(tau, batch_size, rng)
    if tau < 2:
        raise ValueError(f"adding needs tau >= 2 (two marked steps); got tau={tau}")
    x = np.zeros((tau, batch_size, 2))
    x[..., 0] = rng.random((tau, batch_size))
    half = tau // 2
    cols = np.arange(batch_size)
    first = rng.integers(0, half, size=batch_size)
    second = rng.integers(half, tau, size=batch_size)
    x[first, cols, 1] = 1.0
    x[second, cols, 1] = 1.0
    total = x[first, cols, 0] + x[second, cols, 0]
    return TaskBatch(x=x, y=(total > 1.0).astype(np.int64))


def mixed_lengths(task: Callable[..., TaskBatch], lengths, batch_size, *,
                  rng) -> Iterator[TaskBatch]:
    """Endless batches of ``task``, each of a length drawn uniformly from ``lengths``.

    Every sequence in one batch has the same length (the arrays are rectangular);
    the length changes from batch to batch, so a model trained on the stream sees
    every length in ``lengths``.

    Args:
        task: a generator of this module, e.g. :func:`parity`.
        lengths: the allowed lengths, a non-empty sequence of positive ints.
        batch_size: ``B``.
        rng: a ``np.random.Generator``, used for the lengths and the data.
    """
    if not callable(task):
        raise TypeError(f"task must be a task generator such as tasks.parity; got "
                        f"a {type(task).__name__}")
    if isinstance(lengths, (int, np.integer)):
        raise TypeError(f"lengths must be a sequence of positive ints such as "
                        f"range(1, 21); got the single int {lengths}")
    lengths = [check_positive_int(t, "every length") for t in lengths]
    if not lengths:
        raise ValueError("lengths must hold at least one length; got an empty sequence")
    batch_size = check_positive_int(batch_size, "batch_size")
    rng = check_rng(rng)
    return _stream(task, np.array(lengths), batch_size, rng)


def _stream(task, lengths, batch_size, rng):
    while True:
        yield task(int(rng.choice(lengths)), batch_size, rng=rng)

"""One time step of a recurrent network, forward and backward side by side.

Letters: ``B`` the batch size, ``n_in``, ``n_hidden``, ``n_out`` the sizes of
``x(t)``, ``h(t)`` and ``o(t)``. Parameters have the book's shapes:
``U (n_hidden, n_in)``, ``W (n_hidden, n_hidden)``, ``b (n_hidden,)``,
``V (n_out, n_hidden)``, ``c (n_out,)``. A batch of vectors is stored row-wise,
``(B, n)``, so the book's ``W h`` for one example is ``h @ W.T`` for a batch.

An input ``x`` is a float array ``(B, n_in)`` or integer token ids ``(B,)``; ids
mean one-hot vectors, and ``U x`` is then the column lookup ``U[:, x]``, never a
materialised one-hot.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np

__all__ = [
    "input_term",
    "input_term_backward",
    "RNNStepCache",
    "RNNStepGrads",
    "rnn_step_forward",
    "rnn_step_backward",
    "OutputCache",
    "output_forward",
    "output_backward",
]


def _matmul_flat(x: np.ndarray, M: np.ndarray) -> np.ndarray:
    """``x @ M`` for ``x (..., k)`` and ``M (k, m)``, as one 2-D product; ``(..., m)``.

    ``x @ M`` on a 3-D ``x (tau, B, k)`` runs ``tau`` separate ``(B, k) @ (k, m)``
    products; flattening the leading axes first makes it one ``(tau B, k) @ (k, m)``
    product, about twice as fast on a 2-core machine (benchmarks/README.md).
    """
    return (x.reshape(-1, x.shape[-1]) @ M).reshape(x.shape[:-1] + M.shape[1:])


def input_term(x: np.ndarray, U: np.ndarray) -> np.ndarray:
    """``U x`` for a batch: ``x (..., n_in)`` floats or ``(...)`` token ids -> ``(..., n_hidden)``."""
    if x.dtype.kind in "iu":
        return U.T[x]
    return _matmul_flat(x, U.T)


def input_term_backward(dUx: np.ndarray, x: np.ndarray, U: np.ndarray):
    """Backward of :func:`input_term`.

    Args:
        dUx: gradient into ``U x``, ``(..., n_hidden)``.
        x: the inputs, ``(..., n_in)`` floats or ``(...)`` token ids.
        U: ``(n_hidden, n_in)``.
    Returns:
        ``(dU, dx)``: ``dU (n_hidden, n_in)`` summed over every leading position;
        ``dx`` like ``x`` for float inputs, ``None`` for token ids.
    """
    n_hidden = U.shape[0]
    flat = dUx.reshape(-1, n_hidden)
    if x.dtype.kind in "iu":
        # Row i of dU^T is the sum of the rows of dUx at every position whose token is
        # i: a scatter-add (dUT[x] += flat would keep only one row per repeated id).
        # np.add.at(dUT, x, flat) says exactly that, but adds whole rows slowly; it adds
        # single numbers 3x faster, so it gets entry (i, j) of dU^T by its index
        # i * n_hidden + j in the flat view of dU^T.
        dUT = np.zeros(U.shape[::-1], dtype=dUx.dtype)
        index = x.reshape(-1, 1) * n_hidden + np.arange(n_hidden)  # (tau B, n_hidden)
        np.add.at(dUT.reshape(-1), index.reshape(-1), flat.reshape(-1))
        return dUT.T, None
    return flat.T @ x.reshape(-1, U.shape[1]), _matmul_flat(dUx, U)


class RNNStepCache(NamedTuple):
    """What :func:`rnn_step_backward` needs from the forward step."""
    x: np.ndarray       # (B, n_in) or token ids (B,)
    h_prev: np.ndarray  # (B, n_hidden)  h(t-1)
    h: np.ndarray       # (B, n_hidden)  h(t) = tanh(a(t))
    U: np.ndarray       # (n_hidden, n_in)
    W: np.ndarray       # (n_hidden, n_hidden)


class RNNStepGrads(NamedTuple):
    dx: Optional[np.ndarray]  # (B, n_in), None for token ids
    dh_prev: np.ndarray       # (B, n_hidden)
    dU: np.ndarray            # (n_hidden, n_in)
    dW: np.ndarray            # (n_hidden, n_hidden)
    db: np.ndarray            # (n_hidden,)


def rnn_step_forward(x, h_prev, U, W, b):
    """One step of hidden-to-hidden recurrence (the book's eqs. 10.8 and 10.9).

        a(t) = b + W h(t-1) + U x(t)
        h(t) = tanh(a(t))

    Args:
        x: ``x(t)``, ``(B, n_in)`` floats or ``(B,)`` token ids.
        h_prev: ``h(t-1)``, ``(B, n_hidden)``.
        U: ``(n_hidden, n_in)``; W: ``(n_hidden, n_hidden)``; b: ``(n_hidden,)``.
    Returns:
        ``(h, cache)``: ``h(t)`` of shape ``(B, n_hidden)`` and an :class:`RNNStepCache`.
    """
    a = b + h_prev @ W.T + input_term(x, U)
    h = np.tanh(a)
    return h, RNNStepCache(x=x, h_prev=h_prev, h=h, U=U, W=W)


def rnn_step_backward(dh, cache: RNNStepCache) -> RNNStepGrads:
    """Backward of :func:`rnn_step_forward`.

    Args:
        dh: gradient of the loss with respect to ``h(t)``, ``(B, n_hidden)``.
        cache: from the forward step.
    Returns:
        :class:`RNNStepGrads` with one gradient per forward argument.
    """
    da = dh * (1.0 - cache.h ** 2)          # tanh'(a) = 1 - tanh(a)^2
    dU, dx = input_term_backward(da, cache.x, cache.U)
    return RNNStepGrads(dx=dx, dh_prev=da @ cache.W, dU=dU,
                        dW=da.T @ cache.h_prev, db=da.sum(axis=0))


class OutputCache(NamedTuple):
    h: np.ndarray  # (..., n_hidden)
    V: np.ndarray  # (n_out, n_hidden)


def output_forward(h, V, c):
    """The output layer ``o(t) = c + V h(t)`` (eq. 10.10), for any leading axes.

    Args:
        h: ``(..., n_hidden)``; V: ``(n_out, n_hidden)``; c: ``(n_out,)``.
    Returns:
        ``(o, cache)``: ``o`` of shape ``(..., n_out)`` and an :class:`OutputCache`.
    """
    return c + _matmul_flat(h, V.T), OutputCache(h=h, V=V)


def output_backward(do, cache: OutputCache):
    """Backward of :func:`output_forward`.

    Args:
        do: gradient into ``o``, ``(..., n_out)``.
    Returns:
        ``(dh, dV, dc)``: ``dh (..., n_hidden)``; ``dV (n_out, n_hidden)`` and
        ``dc (n_out,)`` summed over every leading position (every ``t`` and example).
    """
    n_out, n_hidden = cache.V.shape
    flat_do = do.reshape(-1, n_out)
    dV = flat_do.T @ cache.h.reshape(-1, n_hidden)
    return _matmul_flat(do, cache.V), dV, flat_do.sum(axis=0)

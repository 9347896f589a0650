"""Softmax and the per-step negative log-likelihood, computed stably.

Shapes: ``o`` is ``(..., n_out)`` (any leading axes, e.g. ``(tau, B, n_out)``);
``y`` holds integer class ids with the leading shape ``(...)``.

The softmax cross-entropy works through the log-sum-exp, so logits of 1e4 give a
finite loss and no overflow warning:

    log yhat_i = o_i - max(o) - log sum_j exp(o_j - max(o))
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = [
    "log_softmax",
    "softmax",
    "CrossEntropyCache",
    "softmax_cross_entropy_forward",
    "softmax_cross_entropy_backward",
    "squared_error_forward",
    "squared_error_backward",
]


def log_softmax(o: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log softmax(o)`` along ``axis``, by the log-sum-exp; same shape as ``o``."""
    z = o - o.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def softmax(o: np.ndarray, axis: int = -1) -> np.ndarray:
    """``softmax(o)`` along ``axis``; same shape as ``o``, rows sum to one."""
    z = np.exp(o - o.max(axis=axis, keepdims=True))
    return z / z.sum(axis=axis, keepdims=True)


class CrossEntropyCache(NamedTuple):
    yhat: np.ndarray  # (..., n_out) softmax(o)
    y: np.ndarray     # (...) integer targets


def softmax_cross_entropy_forward(o: np.ndarray, y: np.ndarray):
    """Per-position negative log-likelihood ``L = -log softmax(o)[y]``.

    Args:
        o: logits ``(..., n_out)``.
        y: integer targets ``(...)`` in ``[0, n_out)``.
    Returns:
        ``(L, cache)``: ``L`` of shape ``(...)``, and a :class:`CrossEntropyCache`.
    """
    logp = log_softmax(o)
    nll = -np.take_along_axis(logp, y[..., None], axis=-1)[..., 0]
    return nll, CrossEntropyCache(yhat=np.exp(logp), y=y)


def softmax_cross_entropy_backward(dL: np.ndarray, cache: CrossEntropyCache) -> np.ndarray:
    """Gradient into the logits: ``do = dL * (yhat - onehot(y))`` (the book's eq. 10.18).

    Args:
        dL: upstream gradient ``(...)`` (for a plain sum, ones; for a batch mean, ``1/B``).
        cache: from :func:`softmax_cross_entropy_forward`.
    Returns:
        ``do`` of shape ``(..., n_out)``.
    """
    do = cache.yhat.copy()
    np.put_along_axis(do, cache.y[..., None],
                      np.take_along_axis(do, cache.y[..., None], axis=-1) - 1.0, axis=-1)
    return do * dL[..., None]


def squared_error_forward(o: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-position squared error ``L = 1/2 ||o - y||^2`` over the last axis.

    Args:
        o, y: predictions and real-valued targets, both ``(..., n_out)``.
    Returns:
        ``L`` of shape ``(...)``.
    """
    return 0.5 * ((o - y) ** 2).sum(axis=-1)


def squared_error_backward(dL: np.ndarray, o: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient into the predictions: ``do = dL * (o - y)``, shape ``(..., n_out)``."""
    return (o - y) * dL[..., None]

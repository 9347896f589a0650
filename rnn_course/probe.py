"""A linear read-out trained on frozen features, e.g. the summary ``h(tau)``.

The book's output layer again, ``o = c + V h`` with ``yhat = softmax(o)``, but
trained alone: the features ``h`` (``(N, n_hidden)``, one row per sequence) are
fixed, so only ``V (n_out, n_hidden)`` and ``c (n_out,)`` learn. This is the
"further processing" of fig. 10.5's summary, and a probe of what it holds: if a
linear read-out of ``h(tau)`` answers a question, the summary carries the answer.

The loss is the mean negative log-likelihood plus ``(l2 / 2) ||V||^2``; it is
convex in ``(V, c)``, so full-batch Adam from zeros finds the same answer for
the same data.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import as_targets, check_positive_int
from .losses import softmax_cross_entropy_backward, softmax_cross_entropy_forward
from .optim import Adam
from .steps import OutputCache, output_backward, output_forward

__all__ = ["LinearProbe", "probe_loss_and_grads", "fit_probe"]


class LinearProbe(NamedTuple):
    """A trained read-out ``o = c + V h``."""
    V: np.ndarray  # (n_out, n_hidden)
    c: np.ndarray  # (n_out,)

    def predict(self, features) -> np.ndarray:
        """The most likely class of each row of ``features (N, n_hidden)``: ``(N,)``."""
        h = _as_features(features, self.V.shape[1])
        return output_forward(h, self.V, self.c)[0].argmax(axis=-1)

    def accuracy(self, features, y) -> float:
        """The fraction of rows of ``features (N, n_hidden)`` classified as ``y (N,)``."""
        pred = self.predict(features)
        y = as_targets(y, self.V.shape[0], pred.shape, axes="(N,)")
        return float((pred == y).mean())


def _as_features(features, n_hidden=None) -> np.ndarray:
    arr = np.asarray(features)
    if arr.dtype.kind != "f" or arr.ndim != 2:
        raise ValueError(f"features must be a float array of shape (N, n_hidden); got "
                         f"dtype {arr.dtype} and shape {arr.shape}")
    if n_hidden is not None and arr.shape[1] != n_hidden:
        raise ValueError(f"features must have n_hidden={n_hidden} columns, like V; got "
                         f"shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError("features is empty: need at least one row")
    if not np.isfinite(arr).all():
        raise ValueError("features must be finite")
    return arr


def probe_loss_and_grads(V, c, features, y, *, l2=0.0):
    """Loss and gradients of the read-out ``o = c + V h`` on fixed features.

    Args:
        V: ``(n_out, n_hidden)``; c: ``(n_out,)``.
        features: ``(N, n_hidden)``, one ``h`` per row.
        y: ``(N,)`` class ids in ``[0, n_out)``.
        l2: the weight-decay coefficient on ``V`` (>= 0).
    Returns:
        ``(loss, grads)``: ``(1/N) sum_n -log yhat_n[y_n] + (l2/2) ||V||^2`` and
        ``{"V": (n_out, n_hidden), "c": (n_out,)}``.
    """
    h = _as_features(features, V.shape[1])
    y = as_targets(y, V.shape[0], (h.shape[0],), axes="(N,)")
    o, cache = output_forward(h, V, c)
    nll, ce_cache = softmax_cross_entropy_forward(o, y)
    do = softmax_cross_entropy_backward(np.full(h.shape[0], 1.0 / h.shape[0]), ce_cache)
    _, dV, dc = output_backward(do, OutputCache(h=h, V=V))
    loss = float(nll.mean() + 0.5 * l2 * np.vdot(V, V))
    return loss, {"V": dV + l2 * V, "c": dc}


def fit_probe(features, y, *, n_out=None, l2=1e-3, steps=300, lr=0.05) -> LinearProbe:
    """Train a :class:`LinearProbe` on frozen ``features`` by full-batch Adam from zeros.

    Args:
        features: ``(N, n_hidden)``.
        y: ``(N,)`` class ids.
        n_out: the number of classes; ``None`` means ``max(y) + 1`` (at least 2).
        l2: weight decay on ``V`` (>= 0); a little keeps the weights finite when
            the classes are separable.
        steps: how many Adam steps.
        lr: Adam's learning rate.
    """
    h = _as_features(features)
    y_arr = np.asarray(y)
    if n_out is None:
        if y_arr.dtype.kind not in "iu" or y_arr.size == 0:
            raise TypeError(f"y must be integer class ids of shape (N,); got dtype "
                            f"{y_arr.dtype} and shape {y_arr.shape}")
        n_out = max(2, int(y_arr.max()) + 1)
    n_out = check_positive_int(n_out, "n_out")
    steps = check_positive_int(steps, "steps")
    if not (np.isfinite(l2) and l2 >= 0):
        raise ValueError(f"l2 must be a finite number >= 0; got {l2!r}")
    params = {"V": np.zeros((n_out, h.shape[1])), "c": np.zeros(n_out)}
    opt = Adam(lr)
    for _ in range(steps):
        _, grads = probe_loss_and_grads(params["V"], params["c"], h, y, l2=l2)
        opt.step(params, grads)
    return LinearProbe(V=params["V"], c=params["c"])

"""Hidden-to-hidden recurrence over a whole sequence, and back-propagation through time.

Arrays are time-major. With ``tau`` steps and a batch of ``B``:

- ``Ux``: ``(tau, B, n_hidden)``, the input term ``U x(t)`` of every step at once;
- ``a``: ``(tau, B, n_hidden)``, ``a[t-1]`` holds the book's ``a(t)``;
- ``h``: ``(tau + 1, B, n_hidden)``, ``h[t]`` holds ``h(t)`` and ``h[0]`` is ``h(0)``.

Only the recurrence itself loops over time; the input and output projections
are one matrix product each over all steps (see the models).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["RecurrenceGrads", "recurrence_forward", "recurrence_backward"]


def recurrence_forward(Ux, h0, W, b):
    """Run ``a(t) = b + W h(t-1) + U x(t)``, ``h(t) = tanh(a(t))`` for ``t = 1..tau``.

    Args:
        Ux: ``(tau, B, n_hidden)`` the input terms ``U x(t)``.
        h0: ``(B, n_hidden)`` the initial state ``h(0)``.
        W: ``(n_hidden, n_hidden)``; b: ``(n_hidden,)``.
    Returns:
        ``(a, h)``: ``a (tau, B, n_hidden)`` and ``h (tau + 1, B, n_hidden)``.
    """
    tau = Ux.shape[0]
    a = Ux + b                     # b + U x(t) for every t at once
    h = np.empty((tau + 1,) + h0.shape, dtype=a.dtype)
    h[0] = h0
    WT = W.T
    for t in range(1, tau + 1):    # the book's t; the only sequential part
        a[t - 1] += h[t - 1] @ WT  # a(t) = b + U x(t) + W h(t-1)
        np.tanh(a[t - 1], out=h[t])
    return a, h


class RecurrenceGrads(NamedTuple):
    da: np.ndarray   # (tau, B, n_hidden)  gradient into a(t) = into b + U x(t) + W h(t-1)
    dW: np.ndarray   # (n_hidden, n_hidden)
    db: np.ndarray   # (n_hidden,)
    dh0: np.ndarray  # (B, n_hidden)


def recurrence_backward(dh_out, h, W) -> RecurrenceGrads:
    """Back-propagation through time for :func:`recurrence_forward`.

    The gradient reaching ``h(t)`` has two parts (the book's eq. 10.21): the part
    from the output at ``t`` (``dh_out[t-1]``, computed by the caller) and the
    part from ``h(t+1)``, which this loop carries backwards. ``W`` and ``b`` are
    shared by every step, so their gradients are the sums over ``t`` of the
    per-step copies' gradients ``W(t)``, ``b(t)`` (eqs. 10.23 and 10.25-10.26).
    The term of step ``t`` needs only ``da(t)`` and ``h(t-1)``, so the sums are
    accumulated after the loop, once it has computed every ``da(t)``.

    Args:
        dh_out: ``(tau, B, n_hidden)`` gradient into each ``h(t)`` from outside the
            recurrence (zeros where no output reads ``h(t)``).
        h: ``(tau + 1, B, n_hidden)`` the states from the forward pass.
        W: ``(n_hidden, n_hidden)``.
    Returns:
        :class:`RecurrenceGrads` ``(da, dW, db, dh0)``.
    """
    tau, _, n_hidden = dh_out.shape
    da = np.empty_like(dh_out)
    dh_next = np.zeros_like(h[0])  # gradient into h(t) from h(t+1); none at t = tau
    for t in range(tau, 0, -1):
        dh = dh_out[t - 1] + dh_next                 # from o(t)  +  from h(t+1)
        da[t - 1] = dh * (1.0 - h[t] ** 2)           # through tanh: diag(1 - h(t)^2)
        dh_next = da[t - 1] @ W                      # W^T (...) in column form
    # The copy W(t) used at step t gets the gradient da(t)^T h(t-1) (rnn_step_backward's
    # dW), and W's gradient is the sum of the copies' gradients over time (eq. 10.26):
    #     dW = 0
    #     for t in range(tau, 0, -1):
    #         dW += da[t - 1].T @ h[t - 1]
    # The same sum, over every t and every example at once, is one product of
    # (n_hidden, tau * B) by (tau * B, n_hidden): one large matrix product instead of
    # tau thin ones, which makes loss_and_grads 2.4x faster at min-char-rnn's sizes
    # (benchmarks/README.md).
    dW = da.reshape(-1, n_hidden).T @ h[:-1].reshape(-1, n_hidden)
    db = da.sum(axis=(0, 1))                         # b(t)'s gradients, summed over t
    return RecurrenceGrads(da=da, dW=dW, db=db, dh0=dh_next)

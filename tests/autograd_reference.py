"""Reference losses in the book's column-vector form, differentiated by ``autograd``.

Written independently of ``rnn_course``: nothing here imports the package. Each
loss loops over time with the book's equations acting on column vectors (a batch
is the columns of an ``(n, B)`` matrix), token ids become explicit one-hot
vectors, and the log-softmax is written out. ``autograd`` (HIPS) then supplies
every gradient, so the package's hand-written BPTT is compared with a second,
mechanical differentiation of the same loss.

    a(t) = b + W h(t-1) + U x(t),  h(t) = tanh(a(t)),  o(t) = c + V h(t)
    L    = (1/B) sum_b sum_t -log softmax(o(t))[y(t)]

Data come in the package's time-major layout: ``x (tau, B, n_in)`` floats or
``(tau, B)`` ids, ``y (tau, B)`` (or ``(B,)`` for the summary model), ``h0
(B, n_hidden)``; gradients go back in the same layouts.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as onp

__all__ = [
    "hidden_rnn_loss",
    "summary_rnn_loss",
    "output_rnn_loss",
    "reference_loss_and_grads",
]


def _one_hot_columns(ids, n):
    """Integer ids ``(B,)`` -> one-hot columns ``(n, B)`` (a constant, plain numpy)."""
    ids = onp.asarray(ids)
    cols = onp.zeros((n, ids.shape[0]))
    cols[ids, onp.arange(ids.shape[0])] = 1.0
    return cols


def _input_columns(x, t, n_in):
    """``x(t)`` as columns ``(n_in, B)``: one-hot for ids, transposed for floats."""
    if isinstance(x, onp.ndarray) and x.dtype.kind in "iu":
        return _one_hot_columns(x[t], n_in)
    return anp.transpose(x[t])


def _nll_columns(o, y_t):
    """``sum_b -log softmax(o[:, b])[y_t[b]]`` for logits ``o (n_out, B)``."""
    shift = anp.max(o, axis=0, keepdims=True)
    log_p = o - shift - anp.log(anp.sum(anp.exp(o - shift), axis=0, keepdims=True))
    return -anp.sum(_one_hot_columns(y_t, o.shape[0]) * log_p)


def _hidden_states(th, x, tau, B):
    """``[h(0), h(1), ..., h(tau)]`` as ``(n_hidden, B)`` columns (figs. 10.3, 10.5)."""
    U, W, b = th["U"], th["W"], th["b"]
    n_hidden, n_in = U.shape
    h = anp.transpose(th["h0"]) if "h0" in th else anp.zeros((n_hidden, B))
    hs = [h]
    for t in range(tau):  # package index t is the book's step t + 1
        a = b[:, None] + anp.dot(W, h) + anp.dot(U, _input_columns(x, t, n_in))
        h = anp.tanh(a)
        hs.append(h)
    return hs


def hidden_rnn_loss(th, x, y):
    """Fig. 10.3: an output and a loss at every step. ``th`` holds ``U, W, V, b, c``
    and optionally the float inputs ``x`` and the initial state ``h0``."""
    x = th.get("x", x)
    tau, B = onp.shape(y)
    hs = _hidden_states(th, x, tau, B)
    total = 0.0
    for t in range(1, tau + 1):
        o = th["c"][:, None] + anp.dot(th["V"], hs[t])
        total = total + _nll_columns(o, y[t - 1])
    return total / B


def summary_rnn_loss(th, x, y):
    """Fig. 10.5: one output, read from ``h(tau)``; ``y`` is ``(B,)``."""
    x = th.get("x", x)
    tau, B = onp.shape(x)[0], onp.shape(y)[0]
    h_tau = _hidden_states(th, x, tau, B)[-1]
    o = th["c"][:, None] + anp.dot(th["V"], h_tau)
    return _nll_columns(o, y) / B


def output_rnn_loss(th, x, y):
    """Figs. 10.4/10.6 with teacher forcing: ``a(t) = b + W onehot(y(t-1)) + U x(t)``,
    no ``W`` term at the first step."""
    x = th.get("x", x)
    U, W, V, b, c = th["U"], th["W"], th["V"], th["b"], th["c"]
    n_hidden, n_in = U.shape
    n_out = V.shape[0]
    tau, B = onp.shape(y)
    total = 0.0
    for t in range(1, tau + 1):
        a = b[:, None] + anp.dot(U, _input_columns(x, t - 1, n_in))
        if t > 1:
            a = a + anp.dot(W, _one_hot_columns(y[t - 2], n_out))
        o = c[:, None] + anp.dot(V, anp.tanh(a))
        total = total + _nll_columns(o, y[t - 1])
    return total / B


def reference_loss_and_grads(loss_fn, params, x, y, h0=None, *, with_h0=True):
    """The loss and autograd's gradients for every parameter, and ``x`` and ``h0``.

    Args:
        loss_fn: one of the losses above.
        params: ``{"U", "W", "V", "b", "c"}`` float64 arrays in the book's shapes.
        x: float inputs ``(tau, B, n_in)`` (differentiated) or ids ``(tau, B)``.
        y: integer targets.
        h0: ``(B, n_hidden)`` or ``None`` (zeros, still differentiated) when
            ``with_h0``; ignored otherwise.
    Returns:
        ``(loss, grads)``; ``grads`` has the parameter keys, ``"x"`` for float
        inputs and ``"h0"`` when ``with_h0``.
    """
    th = {k: onp.array(v, dtype=onp.float64) for k, v in params.items()}
    x = onp.asarray(x)
    if x.dtype.kind == "f":
        th["x"] = x.astype(onp.float64)
    if with_h0:
        B = x.shape[1]
        n_hidden = th["U"].shape[0]
        th["h0"] = onp.zeros((B, n_hidden)) if h0 is None else onp.array(h0, float)
    loss, grads = autograd.value_and_grad(loss_fn)(th, x, onp.asarray(y))
    return float(loss), grads

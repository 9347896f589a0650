"""How much gradient reaches each hidden state: ``grad_{h(t)} L`` for ``t = 0..tau``.

For the summary network (fig. 10.5) the only gradient enters at ``h(tau)``,
through the one output ``o = c + V h(tau)``; every earlier state receives only
what flows back through the recurrence (the book's eq. 10.21 without its output
term):

    grad_{h(tau)} L = V^T (yhat - e_y)                                 (per example)
    grad_{h(t)}   L = W^T diag(1 - h(t+1)^2) grad_{h(t+1)} L,   t = tau-1, ..., 0

so the gradient reaching ``h(t)`` is a product of ``tau - t`` Jacobians. The
norms of these arrays show it vanish or explode with the distance ``tau - t``.
Shapes as in :mod:`rnn_course.summary_rnn`; the result is ``(tau + 1, B, n_hidden)``
with ``[t]`` the gradient into ``h(t)`` (``[0]`` into ``h(0)``). The loss is the
package's, averaged over the batch, so each example's rows carry a factor ``1/B``.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_targets
from .losses import softmax_cross_entropy_backward, softmax_cross_entropy_forward
from .recurrence import recurrence_backward
from .steps import OutputCache, output_backward
from .summary_rnn import SummaryRNN

__all__ = ["state_gradients_from_outputs", "summary_state_gradients"]


def state_gradients_from_outputs(dh_out, h, W) -> np.ndarray:
    """The total gradient into every ``h(t)``, from the outputs' gradients.

    Args:
        dh_out: ``(tau, B, n_hidden)``, ``[t-1]`` the gradient into ``h(t)`` from
            outside the recurrence (the output at ``t``; zeros where none reads it).
        h: ``(tau + 1, B, n_hidden)`` the forward states.
        W: ``(n_hidden, n_hidden)``.
    Returns:
        ``(tau + 1, B, n_hidden)``: ``[t]`` is ``grad_{h(t)} L``, "from the output
        at t" plus "from h(t+1)" (``da(t+1) W``); ``[0]`` is :func:`recurrence_backward`'s
        ``dh0``.
    """
    rec = recurrence_backward(dh_out, h, W)
    dh = np.empty_like(h)
    dh[-1] = dh_out[-1]                     # nothing comes from h(tau + 1)
    dh[:-1] = rec.da @ W                    # from h(t+1): W^T da(t+1) in column form
    dh[1:-1] += dh_out[:-1]                 # plus the output at t, where there is one
    return dh


def summary_state_gradients(model: SummaryRNN, x, y, h0=None) -> np.ndarray:
    """``grad_{h(t)} L`` for ``t = 0..tau`` of a :class:`~rnn_course.SummaryRNN`.

    Args:
        model: a :class:`~rnn_course.SummaryRNN`.
        x: ``(tau, B, n_in)`` floats or ``(tau, B)`` ids; y: ``(B,)`` class ids;
        h0: ``(B, n_hidden)`` or ``None``.
    Returns:
        ``(tau + 1, B, n_hidden)``; ``[tau]`` is ``V^T (yhat - e_y) / B`` and ``[0]``
        equals ``model.bptt(x, y, h0).dh0``.
    """
    if not isinstance(model, SummaryRNN):
        raise TypeError(f"model must be a SummaryRNN; got a {type(model).__name__}")
    fwd = model.forward(x, h0)
    B = fwd.o.shape[0]
    y = as_targets(y, model.n_out, (B,), axes="(B,)")
    _, ce_cache = softmax_cross_entropy_forward(fwd.o, y)
    do = softmax_cross_entropy_backward(np.full(B, 1.0 / B, dtype=fwd.o.dtype), ce_cache)
    dh_tau, _, _ = output_backward(do, OutputCache(h=fwd.h[-1], V=model.params["V"]))
    dh_out = np.zeros_like(fwd.a)
    dh_out[-1] = dh_tau                     # the only output reads h(tau)
    return state_gradients_from_outputs(dh_out, fwd.h, model.params["W"])

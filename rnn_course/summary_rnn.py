"""The RNN that reads a whole sequence and produces a single output (fig. 10.5).

The recurrence is fig. 10.3's; only the last state is read out:

    a(t) = b + W h(t-1) + U x(t),  h(t) = tanh(a(t))     for t = 1..tau
    o    = c + V h(tau),           yhat = softmax(o)
    L    = -log yhat[y], averaged over the batch

``h(tau)`` is the fixed-size summary of the sequence, usable as the input to
further processing. Shapes: ``x (tau, B, n_in)`` or ids ``(tau, B)``; ``y (B,)``;
``a (tau, B, n_hidden)``; ``h (tau + 1, B, n_hidden)``; ``o``, ``yhat (B, n_out)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import BPTTResult, SequenceModel
from ._validate import as_inputs, as_state, as_targets
from .losses import softmax, softmax_cross_entropy_backward, softmax_cross_entropy_forward
from .recurrence import recurrence_backward, recurrence_forward
from .steps import OutputCache, input_term, input_term_backward, output_backward, output_forward

__all__ = ["SummaryForward", "SummaryRNN"]


class SummaryForward(NamedTuple):
    a: np.ndarray     # (tau, B, n_hidden)
    h: np.ndarray     # (tau + 1, B, n_hidden); h[-1] = h(tau) is the summary
    o: np.ndarray     # (B, n_out), read from h(tau) only
    yhat: np.ndarray  # (B, n_out)


class SummaryRNN(SequenceModel):
    """Fig. 10.5: hidden-to-hidden recurrence, one output after the last step.

    Same arguments and ``params`` as :class:`~rnn_course.HiddenRNN`.
    """

    def _forward(self, x, h0):
        p, dtype = self._checked_params()
        x, _ = as_inputs(x, self.n_in, dtype)
        h0 = as_state(h0, (x.shape[1], self.n_hidden), dtype)
        a, h = recurrence_forward(input_term(x, p["U"]), h0, p["W"], p["b"])
        o, _ = output_forward(h[-1], p["V"], p["c"])
        return x, a, h, o

    def forward(self, x, h0=None) -> SummaryForward:
        """Read ``x`` (``(tau, B, n_in)`` or ids ``(tau, B)``); one output per sequence."""
        _, a, h, o = self._forward(x, h0)
        return SummaryForward(a=a, h=h, o=o, yhat=softmax(o))

    def summary(self, x, h0=None) -> np.ndarray:
        """The fixed-size summary ``h(tau)``, ``(B, n_hidden)``."""
        return self._forward(x, h0)[2][-1]

    def predict(self, x, h0=None) -> np.ndarray:
        """The most likely class of each sequence, ``(B,)``."""
        return self._forward(x, h0)[3].argmax(axis=-1)

    def loss(self, x, y, h0=None) -> float:
        """``(1/B) sum_b -log yhat[y]``; ``y`` is ``(B,)``."""
        x, _, _, o = self._forward(x, h0)
        y = as_targets(y, self.n_out, (x.shape[1],), axes="(B,)")
        nll, _ = softmax_cross_entropy_forward(o, y)
        return float(nll.mean())

    def bptt(self, x, y, h0=None) -> BPTTResult:
        """Forward, loss and BPTT; the only gradient enters at ``h(tau)``.

        Args:
            x: ``(tau, B, n_in)`` floats or ``(tau, B)`` ids; y: ``(B,)`` class ids;
            h0: ``(B, n_hidden)`` or ``None``.
        """
        p = self.params
        x, a, h, o = self._forward(x, h0)
        tau, B = x.shape[:2]
        y = as_targets(y, self.n_out, (B,), axes="(B,)")
        nll, ce_cache = softmax_cross_entropy_forward(o, y)
        do = softmax_cross_entropy_backward(np.full(B, 1.0 / B, dtype=o.dtype), ce_cache)
        dh_tau, dV, dc = output_backward(do, OutputCache(h=h[-1], V=p["V"]))
        dh_out = np.zeros_like(a)
        dh_out[-1] = dh_tau            # no output reads h(1..tau-1)
        rec = recurrence_backward(dh_out, h, p["W"])
        dU, dx = input_term_backward(rec.da, x, p["U"])
        grads = {"U": dU, "W": rec.dW, "V": dV, "b": rec.db, "c": dc}
        fwd = SummaryForward(a=a, h=h, o=o, yhat=ce_cache.yhat)
        return BPTTResult(loss=float(nll.mean()), grads=grads, dx=dx, dh0=rec.dh0,
                          forward=fwd)

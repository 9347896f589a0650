"""The RNN with hidden-to-hidden recurrence and an output at every step (fig. 10.3).

    a(t)    = b + W h(t-1) + U x(t)        (10.8)
    h(t)    = tanh(a(t))                   (10.9)
    o(t)    = c + V h(t)                   (10.10)
    yhat(t) = softmax(o(t))                (10.11)
    L       = -sum_t log yhat(t)[y(t)]     (10.12-10.14), averaged over the batch

Shapes (time-major): ``x (tau, B, n_in)`` floats or ``(tau, B)`` token ids;
``y (tau, B)``; ``a (tau, B, n_hidden)``; ``h (tau + 1, B, n_hidden)`` with
``h[0] = h(0)``; ``o`` and ``yhat`` ``(tau, B, n_out)``, where ``o[t-1]`` is ``o(t)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import BPTTResult, SequenceModel
from ._validate import as_inputs, as_prime, as_state, as_targets, check_positive_int
from .losses import softmax_cross_entropy_backward, softmax_cross_entropy_forward, softmax
from .recurrence import recurrence_backward, recurrence_forward
from .sampling import check_rng, check_temperature, choose
from .steps import OutputCache, input_term, input_term_backward, output_backward, \
    output_forward, rnn_step_forward

__all__ = ["HiddenForward", "HiddenRNN"]


class HiddenForward(NamedTuple):
    """Every quantity of eqs. 10.8-10.11, time-major."""
    a: np.ndarray     # (tau, B, n_hidden)   a[t-1] = a(t)
    h: np.ndarray     # (tau + 1, B, n_hidden)   h[t] = h(t), h[0] = h(0)
    o: np.ndarray     # (tau, B, n_out)
    yhat: np.ndarray  # (tau, B, n_out)


class HiddenRNN(SequenceModel):
    """Fig. 10.3: hidden-to-hidden recurrence, an output and a loss at every step.

    Args:
        n_in, n_hidden, n_out: sizes of ``x(t)``, ``h(t)``, ``o(t)``.
        seed: seeds the initial parameters (an int or a ``np.random.Generator``).
        dtype: ``np.float64`` (default) or ``np.float32``.

    ``params``: ``U (n_hidden, n_in)``, ``W (n_hidden, n_hidden)``,
    ``V (n_out, n_hidden)``, ``b (n_hidden,)``, ``c (n_out,)``.
    """

    def _forward(self, x, h0):
        p, dtype = self._checked_params()
        x, _ = as_inputs(x, self.n_in, dtype)
        h0 = as_state(h0, (x.shape[1], self.n_hidden), dtype)
        a, h = recurrence_forward(input_term(x, p["U"]), h0, p["W"], p["b"])
        o, _ = output_forward(h[1:], p["V"], p["c"])  # one product over all t
        return x, a, h, o

    def forward(self, x, h0=None) -> HiddenForward:
        """Run the network over ``x``; returns a :class:`HiddenForward` record.

        Args:
            x: ``(tau, B, n_in)`` floats or ``(tau, B)`` token ids.
            h0: ``(B, n_hidden)`` initial state; ``None`` means zeros.
        """
        _, a, h, o = self._forward(x, h0)
        return HiddenForward(a=a, h=h, o=o, yhat=softmax(o))

    def loss(self, x, y, h0=None) -> float:
        """``(1/B) sum_b sum_t -log yhat(t)[y(t)]``; ``y`` is ``(tau, B)``."""
        x, _, _, o = self._forward(x, h0)
        y = as_targets(y, self.n_out, x.shape[:2])
        nll, _ = softmax_cross_entropy_forward(o, y)
        return float(nll.sum() / x.shape[1])

    def bptt(self, x, y, h0=None) -> BPTTResult:
        """Forward pass, loss, and back-propagation through time.

        Args:
            x: ``(tau, B, n_in)`` floats or ``(tau, B)`` token ids.
            y: ``(tau, B)`` integer targets in ``[0, n_out)``.
            h0: ``(B, n_hidden)`` or ``None`` (zeros).
        Returns:
            :class:`~rnn_course.BPTTResult` with ``dx (tau, B, n_in)`` (or ``None``
            for token ids) and ``dh0 (B, n_hidden)``.
        """
        p = self.params
        x, a, h, o = self._forward(x, h0)
        tau, B = x.shape[:2]
        y = as_targets(y, self.n_out, (tau, B))
        nll, ce_cache = softmax_cross_entropy_forward(o, y)
        loss = float(nll.sum() / B)
        # dL/dL(t) = 1/B for every t and example; eq. 10.18: do(t) = yhat(t) - 1_y(t)
        do = softmax_cross_entropy_backward(np.full((tau, B), 1.0 / B, dtype=o.dtype),
                                            ce_cache)
        dh_from_o, dV, dc = output_backward(do, OutputCache(h=h[1:], V=p["V"]))
        rec = recurrence_backward(dh_from_o, h, p["W"])
        dU, dx = input_term_backward(rec.da, x, p["U"])
        grads = {"U": dU, "W": rec.dW, "V": dV, "b": rec.db, "c": dc}
        fwd = HiddenForward(a=a, h=h, o=o, yhat=ce_cache.yhat)
        return BPTTResult(loss=loss, grads=grads, dx=dx, dh0=rec.dh0, forward=fwd)

    def sample(self, prime, n, *, rng, temperature=1.0, h0=None) -> np.ndarray:
        """Generate ``n`` tokens, each fed back as the next input.

        Needs token inputs and outputs of one vocabulary (``n_in == n_out``).

        Args:
            prime: token ids to read first, ``(tau0,)`` or ``(tau0, B)``.
            n: how many tokens to generate.
            rng: a ``np.random.Generator``.
            temperature: divides the logits before the softmax; ``0`` is greedy.
            h0: ``(B, n_hidden)`` state before the prime, or ``None``.
        Returns:
            the generated ids, ``(n,)`` for a 1-D prime, ``(n, B)`` otherwise.
        """
        if self.n_in != self.n_out:
            raise ValueError("sampling feeds outputs back as inputs, so it needs "
                             f"n_in == n_out; this model has n_in={self.n_in}, "
                             f"n_out={self.n_out}")
        n = check_positive_int(n, "n")
        rng = check_rng(rng)
        temperature = check_temperature(temperature)
        prime, one_d = as_prime(prime, self.n_in)
        p = self.params
        fwd = self.forward(prime, h0)
        h, o = fwd.h[-1], fwd.o[-1]
        out = np.empty((n, h.shape[0]), dtype=np.intp)
        for t in range(n):
            out[t] = choose(o, rng, temperature)
            h, _ = rnn_step_forward(out[t], h, p["U"], p["W"], p["b"])
            o, _ = output_forward(h, p["V"], p["c"])
        return out[:, 0] if one_d else out

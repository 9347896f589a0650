"""The RNN whose only recurrence is from the output to the next hidden state (fig. 10.4).

Trained with teacher forcing (fig. 10.6): the ground truth ``y(t-1)`` is fed in
where the network's own output would go,

    a(t)    = b + W onehot(y(t-1)) + U x(t)     (the W term is zero at t = 1)
    h(t)    = tanh(a(t))
    o(t)    = c + V h(t),   yhat(t) = softmax(o(t))
    L       = -sum_t log yhat(t)[y(t)], averaged over the batch

so no step depends on another's hidden state and the whole sequence is computed
at once, with no back-propagation through time. In closed-loop use the model's
own output is fed back instead (:meth:`OutputRecurrentRNN.closed_loop`).

Shapes: ``x (tau, B, n_in)`` or ids ``(tau, B)``; ``y (tau, B)``;
``a``, ``h`` ``(tau, B, n_hidden)`` with ``h[t-1] = h(t)`` (this architecture has no
``h(0)``); ``o``, ``yhat`` ``(tau, B, n_out)``. ``W`` is ``(n_hidden, n_out)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import BPTTResult, SequenceModel
from ._validate import as_inputs, as_targets
from .losses import softmax, softmax_cross_entropy_backward, softmax_cross_entropy_forward
from .sampling import check_rng, check_temperature, choose
from .steps import OutputCache, input_term, input_term_backward, output_backward, output_forward

__all__ = ["FEEDBACKS", "OutputRecurrentForward", "ClosedLoopForward", "OutputRecurrentRNN"]

FEEDBACKS = ("probs", "sample", "argmax")


class OutputRecurrentForward(NamedTuple):
    a: np.ndarray     # (tau, B, n_hidden)   a[t-1] = a(t)
    h: np.ndarray     # (tau, B, n_hidden)   h[t-1] = h(t)
    o: np.ndarray     # (tau, B, n_out)
    yhat: np.ndarray  # (tau, B, n_out)


class ClosedLoopForward(NamedTuple):
    a: np.ndarray     # (tau, B, n_hidden)
    h: np.ndarray     # (tau, B, n_hidden)
    o: np.ndarray     # (tau, B, n_out)
    yhat: np.ndarray  # (tau, B, n_out)
    fed: np.ndarray   # (tau, B, n_out): what W multiplied at step t (zeros at t = 1)
    y: np.ndarray     # (tau, B): the id chosen at each step (argmax for "probs")


def _teacher_term(y, W):
    """``W onehot(y(t-1))`` for every t, zero at t = 1: ``(tau, B, n_hidden)``."""
    tau, B = y.shape
    term = np.zeros((tau, B, W.shape[0]), dtype=W.dtype)
    term[1:] = input_term(y[:-1], W)  # a column lookup of W, no one-hot
    return term


class OutputRecurrentRNN(SequenceModel):
    """Fig. 10.4 / 10.6: output-to-hidden recurrence, trained with teacher forcing.

    Args:
        n_in, n_hidden, n_out: sizes of ``x(t)``, ``h(t)``, ``o(t)``.
        seed: seeds the initial parameters. dtype: float64 (default) or float32.

    ``params``: ``U (n_hidden, n_in)``, ``W (n_hidden, n_out)``,
    ``V (n_out, n_hidden)``, ``b (n_hidden,)``, ``c (n_out,)``.
    """

    _w_cols = "n_out"

    def _teacher_forward(self, x, y):
        p, dtype = self._checked_params()
        x, _ = as_inputs(x, self.n_in, dtype)
        y = as_targets(y, self.n_out, x.shape[:2])
        a = p["b"] + input_term(x, p["U"]) + _teacher_term(y, p["W"])  # all t at once
        h = np.tanh(a)
        o, _ = output_forward(h, p["V"], p["c"])
        return x, y, a, h, o

    def forward(self, x, y) -> OutputRecurrentForward:
        """Teacher-forced pass: ``y(t-1)`` from the data is fed to step ``t``.

        Args:
            x: ``(tau, B, n_in)`` floats or ``(tau, B)`` ids.
            y: ``(tau, B)`` integer targets in ``[0, n_out)``.
        """
        _, _, a, h, o = self._teacher_forward(x, y)
        return OutputRecurrentForward(a=a, h=h, o=o, yhat=softmax(o))

    def loss(self, x, y, h0=None) -> float:
        """Teacher-forced ``(1/B) sum_b sum_t -log yhat(t)[y(t)]``."""
        _reject_h0(h0)
        x, y, _, _, o = self._teacher_forward(x, y)
        nll, _ = softmax_cross_entropy_forward(o, y)
        return float(nll.sum() / x.shape[1])

    def bptt(self, x, y, h0=None) -> BPTTResult:
        """Teacher-forced loss and gradients, every time step at once.

        With the ground truth fed in, no hidden state depends on an earlier one,
        so the backward pass has no loop over time. ``dh0`` is ``None``.
        """
        _reject_h0(h0)
        p = self.params
        x, y, a, h, o = self._teacher_forward(x, y)
        tau, B = y.shape
        nll, ce_cache = softmax_cross_entropy_forward(o, y)
        do = softmax_cross_entropy_backward(np.full((tau, B), 1.0 / B, dtype=o.dtype),
                                            ce_cache)
        dh, dV, dc = output_backward(do, OutputCache(h=h, V=p["V"]))
        da = dh * (1.0 - h ** 2)
        dU, dx = input_term_backward(da, x, p["U"])
        dW, _ = input_term_backward(da[1:], y[:-1], p["W"])  # y(t-1) fed at t >= 2
        grads = {"U": dU, "W": dW, "V": dV, "b": da.sum(axis=(0, 1)), "c": dc}
        fwd = OutputRecurrentForward(a=a, h=h, o=o, yhat=ce_cache.yhat)
        return BPTTResult(loss=float(nll.sum() / B), grads=grads, dx=dx, dh0=None,
                          forward=fwd)

    def closed_loop(self, x, *, feedback="probs", rng=None, temperature=1.0,
                    prime=None) -> ClosedLoopForward:
        """Run free: the model's own output at ``t-1`` is fed to step ``t``.

        Args:
            x: ``(tau, B, n_in)`` floats or ``(tau, B)`` ids.
            feedback: what is fed back: ``"probs"`` the softmax ``yhat(t-1)``;
                ``"sample"`` the one-hot of an id drawn from it (needs ``rng``;
                ``temperature`` divides the logits first); ``"argmax"`` the one-hot
                of the most likely id.
            prime: ``(k, B)`` ids, observed outputs ``y(1) .. y(k)`` fed (one-hot)
                to steps ``2 .. k+1`` in place of the model's own (``0 <= k < tau``);
                ``None`` (the default) runs free from step 1.
        Returns:
            a :class:`ClosedLoopForward` record.
        """
        if feedback not in FEEDBACKS:
            raise ValueError(f"feedback must be one of {FEEDBACKS}; got {feedback!r}")
        if feedback == "sample":
            rng = check_rng(rng)
            temperature = check_temperature(temperature)
        p, dtype = self._checked_params()
        x, _ = as_inputs(x, self.n_in, dtype)
        tau, B = x.shape[:2]
        if prime is None:
            prime = np.zeros((0, B), dtype=np.intp)
        else:
            shape = np.shape(prime)
            if len(shape) != 2 or shape[1] != B or shape[0] >= tau:
                raise ValueError(f"prime must be ids of shape (k, B={B}) with k < tau={tau}; "
                                 f"got shape {shape}")
            prime = as_targets(prime, self.n_out, shape, name="prime", axes="(k, B)")
        bUx = p["b"] + input_term(x, p["U"])
        a = np.empty((tau, B, self.n_hidden), dtype=dtype)
        h = np.empty_like(a)
        o = np.empty((tau, B, self.n_out), dtype=dtype)
        yhat = np.empty_like(o)
        fed = np.zeros_like(o)
        ids = np.empty((tau, B), dtype=np.intp)
        rows = np.arange(B)
        for t in range(tau):
            a[t] = bUx[t] + fed[t] @ p["W"].T
            h[t] = np.tanh(a[t])
            o[t], _ = output_forward(h[t], p["V"], p["c"])
            yhat[t] = softmax(o[t])
            ids[t] = (choose(o[t], rng, temperature) if feedback == "sample"
                      else o[t].argmax(axis=-1))
            if t + 1 < tau:
                if t < len(prime):
                    fed[t + 1, rows, prime[t]] = 1.0
                elif feedback == "probs":
                    fed[t + 1] = yhat[t]
                else:
                    fed[t + 1, rows, ids[t]] = 1.0
        return ClosedLoopForward(a=a, h=h, o=o, yhat=yhat, fed=fed, y=ids)

    def closed_loop_loss(self, x, y, *, feedback="probs", rng=None, temperature=1.0
                         ) -> float:
        """``(1/B) sum_b sum_t -log yhat(t)[y(t)]`` with the model's outputs fed back."""
        run = self.closed_loop(x, feedback=feedback, rng=rng, temperature=temperature)
        y = as_targets(y, self.n_out, run.yhat.shape[:2])
        nll, _ = softmax_cross_entropy_forward(run.o, y)
        return float(nll.sum() / y.shape[1])


def _reject_h0(h0):
    if h0 is not None:
        raise ValueError("OutputRecurrentRNN has no hidden-to-hidden recurrence and so "
                         "no initial state h0; got one")

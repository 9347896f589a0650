"""Output recurrence with a real-valued output fed back (fig. 10.4 with a linear output).

The network of :mod:`rnn_course.output_rnn`, but its output is a real vector,
read by a squared-error loss, and that vector itself is what the next step sees:

    a(t) = b + W f(t) + U x(t)          f(t): what is fed to step t (f(1) = 0)
    h(t) = tanh(a(t))
    o(t) = c + V h(t)                   the prediction of y(t)
    L    = sum_t 1/2 ||o(t) - y(t)||^2, averaged over the batch

What is fed, ``f(t)`` for ``t >= 2``, is the ground truth ``y(t-1)`` (teacher
forcing, fig. 10.6 left) or the network's own ``o(t-1)`` (closed loop, fig. 10.6
right), chosen step by step and example by example by a boolean mask
``feed_model``: ``feed_model[t-1, b]`` is ``True`` where step ``t`` of example ``b``
gets ``o(t-1)``. Row 0 is ignored (nothing is fed to step 1).

With teacher forcing no step depends on another, so :meth:`~OutputRecurrentRegressor.bptt`
has no loop over time. Once the model's own outputs are fed, the forward pass is
sequential, and the gradient either flows back through ``o(t-1) -> h(t)``
(``through_feedback=True``: back-propagation through time along the output path)
or treats the fed outputs as constants (``through_feedback=False``: each step's
loss is again a function of that step's parameters alone).

Letters: ``tau`` steps, ``B`` examples. Shapes: ``x (tau, B, n_in)`` or ids
``(tau, B)``; ``y (tau, B, n_out)`` floats; ``feed_model (tau, B)`` bool;
``a``, ``h (tau, B, n_hidden)`` with ``h[t-1] = h(t)`` (there is no ``h(0)``);
``o``, ``fed (tau, B, n_out)``. ``W`` is ``(n_hidden, n_out)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import BPTTResult, SequenceModel
from ._validate import _as_array, _check_finite, _check_not_empty, as_inputs
from .losses import squared_error_backward, squared_error_forward
from .steps import OutputCache, input_term, input_term_backward, output_backward, output_forward

__all__ = ["RegressorForward", "OutputRecurrentRegressor", "as_real_targets",
           "as_feed_mask", "prime_mask"]


class RegressorForward(NamedTuple):
    a: np.ndarray    # (tau, B, n_hidden)   a[t-1] = a(t)
    h: np.ndarray    # (tau, B, n_hidden)   h[t-1] = h(t)
    o: np.ndarray    # (tau, B, n_out)      o[t-1] = o(t), the prediction of y(t)
    fed: np.ndarray  # (tau, B, n_out)      fed[t-1] = f(t), what W multiplied (0 at t = 1)


def as_real_targets(y, n_out: int, shape: tuple[int, int], dtype=np.float64, *,
                    name: str = "y") -> np.ndarray:
    """Validate real-valued targets ``(tau, B, n_out)`` matching ``shape = (tau, B)``."""
    expected = f"a float array of shape (tau, B, n_out) = {tuple(shape) + (n_out,)}"
    arr = _as_array(y, name, expected)
    if arr.shape != tuple(shape) + (n_out,):
        raise ValueError(f"{name} must be {expected} to match x; got shape {arr.shape}")
    _check_not_empty(arr, name, ("time (tau)", "batch (B)"))
    _check_finite(arr, name)
    return arr.astype(dtype, copy=False)


def as_feed_mask(feed_model, shape: tuple[int, int], *, name: str = "feed_model"
                 ) -> np.ndarray:
    """Validate a boolean mask ``(tau, B)``: ``True`` where step ``t`` gets ``o(t-1)``."""
    if feed_model is None:
        raise TypeError(f"{name} must be a boolean array of shape (tau, B) = "
                        f"{tuple(shape)}; got None")
    arr = np.asarray(feed_model)
    if arr.dtype != np.bool_:
        raise TypeError(f"{name} must be a boolean array of shape (tau, B) = "
                        f"{tuple(shape)}; got dtype {arr.dtype}")
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape (tau, B) = {tuple(shape)}; "
                         f"got shape {arr.shape}")
    return arr


def prime_mask(tau: int, B: int, prime: int) -> np.ndarray:
    """The mask of a closed-loop run after ``prime`` observed outputs.

    Steps ``2 .. prime + 1`` are fed the observed ``y(1) .. y(prime)``; every later
    step is fed the model's own previous output. ``prime = 0`` runs free from the
    start; ``prime >= tau - 1`` is teacher forcing throughout.

    Returns:
        ``feed_model`` of shape ``(tau, B)``: ``feed_model[t-1] = (t >= prime + 2)``.
    """
    for value, name in ((tau, "tau"), (B, "B")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}")
    if isinstance(prime, bool) or not isinstance(prime, (int, np.integer)) or prime < 0:
        raise ValueError(f"prime must be an int >= 0; got {prime!r}")
    t = np.arange(1, tau + 1)[:, None]
    return np.broadcast_to(t >= prime + 2, (tau, B)).copy()


class OutputRecurrentRegressor(SequenceModel):
    """Output-to-hidden recurrence with a linear output and a squared-error loss.

    Args:
        n_in, n_hidden, n_out: sizes of ``x(t)``, ``h(t)``, ``o(t)`` (``= y(t)``).
        seed: seeds the initial parameters. dtype: float64 (default) or float32.

    ``params`` as :class:`~rnn_course.OutputRecurrentRNN`: ``U (n_hidden, n_in)``,
    ``W (n_hidden, n_out)``, ``V (n_out, n_hidden)``, ``b (n_hidden,)``, ``c (n_out,)``.
    """

    _w_cols = "n_out"

    # ---- teacher forcing: every step at once -------------------------------------

    def _inputs(self, x, y):
        p, dtype = self._checked_params()
        x, _ = as_inputs(x, self.n_in, dtype)
        y = as_real_targets(y, self.n_out, x.shape[:2], dtype)
        return p, x, y

    def _teacher(self, x, y):
        p, x, y = self._inputs(x, y)
        fed = np.zeros_like(y)
        fed[1:] = y[:-1]                                   # f(t) = y(t-1), t >= 2
        a = p["b"] + input_term(x, p["U"]) + input_term(fed, p["W"])  # all t at once
        h = np.tanh(a)
        o, _ = output_forward(h, p["V"], p["c"])
        return x, y, RegressorForward(a=a, h=h, o=o, fed=fed)

    def forward(self, x, y) -> RegressorForward:
        """Teacher-forced pass: the ground truth ``y(t-1)`` is fed to step ``t``.

        Args:
            x: ``(tau, B, n_in)`` floats or ``(tau, B)`` ids.
            y: ``(tau, B, n_out)`` real targets.
        """
        return self._teacher(x, y)[2]

    def loss(self, x, y, h0=None) -> float:
        """Teacher-forced ``(1/B) sum_b sum_t 1/2 ||o(t) - y(t)||^2``."""
        _reject_h0(h0)
        _, y, fwd = self._teacher(x, y)
        return float(squared_error_forward(fwd.o, y).sum() / y.shape[1])

    def bptt(self, x, y, h0=None) -> BPTTResult:
        """Teacher-forced loss and gradients, every time step at once (no loop).

        ``dx`` is the gradient for float inputs (``None`` for ids); ``dh0`` is ``None``.
        """
        _reject_h0(h0)
        x, y, fwd = self._teacher(x, y)
        return self._backward(x, y, fwd, feed_model=None)

    # ---- any mix of ground truth and own outputs ----------------------------------

    def forward_fed(self, x, y, feed_model) -> RegressorForward:
        """Run step by step, feeding ``o(t-1)`` where ``feed_model`` says, else ``y(t-1)``.

        Args:
            x: ``(tau, B, n_in)`` floats or ``(tau, B)`` ids.
            y: ``(tau, B, n_out)`` the ground truth (fed where the mask is ``False``).
            feed_model: ``(tau, B)`` bool; row 0 is ignored.
        """
        return self._fed(x, y, feed_model)[3]

    def _fed(self, x, y, feed_model):
        p, x, y = self._inputs(x, y)
        tau, B = x.shape[:2]
        mask = as_feed_mask(feed_model, (tau, B))
        bUx = p["b"] + input_term(x, p["U"])
        a = np.empty((tau, B, self.n_hidden), dtype=bUx.dtype)
        h = np.empty_like(a)
        o = np.empty_like(y)
        fed = np.zeros_like(y)
        WT, VT = p["W"].T, p["V"].T
        for t in range(tau):                     # sequential: f(t) may be o(t-1)
            if t > 0:
                fed[t] = np.where(mask[t, :, None], o[t - 1], y[t - 1])
            a[t] = bUx[t] + fed[t] @ WT
            h[t] = np.tanh(a[t])
            o[t] = p["c"] + h[t] @ VT
        return x, y, mask, RegressorForward(a=a, h=h, o=o, fed=fed)

    def loss_fed(self, x, y, feed_model) -> float:
        """``(1/B) sum_b sum_t 1/2 ||o(t) - y(t)||^2`` of :meth:`forward_fed`."""
        _, y, _, fwd = self._fed(x, y, feed_model)
        return float(squared_error_forward(fwd.o, y).sum() / y.shape[1])

    def bptt_fed(self, x, y, feed_model, *, through_feedback=True) -> BPTTResult:
        """Loss and gradients of :meth:`loss_fed`.

        Args:
            x, y, feed_model: as :meth:`forward_fed`.
            through_feedback: ``True``: the exact gradient, back-propagated from
                ``h(t)`` through ``W`` into the fed ``o(t-1)`` and on backwards
                (BPTT along the output path). ``False``: the fed outputs are
                treated as constants (a stop-gradient), so each step's loss is
                differentiated as if its input had come from the data; no loop
                over time in the backward pass. (With the mask all ``False`` the
                two agree and equal :meth:`bptt`.)
        Returns:
            :class:`~rnn_course.BPTTResult`; ``dx`` follows ``through_feedback``.
        """
        if not isinstance(through_feedback, (bool, np.bool_)):
            raise TypeError(f"through_feedback must be True or False; got "
                            f"{type(through_feedback).__name__}")
        x, y, mask, fwd = self._fed(x, y, feed_model)
        return self._backward(x, y, fwd, feed_model=mask if through_feedback else None)

    def _backward(self, x, y, fwd, feed_model):
        """Backward pass; ``feed_model=None`` treats every ``f(t)`` as a constant."""
        p = self.params
        tau, B = y.shape[:2]
        do = squared_error_backward(np.full((tau, B), 1.0 / B, dtype=fwd.o.dtype), fwd.o, y)
        if feed_model is None:           # steps decoupled: all at once
            dh = do @ p["V"]
            da = dh * (1.0 - fwd.h ** 2)
        else:                            # BPTT along o(t) -> f(t+1) -> a(t+1)
            da = np.empty_like(fwd.a)
            dfed_next = np.zeros_like(do[0])   # gradient into f(t+1); none at t = tau
            for t in range(tau - 1, -1, -1):
                if t + 1 < tau:
                    # from the loss at t  +  from f(t+1) where o(t) was fed to step t+1
                    do[t] += np.where(feed_model[t + 1, :, None], dfed_next, 0.0)
                da[t] = (do[t] @ p["V"]) * (1.0 - fwd.h[t] ** 2)
                dfed_next = da[t] @ p["W"]
        _, dV, dc = output_backward(do, OutputCache(h=fwd.h, V=p["V"]))
        dU, dx = input_term_backward(da, x, p["U"])
        dW, _ = input_term_backward(da, fwd.fed, p["W"])
        grads = {"U": dU, "W": dW, "V": dV, "b": da.sum(axis=(0, 1)), "c": dc}
        loss = float(squared_error_forward(fwd.o, y).sum() / B)
        return BPTTResult(loss=loss, grads=grads, dx=dx, dh0=None, forward=fwd)

    def closed_loop(self, x, *, prime=None) -> RegressorForward:
        """Run free: after the observed outputs ``prime``, each ``o(t-1)`` is fed back.

        Args:
            x: ``(tau, B, n_in)`` floats or ``(tau, B)`` ids.
            prime: ``(k, B, n_out)``, the observed ``y(1) .. y(k)`` fed to steps
                ``2 .. k+1`` (``0 <= k < tau``), or ``None`` to run free from step 1.
        Returns:
            a :class:`RegressorForward`; ``o[t-1]`` is the prediction of ``y(t)``.
        """
        _, dtype = self._checked_params()
        x, _ = as_inputs(x, self.n_in, dtype)
        tau, B = x.shape[:2]
        y = np.zeros((tau, B, self.n_out), dtype=dtype)
        k = 0
        if prime is not None:
            expected = f"a float array of shape (k, B={B}, n_out={self.n_out}) with k < tau={tau}"
            arr = _as_array(prime, "prime", expected)
            if arr.ndim != 3 or arr.shape[1:] != (B, self.n_out) or arr.shape[0] >= tau:
                raise ValueError(f"prime must be {expected}; got shape {arr.shape}")
            _check_finite(arr, "prime")
            k = arr.shape[0]
            y[:k] = arr
        return self._fed(x, y, prime_mask(tau, B, k))[3]


def _reject_h0(h0):
    if h0 is not None:
        raise ValueError("OutputRecurrentRegressor has no hidden-to-hidden recurrence and "
                         "so no initial state h0; got one")

"""What the three models share: sizes, parameter initialisation, result records."""

from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np

from ._validate import check_params, check_positive_int

__all__ = ["BPTTResult", "SequenceModel"]


class BPTTResult(NamedTuple):
    """Everything one forward and backward pass computes.

    ``grads`` has the keys and shapes of ``params``; ``dx`` is the gradient with
    respect to float inputs (``None`` for token ids); ``dh0`` the gradient with
    respect to ``h(0)`` (``None`` for a model without one); ``forward`` the record
    of the forward pass.
    """
    loss: float
    grads: dict
    dx: Optional[np.ndarray]
    dh0: Optional[np.ndarray]
    forward: NamedTuple


class SequenceModel:
    """Base class: holds the sizes and ``params``, a dict of float arrays.

    The model reads ``params`` on every call, so assigning into it (or updating
    its arrays in place, as the optimisers do) changes the model. Subclasses set
    ``_w_cols`` to the name of the size that ``W``'s columns have.
    """

    _w_cols = "n_hidden"

    def __init__(self, n_in, n_hidden, n_out, *, seed=0, dtype=np.float64):
        self.n_in = check_positive_int(n_in, "n_in")
        self.n_hidden = check_positive_int(n_hidden, "n_hidden")
        self.n_out = check_positive_int(n_out, "n_out")
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64; got {dtype}")
        rng = np.random.default_rng(seed)
        shapes = self.param_shapes
        w_cols = shapes["W"][1]

        def normal(shape, fan_in):
            return (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(dtype)

        self.params = {
            "U": normal(shapes["U"], self.n_in),
            "W": normal(shapes["W"], w_cols),
            "V": normal(shapes["V"], self.n_hidden),
            "b": np.zeros(shapes["b"], dtype=dtype),
            "c": np.zeros(shapes["c"], dtype=dtype),
        }

    @property
    def param_shapes(self) -> dict:
        """The book's shapes: ``U (n_hidden, n_in)``, ``V (n_out, n_hidden)``, ..."""
        return {
            "U": (self.n_hidden, self.n_in),
            "W": (self.n_hidden, getattr(self, self._w_cols)),
            "V": (self.n_out, self.n_hidden),
            "b": (self.n_hidden,),
            "c": (self.n_out,),
        }

    def _checked_params(self):
        """The parameters, checked; returns ``(params, dtype)``."""
        return self.params, check_params(self.params, self.param_shapes)

    def loss_and_grads(self, x, y, h0=None):
        """``(loss, grads)``: the loss and its gradient for every parameter.

        ``grads`` has the same keys and shapes as ``params``; computed by
        hand-written back-propagation through time. See :meth:`bptt`.
        """
        result = self.bptt(x, y, h0)
        return result.loss, result.grads

    def loss(self, x, y, h0=None) -> float:
        """The loss alone (a forward pass, no gradients)."""
        raise NotImplementedError

    def bptt(self, x, y, h0=None) -> BPTTResult:
        raise NotImplementedError

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(n_in={self.n_in}, n_hidden={self.n_hidden}, "
                f"n_out={self.n_out})")

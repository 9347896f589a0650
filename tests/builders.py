"""Shared builders for the tests: models with random parameters and matching data.

Sizes are tuples ``(tau, B, n_in, n_hidden, n_out)`` with distinct ``B, n_in,
n_hidden, n_out``, so that a transposed matrix changes a shape or a value instead
of passing.
"""

from __future__ import annotations

import numpy as np

import rnn_course as rc

KINDS = ("hidden", "summary", "output")
MODEL_CLASSES = {"hidden": rc.HiddenRNN, "summary": rc.SummaryRNN,
                 "output": rc.OutputRecurrentRNN}
SIZES = [
    (3, 2, 4, 5, 6),   # the course's standard check
    (4, 3, 2, 6, 5),
    (2, 1, 5, 4, 3),   # B = 1
    (1, 2, 5, 3, 4),   # tau = 1
]


def make_model(kind, sizes, seed, dtype=np.float64, scale=0.6):
    """A model whose every parameter (``b`` and ``c`` too) is random and nonzero."""
    _, _, n_in, n_hidden, n_out = sizes
    model = MODEL_CLASSES[kind](n_in, n_hidden, n_out, seed=seed, dtype=dtype)
    rng = np.random.default_rng(1000 + seed)
    for name, p in model.params.items():
        model.params[name] = (scale * rng.standard_normal(p.shape)).astype(dtype)
    return model


def make_data(kind, sizes, seed, tokens):
    """``(x, y, h0)`` for ``kind``: float or token inputs, targets of the right shape,
    a random ``h0`` (``None`` for the output-recurrent model, which has none)."""
    tau, B, n_in, n_hidden, n_out = sizes
    rng = np.random.default_rng(2000 + seed)
    x = (rng.integers(0, n_in, size=(tau, B)) if tokens
         else rng.standard_normal((tau, B, n_in)))
    y = rng.integers(0, n_out, size=(B,) if kind == "summary" else (tau, B))
    h0 = None if kind == "output" else 0.5 * rng.standard_normal((B, n_hidden))
    return x, y, h0


def target_shape(kind, tau, B):
    return (B,) if kind == "summary" else (tau, B)

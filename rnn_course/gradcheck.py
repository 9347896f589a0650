"""Gradient checking by central finite differences, in float64.

Used by the tests and by the notebooks, so a derivation on the page ends with the
same asserted check that guards the package.
"""

from __future__ import annotations

import numpy as np

__all__ = ["numerical_gradient", "numerical_param_gradients", "relative_error",
           "check_model_gradients"]


def numerical_gradient(f, x, *, eps=1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function ``f`` at the array ``x``.

    ``f`` is called as ``f(x_perturbed)`` with the perturbed copy passed in
    explicitly, one entry at a time: ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``.
    ``x`` itself is never modified.

    Args:
        f: maps an array shaped like ``x`` to a float.
        x: the point, any shape; converted to float64.
        eps: the step.
    Returns:
        the gradient, float64, shaped like ``x``.
    """
    xp = np.array(x, dtype=np.float64)  # a private copy that f receives
    grad = np.empty_like(xp)
    flat, gflat = xp.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f(xp)
        flat[i] = old - eps
        f_minus = f(xp)
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b) -> float:
    """``||a - b|| / max(||a|| + ||b||, 1e-300)`` over all entries (0 when both are 0)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def numerical_param_gradients(model, loss, *, names=None, eps=1e-6) -> dict:
    """Central differences of ``loss()`` with respect to every array in ``model.params``.

    Each parameter in turn is replaced by the perturbed copy that
    :func:`numerical_gradient` passes in, and restored afterwards.

    Args:
        model: any model with a ``params`` dict.
        loss: a function of no arguments that reads ``model.params``.
        names: the parameters to differentiate (default: all of them).
    Returns:
        ``{name: gradient}`` for those names, shaped like ``model.params[name]``.
    """
    grads = {}
    for name in (list(model.params) if names is None else list(names)):
        original = model.params[name]
        def loss_at(value, name=name, original=original):
            model.params[name] = value
            try:
                return loss()
            finally:
                model.params[name] = original
        grads[name] = numerical_gradient(loss_at, original, eps=eps)
    return grads


def check_model_gradients(model, x, y, h0=None, *, eps=1e-6) -> dict:
    """Compare a model's BPTT gradients with central differences.

    Checks every parameter, and ``x`` (float inputs) and ``h0`` where the model
    takes them. The model must be float64.

    Returns:
        ``{name: relative error}`` for ``"U", "W", "V", "b", "c"`` and, where they
        apply, ``"x"`` and ``"h0"``.
    """
    if any(p.dtype != np.float64 for p in model.params.values()):
        raise TypeError("gradient checks need a float64 model (finite differences in "
                        "float32 are too coarse)")
    result = model.bptt(x, y, h0)
    numeric = numerical_param_gradients(model, lambda: model.loss(x, y, h0), eps=eps)
    errors = {name: relative_error(result.grads[name], numeric[name]) for name in numeric}
    if result.dx is not None:
        errors["x"] = relative_error(result.dx, numerical_gradient(
            lambda xv: model.loss(xv, y, h0), x, eps=eps))
    if result.dh0 is not None:
        h0v = np.zeros_like(result.dh0) if h0 is None else h0
        errors["h0"] = relative_error(result.dh0, numerical_gradient(
            lambda hv: model.loss(x, y, hv), h0v, eps=eps))
    return errors

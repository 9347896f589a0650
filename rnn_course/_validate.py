"""Input checks shared by every model.

Each check turns bad input into a ``TypeError`` (wrong kind of thing) or a
``ValueError`` (right kind, wrong shape or value) whose message names what was
expected and what came, before any arithmetic runs: no silent broadcast, no NaN
loss, no numpy warning, no deep traceback.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "as_inputs",
    "as_prime",
    "as_targets",
    "as_state",
    "check_params",
    "check_positive_int",
]


def _describe(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    return f"a {type(value).__name__}"


def _as_array(value, name: str, expected: str) -> np.ndarray:
    if value is None:
        raise TypeError(f"{name} must be {expected}; got None")
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be {expected}; got {_describe(value)}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(f"{name} must be {expected}; got a ragged or unconvertible "
                         f"{type(value).__name__} ({err})") from None
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} must be {expected}; got complex dtype {arr.dtype}")
    if kind == "b":
        raise TypeError(f"{name} must be {expected}; got boolean dtype")
    if kind not in "iuf":
        raise TypeError(f"{name} must be {expected}; got non-numeric dtype {arr.dtype}")
    return arr


def _check_not_empty(arr: np.ndarray, name: str, axes: tuple[str, ...]) -> None:
    for size, axis in zip(arr.shape, axes):
        if size == 0:
            raise ValueError(f"{name} is empty: its {axis} axis has length 0 "
                             f"(shape {arr.shape}); need at least one")


def _check_finite(arr: np.ndarray, name: str) -> None:
    if not np.isfinite(arr).all():
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        raise ValueError(f"{name} must be finite; got {n_nan} NaN and {n_inf} inf "
                         f"value(s) in shape {arr.shape}")


def _cast(arr: np.ndarray, name: str, dtype) -> np.ndarray:
    """``arr`` as ``dtype``; a finite value too large for ``dtype`` is an error (not an
    overflow warning and an inf)."""
    dtype = np.dtype(dtype)
    if arr.dtype == dtype:
        return arr
    with np.errstate(over="ignore"):
        out = arr.astype(dtype)
    if not np.isfinite(out).all():
        raise ValueError(f"{name} has values too large for {dtype} (they would become "
                         f"inf; the largest finite {dtype} is {np.finfo(dtype).max:.3g})")
    return out


def _check_ids(arr: np.ndarray, name: str, upper: int, what: str) -> None:
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= upper:
        raise ValueError(f"{name} must hold {what} in [0, {upper}); "
                         f"got values from {lo} to {hi}")


def as_inputs(x, n_in: int, dtype=np.float64, *, name: str = "x"):
    """Validate the inputs of a sequence model.

    Returns ``(x, is_tokens)``: a float array ``(tau, B, n_in)`` cast to ``dtype``,
    or an ``intp`` array ``(tau, B)`` of token ids in ``[0, n_in)``.
    """
    expected = (f"a float array of shape (tau, B, n_in={n_in}) or integer token ids "
                f"of shape (tau, B)")
    arr = _as_array(x, name, expected)
    if arr.dtype.kind in "iu":
        if arr.ndim != 2:
            raise ValueError(f"{name}: integer token ids must have shape (tau, B); "
                             f"got ndim {arr.ndim} with shape {arr.shape}"
                             + (" (one-hot inputs must be float)" if arr.ndim == 3 else ""))
        _check_not_empty(arr, name, ("time (tau)", "batch (B)"))
        _check_ids(arr, name, n_in, "token ids")
        return arr.astype(np.intp, copy=False), True
    if arr.ndim == 2:
        raise ValueError(f"{name}: a 2-D input must hold integer token ids; got float "
                         f"dtype {arr.dtype} with shape {arr.shape} (float inputs have "
                         f"shape (tau, B, n_in={n_in}))")
    if arr.ndim != 3:
        raise ValueError(f"{name} must be {expected}; got ndim {arr.ndim} with shape "
                         f"{arr.shape}")
    if arr.shape[2] != n_in:
        raise ValueError(f"{name} must have n_in={n_in} features on its last axis, "
                         f"shape (tau, B, {n_in}); got shape {arr.shape}")
    _check_not_empty(arr, name, ("time (tau)", "batch (B)"))
    _check_finite(arr, name)
    return _cast(arr, name, dtype), False


def as_targets(y, n_out: int, shape: tuple[int, ...], *, name: str = "y",
               axes: str = "(tau, B)"):
    """Validate integer class targets: shape ``shape``, values in ``[0, n_out)``."""
    expected = f"integer class ids in [0, {n_out}) of shape {axes} = {shape}"
    arr = _as_array(y, name, expected)
    if arr.dtype.kind == "f":
        raise TypeError(f"{name} must hold {expected}; got float dtype {arr.dtype} "
                        f"(convert with .astype(int) if the values are whole numbers)")
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {axes} = {tuple(shape)} to match x; "
                         f"got shape {arr.shape}")
    if arr.size:
        _check_ids(arr, name, n_out, "class ids")
    return arr.astype(np.intp, copy=False)


def as_state(h0, shape: tuple[int, int], dtype=np.float64, *, name: str = "h0"):
    """Validate an initial state ``(B, n_hidden)``; ``None`` means zeros."""
    if h0 is None:
        return np.zeros(shape, dtype=dtype)
    expected = f"a float array of shape (B, n_hidden) = {tuple(shape)}, or None for zeros"
    arr = _as_array(h0, name, expected)
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape (B, n_hidden) = {tuple(shape)}; "
                         f"got shape {arr.shape}")
    _check_finite(arr, name)
    return _cast(arr, name, dtype)


def as_prime(prime, n_in: int):
    """Validate the token ids a sampler reads first: ``(tau0,)`` or ``(tau0, B)``.

    Returns ``(ids, one_d)``: ``ids`` an ``intp`` array ``(tau0, B)`` (``B = 1`` for
    a 1-D prime) in ``[0, n_in)``, and whether the prime was 1-D.
    """
    expected = f"integer token ids in [0, {n_in}) of shape (tau0,) or (tau0, B)"
    arr = _as_array(prime, "prime", expected)
    if arr.size == 0:
        raise ValueError(f"prime is empty (shape {arr.shape}); need at least one token "
                         f"id to start from")
    if arr.dtype.kind not in "iu":
        raise TypeError(f"prime must be {expected}; got dtype {arr.dtype}")
    if arr.ndim not in (1, 2):
        raise ValueError(f"prime must be {expected}; got ndim {arr.ndim} with shape "
                         f"{arr.shape}")
    one_d = arr.ndim == 1
    ids, _ = as_inputs(arr[:, None] if one_d else arr, n_in, name="prime")
    return ids, one_d


def check_params(params, shapes: dict[str, tuple[int, ...]]) -> np.dtype:
    """Check a parameter dict against the expected shapes; return its float dtype."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with keys {sorted(shapes)}; "
                        f"got {_describe(params)}")
    if set(params) != set(shapes):
        raise ValueError(f"params must have exactly the keys {sorted(shapes)}; "
                         f"got {sorted(params)}")
    dtypes = set()
    for key, shape in shapes.items():
        p = params[key]
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            raise TypeError(f"params[{key!r}] must be a float numpy array of shape "
                            f"{shape}; got {_describe(p)}")
        if p.shape != shape:
            raise ValueError(f"params[{key!r}] must have shape {shape}; got {p.shape}")
        _check_finite(p, f"params[{key!r}]")
        dtypes.add(p.dtype)
    if len(dtypes) != 1:
        raise TypeError(f"params must share one float dtype; got {sorted(map(str, dtypes))}")
    return dtypes.pop()


def check_positive_int(value, name: str) -> int:
    """An int >= 1 (numpy integers accepted, bools refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive int; got {_describe(value)}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int; got {value}")
    return int(value)

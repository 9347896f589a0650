"""Drawing tokens from the output distribution, with a temperature."""

from __future__ import annotations

import numpy as np

from .losses import softmax

__all__ = ["check_rng", "check_temperature", "choose"]


def check_rng(rng) -> np.random.Generator:
    """Randomness comes in explicitly, as a ``np.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy Generator, e.g. np.random.default_rng(0); "
                        f"got {type(rng).__name__}")
    return rng


def check_temperature(temperature) -> float:
    """A finite temperature >= 0 (0 means: always take the most likely token)."""
    if isinstance(temperature, (bool, np.bool_)) or not isinstance(
            temperature, (int, float, np.integer, np.floating)):
        raise TypeError(f"temperature must be a number >= 0; got {type(temperature).__name__}")
    if not np.isfinite(temperature) or temperature < 0:
        raise ValueError(f"temperature must be a finite number >= 0; got {temperature}")
    return float(temperature)


def choose(o: np.ndarray, rng, temperature: float = 1.0) -> np.ndarray:
    """Draw one id per row from ``softmax(o / temperature)``.

    Args:
        o: logits ``(B, n_out)``.
        rng: a ``np.random.Generator`` (unused when ``temperature == 0``).
        temperature: ``1`` samples the model's distribution, ``< 1`` sharpens it,
            ``> 1`` flattens it, ``0`` takes the argmax.
    Returns:
        ids ``(B,)``.
    """
    if temperature == 0:
        return o.argmax(axis=-1)
    z = o - o.max(axis=-1, keepdims=True)
    with np.errstate(over="ignore"):  # a tiny temperature sends z / T to -inf: p = 0
        z = z / temperature
    p = softmax(z)
    cdf = np.cumsum(p, axis=-1)
    u = rng.random((o.shape[0], 1)) * cdf[:, -1:]
    return np.minimum((cdf <= u).sum(axis=-1), o.shape[-1] - 1)

"""Task generators for output recurrence and closed-loop use (chapter 4).

Every generator takes the number of sequences ``B`` and the length ``tau`` first and
an explicit ``rng`` (a ``np.random.Generator``); arrays are time-major.

- :func:`delayed_copy`: ``y(t) = x(t - delay)``. Hidden recurrence can remember the
  input; output recurrence, whose only memory is ``y(t-1) = x(t-1-delay)``, cannot.
- :func:`ring_walk`: a token walking around a ring of positions, told by ``x(t)``
  whether to stay or advance, and sometimes slipping one place. ``y(t-1)`` and
  ``x(t)`` carry everything the next step needs, so output recurrence suffices.
- :func:`oscillations`: points going round the unit circle at a speed given by
  the input, observed with noise: real-valued outputs for a linear output layer.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import check_positive_int
from .sampling import check_rng

__all__ = ["delayed_copy", "ring_walk", "Oscillations", "oscillations",
           "OMEGA_RANGE"]

OMEGA_RANGE = (0.1, 0.8)
"""The default range of angular speeds (radians per step) of :func:`oscillations`."""


def _check_probability(value, name: str, *, upper_open: bool = False) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number in [0, 1{')' if upper_open else ']'}; "
                        f"got {type(value).__name__}")
    value = float(value)
    if not (0.0 <= value <= 1.0) or (upper_open and value == 1.0):
        raise ValueError(f"{name} must be in [0, 1{')' if upper_open else ']'}; got {value}")
    return value


def delayed_copy(B, tau, *, n_symbols, delay, rng):
    """Random symbols ``x``, and the targets ``y(t) = x(t - delay)``.

    Args:
        B: number of sequences. tau: their length (``> delay``).
        n_symbols: size of the alphabet (``>= 2``); chance accuracy is ``1/n_symbols``.
        delay: how far back the target lies (``>= 1``).
        rng: a ``np.random.Generator``.
    Returns:
        ``(x, y)``: ids ``(tau, B)`` each. For ``t <= delay`` there is nothing to
        copy yet and ``y(t) = 0``; score only ``t > delay``.
    """
    B, tau = check_positive_int(B, "B"), check_positive_int(tau, "tau")
    n_symbols = check_positive_int(n_symbols, "n_symbols")
    delay = check_positive_int(delay, "delay")
    rng = check_rng(rng)
    if n_symbols < 2:
        raise ValueError(f"n_symbols must be >= 2 for a task to learn; got {n_symbols}")
    if tau <= delay:
        raise ValueError(f"tau must exceed delay so that some targets exist; got "
                         f"tau={tau}, delay={delay}")
    x = rng.integers(0, n_symbols, size=(tau, B))
    y = np.zeros_like(x)
    y[delay:] = x[:-delay]
    return x, y


def ring_walk(B, tau, *, n_positions, slip, rng):
    """A walk on a ring: ``y(t) = (y(t-1) + x(t) + s(t)) mod n_positions``.

    ``x(t)`` in ``{0, 1}`` (stay or advance, each with probability 1/2) is the input;
    ``s(t)`` is a slip of ``-1`` or ``+1`` (each with probability ``slip / 2``) or
    ``0``, which nothing in the input announces. ``y(0)`` is uniform and unseen.

    Args:
        B, tau: number and length of the sequences.
        n_positions: size of the ring (``>= 3``).
        slip: probability in ``[0, 1)`` that a step slips.
        rng: a ``np.random.Generator``.
    Returns:
        ``(x, y)``: ids ``(tau, B)`` each, ``x`` in ``{0, 1}``, ``y`` in
        ``[0, n_positions)``.
    """
    B, tau = check_positive_int(B, "B"), check_positive_int(tau, "tau")
    n_positions = check_positive_int(n_positions, "n_positions")
    slip = _check_probability(slip, "slip", upper_open=True)
    rng = check_rng(rng)
    if n_positions < 3:
        raise ValueError(f"n_positions must be >= 3 (a slip of -1 and +1 must differ); "
                         f"got {n_positions}")
    y0 = rng.integers(0, n_positions, size=B)
    x = rng.integers(0, 2, size=(tau, B))
    u = rng.random((tau, B))
    s = np.where(u < slip / 2, -1, np.where(u < slip, 1, 0))
    y = (y0 + np.cumsum(x + s, axis=0)) % n_positions
    return x, y


class Oscillations(NamedTuple):
    x: np.ndarray      # (tau, B, 1)  the speed, scaled to [-1, 1]
    y: np.ndarray      # (tau, B, 2)  noisy observations of `clean`
    clean: np.ndarray  # (tau, B, 2)  (cos, sin) of omega * t + phi
    omega: np.ndarray  # (B,)         radians per step


def oscillations(B, tau, *, rng, omega=OMEGA_RANGE, noise=0.05):
    """Points going round the unit circle, observed with noise.

    Sequence ``b`` has a speed ``omega_b`` (uniform in the range ``omega``) and a
    phase ``phi_b`` (uniform in ``[0, 2 pi)``); its clean signal is
    ``(cos(omega_b t + phi_b), sin(omega_b t + phi_b))`` for ``t = 1..tau``, so that
    ``y(t)`` is ``y(t-1)`` turned by the angle ``omega_b``. The input is the speed,
    the same at every step, scaled to ``[-1, 1]`` across the range.

    Args:
        B, tau: number and length of the sequences.
        rng: a ``np.random.Generator``.
        omega: ``(low, high)`` with ``0 < low < high``, radians per step.
        noise: standard deviation (``>= 0``) of the Gaussian noise added to each
            coordinate of the observations ``y``.
    Returns:
        an :class:`Oscillations` record ``(x, y, clean, omega)``.
    """
    B, tau = check_positive_int(B, "B"), check_positive_int(tau, "tau")
    rng = check_rng(rng)
    try:
        low, high = (float(v) for v in omega)
    except (TypeError, ValueError):
        raise TypeError(f"omega must be a pair (low, high) of numbers; got {omega!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and 0 < low < high):
        raise ValueError(f"omega must satisfy 0 < low < high; got ({low}, {high})")
    if isinstance(noise, (bool, np.bool_)) or not isinstance(
            noise, (int, float, np.integer, np.floating)):
        raise TypeError(f"noise must be a number >= 0; got {type(noise).__name__}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0; got {noise}")
    w = rng.uniform(low, high, size=B)
    phi = rng.uniform(0.0, 2 * np.pi, size=B)
    angle = np.arange(1, tau + 1)[:, None] * w + phi              # (tau, B)
    clean = np.stack([np.cos(angle), np.sin(angle)], axis=-1)     # (tau, B, 2)
    y = clean + noise * rng.standard_normal(clean.shape)
    x = np.broadcast_to((2 * (w - low) / (high - low) - 1)[None, :, None], (tau, B, 1)).copy()
    return Oscillations(x=x, y=y, clean=clean, omega=w)

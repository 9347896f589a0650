"""Optimisers and gradient clipping.

An optimiser updates a ``params`` dict in place from a ``grads`` dict with the same
keys and shapes, so a model that reads its ``params`` sees the new values. Its only
state is what the method needs (Adagrad's sum of squares, Adam's moments), keyed
by parameter name.
"""

from __future__ import annotations

import numpy as np

__all__ = ["global_norm", "clip_by_global_norm", "clip_and_step", "SGD", "Adagrad", "Adam"]


def global_norm(grads: dict) -> float:
    """``sqrt(sum over every array of sum(g**2))``."""
    return float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))


def clip_by_global_norm(grads: dict, max_norm: float):
    """Rescale all gradients together so that their global norm is at most ``max_norm``.

    Returns ``(clipped, norm)``: a new dict (the input is not modified) and the
    norm before clipping. The direction of the update is kept.
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0; got {max_norm}")
    norm = global_norm(grads)
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {k: g * scale for k, g in grads.items()}, norm


def clip_and_step(optimizer, params: dict, grads: dict, clip=None) -> float:
    """One update: clip ``grads`` to the global norm ``clip`` (if given), then step.

    Returns the global norm of ``grads`` before clipping.
    """
    if clip is not None:
        grads, norm = clip_by_global_norm(grads, clip)
    else:
        norm = global_norm(grads)
    optimizer.step(params, grads)
    return norm


def _check_lr(lr):
    if not (isinstance(lr, (int, float, np.floating)) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0; got {lr!r}")
    return float(lr)


class _Optimizer:
    def step(self, params: dict, grads: dict) -> None:
        if set(params) != set(grads):
            raise ValueError(f"grads must have the keys of params {sorted(params)}; "
                             f"got {sorted(grads)}")
        for k, p in params.items():
            if grads[k].shape != p.shape:
                raise ValueError(f"grads[{k!r}] has shape {grads[k].shape}, "
                                 f"params[{k!r}] has {p.shape}")
            self._update(k, p, grads[k])

    def _update(self, name, p, g):
        raise NotImplementedError


class SGD(_Optimizer):
    """Plain gradient descent, ``p -= lr * g``."""

    def __init__(self, lr=0.1):
        self.lr = _check_lr(lr)

    def _update(self, name, p, g):
        p -= self.lr * g


class Adagrad(_Optimizer):
    """Adagrad, as min-char-rnn uses it: ``m += g**2; p -= lr * g / sqrt(m + eps)``."""

    def __init__(self, lr=0.1, eps=1e-8):
        self.lr, self.eps = _check_lr(lr), float(eps)
        self.memory = {}

    def _update(self, name, p, g):
        m = self.memory.setdefault(name, np.zeros_like(p))
        m += g * g
        p -= self.lr * g / np.sqrt(m + self.eps)


class Adam(_Optimizer):
    """Adam (Kingma & Ba, 2015) with bias-corrected moment estimates."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = _check_lr(lr)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.m, self.v, self.t = {}, {}, {}

    def _update(self, name, p, g):
        m = self.m.setdefault(name, np.zeros_like(p))
        v = self.v.setdefault(name, np.zeros_like(p))
        t = self.t[name] = self.t.get(name, 0) + 1
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        m_hat = m / (1 - self.beta1 ** t)
        v_hat = v / (1 - self.beta2 ** t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

"""A training loop with a progress bar, returning a history ready to plot."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

import numpy as np
from tqdm.auto import tqdm

from ._validate import check_positive_int
from .optim import clip_and_step

__all__ = ["History", "train"]


@dataclass
class History:
    """What :func:`train` records.

    ``loss[i]`` and ``grad_norm[i]`` belong to step ``i`` (the norm before
    clipping); ``eval_steps[j]``, ``eval_loss[j]`` to the evaluations; ``seconds``
    is the wall time of the whole run.
    """
    loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    grad_norm: np.ndarray = field(default_factory=lambda: np.zeros(0))
    eval_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    eval_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    seconds: float = 0.0


def train(model, batches: Iterable, optimizer, *, steps: int,
          clip: Optional[float] = None, carry_state: bool = False,
          eval_fn: Optional[Callable] = None, eval_every: Optional[int] = None,
          callback: Optional[Callable] = None, progress: bool = True,
          desc: str = "training") -> History:
    """Train ``model`` for ``steps`` updates.

    Args:
        model: any ``rnn_course`` model (it needs ``bptt(x, y, h0)``).
        batches: an iterable of ``(x, y)`` pairs or :class:`~rnn_course.data.Batch`.
        optimizer: an ``rnn_course.optim`` optimiser.
        steps: how many updates.
        clip: if given, clip the gradients to this global norm.
        carry_state: truncated BPTT: start each batch from the previous batch's
            final hidden state (no gradient flows across the cut); a batch with
            ``reset=True`` starts from zeros. Needs consecutive batches of one size.
        eval_fn: ``eval_fn(model) -> float``, called every ``eval_every`` steps and
            after the last one.
        callback: ``callback(step, history_so_far)``, called with each evaluation
            (for a live plot).
        progress: show a progress bar (updated a few times a second at most).
        desc: the bar's label.
    Returns:
        a :class:`History`.
    """
    steps = check_positive_int(steps, "steps")
    if eval_fn is not None:
        eval_every = check_positive_int(eval_every or steps, "eval_every")
    losses = np.empty(steps)
    norms = np.empty(steps)
    eval_steps, eval_losses = [], []
    it = iter(batches)
    h = None
    start = time.perf_counter()
    bar = tqdm(total=steps, desc=desc, disable=not progress, mininterval=0.5,
               smoothing=0.1)
    try:
        for step in range(steps):
            try:
                batch = next(it)
            except StopIteration:
                raise ValueError(f"batches ran out after {step} of steps={steps} "
                                 f"updates") from None
            x, y = batch[0], batch[1]
            if carry_state and getattr(batch, "reset", False):
                h = None
            result = model.bptt(x, y, h if carry_state else None)
            if carry_state:
                if result.dh0 is None:
                    raise ValueError(f"carry_state=True needs a model with a hidden "
                                     f"state h(0) to carry; {type(model).__name__} has none")
                h = result.forward.h[-1]
            norm = clip_and_step(optimizer, model.params, result.grads, clip)
            losses[step], norms[step] = result.loss, norm
            bar.update(1)
            if bar.n % max(1, steps // 20) == 0:
                bar.set_postfix(loss=f"{result.loss:.3f}", refresh=False)
            if eval_fn is not None and ((step + 1) % eval_every == 0 or step + 1 == steps):
                eval_steps.append(step + 1)
                eval_losses.append(float(eval_fn(model)))
                if callback is not None:
                    callback(step + 1, _history(losses[:step + 1], norms[:step + 1],
                                                eval_steps, eval_losses, start))
    finally:
        bar.close()
    return _history(losses, norms, eval_steps, eval_losses, start)


def _history(losses, norms, eval_steps, eval_losses, start) -> History:
    return History(loss=losses.copy(), grad_norm=norms.copy(),
                   eval_steps=np.asarray(eval_steps, dtype=int),
                   eval_loss=np.asarray(eval_losses, dtype=float),
                   seconds=time.perf_counter() - start)

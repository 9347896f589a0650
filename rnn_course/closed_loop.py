"""Training for closed-loop use: free running and scheduled sampling.

A network trained with teacher forcing only ever sees the ground truth ``y(t-1)``;
run closed loop it sees its own ``o(t-1)``, and its errors feed on themselves. Two
remedies, both for :class:`~rnn_course.OutputRecurrentRegressor`:

- **free-running training**: feed the model its own outputs during training too
  and back-propagate through the output-to-input paths ``o(t-1) -> h(t)``
  (``teacher_prob=0, through_feedback=True``): the loss is then the closed-loop
  error itself, several steps ahead.
- **scheduled sampling** (Bengio et al., 2015): at each step, feed the ground truth
  with probability ``epsilon_i`` and the model's own output otherwise, with
  ``epsilon_i`` decaying over the training updates ``i`` from 1 (teacher forcing)
  towards 0 (free running). The random choices come from an explicit ``rng``. As
  in the paper, the fed model outputs are by default treated as constants
  (``through_feedback=False``): the gradient does not flow back through them.

Letters: ``tau`` steps, ``B`` examples; masks are ``(tau, B)`` booleans,
``True`` where step ``t`` gets the model's ``o(t-1)`` (see
:mod:`rnn_course.output_regressor`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

import numpy as np
from tqdm.auto import tqdm

from ._validate import _as_array, check_positive_int
from .optim import clip_and_step
from .output_regressor import OutputRecurrentRegressor, as_real_targets, prime_mask
from .sampling import check_rng
from .train import History

__all__ = ["SCHEDULES", "teacher_probability", "scheduled_mask", "FedHistory",
           "train_fed", "closed_loop_errors"]

SCHEDULES = ("constant", "linear", "exponential", "inverse_sigmoid")


def _number(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
        raise TypeError(f"{name} must be a finite number; got {value!r}")
    return float(value)


def teacher_probability(i, *, schedule="inverse_sigmoid", k=None, c=None, floor=0.0):
    """``epsilon_i``, the probability of feeding the ground truth at update ``i``.

    The decays of Bengio et al. (2015), section 2.4:

    - ``"constant"``: ``epsilon_i = k`` (``0 <= k <= 1``);
    - ``"linear"``: ``epsilon_i = max(floor, k - c i)`` (``c > 0``; ``k`` defaults to 1);
    - ``"exponential"``: ``epsilon_i = max(floor, k ** i)`` (``0 < k < 1``);
    - ``"inverse_sigmoid"``: ``epsilon_i = max(floor, k / (k + exp(i / k)))``
      (``k >= 1``; the drop is centred near ``i = k log k``).

    Args:
        i: the update's index, an int ``>= 0``.
    Returns:
        a float in ``[0, 1]``.
    """
    if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)) or i < 0:
        raise ValueError(f"i must be an int >= 0; got {i!r}")
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}; got {schedule!r}")
    floor = _number(floor, "floor")
    if not 0 <= floor <= 1:
        raise ValueError(f"floor must be in [0, 1]; got {floor}")
    if schedule == "linear":
        k = 1.0 if k is None else _number(k, "k")
        if c is None or _number(c, "c") <= 0:
            raise ValueError(f"the linear schedule needs a slope c > 0; got {c!r}")
        return float(np.clip(k - float(c) * i, floor, 1.0))
    if k is None:
        raise ValueError(f"the {schedule} schedule needs k")
    k = _number(k, "k")
    if schedule == "constant":
        if not 0 <= k <= 1:
            raise ValueError(f"the constant schedule needs 0 <= k <= 1; got {k}")
        return k
    if schedule == "exponential":
        if not 0 < k < 1:
            raise ValueError(f"the exponential schedule needs 0 < k < 1; got {k}")
        return max(floor, k ** i)
    if k < 1:
        raise ValueError(f"the inverse_sigmoid schedule needs k >= 1; got {k}")
    return max(floor, k / (k + float(np.exp(min(i / k, 700.0)))))


def scheduled_mask(tau, B, teacher_prob, *, rng, prime=0):
    """Draw which steps get the model's own output: ``True`` with ``1 - teacher_prob``.

    Each step ``t >= prime + 2`` of each example is chosen independently; steps
    ``1 .. prime + 1`` are always fed the ground truth (``prime`` observed outputs
    start every sequence, as in a closed-loop run after ``prime`` observations).

    Args:
        tau, B: the mask's shape. teacher_prob: ``epsilon`` in ``[0, 1]``.
        rng: a ``np.random.Generator``. prime: an int ``>= 0``.
    Returns:
        ``feed_model (tau, B)`` bool.
    """
    allowed = prime_mask(tau, B, prime)
    rng = check_rng(rng)
    p = _number(teacher_prob, "teacher_prob")
    if not 0 <= p <= 1:
        raise ValueError(f"teacher_prob must be in [0, 1]; got {p}")
    return allowed & (rng.random((tau, B)) >= p)


@dataclass
class FedHistory(History):
    """:class:`~rnn_course.History` plus ``teacher_prob[i]``, the ``epsilon_i`` used."""
    teacher_prob: np.ndarray = field(default_factory=lambda: np.zeros(0))


def train_fed(model: OutputRecurrentRegressor, batches: Iterable, optimizer, *,
              steps: int, teacher_prob=1.0, rng=None, through_feedback=False,
              prime: int = 0, clip: Optional[float] = None,
              eval_fn: Optional[Callable] = None, eval_every: Optional[int] = None,
              progress: bool = True, desc: str = "training") -> FedHistory:
    """Train an :class:`~rnn_course.OutputRecurrentRegressor`, feeding back its outputs.

    At update ``i`` each step ``t >= prime + 2`` of each example is fed the ground
    truth ``y(t-1)`` with probability ``epsilon_i = teacher_prob`` (a number, or a
    function ``i -> epsilon_i`` such as ``lambda i: teacher_probability(i, k=200)``),
    and the model's ``o(t-1)`` otherwise.

    - ``teacher_prob=1``: teacher forcing (the fast :meth:`bptt`, no loop in time).
    - ``teacher_prob=0, through_feedback=True``: free-running training, exact
      gradient of the closed-loop loss (BPTT through ``o(t-1) -> h(t)``).
    - a decaying ``teacher_prob``: scheduled sampling; ``through_feedback`` says
      whether the gradient flows through the fed outputs (default: no, as in
      Bengio et al., 2015).

    Args:
        model: the network; its ``params`` are updated in place.
        batches: an iterable of ``(x, y)`` pairs (or records whose first two
            fields are ``x``, ``y``), ``y`` real ``(tau, B, n_out)``.
        optimizer: an ``rnn_course.optim`` optimiser.
        steps: how many updates.
        rng: a ``np.random.Generator`` for the choices (needed unless every
            ``epsilon_i`` is 0 or 1).
        prime: steps ``1 .. prime + 1`` are always teacher-forced.
        clip: clip the gradients to this global norm.
        eval_fn, eval_every: as :func:`~rnn_course.train`.
    Returns:
        a :class:`FedHistory`.
    """
    if not isinstance(model, OutputRecurrentRegressor):
        raise TypeError(f"model must be an OutputRecurrentRegressor; got "
                        f"{type(model).__name__}")
    steps = check_positive_int(steps, "steps")
    schedule = teacher_prob if callable(teacher_prob) else (lambda i, p=teacher_prob: p)
    if rng is not None:
        rng = check_rng(rng)
    if eval_fn is not None:
        eval_every = check_positive_int(eval_every or steps, "eval_every")
    losses, norms, probs = np.empty(steps), np.empty(steps), np.empty(steps)
    eval_steps, eval_losses = [], []
    it = iter(batches)
    start = time.perf_counter()
    bar = tqdm(total=steps, desc=desc, disable=not progress, mininterval=0.5)
    try:
        for i in range(steps):
            batch = next(it)
            x, y = batch[0], batch[1]
            eps = _number(schedule(i), "teacher_prob")
            if not 0 <= eps <= 1:
                raise ValueError(f"teacher_prob must be in [0, 1]; got {eps} at update {i}")
            if eps == 1.0:
                result = model.bptt(x, y)
            else:
                tau, B = np.shape(y)[:2]
                if eps == 0.0:
                    mask = prime_mask(tau, B, prime)
                elif rng is None:
                    raise TypeError("rng must be a numpy Generator when 0 < teacher_prob "
                                    f"< 1 (got teacher_prob={eps} at update {i}, rng=None)")
                else:
                    mask = scheduled_mask(tau, B, eps, rng=rng, prime=prime)
                result = model.bptt_fed(x, y, mask, through_feedback=through_feedback)
            norm = clip_and_step(optimizer, model.params, result.grads, clip)
            losses[i], norms[i], probs[i] = result.loss, norm, eps
            bar.update(1)
            if eval_fn is not None and ((i + 1) % eval_every == 0 or i + 1 == steps):
                eval_steps.append(i + 1)
                eval_losses.append(float(eval_fn(model)))
    finally:
        bar.close()
    return FedHistory(loss=losses, grad_norm=norms,
                      eval_steps=np.asarray(eval_steps, dtype=int),
                      eval_loss=np.asarray(eval_losses, dtype=float),
                      seconds=time.perf_counter() - start, teacher_prob=probs)


def closed_loop_errors(model: OutputRecurrentRegressor, x, y, *, prime: int,
                       target=None) -> np.ndarray:
    """Squared error ``||o(t) - target(t)||^2`` of a closed-loop run after ``prime`` steps.

    The run is fed the observed ``y(1) .. y(prime)`` and then its own outputs.

    Args:
        x: ``(tau, B, n_in)`` floats or ``(tau, B)`` ids.
        y: ``(tau, B, n_out)`` observations (only ``y[:prime]`` is used).
        prime: an int with ``0 <= prime < tau``.
        target: ``(tau, B, n_out)`` what to compare with (default ``y``), e.g. the
            clean signal.
    Returns:
        ``(tau - prime, B)``: row ``n - 1`` is the error after ``n`` steps run free,
        at ``t = prime + n`` (``n = 1`` is a one-step prediction from ``y(prime)``).
    """
    if not isinstance(model, OutputRecurrentRegressor):
        raise TypeError(f"model must be an OutputRecurrentRegressor; got "
                        f"{type(model).__name__}")
    if isinstance(prime, bool) or not isinstance(prime, (int, np.integer)) or prime < 0:
        raise ValueError(f"prime must be an int >= 0; got {prime!r}")
    y = _as_array(y, "y", f"a float array of shape (tau, B, n_out={model.n_out})")
    if y.ndim != 3:
        raise ValueError(f"y must have shape (tau, B, n_out={model.n_out}); got shape "
                         f"{y.shape}")
    y = as_real_targets(y, model.n_out, y.shape[:2], name="y")
    if not prime < y.shape[0]:
        raise ValueError(f"prime must be < tau = {y.shape[0]}; got {prime}")
    target = y if target is None else as_real_targets(target, model.n_out, y.shape[:2],
                                                      name="target")
    run = model.closed_loop(x, prime=y[:prime])
    return ((run.o[prime:] - target[prime:]) ** 2).sum(axis=-1)

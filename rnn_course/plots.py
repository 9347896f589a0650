"""Plotting helpers for the chapters: loss curves (live or final), hidden states.

- :func:`loss_curve` draws a :class:`~rnn_course.History`: the training loss of
  every step (thin) with its moving average (thick) and the held-out evaluations
  (dots), with optional horizontal reference lines (say, a uniform guess).
- :class:`LiveLossPlot` is a ``callback`` for :func:`~rnn_course.train` that
  redraws that curve at every evaluation. In a notebook it shows one figure and
  updates it in place (a display with an id), so an executed notebook, and a
  book built from it, holds a single figure: the final curve. Outside IPython
  it just keeps the figure up to date.
- :func:`hidden_heatmap` shows hidden states ``h (T, n_hidden)`` over a piece of
  text, units down, characters across.
- :func:`text_activation` writes a text with each character shaded by a value
  (one unit's activation), as in Karpathy's visualisations.

Every function takes an optional ``ax`` and returns the ``Axes`` it drew in.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

__all__ = ["moving_average", "loss_curve", "LiveLossPlot", "hidden_heatmap",
           "text_activation"]

TRAIN_COLOR = "#1F5F99"
EVAL_COLOR = "#D55E00"
REF_COLORS = ("#555555", "#8E6BBF", "#1B7A4C", "#B35900")


def _check_ax(ax):
    from matplotlib.axes import Axes
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    return ax


def _check_scale(scale) -> float:
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer,
                                                         np.floating)):
        raise TypeError(f"train_scale must be a number > 0; got {type(scale).__name__}")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"train_scale must be a finite number > 0; got {scale}")
    return float(scale)


def _check_history(history):
    for name in ("loss", "eval_steps", "eval_loss"):
        if not hasattr(history, name):
            raise TypeError("history must be an rnn_course History (with loss, "
                            f"eval_steps and eval_loss); got {type(history).__name__}")
    return history


def moving_average(values, window: int) -> np.ndarray:
    """Trailing mean over the last ``window`` values (fewer at the start).

    Args:
        values: ``(n,)``; window: an int ``>= 1``.
    Returns:
        ``(n,)``: entry ``i`` is the mean of ``values[max(0, i - window + 1): i + 1]``.
    """
    from ._validate import check_positive_int
    window = check_positive_int(window, "window")
    v = np.asarray(values, dtype=float)
    if v.ndim != 1:
        raise ValueError(f"values must be 1-D; got shape {v.shape}")
    c = np.concatenate([[0.0], np.cumsum(v)])
    i = np.arange(1, len(v) + 1)
    lo = np.maximum(0, i - window)
    return (c[i] - c[lo]) / (i - lo)


def loss_curve(history, ax=None, *, train_scale: float = 1.0, smooth: int = 50,
               references: Optional[dict] = None, total_steps: Optional[int] = None,
               ylabel: str = "loss", title: Optional[str] = None,
               eval_label: str = "held-out"):
    """Draw the losses that :func:`~rnn_course.train` recorded.

    Args:
        history: a :class:`~rnn_course.History`.
        ax: an ``Axes``, or ``None`` for a new figure.
        train_scale: multiplies the training losses before drawing (``1 / tau``
            turns the package's loss of a ``tau``-step window into nats per step);
            the evaluations are drawn as they are.
        smooth: the moving-average window for the training loss.
        references: ``{label: value}`` horizontal lines (already in drawn units).
        total_steps: fix the x axis to ``[0, total_steps]`` (a live plot does not jump).
        ylabel, title, eval_label: texts.
    Returns:
        the ``Axes``.
    """
    import matplotlib.pyplot as plt
    _check_history(history)
    _check_ax(ax)
    train_scale = _check_scale(train_scale)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    _draw_losses(ax, history, train_scale, smooth, references, total_steps, ylabel,
                 title, eval_label)
    return ax


def _draw_losses(ax, history, train_scale, smooth, references, total_steps, ylabel,
                 title, eval_label):
    loss = np.asarray(history.loss, dtype=float) * train_scale
    steps = np.arange(1, len(loss) + 1)
    ax.clear()
    if len(loss):
        ax.plot(steps, loss, color=TRAIN_COLOR, alpha=0.25, linewidth=0.8)
        ax.plot(steps, moving_average(loss, smooth), color=TRAIN_COLOR, linewidth=2,
                label=f"training (mean of {smooth} steps)")
    ev = np.asarray(history.eval_loss, dtype=float)
    if len(ev):
        ax.plot(history.eval_steps, ev, "o-", color=EVAL_COLOR, markersize=4,
                linewidth=1.2, label=f"{eval_label} ({ev[-1]:.3f})")
    for (label, value), color in zip((references or {}).items(), REF_COLORS * 10):
        ax.axhline(value, color=color, linestyle="--", linewidth=1)
        ax.annotate(f"{label} ({value:.2f})", (1.0, value), xycoords=("axes fraction",
                    "data"), xytext=(-4, 3), textcoords="offset points", ha="right",
                    va="bottom", fontsize=8, color=color)
    if total_steps:
        ax.set_xlim(0, total_steps)
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    if len(loss) or len(ev):
        ax.legend(loc="upper center", fontsize=8, frameon=False, ncol=2)


class LiveLossPlot:
    """A ``callback`` for :func:`~rnn_course.train` that redraws the loss curve.

    Args:
        total_steps: the length of the run (fixes the x axis).
        train_scale, smooth, references, ylabel, title: as for :func:`loss_curve`.
        figsize: inches.

    Use: ``live = LiveLossPlot(steps, train_scale=1 / tau)``, then
    ``train(..., eval_fn=..., eval_every=..., callback=live)``. ``live.fig`` is the
    figure, ``live.ax`` its axes and ``live.updates`` the number of redraws.
    """

    def __init__(self, total_steps: int, *, train_scale: float = 1.0, smooth: int = 50,
                 references: Optional[dict] = None, ylabel: str = "loss",
                 title: Optional[str] = None, figsize=(7, 3.6)):
        from matplotlib.figure import Figure
        from ._validate import check_positive_int
        self.total_steps = check_positive_int(total_steps, "total_steps")
        self.train_scale = _check_scale(train_scale)
        self.smooth = check_positive_int(smooth, "smooth")
        self.references, self.ylabel, self.title = references, ylabel, title
        # A figure outside pyplot: the inline backend does not show it again at
        # the end of the cell, so the notebook keeps exactly one (updated) image.
        self.fig = Figure(figsize=figsize, layout="constrained")
        self.ax = self.fig.add_subplot()
        self.updates = 0
        self._handle = None

    def __call__(self, step, history) -> None:
        _draw_losses(self.ax, history, self.train_scale, self.smooth, self.references,
                     self.total_steps, self.ylabel, self.title, "held-out")
        self.updates += 1
        self._show()

    def _show(self):
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:   # pragma: no cover - IPython ships with the course
            return
        if get_ipython() is None:
            return
        if self._handle is None:
            self._handle = display(self.fig, display_id=True)
        else:
            self._handle.update(self.fig)


def _visible(ch: str) -> str:
    """A character as a tick label: space as an open box, newline as a return."""
    return {" ": "\u2423", "\n": "\u21b5"}.get(ch, ch)


def hidden_heatmap(h, text: str, ax=None, *, units=None, unit_labels=None,
                   cmap: str = "RdBu_r", title: Optional[str] = None,
                   colorbar: bool = True):
    """Hidden states over a text: one row per unit, one column per character.

    Args:
        h: ``(T, n_hidden)`` the states ``h(1..T)`` of one sequence, values in [-1, 1].
        text: the ``T`` characters that were read (column labels).
        ax: an ``Axes`` or ``None``.
        units: which units (row indices) to show, in order; ``None`` for all.
        unit_labels: one label per row shown (say, what the unit detects);
            ``None`` labels the rows with the unit numbers (up to 40 rows).
        cmap: a diverging colour map (0 is white).
        title: optional; colorbar: draw a colour bar.
    Returns:
        the ``Axes``.
    """
    import matplotlib.pyplot as plt
    _check_ax(ax)
    h = np.asarray(h, dtype=float)
    if h.ndim != 2:
        raise ValueError(f"h must have shape (T, n_hidden); got shape {h.shape}")
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}")
    if len(text) != h.shape[0]:
        raise ValueError(f"text has {len(text)} characters but h has {h.shape[0]} "
                         f"time steps; they must match")
    rows = np.arange(h.shape[1]) if units is None else np.asarray(units, dtype=int)
    if rows.ndim != 1 or len(rows) == 0 or rows.min() < 0 or rows.max() >= h.shape[1]:
        raise ValueError(f"units must be a non-empty list of unit indices in "
                         f"[0, {h.shape[1]}); got {units!r}")
    if unit_labels is not None:
        unit_labels = [str(label) for label in unit_labels]
        if len(unit_labels) != len(rows):
            raise ValueError(f"unit_labels must have one label per unit shown "
                             f"({len(rows)}); got {len(unit_labels)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(min(16, 0.16 * len(text) + 1.5),
                                      min(10, 0.16 * len(rows) + 1.2)))
    im = ax.imshow(h[:, rows].T, aspect="auto", cmap=cmap, vmin=-1, vmax=1,
                   interpolation="nearest")
    ax.set_xticks(np.arange(len(text)))
    ax.set_xticklabels([_visible(ch) for ch in text],
                       fontsize=9 if len(text) <= 64 else 7, fontfamily="monospace")
    ax.tick_params(axis="x", length=0)
    if unit_labels is not None:
        ax.set_yticks(np.arange(len(rows)))
        ax.set_yticklabels(unit_labels, fontsize=8)
    else:
        if len(rows) <= 40:
            ax.set_yticks(np.arange(len(rows)))
            ax.set_yticklabels([str(r) for r in rows], fontsize=7)
        ax.set_ylabel("hidden unit")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.025, pad=0.01, label=r"$h_j^{(t)}$")
    return ax


def text_activation(text: str, values, ax=None, *, width: int = 64,
                    cmap: str = "RdBu_r", title: Optional[str] = None):
    """Write ``text`` in a grid of ``width`` columns, each character's cell coloured by
    its value in ``values`` (``(len(text),)``, drawn on the scale [-1, 1]).

    Returns:
        the ``Axes``.
    """
    import matplotlib.pyplot as plt
    from matplotlib import colormaps
    _check_ax(ax)
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}")
    v = np.asarray(values, dtype=float)
    if v.shape != (len(text),):
        raise ValueError(f"values must have shape (len(text),) = ({len(text)},); "
                         f"got {v.shape}")
    from ._validate import check_positive_int
    width = check_positive_int(width, "width")
    n_rows = -(-len(text) // width)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.15 * width + 0.2, 0.3 * n_rows + 0.4))
    grid = np.full((n_rows, width), np.nan)
    grid.reshape(-1)[:len(text)] = v
    cm = colormaps[cmap].with_extremes(bad="white")
    ax.imshow(np.ma.masked_invalid(grid), cmap=cm, vmin=-1, vmax=1, aspect="auto",
              interpolation="nearest")
    for i, ch in enumerate(text):
        r, c = divmod(i, width)
        ax.text(c, r, "\u21b5" if ch == "\n" else ch, ha="center", va="center",
                fontsize=9, fontfamily="monospace",
                color="white" if abs(v[i]) > 0.75 else "black")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return ax

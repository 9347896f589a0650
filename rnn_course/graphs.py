"""Computational graphs of section 10.2, drawn with matplotlib alone.

Four kinds of graph, each folded (one copy of every node, the recurrence drawn
as a loop through a black square, the book's one-step delay) or unfolded over
``t = 1..tau``:

- ``"hidden"``: hidden-to-hidden recurrence, an output and a loss at every step
  (the book's fig. 10.3): ``x(t) -U-> h(t)``, ``h(t-1) -W-> h(t)``,
  ``h(t) -V-> o(t)``, ``o(t) -> L(t) <- y(t)``.
- ``"summary"``: the same recurrence read out once, at the end (fig. 10.5):
  a single ``o(tau) -> L(tau) <- y(tau)``.
- ``"output"``: the only recurrence runs from the output to the next hidden
  state, ``o(t-1) -W-> h(t)`` (fig. 10.4).
- ``"teacher_forcing"``: fig. 10.6. ``mode="train"`` feeds the target
  ``y(t-1) -W-> h(t)``; ``mode="test"`` feeds the model's own output
  ``o(t-1) -W-> h(t)`` and has no losses or targets.

:func:`graph` returns the nodes and edges as data, :func:`draw_unrolled` and
:func:`draw_folded` draw them and return the matplotlib ``Axes``; :func:`draw_pair`
puts both side by side, as the book does. Node colours mark the role: inputs
blue, hidden states green, outputs orange, losses grey, targets purple; the
backward flow of gradients (``highlight="gradient"``) is drawn in red.

Every artist carries a ``gid`` so that a test (or a curious reader) can find it:
``"node:h2"`` for the circle of ``h(2)``, ``"label:h2"`` for its text,
``"edge:h1->h2"`` for an arrow, ``"edgelabel:h1->h2"`` for its ``W``,
``"grad:h2->h1"`` for a backward arrow and ``"delay"`` for a delay square.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np

from ._validate import check_positive_int

__all__ = ["KINDS", "MODES", "ROLES", "Node", "Edge", "Graph", "graph",
           "draw_unrolled", "draw_folded", "draw_pair"]

KINDS = ("hidden", "summary", "output", "teacher_forcing")
MODES = ("train", "test")
ROLES = ("input", "hidden", "output", "loss", "target")
MAX_TAU = 30

# Okabe-Ito inspired: (fill, edge) for each role; readable in grey scale too.
STYLE = {
    "input": ("#DCEAF7", "#1F5F99"),
    "hidden": ("#DBF1E5", "#1B7A4C"),
    "output": ("#FDEBD2", "#B35900"),
    "loss": ("#ECECEC", "#3A3A3A"),
    "target": ("#ECE4F6", "#5B3A8E"),
}
EDGE_COLOR = "#2B2B2B"
GRAD_COLOR = "#D62728"
HIGHLIGHT_COLOR = "#E8A400"

DX, DY, R = 1.9, 1.35, 0.36          # column spacing, row spacing, node radius
ROW = {"x": 0, "h": 1, "o": 2, "L": 3, "y": 4}
ROLE_OF = {"x": "input", "h": "hidden", "o": "output", "L": "loss", "y": "target"}
SYMBOL = {"x": r"\boldsymbol{x}", "h": r"\boldsymbol{h}", "o": r"\boldsymbol{o}",
          "L": r"L", "y": r"\boldsymbol{y}"}


class Node(NamedTuple):
    """One variable of the graph: ``name`` like ``"h2"`` (``"h"`` when folded)."""
    name: str
    role: str       # one of ROLES
    label: str      # mathtext, e.g. r"$\boldsymbol{h}^{(2)}$"
    xy: tuple       # position in data units


class Edge(NamedTuple):
    """An arrow ``src -> dst``; ``label`` is the parameter it applies (or "")."""
    src: str
    dst: str
    label: str
    delay: bool = False  # folded graphs: the one-step delay (black square)


class Graph(NamedTuple):
    kind: str
    nodes: tuple    # of Node
    edges: tuple    # of Edge

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)


# ----------------------------------------------------------------------------- checks

def _check_kind(kind) -> str:
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a str, one of {KINDS}; got {type(kind).__name__}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    return kind


def _check_mode(kind: str, mode) -> Optional[str]:
    if kind != "teacher_forcing":
        if mode is not None:
            raise ValueError(f"mode applies only to kind='teacher_forcing'; got "
                             f"mode={mode!r} with kind={kind!r}")
        return None
    if mode is None:
        return "train"
    if not isinstance(mode, str):
        raise TypeError(f"mode must be a str, one of {MODES}; got {type(mode).__name__}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}")
    return mode


def _check_tau(tau) -> int:
    tau = check_positive_int(tau, "tau")
    if tau > MAX_TAU:
        raise ValueError(f"tau must be at most {MAX_TAU} to draw legibly; got {tau}")
    return tau


def _check_ax(ax):
    from matplotlib.axes import Axes
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    return ax


# ----------------------------------------------------------------------------- graphs

def _label(var: str, t) -> str:
    if t is None:
        return f"${SYMBOL[var]}$"
    return f"${SYMBOL[var]}^{{({t})}}$"


def _node(var: str, t, x: float) -> Node:
    name = var if t is None else f"{var}{t}"
    return Node(name, ROLE_OF[var], _label(var, t), (x, ROW[var] * DY))


def graph(kind: str, tau: Optional[int] = 3, *, mode: Optional[str] = None) -> Graph:
    """The nodes and edges of a graph, as data.

    Args:
        kind: one of :data:`KINDS`.
        tau: the number of steps to unfold, ``1 <= tau <= 30``; ``None`` gives the
            folded graph (one copy of each node; node names without a time index).
        mode: for ``"teacher_forcing"`` only, ``"train"`` (default) or ``"test"``.
    Returns:
        a :class:`Graph`. Names are the variable and the step: ``"x1"``, ``"h0"``
        (the initial state), ``"L3"``; folded: ``"x"``, ``"h"``, ...
    """
    kind = _check_kind(kind)
    mode = _check_mode(kind, mode)
    if tau is None:
        return _folded(kind, mode)
    tau = _check_tau(tau)
    nodes, edges = [], []
    has_h0 = kind in ("hidden", "summary")
    col = (lambda t: t * DX) if has_h0 else (lambda t: (t - 1) * DX)
    if has_h0:
        nodes.append(_node("h", 0, col(0)))
    with_loss = not (kind == "teacher_forcing" and mode == "test")
    for t in range(1, tau + 1):
        x = col(t)
        nodes += [_node("x", t, x), _node("h", t, x)]
        edges.append(Edge(f"x{t}", f"h{t}", "U"))
        if has_h0:
            edges.append(Edge(f"h{t - 1}", f"h{t}", "W"))
        reads_out = kind != "summary" or t == tau
        if reads_out:
            nodes.append(_node("o", t, x))
            edges.append(Edge(f"h{t}", f"o{t}", "V"))
            if with_loss:
                nodes += [_node("L", t, x), _node("y", t, x)]
                edges += [Edge(f"o{t}", f"L{t}", ""), Edge(f"y{t}", f"L{t}", "")]
        if t > 1 and kind == "output":
            edges.append(Edge(f"o{t - 1}", f"h{t}", "W"))
        if t > 1 and kind == "teacher_forcing":
            src = "y" if mode == "train" else "o"
            edges.append(Edge(f"{src}{t - 1}", f"h{t}", "W"))
    return Graph(kind, tuple(nodes), tuple(edges))


def _folded(kind: str, mode: Optional[str]) -> Graph:
    with_loss = not (kind == "teacher_forcing" and mode == "test")
    vars_ = ["x", "h", "o"] + (["L", "y"] if with_loss else [])
    nodes = [_node(v, None, 0.0) for v in vars_]
    edges = [Edge("x", "h", "U"), Edge("h", "o", "V")]
    if with_loss:
        edges += [Edge("o", "L", ""), Edge("y", "L", "")]
    if kind in ("hidden", "summary"):
        edges.append(Edge("h", "h", "W", delay=True))
    elif kind == "output" or mode == "test":
        edges.append(Edge("o", "h", "W", delay=True))
    else:
        edges.append(Edge("y", "h", "W", delay=True))
    return Graph(kind, tuple(nodes), tuple(edges))


# ----------------------------------------------------------------------------- drawing

def _new_ax(xlim, ylim):
    import matplotlib.pyplot as plt
    inch_per_unit = 0.62
    w = min(16.0, (xlim[1] - xlim[0]) * inch_per_unit)
    h = (ylim[1] - ylim[0]) * inch_per_unit * (w / ((xlim[1] - xlim[0]) * inch_per_unit))
    fig, ax = plt.subplots(figsize=(w, max(h, 1.5)))
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.93)
    return ax


def _points_per_unit(ax, xlim, ylim) -> float:
    fig = ax.figure
    pos = ax.get_position()
    w_pts = pos.width * fig.get_figwidth() * 72
    h_pts = pos.height * fig.get_figheight() * 72
    return min(w_pts / (xlim[1] - xlim[0]), h_pts / (ylim[1] - ylim[0]))


def _limits(g: Graph, extra_right: float = 0.0):
    """Axis limits around the nodes. The height always spans the rows x to y, so
    that graphs drawn side by side (say fig. 10.6 at train and at test time,
    which has no losses or targets) share one scale."""
    xs = [n.xy[0] for n in g.nodes]
    ys = [n.xy[1] for n in g.nodes] + [ROW["x"] * DY, ROW["y"] * DY]
    pad = R + 0.3
    return ((min(xs) - pad, max(xs) + pad + extra_right),
            (min(ys) - pad, max(ys) + pad))


def _check_highlight(g: Graph, highlight):
    """Split ``highlight`` into (gradient_losses, nodes, edges)."""
    names = [n.name for n in g.nodes]
    if highlight is None:
        return None, set(), set()
    if isinstance(highlight, str):
        if highlight == "gradient":
            return [n for n in names if n.startswith("L")], set(), set()
        if highlight.startswith("gradient:"):
            loss = highlight.split(":", 1)[1]
            losses = [n for n in names if n.startswith("L")]
            if loss not in losses:
                raise ValueError(f"highlight={highlight!r} names no loss of this graph; "
                                 f"its losses are {losses}")
            return [loss], set(), set()
        highlight = [highlight]
    try:
        items = list(highlight)
    except TypeError:
        raise TypeError("highlight must be None, 'gradient', 'gradient:<loss>', or an "
                        "iterable of node names and (src, dst) edges; got "
                        f"{type(highlight).__name__}") from None
    nodes, edges = set(), set()
    edge_pairs = {(e.src, e.dst) for e in g.edges}
    for item in items:
        if isinstance(item, str):
            if item not in names:
                raise ValueError(f"highlight: no node {item!r} in this graph; its nodes "
                                 f"are {names}")
            nodes.add(item)
        elif isinstance(item, tuple) and len(item) == 2:
            if tuple(item) not in edge_pairs:
                raise ValueError(f"highlight: no edge {item!r} in this graph; its edges "
                                 f"are {sorted(edge_pairs)}")
            edges.add(tuple(item))
        else:
            raise TypeError("highlight items must be node names (str) or (src, dst) "
                            f"edge pairs; got {item!r}")
    return None, nodes, edges


def _gradient_edges(g: Graph, losses) -> list:
    """Edges that carry a gradient back from the ``losses``: every edge into an
    ancestor of a loss, except those leaving data (inputs and targets)."""
    role = {n.name: n.role for n in g.nodes}
    parents = {}
    for e in g.edges:
        parents.setdefault(e.dst, []).append(e)
    out, seen, stack = [], set(losses), list(losses)
    while stack:
        dst = stack.pop()
        for e in parents.get(dst, []):
            if role[e.src] in ("input", "target"):
                continue
            out.append(e)
            if e.src not in seen:
                seen.add(e.src)
                stack.append(e.src)
    return out


def _draw_nodes(ax, g, fontsize, lw, highlight_nodes):
    from matplotlib.patches import Circle, FancyBboxPatch
    patches = {}
    for n in g.nodes:
        fill, edge = STYLE[n.role]
        hl = n.name in highlight_nodes
        kw = dict(facecolor=fill, edgecolor=HIGHLIGHT_COLOR if hl else edge,
                  linewidth=lw * (2.2 if hl else 1.0), zorder=3, gid=f"node:{n.name}")
        if n.role == "loss":   # losses are squares: a scalar, not a vector
            s = R * 0.86
            p = FancyBboxPatch((n.xy[0] - s, n.xy[1] - s), 2 * s, 2 * s,
                               boxstyle=f"round,pad=0,rounding_size={R * 0.25}", **kw)
        else:
            p = Circle(n.xy, R, **kw)
        ax.add_patch(p)
        patches[n.name] = p
        ax.text(n.xy[0], n.xy[1], n.label, ha="center", va="center", fontsize=fontsize,
                zorder=4, gid=f"label:{n.name}")
    return patches


def _unit(a, b):
    d = np.asarray(b, float) - np.asarray(a, float)
    return d / np.hypot(*d)


def _draw_edge(ax, g, e, patches, fontsize, lw, color, *, gid, reverse=False,
               offset=0.0, label=True, style="-", zorder=2):
    from matplotlib.patches import FancyArrowPatch
    a, b = np.array(g.node(e.src).xy), np.array(g.node(e.dst).xy)
    u = _unit(a, b)
    left = np.array([-u[1], u[0]])
    # Edge labels sit to the left of the direction of travel, backward arrows to
    # the right; in fig. 10.6 the long y(t-1) -> h(t) arrows arrive from the upper
    # left, so there the labels of the vertical edges move to the right.
    side = -1.0 if (g.kind == "teacher_forcing" and u[0] == 0) else 1.0
    left = side * left
    pa, pb = a - offset * left, b - offset * left
    start, end = (pb, pa) if reverse else (pa, pb)
    arrow = FancyArrowPatch(
        tuple(start), tuple(end),
        patchA=patches[e.dst if reverse else e.src],
        patchB=patches[e.src if reverse else e.dst],
        arrowstyle="-|>,head_length=0.55,head_width=0.28", mutation_scale=fontsize * 1.2,
        shrinkA=1.5, shrinkB=1.5, color=color,
        linewidth=lw, linestyle=style, zorder=zorder, gid=gid)
    ax.add_patch(arrow)
    if label and e.label:
        mid = (a + b) / 2 + left * 0.24
        ax.text(*mid, f"${e.label}$" if e.label.isalpha() else e.label, ha="center",
                va="center", fontsize=fontsize * 0.9, color=EDGE_COLOR, zorder=5,
                gid=f"edgelabel:{e.src}->{e.dst}",
                bbox=dict(boxstyle="round,pad=0.12", facecolor="white",
                          edgecolor="none", alpha=0.85))
    return arrow


def _finish(ax, xlim, ylim, title, fontsize):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=fontsize)


def _fontsize(ax, xlim, ylim, fontsize):
    if fontsize is not None:
        if not isinstance(fontsize, (int, float)) or isinstance(fontsize, bool) \
                or not fontsize > 0:
            raise ValueError(f"fontsize must be a number > 0 or None; got {fontsize!r}")
        return float(fontsize)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ppu = _points_per_unit(ax, xlim, ylim)
    return float(np.clip(2 * R * ppu / 2.3, 6.0, 15.0))


def draw_unrolled(kind: str, tau: int = 3, ax=None, *, mode: Optional[str] = None,
                  highlight=None, title: Optional[str] = None,
                  fontsize: Optional[float] = None):
    """Draw the graph of ``kind`` unfolded over ``t = 1..tau``.

    Args:
        kind: ``"hidden"`` (fig. 10.3), ``"summary"`` (10.5), ``"output"`` (10.4)
            or ``"teacher_forcing"`` (10.6).
        tau: steps to unfold, ``1 <= tau <= 30``.
        ax: a matplotlib ``Axes`` to draw in; ``None`` makes a new figure.
        mode: ``"train"`` (default) or ``"test"``, for ``"teacher_forcing"`` only.
        highlight: ``None``; ``"gradient"`` to draw, in red, the backward flow of
            the gradient from every loss; ``"gradient:L2"`` for the flow from
            ``L(2)`` alone; or an iterable of node names (``"h2"``) and edges
            (``("h1", "h2")``) to emphasise.
        title: an optional title.
        fontsize: label size in points; ``None`` fits it to the axes.
    Returns:
        the ``Axes``.
    """
    g = graph(kind, tau, mode=mode)
    _check_ax(ax)
    losses, hl_nodes, hl_edges = _check_highlight(g, highlight)
    xlim, ylim = _limits(g)
    if ax is None:
        ax = _new_ax(xlim, ylim)
    fontsize = _fontsize(ax, xlim, ylim, fontsize)
    lw = max(0.8, fontsize / 10)
    patches = _draw_nodes(ax, g, fontsize, lw, hl_nodes)
    for e in g.edges:
        hl = (e.src, e.dst) in hl_edges
        _draw_edge(ax, g, e, patches, fontsize, lw * (2.2 if hl else 1.0),
                   HIGHLIGHT_COLOR if hl else EDGE_COLOR, gid=f"edge:{e.src}->{e.dst}")
    if losses is not None:
        for e in _gradient_edges(g, losses):
            _draw_edge(ax, g, e, patches, fontsize, lw * 1.3, GRAD_COLOR, reverse=True,
                       offset=0.14, label=False, style=(0, (3, 1.5)), zorder=2.5,
                       gid=f"grad:{e.dst}->{e.src}")
    _finish(ax, xlim, ylim, title, fontsize)
    return ax


def _loop_path(g: Graph, e: Edge):
    """Vertices and codes of the folded graph's recurrent loop, and the point
    (middle of the loop) where the delay square sits."""
    from matplotlib.path import Path
    a, b = np.array(g.node(e.src).xy), np.array(g.node(e.dst).xy)
    if e.src == e.dst:     # h -> h: out of the upper right, back into the lower right
        ang = np.deg2rad(40)
        p0 = a + R * np.array([np.cos(ang), np.sin(ang)])
        p3 = a + R * np.array([np.cos(ang), -np.sin(ang)])
        c1 = a + np.array([1.25, 0.95])
        c2 = a + np.array([1.25, -0.95])
    else:                  # o -> h or y -> h: down the right-hand side
        p0 = a + R * np.array([1.0, 0.0])
        p3 = b + R * np.array([np.cos(np.deg2rad(20)), np.sin(np.deg2rad(20))])
        reach = 0.95 + 0.12 * (a[1] - b[1])
        c1 = np.array([a[0] + reach, a[1]])
        c2 = np.array([b[0] + reach, b[1] + 0.35])
    verts = [p0, c1, c2, p3]
    t = 0.5    # the cubic Bezier's midpoint
    mid = ((1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * c1 + 3 * (1 - t) * t ** 2 * c2
           + t ** 3 * p3)
    return Path(verts, [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4]), mid


def draw_folded(kind: str, ax=None, *, mode: Optional[str] = None,
                title: Optional[str] = None, fontsize: Optional[float] = None):
    """Draw the folded (circuit) graph of ``kind``: one copy of each variable.

    The recurrent connection is drawn as a loop through a black square, the
    book's delay of one time step. Arguments as for :func:`draw_unrolled`.

    Returns:
        the ``Axes``.
    """
    from matplotlib.patches import FancyArrowPatch, Rectangle
    g = graph(kind, None, mode=mode)
    _check_ax(ax)
    xlim, ylim = _limits(g, extra_right=1.1)
    xlim = (xlim[0] - 0.35, xlim[1])
    if ax is None:
        ax = _new_ax(xlim, ylim)
    fontsize = _fontsize(ax, xlim, ylim, fontsize)
    lw = max(0.8, fontsize / 10)
    patches = _draw_nodes(ax, g, fontsize, lw, set())
    for e in g.edges:
        if not e.delay:
            _draw_edge(ax, g, e, patches, fontsize, lw, EDGE_COLOR,
                       gid=f"edge:{e.src}->{e.dst}")
            continue
        path, mid = _loop_path(g, e)
        ax.add_patch(FancyArrowPatch(
            path=path, arrowstyle="-|>,head_length=0.55,head_width=0.28",
            mutation_scale=fontsize * 1.2, color=EDGE_COLOR, linewidth=lw, zorder=2,
            gid=f"edge:{e.src}->{e.dst}"))
        s = 0.11
        ax.add_patch(Rectangle((mid[0] - s, mid[1] - s), 2 * s, 2 * s, facecolor="black",
                               edgecolor="black", zorder=4, gid="delay"))
        ax.text(mid[0] + 0.3, mid[1], f"${e.label}$", ha="center", va="center",
                fontsize=fontsize * 0.9, color=EDGE_COLOR, zorder=5,
                gid=f"edgelabel:{e.src}->{e.dst}")
    _finish(ax, xlim, ylim, title, fontsize)
    return ax


def draw_pair(kind: str, tau: int = 3, *, mode: Optional[str] = None, highlight=None,
              figsize=None):
    """The folded graph, an "Unfold" arrow, and the unfolded graph, as in the book.

    Args:
        kind, tau, mode, highlight: as for :func:`draw_unrolled`.
        figsize: ``(width, height)`` in inches; ``None`` picks one from ``tau``.
    Returns:
        ``(fig, (ax_folded, ax_unrolled))``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch
    g = graph(kind, tau, mode=mode)       # validates kind, tau and mode first
    gf = graph(kind, None, mode=mode)
    (ux0, ux1), (uy0, uy1) = _limits(g)
    (fx0, fx1), _ = _limits(gf, extra_right=1.1)
    fw, uw = fx1 - fx0 + 0.35, ux1 - ux0
    gap = 1.1
    unit = 0.58
    if figsize is None:
        total = (fw + gap + uw) * unit
        scale = min(1.0, 15.0 / total)
        figsize = (total * scale, (uy1 - uy0) * unit * scale + 0.2)
    fig = plt.figure(figsize=figsize)
    total = fw + gap + uw
    ax_f = fig.add_axes((0.0, 0.02, fw / total, 0.96))
    ax_u = fig.add_axes(((fw + gap) / total, 0.02, uw / total, 0.96))
    draw_folded(kind, ax_f, mode=mode)
    draw_unrolled(kind, tau, ax_u, mode=mode, highlight=highlight)
    y_mid = 0.02 + 0.96 * ((ROW["h"] * DY - uy0) / (uy1 - uy0))
    x0, x1 = (fw + 0.1) / total, (fw + gap - 0.1) / total
    fig.patches.append(FancyArrowPatch(
        (x0, y_mid), (x1, y_mid), transform=fig.transFigure,
        arrowstyle="-|>,head_length=0.6,head_width=0.3", mutation_scale=14,
        color="#777777", linewidth=1.6, gid="unfold"))
    fig.text((x0 + x1) / 2, y_mid + 0.04, "Unfold", ha="center", va="bottom",
             fontsize=10, color="#555555", gid="unfold-label")
    return fig, (ax_f, ax_u)

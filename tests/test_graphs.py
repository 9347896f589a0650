"""The graph drawer: every kind and tau draws, with the right nodes, edges and labels."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from rnn_course import graphs  # noqa: E402

CASES = [("hidden", None), ("summary", None), ("output", None),
         ("teacher_forcing", "train"), ("teacher_forcing", "test")]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def expected_counts(kind, mode, tau):
    """(nodes, edges, labelled edges) counted from the book's figures by hand."""
    if kind == "hidden":        # h0 + tau * (x, h, o, L, y); U, W, V, o->L, y->L per step
        return 1 + 5 * tau, 5 * tau, 3 * tau
    if kind == "summary":       # h0 + tau * (x, h) + (o, L, y) once
        return 1 + 2 * tau + 3, 2 * tau + 3, 2 * tau + 1
    if kind == "output" or mode == "train":   # no h0; W from o(t-1) or y(t-1), t >= 2
        return 5 * tau, 4 * tau + (tau - 1), 2 * tau + (tau - 1)
    return 3 * tau, 2 * tau + (tau - 1), 2 * tau + (tau - 1)   # test: x, h, o only


def gids(ax, prefix):
    artists = list(ax.patches) + list(ax.texts)
    return [a.get_gid() for a in artists if (a.get_gid() or "").startswith(prefix)]


@pytest.mark.parametrize("kind,mode", CASES)
@pytest.mark.parametrize("tau", [1, 2, 3, 4, 5])
def test_unrolled_draws_every_node_edge_and_label(kind, mode, tau):
    ax = graphs.draw_unrolled(kind, tau, mode=mode)
    assert isinstance(ax, Axes)
    n_nodes, n_edges, n_labelled = expected_counts(kind, mode, tau)
    g = graphs.graph(kind, tau, mode=mode)
    assert len(g.nodes) == n_nodes and len(g.edges) == n_edges
    assert len(gids(ax, "node:")) == n_nodes
    assert len(gids(ax, "label:")) == n_nodes
    assert len(gids(ax, "edge:")) == n_edges
    assert len(gids(ax, "edgelabel:")) == n_labelled
    assert not gids(ax, "grad:") and not gids(ax, "delay")
    texts = [t.get_text() for t in ax.texts]
    assert rf"$\boldsymbol{{x}}^{{({tau})}}$" in texts
    assert rf"$\boldsymbol{{h}}^{{({tau})}}$" in texts
    assert sum(t == "$U$" for t in texts) == tau
    assert sum(t == "$V$" for t in texts) == (1 if kind == "summary" else tau)
    assert sum(t == "$W$" for t in texts) == (tau if kind in ("hidden", "summary")
                                              else tau - 1)


def test_unrolled_edges_follow_the_book():
    hidden = {(e.src, e.dst, e.label) for e in graphs.graph("hidden", 2).edges}
    assert {("x1", "h1", "U"), ("h0", "h1", "W"), ("h1", "h2", "W"),
            ("h2", "o2", "V"), ("o2", "L2", ""), ("y2", "L2", "")} <= hidden
    output = {(e.src, e.dst, e.label) for e in graphs.graph("output", 3).edges}
    assert ("o1", "h2", "W") in output and ("o2", "h3", "W") in output
    assert not any(e[0].startswith("h") and e[1].startswith("h") for e in output)
    train = {(e.src, e.dst) for e in graphs.graph("teacher_forcing", 3).edges}
    assert ("y1", "h2") in train and ("o1", "h2") not in train
    test = {(e.src, e.dst) for e in graphs.graph("teacher_forcing", 3, mode="test").edges}
    assert ("o1", "h2") in test and not any(d.startswith("L") for _, d in test)
    summary = [n.name for n in graphs.graph("summary", 4).nodes]
    assert [n for n in summary if n[0] in "oLy"] == ["o4", "L4", "y4"]


def test_node_roles_have_distinct_colours():
    ax = graphs.draw_unrolled("hidden", 2)
    colours = {}
    for p in ax.patches:
        gid = p.get_gid() or ""
        if gid.startswith("node:"):
            colours.setdefault(gid[5], set()).add(tuple(p.get_facecolor()))
    assert set(colours) == set("xhoLy")
    assert all(len(c) == 1 for c in colours.values())       # one colour per role
    assert len({c.pop() for c in colours.values()}) == 5     # five distinct colours


@pytest.mark.parametrize("kind,mode", CASES)
def test_folded_has_one_copy_of_each_node_and_a_delay(kind, mode):
    ax = graphs.draw_folded(kind, mode=mode)
    assert isinstance(ax, Axes)
    n = 3 if mode == "test" else 5
    assert len(gids(ax, "node:")) == n
    assert gids(ax, "delay") == ["delay"]
    loop = {"hidden": "h->h", "summary": "h->h", "output": "o->h"}.get(
        kind, "y->h" if mode == "train" else "o->h")
    assert f"edge:{loop}" in gids(ax, "edge:")
    assert f"edgelabel:{loop}" in gids(ax, "edgelabel:")
    assert r"$\boldsymbol{h}$" in [t.get_text() for t in ax.texts]


def test_draws_into_a_given_axes():
    fig, (a1, a2) = plt.subplots(1, 2)
    assert graphs.draw_folded("hidden", a1) is a1
    assert graphs.draw_unrolled("hidden", 3, a2) is a2
    assert not a2.axison


def test_gradient_highlight_follows_the_backward_flow():
    ax = graphs.draw_unrolled("hidden", 3, highlight="gradient")
    grads = set(gids(ax, "grad:"))
    # from every loss: L->o, o->h, and back along W to h(0); never into x or y
    assert {"grad:L3->o3", "grad:o3->h3", "grad:h3->h2", "grad:h1->h0"} <= grads
    assert len(grads) == 3 * 3
    assert not any(g.endswith(("->x1", "->y1")) for g in grads)
    one = set(gids(graphs.draw_unrolled("hidden", 4, highlight="gradient:L2"), "grad:"))
    assert one == {"grad:L2->o2", "grad:o2->h2", "grad:h2->h1", "grad:h1->h0"}
    tf = set(gids(graphs.draw_unrolled("teacher_forcing", 3, highlight="gradient"),
                  "grad:"))
    assert not any(g.startswith("grad:h") and g[-2] == "h" for g in tf)  # no h->h flow


def test_highlight_nodes_and_edges():
    ax = graphs.draw_unrolled("hidden", 3, highlight=["h2", ("h1", "h2")])
    node = next(p for p in ax.patches if p.get_gid() == "node:h2")
    other = next(p for p in ax.patches if p.get_gid() == "node:h1")
    assert node.get_linewidth() > other.get_linewidth()
    edge = next(p for p in ax.patches if p.get_gid() == "edge:h1->h2")
    plain = next(p for p in ax.patches if p.get_gid() == "edge:h2->h3")
    assert edge.get_linewidth() > plain.get_linewidth()


def test_draw_pair():
    fig, (af, au) = graphs.draw_pair("output", 4)
    assert len(gids(af, "node:")) == 5 and len(gids(au, "node:")) == 20
    assert [t.get_text() for t in fig.texts] == ["Unfold"]


@pytest.mark.parametrize("call,exc,match", [
    (lambda: graphs.draw_unrolled("lstm"), ValueError, "kind must be one of"),
    (lambda: graphs.draw_unrolled(3), TypeError, "kind must be a str"),
    (lambda: graphs.draw_folded(None), TypeError, "kind must be a str"),
    (lambda: graphs.draw_unrolled("hidden", 0), ValueError, "tau must be a positive int"),
    (lambda: graphs.draw_unrolled("hidden", 2.0), TypeError, "tau must be a positive int"),
    (lambda: graphs.draw_unrolled("hidden", True), TypeError, "tau must be a positive int"),
    (lambda: graphs.draw_unrolled("hidden", 31), ValueError, "at most 30"),
    (lambda: graphs.draw_unrolled("teacher_forcing", mode="eval"), ValueError,
     "mode must be one of"),
    (lambda: graphs.draw_unrolled("teacher_forcing", mode=1), TypeError, "mode must be a str"),
    (lambda: graphs.draw_unrolled("hidden", mode="train"), ValueError,
     "mode applies only to kind='teacher_forcing'"),
    (lambda: graphs.draw_folded("output", mode="test"), ValueError, "mode applies only"),
    (lambda: graphs.draw_unrolled("hidden", 3, ax="axes"), TypeError,
     "ax must be a matplotlib Axes"),
    (lambda: graphs.draw_unrolled("hidden", 3, highlight=["h9"]), ValueError,
     "no node 'h9'"),
    (lambda: graphs.draw_unrolled("hidden", 3, highlight=[("h1", "h3")]), ValueError,
     "no edge"),
    (lambda: graphs.draw_unrolled("hidden", 3, highlight=[3]), TypeError,
     "highlight items must be"),
    (lambda: graphs.draw_unrolled("hidden", 3, highlight=7), TypeError,
     "highlight must be None"),
    (lambda: graphs.draw_unrolled("summary", 3, highlight="gradient:L1"), ValueError,
     "names no loss"),
    (lambda: graphs.draw_unrolled("hidden", 3, fontsize=-1), ValueError,
     "fontsize must be"),
    (lambda: graphs.draw_unrolled("hidden", 3, colour="red"), TypeError, "colour"),
])
def test_bad_arguments_raise_clearly(call, exc, match):
    with pytest.raises(exc, match=match):
        call()

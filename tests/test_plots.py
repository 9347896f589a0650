"""Plotting helpers: they draw what they are given and refuse bad input clearly."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import rnn_course as rc  # noqa: E402
from rnn_course import plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def fake_history(n=200, n_eval=4):
    rng = np.random.default_rng(0)
    loss = 4.0 * np.exp(-np.arange(n) / 60) + 1.0 + 0.1 * rng.standard_normal(n)
    eval_steps = np.linspace(n // n_eval, n, n_eval).astype(int)
    return rc.History(loss=loss, grad_norm=np.ones(n), eval_steps=eval_steps,
                      eval_loss=loss[eval_steps - 1] + 0.1, seconds=1.0)


def test_moving_average_matches_a_direct_loop():
    v = np.array([1.0, 3.0, 2.0, 6.0, 4.0])
    direct = [np.mean(v[max(0, i - 2): i + 1]) for i in range(len(v))]
    assert np.allclose(plots.moving_average(v, 3), direct)
    assert np.allclose(plots.moving_average(v, 1), v)
    assert np.allclose(plots.moving_average(v, 100), np.cumsum(v) / np.arange(1, 6))


def test_loss_curve_draws_the_scaled_losses_and_references():
    h = fake_history()
    ax = plots.loss_curve(h, train_scale=0.5, smooth=10, references={"uniform": 3.0},
                          title="t", total_steps=250)
    assert isinstance(ax, Axes)
    raw, smooth, ev = ax.lines[:3]
    assert np.allclose(raw.get_ydata(), 0.5 * h.loss)
    assert np.allclose(smooth.get_ydata(), plots.moving_average(0.5 * h.loss, 10))
    assert np.allclose(ev.get_xdata(), h.eval_steps)
    assert np.allclose(ev.get_ydata(), h.eval_loss)   # drawn as they are
    assert any(np.allclose(line.get_ydata(), 3.0) for line in ax.lines[3:])
    assert ax.get_xlim() == (0, 250)
    assert ax.get_title() == "t"


def test_loss_curve_into_given_axes_and_without_evaluations():
    _, ax = plt.subplots()
    h = rc.History(loss=np.array([3.0, 2.0, 1.0]), grad_norm=np.ones(3))
    assert plots.loss_curve(h, ax) is ax
    assert len(ax.lines) == 2


def test_live_plot_is_a_train_callback_that_redraws():
    rng = np.random.default_rng(0)
    model = rc.HiddenRNN(5, 7, 5, seed=1)
    ids = rng.integers(0, 5, size=400)
    batches = rc.data.random_windows(ids, 6, 3, rng=rng)
    live = plots.LiveLossPlot(12, train_scale=1 / 6, references={"uniform": np.log(5)})
    hist = rc.train(model, batches, rc.Adam(0.01), steps=12, progress=False,
                    eval_fn=lambda m: m.loss(ids[:50, None], ids[1:51, None]) / 50,
                    eval_every=4, callback=live)
    assert live.updates == 3
    ev = live.ax.lines[2]
    assert np.allclose(ev.get_ydata(), hist.eval_loss)
    assert np.allclose(live.ax.lines[0].get_ydata(), hist.loss / 6)
    assert len(live.ax.lines[0].get_ydata()) == 12
    assert live.ax.get_xlim() == (0, 12)


def test_hidden_heatmap_shows_units_by_characters():
    h = np.tanh(np.random.default_rng(0).standard_normal((11, 6)))
    ax = plots.hidden_heatmap(h, "In the\nbegi", units=[4, 1])
    img = ax.images[0].get_array()
    assert img.shape == (2, 11)
    assert np.allclose(img, h[:, [4, 1]].T)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[2] == "\u2423" and labels[6] == "\u21b5" and labels[0] == "I"
    assert isinstance(plots.hidden_heatmap(h, "x" * 11, colorbar=False), Axes)
    ax = plots.hidden_heatmap(h, "x" * 11, units=[0, 5], unit_labels=["a", "b"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]


def test_text_activation_colours_each_character():
    text = "And God said"
    v = np.linspace(-1, 1, len(text))
    ax = plots.text_activation(text, v, width=5, title="unit 3")
    grid = ax.images[0].get_array()
    assert grid.shape == (3, 5)
    assert np.allclose(grid.compressed(), v)
    assert [t.get_text() for t in ax.texts] == list(text)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: plots.loss_curve([1, 2]), TypeError, "history must be an rnn_course History"),
    (lambda: plots.loss_curve(fake_history(), train_scale=0), ValueError,
     "train_scale must be"),
    (lambda: plots.loss_curve(fake_history(), train_scale="1"), TypeError,
     "train_scale must be"),
    (lambda: plots.loss_curve(fake_history(), ax=1), TypeError, "ax must be"),
    (lambda: plots.moving_average([1, 2], 0), ValueError, "window must be a positive int"),
    (lambda: plots.moving_average(np.ones((2, 2)), 2), ValueError, "must be 1-D"),
    (lambda: plots.LiveLossPlot(0), ValueError, "total_steps must be a positive int"),
    (lambda: plots.hidden_heatmap(np.zeros(3), "abc"), ValueError, "shape"),
    (lambda: plots.hidden_heatmap(np.zeros((3, 2)), "ab"), ValueError, "must match"),
    (lambda: plots.hidden_heatmap(np.zeros((3, 2)), 5), TypeError, "text must be a str"),
    (lambda: plots.hidden_heatmap(np.zeros((3, 2)), "abc", units=[2]), ValueError,
     "units must be"),
    (lambda: plots.hidden_heatmap(np.zeros((3, 2)), "abc", unit_labels=["a"]), ValueError,
     "one label per unit"),
    (lambda: plots.text_activation("abc", [0.0, 1.0]), ValueError, r"shape \(len\(text\),\)"),
    (lambda: plots.text_activation("abc", np.zeros(3), width=0), ValueError, "width"),
])
def test_bad_input_raises_clearly(call, exc, match):
    with pytest.raises(exc, match=match):
        call()

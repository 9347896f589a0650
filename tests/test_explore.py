"""The static (no-kernel) slider used by the chapters' explorations."""

import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from rnn_course.explore import static_slider  # noqa: E402


def _draw(fig, value):
    ax = fig.add_subplot()
    ax.plot(np.sin(value * np.linspace(0, 3, 20)))
    ax.set_title(f"frequency {value}")


def test_one_frame_per_value_behind_a_range_slider():
    html = static_slider(_draw, [0.5, 1.0, 2.0, 4.0]).data
    assert 'class="animation"' in html
    assert re.search(r'<input[^>]*type="range"', html)
    assert len(re.findall(r"frames\[\d+\] = ", html)) == 4
    assert "new Array(4)" in html


def test_player_loads_nothing_from_the_network():
    html = static_slider(_draw, [1.0, 2.0]).data
    assert "font-awesome" not in html and "https://" not in html
    assert '<i class="fa' not in html


def test_frames_differ():
    html = static_slider(_draw, [0.5, 4.0]).data
    frames = re.findall(r'frames\[\d+\] = "([^"]+)"', html)
    assert len(frames) == 2 and frames[0] != frames[1]


@pytest.mark.parametrize("values, message", [([], "between 1 and 60"),
                                             (range(61), "between 1 and 60")])
def test_bad_values(values, message):
    with pytest.raises(ValueError, match=message):
        static_slider(_draw, values)


def test_draw_must_be_callable():
    with pytest.raises(TypeError, match="draw must be callable"):
        static_slider("not a function", [1])

"""Explorations that work on a static web page as well as in a live notebook.

A slider made with ``ipywidgets.interact`` needs a running kernel: on the built
web page it is frozen. :func:`static_slider` precomputes one frame per value and
returns matplotlib's JavaScript player, whose slider runs in the browser with no
kernel. Chapters show both: the live widget for readers running the notebook, the
static slider for readers of the web page.
"""

from __future__ import annotations

from typing import Callable, Sequence

import re

import matplotlib.pyplot as plt
from matplotlib import animation

__all__ = ["static_slider"]

# matplotlib's player draws its buttons with Font Awesome 4 from a CDN; the course's
# pages work offline, so the link goes and each icon becomes a plain text symbol.
_ICONS = {  # glyphs that common fonts (DejaVu Sans, Arial) have
    "fa fa-minus": "\u2212", "fa fa-plus": "+",
    "fa fa-fast-backward": "|\u25c1", "fa fa-step-backward": "\u25c1",
    "fa fa-play fa-flip-horizontal": "\u25c0", "fa fa-pause": "||",
    "fa fa-play": "\u25b6", "fa fa-step-forward": "\u25b7",
    "fa fa-fast-forward": "\u25b7|",
}
_CDN_LINK = re.compile(r"<link[^>]*font-awesome[^>]*>", re.S)
_ICON = re.compile(r'<i class="(fa [^"]*)"></i>')


def _offline(html: str) -> str:
    html = _CDN_LINK.sub("", html)
    return _ICON.sub(lambda m: _ICONS.get(m.group(1), "\u2022"), html)


def static_slider(draw: Callable, values: Sequence, *, figsize=(6.4, 3.6),
                  interval: int = 400, dpi: int = 80):
    """A slider over ``values`` that needs no kernel: one precomputed frame per value.

    Args:
        draw: ``draw(fig, value)`` draws the frame for ``value`` on the (cleared)
            figure ``fig``; it should put the value in a title so the reader sees it.
        values: the slider's positions, in order (at most 60, as each is an image).
        figsize, dpi: the frame size; interval: milliseconds between frames on "play".
    Returns:
        an ``IPython.display.HTML`` object holding the player; it loads nothing
        from the network.
    """
    from IPython.display import HTML

    values = list(values)
    if not callable(draw):
        raise TypeError(f"draw must be callable as draw(fig, value); got {type(draw).__name__}")
    if not 1 <= len(values) <= 60:
        raise ValueError(f"need between 1 and 60 values (one image each); got {len(values)}")
    fig = plt.figure(figsize=figsize, dpi=dpi)

    def frame(i):
        fig.clear()
        draw(fig, values[i])
        return []

    player = animation.FuncAnimation(fig, frame, frames=len(values), interval=interval,
                                     blit=False, repeat=False)
    html = _offline(player.to_jshtml(default_mode="once"))
    plt.close(fig)
    return HTML(html)

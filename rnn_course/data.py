"""The text that ships with the course, a character vocabulary, and batches.

Batches are time-major: ``x`` and ``y`` are ``(tau, B)`` token ids, ``y`` being ``x``
shifted by one character (the next character is the target).
"""

from __future__ import annotations

from importlib import resources
from typing import Iterator, NamedTuple

import numpy as np

from ._validate import check_positive_int
from .sampling import check_rng

__all__ = ["TEXTS", "load_text", "CharVocab", "Batch", "split", "random_windows",
           "tbptt_stream"]

TEXTS = {
    "kjv": "kjv_genesis_ruth.txt",
}
"""Texts shipped in ``rnn_course/data`` (source and licence in ``data/README.md``)."""


def load_text(name: str = "kjv") -> str:
    """The text ``name`` from the package's data (no network)."""
    if name not in TEXTS:
        raise ValueError(f"unknown text {name!r}; available: {sorted(TEXTS)}")
    return resources.files(__package__).joinpath("data", TEXTS[name]).read_text("utf-8")


class CharVocab:
    """A character vocabulary: ``chars[i]`` is the character with id ``i``."""

    def __init__(self, chars):
        self.chars = list(chars)
        if len(set(self.chars)) != len(self.chars):
            raise ValueError("a vocabulary's characters must be distinct")
        self.index = {ch: i for i, ch in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text: str) -> "CharVocab":
        """Every distinct character of ``text``, sorted."""
        if not isinstance(text, str) or not text:
            raise ValueError("need a non-empty str to build a vocabulary")
        return cls(sorted(set(text)))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """``text`` as ids, ``(len(text),)``."""
        unknown = sorted(set(text) - set(self.index))
        if unknown:
            raise ValueError(f"characters not in the vocabulary: {unknown!r}")
        return np.fromiter((self.index[ch] for ch in text), dtype=np.intp, count=len(text))

    def decode(self, ids) -> str:
        """ids (any shape, flattened) back to a string."""
        ids = np.asarray(ids).reshape(-1)
        if ids.size and ids.dtype.kind not in "iu":
            raise TypeError(f"ids must be integers; got dtype {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must be in [0, {len(self)}); got values from "
                             f"{ids.min()} to {ids.max()}")
        return "".join(self.chars[i] for i in ids)

    def __repr__(self) -> str:
        return f"CharVocab({len(self)} characters)"


class Batch(NamedTuple):
    x: np.ndarray       # (tau, B) input ids
    y: np.ndarray       # (tau, B) target ids, x shifted by one
    reset: bool = False  # True: the streams start afresh (no state to carry in)


def split(ids: np.ndarray, fraction: float = 0.9):
    """The first ``fraction`` of ``ids`` for training, the rest held out."""
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be in (0, 1); got {fraction}")
    cut = int(len(ids) * fraction)
    return ids[:cut], ids[cut:]


def random_windows(ids, seq_len, batch_size, *, rng) -> Iterator[Batch]:
    """Endless batches of ``batch_size`` windows of ``seq_len`` at random offsets."""
    ids = np.asarray(ids)
    seq_len = check_positive_int(seq_len, "seq_len")
    batch_size = check_positive_int(batch_size, "batch_size")
    rng = check_rng(rng)
    if len(ids) < seq_len + 1:
        raise ValueError(f"need at least seq_len + 1 = {seq_len + 1} ids; got {len(ids)}")
    offsets = np.arange(seq_len + 1)[:, None]
    while True:
        starts = rng.integers(0, len(ids) - seq_len, size=batch_size)
        window = ids[starts[None, :] + offsets]          # (seq_len + 1, B)
        yield Batch(x=window[:-1], y=window[1:])


def tbptt_stream(ids, seq_len, batch_size) -> Iterator[Batch]:
    """Endless batches for truncated BPTT: ``batch_size`` contiguous streams.

    The text is cut into ``batch_size`` equal streams read side by side, ``seq_len``
    characters at a time, so chunk ``k + 1`` of a stream continues chunk ``k`` and the
    final hidden state of one batch is the right initial state of the next. When
    the streams run out they start again, with ``reset=True``.
    """
    ids = np.asarray(ids)
    seq_len = check_positive_int(seq_len, "seq_len")
    batch_size = check_positive_int(batch_size, "batch_size")
    per_stream = (len(ids) - 1) // batch_size
    n_chunks = per_stream // seq_len
    if n_chunks < 1:
        raise ValueError(f"{len(ids)} ids are too few for {batch_size} streams of "
                         f"{seq_len + 1}")
    streams = np.stack([ids[i * per_stream: i * per_stream + per_stream + 1]
                        for i in range(batch_size)], axis=1)  # (per_stream + 1, B)
    while True:
        for k in range(n_chunks):
            chunk = streams[k * seq_len: (k + 1) * seq_len + 1]
            yield Batch(x=chunk[:-1], y=chunk[1:], reset=(k == 0))

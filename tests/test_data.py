"""The shipped text, the character vocabulary, and the two batch iterators."""

import socket
from itertools import islice

import numpy as np
import pytest

from rnn_course import data


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("load_text tried to open a network connection")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_network")
def test_load_text_offline():
    text = data.load_text("kjv")
    assert text == data.load_text()                 # "kjv" is the default
    assert isinstance(text, str)
    assert len(text) == 1_026_921 and len(set(text)) == 62   # as data/README.md states
    assert text.startswith("In the beginning God created the heaven and the earth.")
    with pytest.raises(ValueError, match=r"^unknown text 'shakespeare'; available: \['kjv'\]$"):
        data.load_text("shakespeare")


def test_char_vocab_round_trip():
    text = "the cat sat on the mat\nAnd: 'no!'"
    vocab = data.CharVocab.from_text(text)
    assert vocab.chars == sorted(set(text)) and len(vocab) == len(set(text))
    ids = vocab.encode(text)
    assert ids.shape == (len(text),) and ids.dtype == np.intp
    assert vocab.decode(ids) == text
    assert vocab.decode(ids.reshape(-1, 1)) == text        # any shape, flattened
    assert all(vocab.chars[i] == ch for i, ch in zip(ids, text))
    assert vocab.encode("").shape == (0,) and vocab.decode([]) == ""
    assert repr(vocab) == f"CharVocab({len(vocab)} characters)"


def test_char_vocab_round_trip_on_the_shipped_text():
    text = data.load_text()[:5000]
    vocab = data.CharVocab.from_text(data.load_text())
    assert len(vocab) == 62
    assert vocab.decode(vocab.encode(text)) == text


def test_char_vocab_errors():
    vocab = data.CharVocab("abc")
    with pytest.raises(ValueError, match=r"^characters not in the vocabulary: \['d', 'z'\]$"):
        vocab.encode("abzd")
    with pytest.raises(ValueError, match=r"^a vocabulary's characters must be distinct$"):
        data.CharVocab("aba")
    with pytest.raises(ValueError, match=r"^need a non-empty str to build a vocabulary$"):
        data.CharVocab.from_text("")
    with pytest.raises(ValueError, match=r"^need a non-empty str to build a vocabulary$"):
        data.CharVocab.from_text(["a", "b"])
    with pytest.raises(ValueError, match=r"^ids must be in \[0, 3\); got values from -1 to 2$"):
        vocab.decode([2, -1])                       # not silently the last character
    with pytest.raises(ValueError, match=r"^ids must be in \[0, 3\); got values from 0 to 3$"):
        vocab.decode([0, 3])
    with pytest.raises(TypeError, match=r"^ids must be integers; got dtype float64$"):
        vocab.decode([0.0, 1.0])


def test_split():
    ids = np.arange(100)
    train, held = data.split(ids, 0.9)
    np.testing.assert_array_equal(train, np.arange(90))
    np.testing.assert_array_equal(held, np.arange(90, 100))
    for bad in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError, match=r"^fraction must be in \(0, 1\); got "):
            data.split(ids, bad)


def test_random_windows_shapes_and_contiguity():
    ids = np.arange(1000) * 7                       # the value says where it came from
    batches = data.random_windows(ids, 12, 5, rng=np.random.default_rng(0))
    for batch in islice(batches, 20):
        assert isinstance(batch, data.Batch)
        assert batch.x.shape == batch.y.shape == (12, 5)
        assert batch.reset is False
        np.testing.assert_array_equal(batch.y[:-1], batch.x[1:])   # y is x shifted by one
        start = batch.x[0] // 7
        np.testing.assert_array_equal(batch.x, ids[start[None, :] + np.arange(12)[:, None]])
        np.testing.assert_array_equal(batch.y[-1], ids[start + 12])
    first = [b.x for b in islice(data.random_windows(ids, 12, 5, rng=np.random.default_rng(3)), 3)]
    again = [b.x for b in islice(data.random_windows(ids, 12, 5, rng=np.random.default_rng(3)), 3)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)


def test_random_windows_reach_both_ends():
    ids = np.arange(6)
    starts = {int(b.x[0, 0]) for b in islice(
        data.random_windows(ids, 3, 4, rng=np.random.default_rng(0)), 50)}
    assert starts == {0, 1, 2}                      # the last window ends at ids[-1]


def test_tbptt_stream_chunks_continue_each_other():
    ids = np.arange(103)
    seq_len, B = 4, 3
    per_stream = (len(ids) - 1) // B                 # 34 ids per stream (+1 for the target)
    n_chunks = per_stream // seq_len                 # 8 chunks
    batches = list(islice(data.tbptt_stream(ids, seq_len, B), 2 * n_chunks + 1))
    for k, batch in enumerate(batches):
        assert batch.x.shape == batch.y.shape == (seq_len, B)
        assert batch.reset == (k % n_chunks == 0)
        np.testing.assert_array_equal(batch.y[:-1], batch.x[1:])
    for k in range(n_chunks - 1):                    # chunk k + 1 continues chunk k
        np.testing.assert_array_equal(batches[k + 1].x[0], batches[k].y[-1])
        np.testing.assert_array_equal(batches[k + 1].x[0], batches[k].x[-1] + 1)
    # each column is one contiguous stream of the text; streams start per_stream apart
    stream = np.concatenate([b.x for b in batches[:n_chunks]], axis=0)   # (32, 3)
    for col in range(B):
        np.testing.assert_array_equal(stream[:, col],
                                      ids[col * per_stream: col * per_stream + n_chunks * seq_len])
    # after the last chunk the streams start again, with reset=True
    np.testing.assert_array_equal(batches[n_chunks].x, batches[0].x)
    assert batches[n_chunks].reset


def test_iterator_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"^need at least seq_len \+ 1 = 11 ids; got 10$"):
        next(data.random_windows(np.arange(10), 10, 2, rng=rng))
    with pytest.raises(TypeError, match=r"^rng must be a numpy Generator"):
        next(data.random_windows(np.arange(10), 3, 2, rng=0))
    with pytest.raises(ValueError, match=r"^seq_len must be a positive int; got 0$"):
        next(data.random_windows(np.arange(10), 0, 2, rng=rng))
    with pytest.raises(ValueError, match=r"^10 ids are too few for 4 streams of 5$"):
        next(data.tbptt_stream(np.arange(10), 4, 4))
    with pytest.raises(TypeError, match=r"^batch_size must be a positive int; got a float$"):
        next(data.tbptt_stream(np.arange(10), 2, 2.0))

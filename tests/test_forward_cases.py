"""Forward passes against small cases computed by hand (plain arithmetic, math.tanh).

Nothing on the right-hand side of an assertion calls the package: the expected
numbers come from the book's equations written out with scalars.
"""

import math

import numpy as np
import pytest

import rnn_course as rc


def softmax_list(o):
    m = max(o)
    e = [math.exp(v - m) for v in o]
    s = sum(e)
    return [v / s for v in e]


def close(actual, expected, tol=1e-13):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, float),
                               rtol=tol, atol=tol)


# -- the hidden-to-hidden recurrence: n_in = 3, n_hidden = 2, n_out = 2, B = 1 ---------
U = [[0.5, -1.0, 0.25],
     [0.3, 0.2, -0.4]]
W = [[0.6, -0.2],          # not symmetric, so using W^T would change the numbers
     [0.1, 0.9]]
b = [0.1, -0.2]
V = [[1.0, -0.5],
     [-0.3, 0.8]]
c = [0.05, -0.1]
H0 = [0.3, -0.6]
X = [[1.0, 0.0, 2.0],      # x(1)
     [0.0, -1.0, 0.5]]     # x(2)
Y = [1, 0]


def set_params(model, **params):
    for name, value in params.items():
        model.params[name] = np.array(value, dtype=float)


def hand_hidden_two_steps():
    """a(t), h(t), o(t), yhat(t) for t = 1, 2, each written out entry by entry."""
    h1_prev = H0
    # t = 1: a = b + W h(0) + U x(1)
    a1 = [b[0] + W[0][0] * h1_prev[0] + W[0][1] * h1_prev[1]
          + U[0][0] * X[0][0] + U[0][1] * X[0][1] + U[0][2] * X[0][2],
          b[1] + W[1][0] * h1_prev[0] + W[1][1] * h1_prev[1]
          + U[1][0] * X[0][0] + U[1][1] * X[0][1] + U[1][2] * X[0][2]]
    assert a1 == pytest.approx([1.4, -1.21], abs=1e-15)  # 0.1+0.18+0.12+0.5+0.5, ...
    h1 = [math.tanh(a1[0]), math.tanh(a1[1])]
    # t = 2: a = b + W h(1) + U x(2)
    a2 = [b[0] + W[0][0] * h1[0] + W[0][1] * h1[1]
          + U[0][0] * X[1][0] + U[0][1] * X[1][1] + U[0][2] * X[1][2],
          b[1] + W[1][0] * h1[0] + W[1][1] * h1[1]
          + U[1][0] * X[1][0] + U[1][1] * X[1][1] + U[1][2] * X[1][2]]
    h2 = [math.tanh(a2[0]), math.tanh(a2[1])]
    o1 = [c[0] + V[0][0] * h1[0] + V[0][1] * h1[1], c[1] + V[1][0] * h1[0] + V[1][1] * h1[1]]
    o2 = [c[0] + V[0][0] * h2[0] + V[0][1] * h2[1], c[1] + V[1][0] * h2[0] + V[1][1] * h2[1]]
    return a1, a2, h1, h2, o1, o2


def test_hidden_rnn_two_steps_by_hand():
    model = rc.HiddenRNN(3, 2, 2)
    set_params(model, U=U, W=W, b=b, V=V, c=c)
    x = np.array(X)[:, None, :]                    # (tau=2, B=1, n_in=3)
    h0 = np.array([H0])
    fwd = model.forward(x, h0)
    a1, a2, h1, h2, o1, o2 = hand_hidden_two_steps()
    assert fwd.h.shape == (3, 1, 2) and fwd.a.shape == (2, 1, 2)
    close(fwd.h[:, 0], [H0, h1, h2])
    close(fwd.a[:, 0], [a1, a2])
    close(fwd.o[:, 0], [o1, o2])
    yhat1, yhat2 = softmax_list(o1), softmax_list(o2)
    close(fwd.yhat[:, 0], [yhat1, yhat2])
    loss = -math.log(yhat1[Y[0]]) - math.log(yhat2[Y[1]])
    y = np.array(Y)[:, None]
    assert model.loss(x, y, h0) == pytest.approx(loss, rel=1e-13)
    assert model.bptt(x, y, h0).loss == pytest.approx(loss, rel=1e-13)


def hand_hidden_ids(ids):
    """Two steps from h(0) = 0 reading token ids: U x(t) is U's column x(t)."""
    h = [0.0, 0.0]
    a_seq, h_seq, o_seq = [], [], []
    for i in ids:
        a = [b[k] + W[k][0] * h[0] + W[k][1] * h[1] + U[k][i] for k in range(2)]
        h = [math.tanh(v) for v in a]
        o = [c[j] + V[j][0] * h[0] + V[j][1] * h[1] for j in range(2)]
        a_seq.append(a), h_seq.append(h), o_seq.append(o)
    return a_seq, h_seq, o_seq


def test_hidden_rnn_batch_of_token_ids_by_hand():
    """Two examples side by side (columns of ids); the loss is the mean over the
    batch of each example's sum over time."""
    model = rc.HiddenRNN(3, 2, 2)
    set_params(model, U=U, W=W, b=b, V=V, c=c)
    ids = np.array([[0, 2],
                    [2, 0]])                        # (tau=2, B=2): example 1 reads 2, 0
    a1, h1, o1 = hand_hidden_ids([2, 0])
    assert a1[0] == pytest.approx([0.1 + 0.25, -0.2 - 0.4])   # b + U[:, 2]
    a0, h0, o0 = hand_hidden_ids([0, 2])
    fwd = model.forward(ids)
    close(fwd.a[:, 0], a0)
    close(fwd.a[:, 1], a1)
    close(fwd.h[:, 0], [[0.0, 0.0]] + h0)
    close(fwd.h[:, 1], [[0.0, 0.0]] + h1)
    close(fwd.o[:, 0], o0)
    close(fwd.o[:, 1], o1)
    y = np.array([[1, 0],
                  [0, 1]])
    nll0 = -math.log(softmax_list(o0[0])[1]) - math.log(softmax_list(o0[1])[0])
    nll1 = -math.log(softmax_list(o1[0])[0]) - math.log(softmax_list(o1[1])[1])
    assert model.loss(ids, y) == pytest.approx((nll0 + nll1) / 2, rel=1e-13)


def test_summary_rnn_two_steps_by_hand():
    model = rc.SummaryRNN(3, 2, 2)
    set_params(model, U=U, W=W, b=b, V=V, c=c)
    x = np.array(X)[:, None, :]
    h0 = np.array([H0])
    a1, a2, h1, h2, _, o2 = hand_hidden_two_steps()
    fwd = model.forward(x, h0)
    close(fwd.h[:, 0], [H0, h1, h2])
    close(fwd.o, [o2])                              # read from h(tau) only
    close(fwd.yhat, [softmax_list(o2)])
    close(model.summary(x, h0), [h2])
    assert model.predict(x, h0).tolist() == [int(o2[1] > o2[0])]
    assert model.loss(x, np.array([1]), h0) == pytest.approx(
        -math.log(softmax_list(o2)[1]), rel=1e-13)


# -- output recurrence, teacher forced: n_in = 2 (ids), n_hidden = 2, n_out = 3 --------
def test_output_rnn_teacher_forced_by_hand():
    U2 = [[0.4, -0.7], [1.1, 0.2]]                  # (n_hidden=2, n_in=2)
    W2 = [[0.9, -0.6, 0.3], [-0.2, 0.5, 1.2]]       # (n_hidden=2, n_out=3)
    b2 = [0.05, -0.1]
    V2 = [[1.0, 0.3], [-0.8, 0.6], [0.2, -1.1]]     # (n_out=3, n_hidden=2)
    c2 = [0.1, 0.0, -0.2]
    model = rc.OutputRecurrentRNN(2, 2, 3)
    set_params(model, U=U2, W=W2, b=b2, V=V2, c=c2)
    x_ids = [1, 0, 1]
    y_ids = [2, 0, 1]
    a, h, o = [], [], []
    for t in range(3):
        # a(t) = b + U onehot(x(t)) + W onehot(y(t-1)); no W term at the first step
        fed = [W2[k][y_ids[t - 1]] if t > 0 else 0.0 for k in range(2)]
        a_t = [b2[k] + U2[k][x_ids[t]] + fed[k] for k in range(2)]
        h_t = [math.tanh(v) for v in a_t]
        o_t = [c2[j] + V2[j][0] * h_t[0] + V2[j][1] * h_t[1] for j in range(3)]
        a.append(a_t), h.append(h_t), o.append(o_t)
    assert a[0] == pytest.approx([0.05 - 0.7, -0.1 + 0.2])
    assert a[1] == pytest.approx([0.05 + 0.4 + 0.3, -0.1 + 1.1 + 1.2])
    x = np.array(x_ids)[:, None]
    y = np.array(y_ids)[:, None]
    fwd = model.forward(x, y)
    close(fwd.a[:, 0], a)
    close(fwd.h[:, 0], h)
    close(fwd.o[:, 0], o)
    close(fwd.yhat[:, 0], [softmax_list(v) for v in o])
    loss = -sum(math.log(softmax_list(o[t])[y_ids[t]]) for t in range(3))
    assert model.loss(x, y) == pytest.approx(loss, rel=1e-13)
    assert model.bptt(x, y).loss == pytest.approx(loss, rel=1e-13)


# -- output recurrence, closed loop: n_in = 1, n_hidden = 1, n_out = 2, B = 1 ----------
U1, W1, b1, V1, c1 = [[1.0]], [[2.0, -1.5]], [0.1], [[1.5], [-1.0]], [0.0, 0.2]
X1 = [0.5, -0.3, 0.2]
SAMPLE_SEED = 1    # u = 0.512, 0.950, 0.144: step 2 draws the unlikely id 1


def hand_closed_loop(feedback, uniforms=None):
    """Three closed-loop steps. ``fed`` is what W multiplies at step t: nothing at
    t = 1, then yhat(t-1) ("probs") or the one-hot of the id chosen at t-1. A sampled
    id is the inverse CDF of one uniform u: id 0 if u < yhat[0], else 1."""
    fed = [0.0, 0.0]
    rec = {"a": [], "h": [], "o": [], "yhat": [], "fed": [], "y": []}
    for t in range(3):
        a = b1[0] + U1[0][0] * X1[t] + W1[0][0] * fed[0] + W1[0][1] * fed[1]
        h = math.tanh(a)
        o = [c1[0] + V1[0][0] * h, c1[1] + V1[1][0] * h]
        p = softmax_list(o)
        if feedback == "sample":
            chosen = 0 if uniforms[t] < p[0] else 1
        else:
            chosen = 0 if o[0] >= o[1] else 1
        for key, value in zip(("a", "h", "o", "yhat", "fed", "y"), (a, h, o, p, fed, chosen)):
            rec[key].append(value)
        fed = p if feedback == "probs" else [1.0 - chosen, float(chosen)]
    return rec


def check_closed_loop(run, rec):
    close(run.a[:, 0, 0], rec["a"])
    close(run.h[:, 0, 0], rec["h"])
    close(run.o[:, 0], rec["o"])
    close(run.yhat[:, 0], rec["yhat"])
    close(run.fed[:, 0], rec["fed"])
    assert run.y[:, 0].tolist() == rec["y"]


def closed_loop_model():
    model = rc.OutputRecurrentRNN(1, 1, 2)
    set_params(model, U=U1, W=W1, b=b1, V=V1, c=c1)
    return model


@pytest.mark.parametrize("feedback", ["probs", "argmax"])
def test_output_rnn_closed_loop_by_hand(feedback):
    model = closed_loop_model()
    x = np.array(X1)[:, None, None]                 # (tau=3, B=1, n_in=1)
    rec = hand_closed_loop(feedback)
    assert rec["a"][0] == pytest.approx(0.6)        # 0.1 + 1.0 * 0.5
    if feedback == "argmax":
        assert rec["a"][1] == pytest.approx(1.8)    # 0.1 - 0.3 + 2.0 (id 0 was fed)
    run = model.closed_loop(x, feedback=feedback)
    check_closed_loop(run, rec)
    y = np.array([1, 0, 1])[:, None]
    loss = -sum(math.log(rec["yhat"][t][y[t, 0]]) for t in range(3))
    assert model.closed_loop_loss(x, y, feedback=feedback) == pytest.approx(loss, rel=1e-13)


def test_output_rnn_closed_loop_sample_by_hand():
    model = closed_loop_model()
    x = np.array(X1)[:, None, None]
    uniforms = np.random.default_rng(SAMPLE_SEED).random(3).tolist()
    rec = hand_closed_loop("sample", uniforms)
    # the seed is chosen so that sampling departs from the argmax path
    assert rec["y"] != hand_closed_loop("argmax")["y"]
    run = model.closed_loop(x, feedback="sample", rng=np.random.default_rng(SAMPLE_SEED))
    check_closed_loop(run, rec)
    y = np.array([0, 0, 1])[:, None]
    loss = -sum(math.log(rec["yhat"][t][y[t, 0]]) for t in range(3))
    assert model.closed_loop_loss(x, y, feedback="sample",
                                  rng=np.random.default_rng(SAMPLE_SEED)) == pytest.approx(
        loss, rel=1e-13)
    # temperature 0 samples greedily: the argmax path
    greedy = model.closed_loop(x, feedback="sample", rng=np.random.default_rng(0),
                               temperature=0)
    check_closed_loop(greedy, hand_closed_loop("argmax"))


@pytest.mark.parametrize("feedback", ["argmax", "sample"])
@pytest.mark.parametrize("tokens", [False, True])
def test_closed_loop_with_one_hot_feedback_equals_teacher_forcing_on_its_own_choices(
        feedback, tokens):
    rng = np.random.default_rng(5)
    model = rc.OutputRecurrentRNN(4, 5, 6, seed=2)
    for name, p in model.params.items():
        model.params[name] = rng.standard_normal(p.shape)
    x = rng.integers(0, 4, (7, 3)) if tokens else rng.standard_normal((7, 3, 4))
    run = model.closed_loop(x, feedback=feedback, rng=np.random.default_rng(1))
    teacher = model.forward(x, run.y)
    for name in ("a", "h", "o", "yhat"):
        np.testing.assert_allclose(getattr(run, name), getattr(teacher, name),
                                   rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(run.fed[1:], np.eye(6)[run.y[:-1]])
    np.testing.assert_array_equal(run.fed[0], 0.0)


def test_closed_loop_probs_feeds_the_softmax_and_records_argmax_ids():
    rng = np.random.default_rng(6)
    model = rc.OutputRecurrentRNN(4, 5, 6, seed=3)
    for name, p in model.params.items():
        model.params[name] = rng.standard_normal(p.shape)
    x = rng.standard_normal((5, 2, 4))
    run = model.closed_loop(x)                       # "probs" is the default
    np.testing.assert_array_equal(run.fed[0], 0.0)
    np.testing.assert_array_equal(run.fed[1:], run.yhat[:-1])
    np.testing.assert_array_equal(run.y, run.o.argmax(axis=-1))
    assert run.a.shape == run.h.shape == (5, 2, 5)
    assert run.o.shape == run.yhat.shape == run.fed.shape == (5, 2, 6)
    assert run.y.shape == (5, 2)

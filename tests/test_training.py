"""train(): learning, the history it returns, truncated BPTT with a carried state."""

import numpy as np
import pytest

import rnn_course as rc
from rnn_course.data import Batch, random_windows, tbptt_stream

PERIODIC = np.tile([0, 1, 2, 3], 60)   # next id = (id + 1) mod 4: learnable from x(t)


@pytest.mark.parametrize("cls", [rc.HiddenRNN, rc.OutputRecurrentRNN])
def test_loss_decreases_on_a_periodic_sequence(cls):
    model = cls(4, 8, 4, seed=0)
    batches = random_windows(PERIODIC, 6, 4, rng=np.random.default_rng(0))
    history = rc.train(model, batches, rc.Adam(0.05), steps=60, progress=False)
    assert history.loss[:3].mean() > 5.0            # ~ 6 log 4 = 8.3 at the start
    assert history.loss[-5:].mean() < 0.1


def test_summary_rnn_learns_to_remember_the_first_token():
    rng = np.random.default_rng(0)

    def batches():
        while True:
            x = rng.integers(0, 3, (3, 16))
            yield x, x[0]                             # the class is the first token

    model = rc.SummaryRNN(3, 8, 3, seed=0)
    history = rc.train(model, batches(), rc.Adam(0.05), steps=100, progress=False)
    assert history.loss[:3].mean() > 0.5 and history.loss[-10:].mean() < 0.01
    x = rng.integers(0, 3, (3, 50))
    np.testing.assert_array_equal(model.predict(x), x[0])


def test_history_shapes_evaluations_and_callback():
    model = rc.HiddenRNN(4, 6, 4, seed=1)
    batches = random_windows(PERIODIC, 5, 3, rng=np.random.default_rng(1))
    x_eval, y_eval = PERIODIC[:10, None], PERIODIC[1:11, None]
    calls = []

    def callback(step, history):
        calls.append((step, len(history.loss), history.eval_steps.copy()))

    history = rc.train(model, batches, rc.SGD(0.1), steps=10, eval_every=4,
                       eval_fn=lambda m: m.loss(x_eval, y_eval), callback=callback,
                       progress=False)
    assert isinstance(history, rc.History)
    assert history.loss.shape == history.grad_norm.shape == (10,)
    np.testing.assert_array_equal(history.eval_steps, [4, 8, 10])
    assert history.eval_loss.shape == (3,)
    assert history.eval_loss[-1] == pytest.approx(model.loss(x_eval, y_eval), rel=1e-14)
    assert np.isfinite(history.loss).all() and (history.grad_norm > 0).all()
    assert history.seconds > 0
    assert [(s, n) for s, n, _ in calls] == [(4, 4), (8, 8), (10, 10)]
    np.testing.assert_array_equal(calls[1][2], [4, 8])
    # eval_every defaults to the end only
    history = rc.train(model, random_windows(PERIODIC, 5, 3, rng=np.random.default_rng(1)),
                       rc.SGD(0.1), steps=3, eval_fn=lambda m: 0.0, progress=False)
    np.testing.assert_array_equal(history.eval_steps, [3])


def manual_run(model, batches, lr, steps, carry_state, clip=None):
    """What train() should do, written out: bptt, optional clip, SGD; the final state
    of one batch is the initial state of the next unless the batch resets."""
    h, losses, norms = None, [], []
    for _ in range(steps):
        batch = next(batches)
        if getattr(batch, "reset", False):
            h = None
        result = model.bptt(batch[0], batch[1], h if carry_state else None)
        grads = result.grads
        norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
        if clip is not None and norm > clip:
            grads = {k: g * (clip / norm) for k, g in grads.items()}
        for k in model.params:
            model.params[k] -= lr * grads[k]
        h = result.forward.h[-1]
        losses.append(result.loss)
        norms.append(norm)
    return np.array(losses), np.array(norms)


@pytest.mark.parametrize("cls", [rc.HiddenRNN, rc.SummaryRNN])
@pytest.mark.parametrize("carry_state", [True, False])
def test_train_equals_a_manual_run(cls, carry_state):
    """23 ids in 2 streams of 11 + 1 make 2 chunks of 5: steps 1, 3, 5 reset, steps 2
    and 4 continue from the previous batch's final state."""
    ids = np.random.default_rng(2).integers(0, 4, 23)
    if cls is rc.SummaryRNN:   # one label per stream chunk: the last target
        def stream():
            for batch in tbptt_stream(ids, 5, 2):
                yield Batch(x=batch.x, y=batch.y[-1], reset=batch.reset)
    else:
        def stream():
            yield from tbptt_stream(ids, 5, 2)
    model_a, model_b = cls(4, 6, 4, seed=3), cls(4, 6, 4, seed=3)
    history = rc.train(model_a, stream(), rc.SGD(0.3), steps=5, clip=0.5,
                       carry_state=carry_state, progress=False)
    losses, norms = manual_run(model_b, stream(), 0.3, 5, carry_state, clip=0.5)
    np.testing.assert_allclose(history.loss, losses, rtol=1e-13)
    np.testing.assert_allclose(history.grad_norm, norms, rtol=1e-13)   # before clipping
    for k in model_a.params:
        np.testing.assert_allclose(model_a.params[k], model_b.params[k], rtol=1e-13,
                                   atol=1e-15)


def test_carried_state_changes_the_continuing_batches_only():
    """The test above can fail: with and without a carried state, the reset batches
    (steps 1, 3, 5) start alike but a continuing batch (step 2) differs."""
    ids = np.random.default_rng(2).integers(0, 4, 23)
    runs = {}
    for carry in (True, False):
        model = rc.HiddenRNN(4, 6, 4, seed=3)
        runs[carry] = rc.train(model, tbptt_stream(ids, 5, 2), rc.SGD(1e-12), steps=3,
                               carry_state=carry, progress=False).loss
    assert runs[True][0] == runs[False][0]
    assert abs(runs[True][1] - runs[False][1]) > 1e-3
    assert runs[True][2] == pytest.approx(runs[False][2], rel=1e-9)   # reset: alike again


def test_progress_false_is_quiet_and_true_shows_a_bar(capsys):
    model = rc.HiddenRNN(4, 5, 4, seed=0)
    rc.train(model, random_windows(PERIODIC, 4, 2, rng=np.random.default_rng(0)),
             rc.SGD(0.1), steps=5, progress=False)
    out, err = capsys.readouterr()
    assert out == "" and err == ""
    rc.train(model, random_windows(PERIODIC, 4, 2, rng=np.random.default_rng(0)),
             rc.SGD(0.1), steps=5, progress=True, desc="tiny run")
    out, err = capsys.readouterr()
    assert "tiny run" in out + err


def test_tuple_batches_from_a_list():
    model = rc.HiddenRNN(4, 5, 4, seed=0)
    x = PERIODIC[:8].reshape(4, 2)
    history = rc.train(model, [(x, (x + 1) % 4)] * 3, rc.SGD(0.1), steps=3, progress=False)
    assert history.loss.shape == (3,) and history.loss[2] < history.loss[0]


def test_train_errors():
    model = rc.HiddenRNN(4, 5, 4, seed=0)
    x = PERIODIC[:8].reshape(4, 2)
    with pytest.raises(ValueError, match=r"^steps must be a positive int; got 0$"):
        rc.train(model, [(x, x)], rc.SGD(0.1), steps=0, progress=False)
    with pytest.raises(ValueError, match=r"^batches ran out after 2 of steps=5 updates$"):
        rc.train(model, [(x, x)] * 2, rc.SGD(0.1), steps=5, progress=False)
    with pytest.raises(ValueError, match=r"^eval_every must be a positive int; got -1$"):
        rc.train(model, [(x, x)], rc.SGD(0.1), steps=1, eval_fn=lambda m: 0.0, eval_every=-1,
                 progress=False)
    with pytest.raises(ValueError, match=r"^y must hold class ids in \[0, 4\); got values"):
        rc.train(model, [(x, x + 4)], rc.SGD(0.1), steps=1, progress=False)


def test_carry_state_refused_for_a_model_without_h0_before_any_update():
    model = rc.OutputRecurrentRNN(4, 5, 4, seed=0)
    before = {k: v.copy() for k, v in model.params.items()}
    with pytest.raises(ValueError, match=r"^carry_state=True needs a model with a hidden state "
                                         r"h\(0\) to carry; OutputRecurrentRNN has none$"):
        rc.train(model, tbptt_stream(PERIODIC, 5, 2), rc.SGD(0.1), steps=3, carry_state=True,
                 progress=False)
    for k in before:
        np.testing.assert_array_equal(model.params[k], before[k])

"""rnn_course: the recurrent networks of Goodfellow, Bengio & Courville, section 10.2.

Small, verified numpy implementations in the book's notation: parameters
``U, W, V, b, c``; states ``a, h, o, yhat``; arrays time-major ``(tau, B, n)``.

- :class:`HiddenRNN`: hidden-to-hidden recurrence, an output at every step (fig. 10.3).
- :class:`SummaryRNN`: reads a whole sequence, one output at the end (fig. 10.5).
- :class:`OutputRecurrentRNN`: output-to-hidden recurrence, teacher forcing and
  closed-loop use (figs. 10.4 and 10.6).
- :class:`OutputRecurrentRegressor`: the same with a real-valued output fed back;
  free-running training and scheduled sampling in :mod:`rnn_course.closed_loop`.
"""

from . import data, gradcheck, graphs, losses, optim, plots, recurrence, steps
from ._base import BPTTResult
from .gradcheck import check_model_gradients, numerical_gradient, relative_error
from .hidden_rnn import HiddenForward, HiddenRNN
from .optim import SGD, Adagrad, Adam, clip_by_global_norm, global_norm
from .output_rnn import ClosedLoopForward, OutputRecurrentForward, OutputRecurrentRNN
from .summary_rnn import SummaryForward, SummaryRNN
from .train import History, train
from . import gradient_flow, probe, tasks  # sequence-to-one tasks and read-outs (fig. 10.5)
from .output_regressor import OutputRecurrentRegressor, RegressorForward
from .closed_loop import FedHistory, train_fed  # free running, scheduled sampling
from . import closed_loop, signals  # chapter 4: closed-loop training and its tasks

__version__ = "0.1.0"

__all__ = [
    "HiddenRNN", "SummaryRNN", "OutputRecurrentRNN",
    "HiddenForward", "SummaryForward", "OutputRecurrentForward", "ClosedLoopForward",
    "BPTTResult", "History", "train",
    "SGD", "Adagrad", "Adam", "clip_by_global_norm", "global_norm",
    "numerical_gradient", "relative_error", "check_model_gradients",
    "data", "gradcheck", "graphs", "losses", "optim", "plots", "recurrence", "steps",
    "gradient_flow", "probe", "tasks",
    "OutputRecurrentRegressor", "RegressorForward", "FedHistory", "train_fed",
    "closed_loop", "signals",
]

"""Softmax regression and MLPs for several runs at once, with the backward pass written out.

Every run sees the same input batch but has its own weights, stacked on a leading run axis:
W (R, out, in) (nn.Linear's weight layout) and b (R, 1, out), so one matrix product per layer
steps all runs: the first layer as one F.linear over the runs' rows side by side, the later
ones as one batched torch.baddbmm. The first layer is stored as that F.linear takes it, W
(R out, in) and b (R out,) (layer() gives its (R, out, in) and (R, 1, out) views). Per run,
outside the stack, weights are (W (in, out), b (out,)): the lecture's x @ W + b. The engine
takes its gradients from autograd (surfaces.mnist.engine.GRADIENTS); the chain rule by hand
below is kept as the lecture's formulas in plain sight (LECTURE.md §3) and as the
benchmark's alternative:

- cross-entropy through softmax: de/dy_i = y'_i - yhat_i;
- MSE through softmax: de/dy_i = sum_j 2 (y'_j - yhat_j) y'_j (delta_ij - y'_i), i.e. the
  error times the softmax Jacobian, which vanishes when the softmax saturates.

tests/unit/test_mnist_engine.py checks all of it against torch.autograd.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

INPUTS, CLASSES = 784, 10
HIDDEN: dict[str, tuple[int, ...]] = {
    "softmax": (),  # softmax regression: 784 -> 10
    "mlp": (256,),  # 784 -> 256 -> act -> 10
    "deep": (256, 64, 16),  # 784 -> 256 -> act -> 64 -> act -> 16 -> act -> 10
}
ACTIVATIONS = ("relu", "sigmoid")
INITS = ("normal", "torch")  # the notes' N(0, scale^2) | nn.Linear's default

Params = list[torch.Tensor]  # [W0 (R out, in), b0 (R out,), W1 (R, out, in), b1 (R, 1, out), ...]


def layer_sizes(model: str) -> tuple[int, ...]:
    """(784, *hidden, 10) for a model name in HIDDEN."""
    return (INPUTS, *HIDDEN[model], CLASSES)


def init_weights(
    sizes: tuple[int, ...], init: str, scale: float, generator: torch.Generator
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """One run's [(W (in, out), b (out,))], drawn layer by layer from generator.

    init "normal": the notes' W ~ N(0, scale^2), b = 0. init "torch": what nn.Linear's
    reset_parameters draws, W and b ~ U(-1/sqrt(in), 1/sqrt(in)) (scale unused).
    """
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        if init == "normal":
            weights.append((torch.randn(n_in, n_out, generator=generator) * scale,
                            torch.zeros(n_out)))  # fmt: skip
            continue
        # nn.Linear: kaiming_uniform_(a=sqrt(5)) on W (out, in) gives bound 1/sqrt(in); bias too.
        w = torch.empty(n_out, n_in)
        torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=generator)
        bound = 1 / math.sqrt(n_in)
        b = torch.empty(n_out).uniform_(-bound, bound, generator=generator)
        weights.append((w.T.contiguous(), b))
    return weights


def stack_runs(weights: list[tuple[torch.Tensor, torch.Tensor]], runs: int) -> Params:
    """The same weights copied into every run: [W0 (R out, in), b0 (R out,), W1 (R, out, in),
    b1 (R, 1, out), ...]. The first layer as F.linear takes it: a view of it for every step
    would cost autograd two nodes a step (docs/benchmarks.md)."""
    params = []
    for layer, (w, b) in enumerate(weights):
        if layer == 0:
            params += [w.T.repeat(runs, 1), b.repeat(runs)]
        else:
            params += [w.T.contiguous().repeat(runs, 1, 1), b.repeat(runs, 1, 1)]
    return params


def runs_of(params: Params) -> int:
    """How many runs params stacks."""
    return params[2].shape[0] if len(params) > 2 else params[1].shape[0] // CLASSES


def layer(params: Params, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Layer k's (W (R, out, in), b (R, 1, out)) (k < 0 counts from the last), views of params."""
    k %= len(params) // 2
    w, b = params[2 * k], params[2 * k + 1]
    if k:
        return w, b
    runs = runs_of(params)
    return w.view(runs, -1, w.shape[-1]), b.view(runs, 1, -1)


def unstack_run(params: Params, run: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Run number run's [(W (in, out), b (out,))], copied out of the stack."""
    return [
        (w[run].detach().T.clone(), b[run, 0].detach().clone())
        for w, b in (layer(params, k) for k in range(len(params) // 2))
    ]


def forward(
    params: Params, x: torch.Tensor, activation: str
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Logits (R, B, 10) for a shared batch x (B, 784), and each layer's input for backward."""
    runs = runs_of(params)
    inputs = [x.expand(runs, -1, -1)]  # a view: the batch is not copied per run
    n_layers = len(params) // 2
    z = shared_input_layer(x, params[0], params[1], runs)
    for layer in range(1, n_layers):
        h = torch.relu(z) if activation == "relu" else torch.sigmoid(z)
        inputs.append(h)
        z = torch.baddbmm(params[2 * layer + 1], h, params[2 * layer].transpose(1, 2))
    return z, inputs


def training_logits(
    params: Params, x: torch.Tensor, activation: str
) -> tuple[tuple[torch.Tensor, ...], torch.Tensor, int]:
    """Every run's logits for a training batch x (B, 784): one (B, 10) tensor per run for its
    loss, all of them detached for the step's metrics, and the axis that holds the runs there.

    Softmax regression: F.linear's output (B, R 10) as it is, split into the runs' column blocks
    (one backward node that concatenates their gradients), detached as (B, R, 10), axis 1;
    forward's (R, B, 10) is a transpose of it, which backward undid with a copy of the logits'
    gradient. The same numbers, bit for bit. Deeper models: forward's (R, B, 10), axis 0.
    """
    if len(params) > 2:
        z = forward(params, x, activation)[0]
        return z.unbind(0), z.detach(), 0
    z = F.linear(x, params[0], params[1])
    return z.split(CLASSES, dim=1), z.detach().view(-1, runs_of(params), CLASSES), 1


def shared_input_layer(
    x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, runs: int
) -> torch.Tensor:
    """x (B, in) @ W (R out, in)^T + b (R out,) -> (R, B, out), as one F.linear over the runs'
    rows side by side: every run sees the same batch. A batched product over x expanded to
    (R, B, in) gives the same numbers, but its backward (x^T @ grad per run, on a stride-0 view)
    took 2.5 to 3.5 times as long, and W stored (R, in, out) cost a copy each way
    (docs/benchmarks.md)."""
    z = F.linear(x, w, b)
    return z.view(-1, runs, w.shape[0] // runs).transpose(0, 1)


def _shared_input_grad(x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """dW (R out, in) = g^T @ x per run for a shared x (B, in), g (R, B, out): one product."""
    runs, batch, n_out = g.shape
    return g.permute(0, 2, 1).reshape(runs * n_out, batch) @ x


def backward(
    params: Params, inputs: list[torch.Tensor], grad_logits: torch.Tensor, activation: str
) -> Params:
    """Gradients of the summed run losses, shaped like params, given dloss/dlogits (R, B, 10)."""
    grads: Params = [torch.empty(0)] * len(params)
    g = grad_logits
    for layer in range(len(inputs) - 1, -1, -1):
        a = inputs[layer]
        if layer:
            grads[2 * layer] = torch.bmm(g.transpose(1, 2), a)
            grads[2 * layer + 1] = g.sum(dim=1, keepdim=True)
        else:  # the first layer's, shaped as it is stored
            grads[0] = _shared_input_grad(a[0], g)
            grads[1] = g.sum(dim=1).view(-1)
        if layer > 0:
            g = torch.bmm(g, params[2 * layer])
            # a is this layer's input, the previous activation's output: relu' = [a > 0],
            # sigmoid' = a (1 - a).
            g = g * (a > 0) if activation == "relu" else g * a * (1 - a)
    return grads


def log_softmax(logits: torch.Tensor) -> torch.Tensor:
    """log softmax over the last axis, written out (max-shifted, so stable for any logits).

    The same numbers as torch.log_softmax, which on the CPU is 3-4 times slower for 10 classes
    (measured: 151 vs 41 us for (1000, 10) float32, torch 2.13, docs/benchmarks.md). No
    autograd: for training, F.cross_entropy's fused kernel is the faster one.
    """
    shifted = logits - logits.amax(dim=-1, keepdim=True)
    return shifted - shifted.exp().sum(dim=-1, keepdim=True).log()


def cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean cross-entropy over the batch and its gradient: logits (B, K), y (B,) -> (), (B, K)."""
    log_p = log_softmax(logits)  # logsumexp form: stable for any logits
    loss = -log_p.gather(1, y[:, None]).mean()
    grad = log_p.exp_().sub_(one_hot(y, logits))  # y' - yhat
    return loss, grad.div_(len(y))


def mse_softmax(logits: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean over the batch of sum_k (softmax_k - onehot_k)^2 and its gradient: (), (B, K)."""
    p = log_softmax(logits).exp_()
    err = p - one_hot(y, logits)  # y' - yhat
    loss = err.square().sum(dim=-1).mean()
    return loss, mse_softmax_grad(p, err).div_(len(y))


def mse_softmax_grad(p: torch.Tensor, err: torch.Tensor) -> torch.Tensor:
    """Each image's d/dz of sum_k (p_k - onehot_k)^2, from its softmax p and error p - onehot
    (..., K): the error 2 err through the softmax Jacobian p_i (delta_ij - p_j), i.e.
    p_i (u_i - sum_j u_j p_j) with u = 2 err."""
    u = 2.0 * err
    return p * (u - (u * p).sum(dim=-1, keepdim=True))


def one_hot(y: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """One-hot rows in like's dtype for labels y (M,): like (M, K) or (..., M, K) -> (M, K).

    Rows of an identity matrix kept per (K, dtype): one index_select, 5 us for a batch of 100
    where zeros and scatter_ took 12 (a training step makes one).
    """
    key = (like.shape[-1], like.dtype)
    eye = _EYES.get(key)
    if eye is None:
        eye = _EYES.setdefault(key, torch.eye(like.shape[-1], dtype=like.dtype))
    return eye.index_select(0, y)


_EYES: dict[tuple[int, torch.dtype], torch.Tensor] = {}  # read only, so shared by threads


LOSS_FUNCTIONS = {"cross_entropy": cross_entropy, "mse": mse_softmax}


# Each run's loss from its log-probabilities log_p and error p - onehot = log_p.exp() - target
# (..., M, K), and the one-hot targets (M, K): the mean over the images, (...). For evaluation,
# where one log_softmax and one error serve both losses and the flat zone.
LOSSES_FROM_SOFTMAX = {
    "cross_entropy": lambda log_p, err, target: -(log_p * target).sum(dim=-1).mean(dim=-1),
    "mse": lambda log_p, err, target: err.square().sum(dim=-1).mean(dim=-1),
}


def _autograd_cross_entropy(logits: torch.Tensor, y: torch.Tensor, target: torch.Tensor):
    return F.cross_entropy(logits, y)  # log-softmax + NLL, as nn.CrossEntropyLoss


def _autograd_mse(logits: torch.Tensor, y: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    # mse_loss summed, over the batch size: the mean over images of the sum over classes, as
    # one fused node (a sub, square, sum and mean each cost autograd a node).
    return F.mse_loss(torch.softmax(logits, dim=-1), target, reduction="sum") / y.shape[0]


# The same two losses for autograd: mean over the batch of the run's loss, from logits (B, K),
# labels y (B,) and their one-hot rows target = one_hot(y, logits) (B, K) (the training step
# takes a batch's rows from the epoch's, one index_select an epoch instead of one a step).
AUTOGRAD_LOSSES = {
    "cross_entropy": _autograd_cross_entropy,
    "mse": _autograd_mse,
}

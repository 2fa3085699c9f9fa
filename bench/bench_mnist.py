"""Speed of the MNIST engine against the notes' loop and against the previous engine, and the
deep preset's accuracies (run by hand).

    python bench/bench_mnist.py            # print the report
    python bench/bench_mnist.py --write    # also put it in the MNIST section of docs/benchmarks.md

What is compared, in the same process, on the same tensors, alternating so all see the same
machine load:
- notes: the softmax-regression notes' loop for ONE run: torch.utils.data.DataLoader over a
  TensorDataset (batch 100, shuffle), nn.Linear layers with the same init, autograd, torch.optim,
  running loss/accuracy per batch, one test evaluation.
- engine: PairTrainer, which trains TWO runs (cross-entropy and MSE) per step with torch.optim,
  logs every step's loss, accuracy and output-layer gradient norm, and evaluates both runs
  (margins included) every 50 steps. "per run" is its time divided by 2.
- gradients: the same engine with gradients from autograd and from the hand-written pass
  (models.backward): the hand-written pass is kept only where it is more than 1.3x faster.
- previous: the engine before issue 9 (hand-written gradients and hand-written SGD update, no
  per-step log), as its step loop, on the same batches.
One epoch = 60,000 training images: full MNIST when cached, else the 4,000 subset images
repeated 15 times (time depends on the size, not on the pixels).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import cpu_model  # noqa: E402  (bench/ is on sys.path when run as a script)

from surfaces.mnist import models  # noqa: E402
from surfaces.mnist.data import Dataset, load_dataset  # noqa: E402
from surfaces.mnist.engine import GRADIENTS, LOSSES, PairTrainer, TrainConfig  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench_mnist:start -->", "<!-- bench_mnist:end -->"
FULL_TRAIN = 60_000


def notes_epoch(config: TrainConfig, data: Dataset) -> tuple[float, float, float]:
    """One epoch of the notes' loop, cross-entropy only: (wall s, CPU s, test accuracy)."""
    torch.manual_seed(config.seed)
    sizes = models.layer_sizes(config.model)
    layers: list[torch.nn.Module] = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        linear = torch.nn.Linear(n_in, n_out)
        torch.nn.init.normal_(linear.weight, std=config.init_scale)
        torch.nn.init.zeros_(linear.bias)
        layers.append(linear)
        if k < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if config.activation == "relu" else torch.nn.Sigmoid())
    net = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(net.parameters(), lr=config.lr)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(data.x_train, data.y_train),
        batch_size=config.batch_size,
        shuffle=True,
    )
    start, cpu = time.perf_counter(), time.process_time()
    loss_sum, correct, seen = 0.0, 0, 0
    for x, y in loader:
        logits = net(x)
        loss = F.cross_entropy(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_sum += float(loss.detach()) * len(y)
        correct += int((logits.argmax(dim=1) == y).sum())
        seen += len(y)
    with torch.no_grad():
        accuracy = float((net(data.x_test).argmax(dim=1) == data.y_test).float().mean())
    return time.perf_counter() - start, time.process_time() - cpu, accuracy


def engine_epoch(config: TrainConfig, data: Dataset, gradients: str) -> tuple[float, float]:
    """One epoch of the pair (both runs) with its evaluations: (wall s, CPU s)."""
    steps = len(data.y_train) // config.batch_size
    trainer = PairTrainer(config.with_(steps=steps), data, gradients=gradients)
    start, cpu = time.perf_counter(), time.process_time()
    for _ in trainer.run(report_every=float("inf")):
        pass
    return time.perf_counter() - start, time.process_time() - cpu


def previous_epoch(config: TrainConfig, data: Dataset) -> tuple[float, float]:
    """One epoch of the engine before issue 9: hand-written gradients and SGD update."""
    gen = torch.Generator().manual_seed(config.seed)
    params = models.stack_runs(models.init_weights(models.layer_sizes(config.model), "normal",
                                                   config.init_scale, gen), len(LOSSES))
    order = torch.randperm(len(data.y_train), generator=gen)
    loss_sum = torch.zeros(len(LOSSES), dtype=torch.float64)
    correct = torch.zeros(len(LOSSES), dtype=torch.int64)
    start, cpu = time.perf_counter(), time.process_time()
    for index in order.split(config.batch_size):
        x, y = data.x_train.index_select(0, index), data.y_train.index_select(0, index)
        logits, inputs = models.forward(params, x, config.activation)
        grad_logits = torch.empty_like(logits)
        for run, name in enumerate(LOSSES):
            loss, grad_logits[run] = models.LOSS_FUNCTIONS[name](logits[run], y)
            loss_sum[run] += loss * len(y)
        for p, g in zip(params, models.backward(params, inputs, grad_logits, config.activation),
                        strict=True):
            p.add_(g, alpha=-config.lr)
        correct += logits.argmax(dim=-1).eq(y).sum(dim=-1)
    return time.perf_counter() - start, time.process_time() - cpu


def timings(config: TrainConfig, data: Dataset, repeats: int) -> dict[str, dict[str, float]]:
    """Median (wall, CPU) seconds per epoch of each loop; they alternate so they share the load."""
    loops = {
        "notes": lambda: notes_epoch(config, data)[:2],
        "autograd": lambda: engine_epoch(config, data, "autograd"),
        "manual": lambda: engine_epoch(config, data, "manual"),
        "previous": lambda: previous_epoch(config, data),
    }
    for loop in loops.values():  # warm-up: allocator, MKL, torch.optim's first step
        loop()
    times: dict[str, list] = {name: [] for name in loops}
    for _ in range(repeats):
        for name, loop in loops.items():
            times[name].append(loop())
    return {clock: {name: statistics.median(t[k] for t in times[name]) for name in loops}
            for k, clock in enumerate(("wall", "cpu"))}


def deep_accuracies(data: Dataset, init: str = "normal") -> list[tuple[int, float, float]]:
    """(step, CE test accuracy, MSE test accuracy) of the deep preset at the notes' checkpoints."""
    trainer = PairTrainer(TrainConfig(init=init), data)
    for _ in trainer.run(report_every=float("inf")):
        pass
    return [(r.step, r.metrics["cross_entropy"]["test_acc"], r.metrics["mse"]["test_acc"])
            for r in trainer.history if r.step in CHECKPOINTS]


CHECKPOINTS = (600, 800, 1200, 2000, 3000, 4000, 6000)


def full_size(data: Dataset) -> tuple[Dataset, str]:
    """data with 60,000 training images (repeating the subset if need be), and a caption."""
    if len(data.y_train) >= FULL_TRAIN:
        return data, data.name
    times = -(-FULL_TRAIN // len(data.y_train))
    x = data.x_train.repeat(times, 1)[:FULL_TRAIN]
    y = data.y_train.repeat(times)[:FULL_TRAIN]
    caption = f"{data.name}, training images repeated to {FULL_TRAIN:,}"
    return dataclasses.replace(data, x_train=x, y_train=y), caption


def machine() -> str:
    cpu = cpu_model()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (
        f"{os.cpu_count()} cores (nproc), {cpu}; Python {platform.python_version()}, "
        f"torch {torch.__version__}; load average before the run {load}"
    )


def report(repeats: int, threads_list: list[int]) -> str:
    data = load_dataset()
    timed, caption = full_size(data)
    lines = [
        f"Run {datetime.date.today().isoformat()} on {machine()}.",
        "",
        f"Epoch time, median of {repeats} (train {len(timed.y_train):,} images, batch 100, "
        f"SGD lr 0.1), on {caption}. notes = the notes' DataLoader loop, one run "
        "(cross-entropy; one test evaluation); engine = PairTrainer, cross-entropy and MSE "
        "together, torch.optim, per-step log and an evaluation every 50 steps, with autograd "
        "or the hand-written gradient pass; previous = the engine before issue 9 (hand-written "
        "gradients and update, no per-step log, no evaluation). Per run = pair / 2. Wall = "
        "elapsed time; CPU = process CPU time, less sensitive to other load on the machine.",
        "",
        "| model | threads | clock | notes, 1 run (s) | engine autograd, pair (s) "
        "| engine hand-written, pair (s) | previous, pair (s) | speed-up per run vs notes "
        "| hand-written / autograd | engine / previous |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    before = torch.get_num_threads()
    for threads in threads_list:
        torch.set_num_threads(threads)
        for model in ("softmax", "mlp", "deep"):
            config = TrainConfig(model=model, lr=0.1)
            for clock, t in timings(config, timed, repeats).items():
                used = t[GRADIENTS[model]]
                lines.append(
                    f"| {model} | {threads} | {clock} | {t['notes']:.3f} | {t['autograd']:.3f} "
                    f"| {t['manual']:.3f} | {t['previous']:.3f} | {2 * t['notes'] / used:.1f}x "
                    f"| {t['autograd'] / t['manual']:.2f}x faster | {used / t['previous']:.2f}x "
                    "the time |"
                )
    torch.set_num_threads(1)
    lines += [
        "",
        f"Deep preset (256-64-16 ReLU, N(0, 0.01), SGD lr 0.6, batch 100), test accuracy on "
        f"{data.name}, cross-entropy / MSE, by step:",
        "",
        "| init | " + " | ".join(f"{s:,}" for s in CHECKPOINTS) + " |",
        "|---|" + "---|" * len(CHECKPOINTS),
    ]
    for init in ("normal", "torch"):
        row = deep_accuracies(data, init)
        lines.append(f"| {init} | " + " | ".join(f"{ce:.2f} / {mse:.2f}" for _, ce, mse in row)
                     + " |")
    if data.note:
        lines += ["", f"Data: {data.note}"]
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines += ["", f"Load average after the run: {load}."]
    torch.set_num_threads(before)
    return "\n".join(lines)


def write_section(body: str) -> None:
    """Replace (or append) the generated block inside docs/benchmarks.md's MNIST section."""
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    block = f"{START}\n{body}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## MNIST\n\nGenerated by `python bench/bench_mnist.py "
        text += f"--write`.\n\n{block}\n"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--repeats", type=int, default=5)
    cli.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    cli.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = cli.parse_args()
    body = report(args.repeats, args.threads)
    print(body)
    if args.write:
        write_section(body)


if __name__ == "__main__":
    main()

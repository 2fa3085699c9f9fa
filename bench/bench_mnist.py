"""Epoch time of the MNIST engine against the notes' style of loop, and accuracies (run by hand).

    python bench/bench_mnist.py            # print the report
    python bench/bench_mnist.py --write    # also put it in the MNIST section of docs/benchmarks.md

What is compared, in the same process, on the same tensors, alternating so both see the same
machine load:
- notes: the softmax-regression notes' loop for ONE run: torch.utils.data.DataLoader over a
  TensorDataset (batch 100, shuffle), nn.Linear layers with the same init, autograd, torch.optim,
  running loss/accuracy per batch, a test evaluation per epoch.
- engine: PairTrainer, which trains TWO runs (cross-entropy and MSE) per step, then evaluates
  both on the test set. "per run" is its epoch time divided by 2; "pair" is the whole thing, to
  set against 2x notes (what training both curves the notes' way costs).
Epoch timing uses 60,000 training images: full MNIST when it is cached or downloadable, else the
4,000 subset images repeated 15 times (time depends on the size, not on the pixels).
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
from surfaces.mnist.engine import LOSSES, PairTrainer, TrainConfig  # noqa: E402

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


def engine_epoch(config: TrainConfig, data: Dataset) -> tuple[float, float]:
    """One epoch of the pair (both runs) including its test evaluation: (wall s, CPU s)."""
    trainer = PairTrainer(dataclasses.replace(config, epochs=1), data)
    start, cpu = time.perf_counter(), time.process_time()
    for _ in trainer.run(report_every=float("inf")):
        pass
    return time.perf_counter() - start, time.process_time() - cpu


def timings(config: TrainConfig, data: Dataset, repeats: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per epoch; the loops alternate so they share the load."""
    notes, pair = [], []
    notes_epoch(config, data), engine_epoch(config, data)  # warm-up: allocator, MKL
    for _ in range(repeats):
        notes.append(notes_epoch(config, data)[:2])
        pair.append(engine_epoch(config, data))
    result = {}
    for k, clock in enumerate(("wall", "cpu")):
        n = statistics.median(t[k] for t in notes)
        p = statistics.median(t[k] for t in pair)
        result[clock] = {"notes": n, "pair": p, "per_run": p / 2, "speedup": 2 * n / p}
    return result


def accuracies(config: TrainConfig, data: Dataset) -> dict[str, list[float]]:
    """Test accuracy per epoch for each loss."""
    trainer = PairTrainer(config, data)
    for _ in trainer.run(report_every=float("inf")):
        pass
    return {loss: [e.metrics[loss]["test_acc"] for e in trainer.history] for loss in LOSSES}


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
        f"SGD lr 0.1, plus one test evaluation of {len(timed.y_test):,} images), on {caption}. "
        "notes = the notes' DataLoader loop, one run (cross-entropy); pair = our engine, "
        "cross-entropy and MSE together; per run = pair / 2; speed-up = notes / per run "
        "(equally: two notes runs / one pair). Wall = elapsed time; CPU = process CPU time, "
        "less sensitive to other load on the machine.",
        "",
        "| model | threads | clock | notes, 1 run (s) | engine pair (s) | engine per run (s) "
        "| speed-up per run |",
        "|---|---|---|---|---|---|---|",
    ]
    before = torch.get_num_threads()
    for threads in threads_list:
        torch.set_num_threads(threads)
        for model in ("softmax", "mlp"):
            for clock, t in timings(TrainConfig(model=model), timed, repeats).items():
                lines.append(
                    f"| {model} | {threads} | {clock} | {t['notes']:.3f} | {t['pair']:.3f} "
                    f"| {t['per_run']:.3f} | {t['speedup']:.1f}x |"
                )
    torch.set_num_threads(1)
    lines += [
        "",
        f"Test accuracy on {data.name} (seed 0; cross-entropy / MSE):",
        "",
        "| setting | after epoch 1 | after epoch 10 |",
        "|---|---|---|",
    ]
    settings = {
        "softmax, SGD lr 0.1 (defaults)": TrainConfig(),
        "mlp relu, SGD lr 0.1": TrainConfig(model="mlp"),
        "mlp relu, SGD lr 1": TrainConfig(model="mlp", lr=1.0),
        "deep relu, SGD lr 1": TrainConfig(model="deep", lr=1.0),
        "softmax, Adam lr 0.001": TrainConfig(optimizer="adam", lr=0.001),
        "mlp relu, Adam lr 0.001": TrainConfig(model="mlp", optimizer="adam", lr=0.001),
    }
    for label, config in settings.items():
        acc = accuracies(config, data)
        ce, mse = acc["cross_entropy"], acc["mse"]
        lines.append(f"| {label} | {ce[0]:.3f} / {mse[0]:.3f} | {ce[-1]:.3f} / {mse[-1]:.3f} |")
    notes_acc = notes_epoch(TrainConfig(), data)[2]
    lines += [
        "",
        f"Sanity check: one epoch of the notes' loop (cross-entropy) on the same data reaches "
        f"{notes_acc:.3f} test accuracy.",
    ]
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

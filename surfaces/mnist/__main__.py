"""Train the cross-entropy / MSE pair headless: python -m surfaces.mnist --help.

Prints one JSON object per line for each epoch of each run:
{"epoch", "loss", "train_loss", "train_acc", "test_loss", "test_acc", "seconds", "dataset"}.
Why the full data set was not used, if it was not, goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import fields

from surfaces.mnist.data import load_dataset
from surfaces.mnist.engine import LOSSES, OPTIMIZERS, PairTrainer, TrainConfig
from surfaces.mnist.models import ACTIVATIONS, HIDDEN

CHOICES = {"model": tuple(HIDDEN), "activation": ACTIVATIONS, "optimizer": OPTIMIZERS}
HELP = {
    "model": "softmax (784->10), mlp (784->256->10), deep (784->256->64->16->10)",
    "activation": "hidden activation",
    "optimizer": "optimiser",
    "lr": "learning rate",
    "batch_size": "images per step",
    "epochs": "passes over the training images",
    "init_scale": "standard deviation of the initial weights",
    "seed": "seed for the initial weights and the batch order",
}


def parser() -> argparse.ArgumentParser:
    """Options: every TrainConfig field (defaults from TrainConfig), plus data and threads."""
    cli = argparse.ArgumentParser(
        prog="python -m surfaces.mnist",
        description="Train the same network with cross-entropy and with MSE, side by side.",
    )
    for field in fields(TrainConfig):
        cli.add_argument(
            "--" + field.name.replace("_", "-"),
            type=type(field.default),
            default=field.default,
            choices=CHOICES.get(field.name),
            help=f"{HELP[field.name]} (default: %(default)s)",
        )
    cli.add_argument(
        "--data-dir",
        default=None,
        help="MNIST cache folder (default: $LSL_MNIST_DIR or ~/.cache/loss-surface-lab/mnist)",
    )
    cli.add_argument(
        "--no-download",
        action="store_true",
        help="never download; use the cache or the offline subset",
    )
    cli.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads while training (default: torch's own setting)",
    )
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    cli = parser()
    args = cli.parse_args(argv)
    try:
        config = TrainConfig(**{f.name: getattr(args, f.name) for f in fields(TrainConfig)})
        if args.threads is not None and args.threads < 1:
            raise ValueError(f"threads must be positive. Got {args.threads} instead.")
    except ValueError as error:
        cli.error(str(error))  # exits with status 2
    data = load_dataset(args.data_dir, download=not args.no_download, seed=config.seed)
    if data.note:
        print(data.note, file=sys.stderr)
    trainer = PairTrainer(config, data, num_threads=args.threads)
    for event in trainer.run(report_every=float("inf")):
        if event.kind != "epoch":
            continue
        for loss in LOSSES:
            record = {"epoch": event.epoch, "loss": loss, **event.metrics[loss]}
            record |= {"seconds": round(event.seconds, 3), "dataset": data.name}
            print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

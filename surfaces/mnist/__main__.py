"""Train the cross-entropy / MSE pair headless: python -m surfaces.mnist --help.

Options are the fields of surfaces.mnist.config.TABLE (the page's settings, same defaults).
Prints one JSON object per line for each run at every test evaluation (every --eval-every
steps): {"step", "images_seen", "epochs", "loss", "train_loss", "train_acc", "test_loss",
"test_acc", "grad_norm", "flat_share", "median_margin", "seconds", "dataset"}; train_* are means
over the steps since the previous line. Why the full data set was not used, if it was not, goes
to stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence

from surfaces.fields import Field
from surfaces.i18n import tr
from surfaces.mnist.config import LOSSES, TABLE, TrainConfig
from surfaces.mnist.data import load_dataset
from surfaces.mnist.engine import PairTrainer


def _type(field: Field):
    """argparse type of one field: the URL's text -> the dataclass's value."""
    if field.kind == "int" or field.numeric_choices and all(isinstance(c, int)
                                                           for c in field.choices):
        return int
    if field.kind == "float" or field.numeric_choices:
        return float
    return str


def parser() -> argparse.ArgumentParser:
    """Options: every field of the table (defaults from TrainConfig), plus data and threads."""
    cli = argparse.ArgumentParser(
        prog="python -m surfaces.mnist",
        description="Train the same network with cross-entropy and with MSE, side by side.",
    )
    defaults = TABLE.defaults
    for field in TABLE.fields:
        cli.add_argument(
            "--" + field.name.replace("_", "-"),
            type=_type(field),
            default=getattr(defaults, field.name),
            choices=field.choices or None,
            help=f"{tr(TABLE.help_key(field.name))} (default: %(default)s)",
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


def records(trainer: PairTrainer, dataset: str) -> list[dict]:
    """The JSON lines of the trainer's latest evaluation, one per run."""
    record = trainer.history[-1]
    out = []
    for loss in LOSSES:
        metrics = {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                   for k, v in record.metrics[loss].items()}  # JSON has no nan
        out.append({
            "step": record.step,
            "images_seen": record.step * trainer.config.batch_size,
            "epochs": round(record.step * trainer.config.batch_size / len(trainer.data.y_train),
                            4),
            "loss": loss,
            **metrics,
            "dataset": dataset,
        })  # fmt: skip
    return out


def main(argv: Sequence[str] | None = None) -> int:
    cli = parser()
    args = cli.parse_args(argv)
    try:
        config = TrainConfig(**{f.name: getattr(args, f.name) for f in TABLE.fields})
        if args.threads is not None and args.threads < 1:
            raise ValueError(f"threads must be positive. Got {args.threads} instead.")
    except ValueError as error:
        cli.error(str(error))  # exits with status 2
    data = load_dataset(args.data_dir, download=not args.no_download, seed=config.seed)
    if data.note:
        print(data.note, file=sys.stderr)
    trainer = PairTrainer(config, data, num_threads=args.threads)
    for event in trainer.run(report_every=math.inf):
        if event.kind != "eval":
            continue
        for line in records(trainer, data.name):
            line["seconds"] = round(event.seconds, 3)
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

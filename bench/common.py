"""What both benchmarks say about the machine they ran on."""

from __future__ import annotations

from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or "unknown CPU"."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def write_block(doc: Path, start: str, end: str, intro: str, body: str) -> None:
    """Replace the block between `start` and `end` in `doc` (append `intro` and it if missing)."""
    block = f"{start}\n{body}\n{end}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + intro + "\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")


def publish(body: str, *, write: bool, doc: Path, start: str, end: str, intro: str) -> None:
    """Print a benchmark's block, and with `write` put it in `doc` between its markers."""
    print(body)
    if write:
        write_block(doc, start, end, intro, body)
        print(f"written to {doc}")

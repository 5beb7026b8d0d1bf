"""What checking an index generation's files costs, beside what opening it costs.

Usage: python bench/index_checks.py INDEX_DIR [--repeat 3]

INDEX_DIR is a folder `searchapp rebuild-index` built (bench/reuters.py makes the 21,577
Reuters stories). Prints, for the live generation's files: the time to read them, to
checksum them with zlib.crc32 (what store.check_files uses), blake2b and sha256, a check
once the files are known (a stat of each), and opening the generation for searching
(LiveIndex: Whoosh's open plus the facet columns) with and without the checksums. Best of
--repeat runs, files in the page cache; each line: `metric=NAME ms=X mb_per_s=Y`.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from searchapp import store  # noqa: E402
from searchapp.engine.live_index import LiveIndex  # noqa: E402


def _each_file(files: list[Path], digest: Callable[[bytes, object], object]) -> None:
    for path in files:
        state = None
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                state = digest(block, state)


def _hasher(name: str) -> Callable[[bytes, object], object]:
    def update(block: bytes, state):
        state = state or hashlib.new(name)
        state.update(block)
        return state

    return update


def _best(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def _open(index_dir: Path, check: bool) -> None:
    saved = store.check_files
    if not check:
        store.check_files = lambda *args: None
    store._crc_seen.clear()  # a fresh process has read nothing yet
    live = LiveIndex(index_dir)
    try:
        live.stats()
    finally:
        live.close()
        store.check_files = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    name = store.current_generation(args.index_dir)
    files = [path for path, _ in store._stats(args.index_dir / name)]
    size = sum(path.stat().st_size for path in files)
    print(f"generation={name} files={len(files)} mb={size / 1e6:.1f}")
    _each_file(files, lambda block, state: None)  # into the page cache
    store.check_files(args.index_dir, name)  # and every file known to this process
    measures = {
        "read": lambda: _each_file(files, lambda block, state: None),
        "crc32": lambda: _each_file(files, lambda block, crc: zlib.crc32(block, crc or 0)),
        "blake2b": lambda: _each_file(files, _hasher("blake2b")),
        "sha256": lambda: _each_file(files, _hasher("sha256")),
        "check_known_files": lambda: store.check_files(args.index_dir, name),
        "open_without_checksums": lambda: _open(args.index_dir, check=False),
        "open_with_checksums": lambda: _open(args.index_dir, check=True),
    }
    for metric, action in measures.items():
        seconds = _best(action, args.repeat)
        print(f"metric={metric} ms={seconds * 1000:.1f} mb_per_s={size / seconds / 1e6:.0f}")


if __name__ == "__main__":
    main()

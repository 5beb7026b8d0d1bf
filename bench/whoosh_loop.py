"""The build baseline: the plain Whoosh loop a user would write in ten minutes.

Usage: python bench/whoosh_loop.py CORPUS_DIR INDEX_DIR

One process, one writer, three fields (id, title, body) with Whoosh's stemming analyser;
the title from the `.json` sidecar when there is one. No cleaning, no metadata, no
spelling words: what searchapp's build is compared with in bench/perf.py.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from whoosh import fields, index
from whoosh.analysis import StemmingAnalyzer


def build(corpus_dir: Path, index_dir: Path) -> int:
    """Index every .txt of the corpus (and its sidecar's title); return the article count."""
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
    )
    ix = index.create_in(str(index_dir), schema)
    count = 0
    with ix.writer(limitmb=256) as writer:
        for path in sorted(corpus_dir.glob("*.txt")):
            sidecar = path.with_suffix(".json")
            meta = json.loads(sidecar.read_text("utf-8")) if sidecar.exists() else {}
            writer.add_document(
                id=path.stem, title=meta.get("title", ""), body=path.read_text("utf-8")
            )
            count += 1
    return count


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    started = time.monotonic()
    n = build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{n} articles in {time.monotonic() - started:.1f}s")

"""The cluster-wide IDF file every shard ranks with (`global_idf`), and its guard.

Each shard would otherwise weigh a word by its own document frequency, so the same
article could score differently on shard 1 and shard 2. `indextool --buildidf` turns a
dictionary dump ("keyword,docs,hits,offset" lines) into the binary file `global_idf`
names. Sphinx 2.2 cannot dump an RT index's RAM chunk (`--dumpdict` printed only the
document count), so the writer counts the keywords itself while it writes: each word
folded and stemmed by analysis.analyse_word, the same Snowball English stemmer searchd
runs (libstemmer_en), and checked against searchd's own CALL KEYWORDS at build time.

Measured on 2.2.11: with `global_idf=1` the `idf` option's two formulas swap, so
`idf='normalized'` gives log(N/n) (what `plain` gives on local statistics) and `plain`
gives log((N-n+1)/n), negative for common words. IDF_OPTION names the one to use.

A shard that has no IDF file loaded gives every word an IDF of 0 under
`OPTION global_idf=1`, so every match weighs the same, silently: check_loaded() asks each
shard and refuses a build whose shards did not load the file.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from ...model import SearchappError
from .cluster import Address, connect

IDF_OPTION = {True: "idf='normalized,tfidf_unnormalized'", False: "idf='plain,tfidf_unnormalized'"}
# Sphinx's own field factor: the sum of the matched keywords' IDFs.
IDF_PROBE = (
    "SELECT id, weight() FROM {index} WHERE MATCH(%s) LIMIT 1 OPTION "
    "ranker=expr('sum(sum_idf)*1000000'), idf='normalized,tfidf_unnormalized', global_idf=1"
)


class IdfError(SearchappError):
    """The IDF file could not be built, or a shard ranks without it."""


def dump_text(total_documents: int, keyword_docs: Counter) -> str:
    """A dictionary dump in the format `indextool --dumpdict --stats` prints."""
    lines = [f"total-documents: {total_documents}"]
    lines += [f"{word},{docs},{docs},0" for word, docs in sorted(keyword_docs.items())]
    return "\n".join(lines) + "\n"


def write_idf(path: Path, total_documents: int, keyword_docs: Counter) -> None:
    """Build the IDF file with indextool, atomically (a reader never loads half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        dump = Path(tmp) / "dict.txt"
        dump.write_text(dump_text(total_documents, keyword_docs), encoding="utf-8")
        out = Path(tmp) / path.name
        result = subprocess.run(
            ["indextool", "--buildidf", str(dump), "--out", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not out.is_file():
            raise IdfError(f"indextool --buildidf failed: {result.stdout}{result.stderr}".strip())
        os.replace(out, path)


def check_loaded(shard: Address, index: str, word: str) -> None:
    """Raise IdfError when this shard ranks `word` with no global IDF (a zero weight)."""
    with connect(shard) as conn, conn.cursor() as cursor:
        cursor.execute(IDF_PROBE.format(index=index), (word,))
        rows = cursor.fetchall()
    if rows and int(rows[0][1]) == 0:
        raise IdfError(
            f"searchd at {shard} has no global IDF for {index}: every match would weigh the "
            "same. Copy the IDF file to the path its config names and restart that searchd."
        )

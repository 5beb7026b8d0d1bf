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

Also measured on 2.2.11: searchd looks a word up in the file by the word as the query
typed it (folded by charset_table), not by its stem. A file of stems alone served "inform"
with the cluster's count but "information" with the shard's own (and a word absent from
one shard with an IDF of 0 there), so results from different shards were weighed
differently. The file therefore holds every indexed word form as well, each with the
document count of its stem (`idf_keys`). A form no article holds ("informations") still
falls back to the shard's own count; its stem matches as usual.

The counts are written scaled (`scaled_counts`) so that searchd's log(N/n) is BM25's
log(1 + (N - n + 0.5) / (n + 0.5)), Whoosh's IDF: unscaled, a word every article holds
weighed 0 everywhere, and a small corpus about one person ranked by date alone.

A shard that has no IDF file loaded gives every word an IDF of 0 under
`OPTION global_idf=1`, so every match weighs the same, silently: check_loaded() asks each
shard and refuses a build whose shards did not load the file.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable
from math import log
from pathlib import Path

from ...model import SearchappError
from ..analysis import analyse_word
from .cluster import Address, connect

IDF_OPTION = {True: "idf='normalized,tfidf_unnormalized'", False: "idf='plain,tfidf_unnormalized'"}
# A one-word query's IDF, in millionths: each matched field's max_idf is that word's IDF.
IDF_PROBE = (
    "SELECT id, weight() FROM {index} WHERE MATCH(%s) LIMIT 1 OPTION "
    "ranker=expr('sum(max_idf)*1000000/sum(word_count)'), "
    "idf='normalized,tfidf_unnormalized', global_idf=1"
)


class IdfError(SearchappError):
    """The IDF file could not be built, or a shard ranks without it."""


def idf_keys(keyword_docs: Counter, forms: Iterable[str]) -> dict[str, int]:
    """What the IDF file must answer: each stem, and each indexed word form (folded, as a
    query types it), with the document count of the stem searchd matches it by."""
    keys = dict(keyword_docs)
    for form in forms:
        docs = keyword_docs.get(analyse_word(form))
        if docs:
            keys[form] = docs
    return keys


def scaled_counts(total_documents: int, docs: int) -> tuple[int, int]:
    """(N', n') with log(N'/n') = log((N + 1) / (n + 0.5)), which is BM25's IDF
    log(1 + (N - n + 0.5) / (n + 0.5)); doubled, since the file holds integers."""
    return 2 * total_documents + 2, 2 * docs + 1


def dump_text(total_documents: int, keys: dict[str, int]) -> str:
    """A dictionary dump in the format `indextool --dumpdict --stats` prints."""
    lines = [f"total-documents: {scaled_counts(total_documents, 0)[0]}"]
    lines += [
        f"{word},{n},{n},0"
        for word, docs in sorted(keys.items())
        for n in [scaled_counts(total_documents, docs)[1]]
    ]
    return "\n".join(lines) + "\n"


def expected_idf(total_documents: int, docs: int) -> float:
    """The IDF searchd gives a word under IDF_OPTION[True]: log(N'/n') / (2 log(N'+1)),
    with the scaled counts the file holds."""
    big_n, n = scaled_counts(total_documents, docs)
    return log(big_n / n) / (2 * log(big_n + 1))


def write_idf(path: Path, total_documents: int, keys: dict[str, int]) -> None:
    """Build the IDF file with indextool, atomically (a reader never loads half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        dump = Path(tmp) / "dict.txt"
        dump.write_text(dump_text(total_documents, keys), encoding="utf-8")
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


def check_loaded(shard: Address, index: str, word: str, expected: float) -> None:
    """Raise IdfError unless this shard ranks `word` with the cluster's IDF, `expected`.

    A zero is a shard without the file (every match would weigh the same); another value
    is a shard that weighs the word by its own document count.
    """
    with connect(shard) as conn, conn.cursor() as cursor:
        cursor.execute(IDF_PROBE.format(index=index), (word,))
        rows = cursor.fetchall()
    if not rows:
        return
    got = int(rows[0][1]) / 1_000_000
    if got == 0:
        raise IdfError(
            f"searchd at {shard} has no global IDF for {index}: every match would weigh the "
            "same. Copy the IDF file to the path its config names and restart that searchd."
        )
    if abs(got - expected) > 1e-4 + 1e-3 * expected:
        raise IdfError(
            f"searchd at {shard} weighs {word!r} in {index} by an IDF of {got:.6f}, not the "
            f"cluster's {expected:.6f}: it does not read the IDF file as this build wrote it."
        )

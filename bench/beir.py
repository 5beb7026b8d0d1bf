"""Read a test collection in the BEIR layout and write it out as a searchapp corpus folder.

BEIR layout: `corpus.jsonl` ({"_id", "title", "text"}), `queries.jsonl` ({"_id", "text"}),
`qrels/test.tsv` (query-id, corpus-id, score, with a header line).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

REQUIRED = ("corpus.jsonl", "queries.jsonl", "qrels/test.tsv")
_UNSAFE = re.compile(r"[^\w.-]")


class MissingCollectionError(FileNotFoundError):
    """The collection folder, or one of its required files, is not there."""


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Collection:
    docs: tuple[Doc, ...]
    queries: dict[str, str]  # query id -> text, only queries that have judgments
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: grade}


def _jsonl(path: Path):
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def load_collection(
    folder: Path, *, limit_queries: int | None = None, limit_docs: int | None = None
) -> Collection:
    """Load a BEIR folder; MissingCollectionError names the first missing file.

    With `limit_docs`, the slice keeps every judged document of the kept queries and
    fills up to `limit_docs` with other documents in file order, so scores stay meaningful.
    """
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        raise MissingCollectionError(f"{folder}: missing {', '.join(missing)}")
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / "test.tsv").open(encoding="utf-8") as rows:
        reader = csv.reader(rows, delimiter="\t")
        next(reader, None)  # header
        for qid, did, grade in reader:
            qrels.setdefault(qid, {})[did] = int(grade)
    queries = {q["_id"]: q["text"] for q in _jsonl(folder / "queries.jsonl") if q["_id"] in qrels}
    if limit_queries is not None:
        queries = dict(list(queries.items())[:limit_queries])
    qrels = {qid: qrels[qid] for qid in queries}
    docs = [
        Doc(d["_id"], d.get("title") or "", d.get("text") or "")
        for d in _jsonl(folder / "corpus.jsonl")
    ]
    if limit_docs is not None:
        judged = {did for grades in qrels.values() for did in grades}
        keep = [d for d in docs if d.id in judged]
        room = max(0, limit_docs - len(keep))
        keep += [d for d in docs if d.id not in judged][:room]
        docs = keep
    return Collection(tuple(docs), queries, qrels)


def file_stem(doc_id: str) -> str:
    """A file name for a document id (BEIR ids are usually digits; anything else is escaped)."""
    return _UNSAFE.sub(lambda m: f"_{ord(m.group(0)):x}_", doc_id)


def write_corpus(docs, folder: Path) -> dict[str, str]:
    """Write each doc as `<stem>.txt` (the text) + `<stem>.json` (the title); return stem -> id."""
    folder.mkdir(parents=True, exist_ok=True)
    stems: dict[str, str] = {}
    for doc in docs:
        stem = file_stem(doc.id)
        stems[stem] = doc.id
        # An empty abstract would be skipped as "no text"; the title then stands in for it.
        (folder / f"{stem}.txt").write_text(doc.text or doc.title, encoding="utf-8")
        if doc.title:
            (folder / f"{stem}.json").write_text(json.dumps({"title": doc.title}), encoding="utf-8")
    return stems

"""Turn the Reuters-21578 SGML files into a corpus folder searchapp ingests.

Usage: python bench/reuters.py OUT_DIR [--data DIR] [--size N]

Writes one `<id>.txt` per story (its body) and a `<id>.json` sidecar (title, published,
outlet "Reuters"). With --size above the number of stories it repeats the collection with
fresh ids and dates shifted by whole years, and says that the corpus is synthetic.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "reuters21578"

_STORY = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')
_DATE = re.compile(r"<DATE>\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})", re.S)
_TEXT = re.compile(r"<TEXT\b[^>]*>(.*?)</TEXT>", re.S)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_TAG = re.compile(r"<[^>]+>")
# Wire control characters (&#2; &#3; &#5; ...) once entities are decoded; keep \t and \n.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MONTHS = {
    m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)
}


@dataclass(frozen=True)
class Story:
    newid: int
    title: str
    body: str
    published: datetime | None


def _text(fragment: str) -> str:
    return _CONTROL.sub("", html.unescape(_TAG.sub("", fragment))).strip()


def _date(block: str) -> datetime | None:
    match = _DATE.search(block)
    if not match:
        return None
    day, month, year, hour, minute, second = match.groups()
    try:
        return datetime(
            int(year), _MONTHS[month.upper()], int(day), int(hour), int(minute), int(second)
        )
    except (KeyError, ValueError):
        return None


def read_stories(data_dir: Path = DEFAULT_DATA) -> Iterator[Story]:
    """Every story with some text, in NEWID order of the files (title-only ones use the title)."""
    for path in sorted(data_dir.glob("reut2-*.sgm")):
        # The files are Latin-1 with a few stray bytes; never fail on them.
        raw = path.read_bytes().decode("latin-1", errors="replace")
        for attrs, block in _STORY.findall(raw):
            newid = _NEWID.search(attrs)
            text = _TEXT.search(block)
            if not newid or not text:
                continue
            title_match = _TITLE.search(text.group(1))
            title = _text(title_match.group(1)) if title_match else ""
            body_match = _BODY.search(text.group(1))
            body = _text(body_match.group(1)) if body_match else _text(text.group(1))
            body = body or title
            if not body:
                continue
            yield Story(int(newid.group(1)), " ".join(title.split()), body, _date(block))


def write_corpus(out_dir: Path, size: int | None = None, data_dir: Path = DEFAULT_DATA) -> dict:
    """Write `size` stories (all of them when None) into out_dir; return a summary."""
    stories = list(read_stories(data_dir))
    if not stories:
        raise FileNotFoundError(f"no Reuters stories found in {data_dir}")
    size = len(stories) if size is None else size
    out_dir.mkdir(parents=True, exist_ok=True)
    for n in range(size):
        copy, story = divmod(n, len(stories))
        base = f"reuters-{stories[story].newid:05d}"
        article_id = base if copy == 0 else f"{base}-copy{copy}"
        _write_one(out_dir, article_id, stories[story], copy)
    return {"articles": size, "stories": len(stories), "synthetic": size > len(stories)}


def _write_one(out_dir: Path, article_id: str, story: Story, copy: int) -> None:
    # Copies move forward by whole years (365 days) so the year facet grows with the corpus.
    published = story.published + timedelta(days=365 * copy) if story.published else None
    sidecar = {
        "title": story.title or None,
        "outlet": "Reuters",
        "published": published.isoformat() if published else None,
    }
    (out_dir / f"{article_id}.txt").write_text(story.body + "\n", encoding="utf-8")
    (out_dir / f"{article_id}.json").write_text(
        json.dumps({k: v for k, v in sidecar.items() if v}), encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="corpus folder to write (created if missing)")
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="folder holding reut2-*.sgm"
    )
    parser.add_argument(
        "--size",
        type=int,
        default=None,
        help="number of articles; above the collection's size it is synthetic",
    )
    args = parser.parse_args(argv)
    summary = write_corpus(args.out, args.size, args.data)
    note = (
        " (SYNTHETIC: Reuters repeated with fresh ids and dates shifted by whole years)"
        if summary["synthetic"]
        else ""
    )
    print(
        f"wrote {summary['articles']} articles from {summary['stories']} Reuters stories "
        f"to {args.out}{note}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

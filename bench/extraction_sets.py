"""The extraction dev sets as (id, html, true main text) pages, and the naive page text.

Three sets, each read from its own layout (see each folder's README):
- aeb: article-extraction-benchmark, `ground-truth.json` + `html/<id>.html.gz` (MIT);
- dragnet: `html/<n>.html.gz` + `gold/<n>.txt`, cut before its comments (AGPL: measure
  only, never train on it);
- readability: Mozilla's test pages, `pages/<name>/source.html` + `expected.html` (Apache).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"


@dataclass(frozen=True)
class Page:
    id: str
    html: str
    truth: str


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        return str(best) if best is not None else raw.decode("utf-8", "replace")


def _aeb(folder: Path, limit: int | None) -> list[Page]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(pid, decode(gzip.decompress((folder / "html" / f"{pid}.html.gz").read_bytes())),
             truth[pid].get("articleBody", ""))
        for pid in sorted(truth)[:limit]
    ]  # fmt: skip


# 402 of Dragnet's gold files go on past the main text: a line "!@#$%^&*()  COMMENTS" (a few
# spelt otherwise), then the page's reader comments. The set's README defines the gold as
# the main text with comments cut off, so the text stops at that line. (Scored with the
# comments, every extractor lost 0.12 of recall, and comment threads looked like content.)
_DRAGNET_COMMENTS = re.compile(r"^\s*!?!@#\$%\^&\*\(\).*$", re.MULTILINE)


def dragnet_main_text(gold: str) -> str:
    """A Dragnet gold file's main text: everything before its comments line."""
    found = _DRAGNET_COMMENTS.search(gold)
    return gold[: found.start()] if found else gold


def dragnet_gold(raw: bytes) -> str:
    """A Dragnet gold file's text. Five of them (27, 39, 42, 49, 158) are UTF-16LE that went
    through a UTF-8 decoder once: each byte above 0x7F, the byte-order mark's included,
    became U+FFFD's three bytes. Putting one byte back for each keeps the 16-bit alignment,
    so the text reads again (with "?" for the lost characters) instead of scoring every
    extractor 0 on those pages."""
    if raw.count(b"\x00") > len(raw) // 4:
        realigned = raw.replace("\ufffd".encode(), b"?").removeprefix(b"??")
        return realigned.decode("utf-16-le", "replace")
    return decode(raw)


def _dragnet(folder: Path, limit: int | None) -> list[Page]:
    ids = sorted(p.name.removesuffix(".txt") for p in (folder / "gold").glob("*.txt"))
    pages = []
    for pid in ids[:limit]:
        html = folder / "html" / f"{pid}.html.gz"
        if html.is_file():
            gold = dragnet_gold((folder / "gold" / f"{pid}.txt").read_bytes())
            pages.append(
                Page(pid, decode(gzip.decompress(html.read_bytes())), dragnet_main_text(gold))
            )
    return pages


def html_text(html: str) -> str:
    """The text of an HTML fragment, one line per block element (for expected.html)."""
    return naive_text(html)


def _readability(folder: Path, limit: int | None) -> list[Page]:
    pages = []
    for page in sorted(p for p in (folder / "pages").iterdir() if p.is_dir())[:limit]:
        source, expected = page / "source.html", page / "expected.html"
        if source.is_file() and expected.is_file():
            truth = html_text(decode(expected.read_bytes()))
            pages.append(Page(page.name, decode(source.read_bytes()), truth))
    return pages


# name -> (folder, the file that says the set is there, loader)
SETS: dict[str, tuple[Path, str, Callable[[Path, int | None], list[Page]]]] = {
    "aeb": (DATA / "article-extraction-benchmark", "ground-truth.json", _aeb),
    "dragnet": (DATA / "dragnet", "gold", _dragnet),
    "readability": (DATA / "readability-test-pages", "pages", _readability),
}


def load_set(name: str, folder: Path | None = None, limit: int | None = None) -> list[Page]:
    """The pages of one set; [] when its data is not there."""
    default, marker, loader = SETS[name]
    folder = folder or default
    return loader(folder, limit) if (folder / marker).exists() else []


# --- naive page text: what a scraper that keeps everything stores ---------------------------

# Elements that start a new line in a browser; a scraper keeping everything breaks there.
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "td", "th", "tr", "ul", "option", "button", "label", "caption",
}  # fmt: skip
DROP_TAGS = ("script", "style", "noscript", "template")


def naive_text(html: str) -> str:
    """Page text with script and style dropped, one line per block element, nothing else."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)


def readability_text(html: str) -> str:
    """readability-lxml's main content as text (a baseline)."""
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    return naive_text(summary) if summary.strip() else ""


def justext_text(html: str, language: str = "English") -> str:
    """jusText's good paragraphs (a baseline), with the stop list of `language`."""
    import justext

    raw = html.encode("utf-8", "replace")
    paragraphs = justext.justext(raw, justext.get_stoplist(language), encoding="utf-8")
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

"""What the corpus-wide steps need of each article, computed once when it is indexed (pure).

Copies, stories and name variants are found after every article is written, from these
profiles (kept in two index columns), so an incremental build reads them back instead of
cleaning unchanged files again.
"""

from __future__ import annotations

import base64
import json
import struct
from dataclasses import dataclass

from ..model import Article
from .dedup import Signature, signature
from .name_variants import article_names
from .quotes import Quote, extract_quotes
from .stories import StoryProfile, story_profile

MAX_NAMES = 60  # the article's most used capitalised words; a long piece names hundreds


@dataclass(frozen=True)
class ArticleProfile:
    signature: Signature
    names: dict[str, list]  # names.article_names() of the body
    story: StoryProfile
    quotes: tuple[Quote, ...]


def profile_of(article: Article) -> ArticleProfile:
    """The article's copy signature, names, story profile and quotations."""
    names = article_names(article.text)
    if len(names) > MAX_NAMES:
        names = dict(sorted(names.items(), key=lambda kv: -kv[1][0])[:MAX_NAMES])
    quotes = extract_quotes(article.text)
    story = story_profile(
        article.id, article.title, article.lead or article.text[:600], article.published,
        names, quotes,
    )  # fmt: skip
    return ArticleProfile(signature(article.text), names, story, quotes)


def signature_bytes(sig: Signature) -> bytes:
    return struct.pack(">I", sig.shingles) + sig.values


def signature_from_bytes(raw: bytes) -> Signature:
    return Signature(raw[4:], struct.unpack(">I", raw[:4])[0])


def profile_bytes(profile: ArticleProfile) -> bytes:
    story = profile.story
    record = {"names": profile.names, "day": story.day, "keys": story.keys, "quotes": story.quotes}
    return json.dumps(record, separators=(",", ":")).encode("utf-8")


def profile_from_bytes(article_id: str, raw: bytes) -> tuple[dict, StoryProfile]:
    """(names, story profile) back from profile_bytes(); empty ones for a missing value."""
    record = json.loads(raw) if raw else {}
    names = record.get("names") or {}
    story = StoryProfile(
        article_id,
        record.get("day"),
        tuple(record.get("keys") or ()),
        tuple(sorted(names)),
        tuple(record.get("quotes") or ()),
    )
    return names, story


def profile_text(profile: ArticleProfile) -> str:
    """Signature and profile as one text value (for an index that stores strings only)."""
    signature = base64.b64encode(signature_bytes(profile.signature)).decode("ascii")
    return signature + " " + profile_bytes(profile).decode("utf-8")


def profile_from_text(article_id: str, text: str) -> tuple[Signature, dict, StoryProfile]:
    """(signature, names, story profile) back from profile_text()."""
    signature, _, record = text.partition(" ")
    names, story = profile_from_bytes(article_id, record.encode("utf-8"))
    return signature_from_bytes(base64.b64decode(signature)), names, story

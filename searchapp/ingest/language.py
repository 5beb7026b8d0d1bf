"""The language an article is written in, and that language's stop words. Pure, but for
the detector's model, unpacked once into the user's cache folder (_model_cache_path).

Detection is py3langid (langid.py's model, shipped inside the package: nothing is fetched);
stop words are the lists jusText ships (trafilatura depends on it), one per language.
"""

from __future__ import annotations

import os
import re
import zipfile
from array import array
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# ISO 639-1 code -> jusText's stop-list name, for the languages we name patterns in and
# a few more that news corpora hold.
STOPLIST_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "pl": "Polish",
    "ru": "Russian",
    "sv": "Swedish",
    "da": "Danish",
    "cs": "Czech",
    "ro": "Romanian",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ca": "Catalan",
    "hu": "Hungarian",
    "fi": "Finnish",
    "no": "Norwegian_Bokmal",
    "el": "Greek",
}

# Below this many words the detector guesses (a caption, a headline): no language then.
MIN_WORDS = 8
# Normalised probability the detector must give its answer; langid's scores on news
# paragraphs are nearly always above 0.99, a mixed or garbled text falls below.
MIN_CONFIDENCE = 0.9
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    # Imported on first use: py3langid loads NumPy, 0.4 s of every command's start-up,
    # and only the article pipeline detects languages.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    cache = _model_cache_path()
    try:
        return _identifier_from(cache)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        pass  # no cache yet, or one we cannot read: load the package's own model
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    _save_model_cache(identifier, cache)
    return identifier


# py3langid ships its model xz-compressed: unpacking it took 1.35 s of every build (most of
# a five-article rebuild's 2.2 s). Kept zlib-compressed in the user's cache folder (8 MB)
# it loads in 0.19 s. Only the identifier's public constructor and attributes are used.
def _model_cache_path() -> Path:
    from importlib.metadata import version

    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(home) / "searchapp" / f"py3langid-{version('py3langid')}-model.npz"


def _identifier_from(cache: Path) -> LanguageIdentifier:
    import numpy
    from py3langid.langid import LanguageIdentifier

    with numpy.load(cache, allow_pickle=False) as data:
        return LanguageIdentifier(
            data["ptc"],
            data["pc"],
            data["classes"].tolist(),
            array(str(data["nextmove_type"]), data["nextmove"].tobytes()),
            data["output"].tolist(),
            norm_probs=True,
            tk_row=array(str(data["row_type"]), data["row"].tobytes()),
        )


def _save_model_cache(identifier: LanguageIdentifier, cache: Path) -> None:
    """Keep the model in the cache folder for later builds; an unwritable folder is no error."""
    import numpy

    partial = cache.with_name(f"{cache.name}.{os.getpid()}.partial")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as out:
            numpy.savez_compressed(
                out,
                ptc=identifier.nb_ptc,
                pc=identifier.nb_pc,
                classes=numpy.array(identifier.nb_classes),
                nextmove=numpy.frombuffer(identifier.tk_nextmove, dtype=numpy.uint8),
                nextmove_type=numpy.array(identifier.tk_nextmove.typecode),
                row=numpy.frombuffer(identifier.tk_row, dtype=numpy.uint8),
                row_type=numpy.array(identifier.tk_row.typecode),
                output=numpy.array(identifier.tk_output, dtype=numpy.int32),
            )
        os.replace(partial, cache)  # whole or absent, even with builds side by side
    except OSError:  # a full disk, a read-only home: leave no half-written file
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass


def load_model() -> None:
    """Load the detector's model now (it is kept): see pipeline.load_models()."""
    _identifier()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when too short or unsure."""
    if len(_WORD.findall(text[:20_000])) < MIN_WORDS:
        return None
    code, confidence = _identifier().classify(text[:20_000])
    return code if confidence >= MIN_CONFIDENCE else None


@lru_cache(maxsize=64)
def stop_words(language: str | None) -> frozenset[str]:
    """jusText's stop list for an ISO 639-1 code (casefolded); English when unknown."""
    import justext

    name = STOPLIST_NAMES.get(language or "en", "English")
    return frozenset(w.casefold() for w in justext.get_stoplist(name))


def stopword_share(text: str, words: frozenset[str]) -> float:
    """The share of a text's words that are stop words: high in prose, low in menus."""
    tokens = _WORD.findall(text.casefold())
    return sum(1 for t in tokens if t in words) / len(tokens) if tokens else 0.0

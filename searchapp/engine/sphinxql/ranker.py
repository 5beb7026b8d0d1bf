"""The ranker expression: BM25F over the weighted sections, as Whoosh scores it.

Sphinx 2.2's bm25a()/bm25f() length-normalise with averages that RT indexes never fill
in (measured: every article scored 0.5000x, and NaN once a RAM chunk was flushed to
disk). With b = 0 they do not read the averages, and bm25f(K, 0, {weights}) is exactly
sum over the query's words of idf * w / (w + K), w being the word's weighted count.
BM25 wants each word saturated with K times the article's length norm n, a per-article
value bm25f() cannot take (its arguments must be constants). So the expression evaluates
bm25f() at a ladder of constant K * n_j and interpolates linearly in n between the two
rungs around the article's own n: each word keeps its own saturation.

This replaced saturating the matched words' mean weighted count (tf_idf / hit_count
factors), which favoured an article with one word many times over one with several
words: nDCG@10 on ADI went from 0.4884 to 0.5164 against Whoosh's 0.5155 (notes in
bench/sphinx_engines.py). Interpolation error is under 1% of a word's weight.
"""

from __future__ import annotations

from ..schema import SECTION_WEIGHTS
from .config import QUOTES
from .documents import name_form_id

# bm25f() takes integer field weights: SECTION_WEIGHTS times ten, and k1 times ten to
# match (scaling every weight by c scales the weighted term count by c, which k1*c undoes).
WEIGHT_SCALE = 10
K1, B = 1.2, 0.75
# weight() is an integer: the BM25F value times this keeps four decimals.
SCORE_SCALE = 100_000
# A name spelled as typed, in weight() units: above any BM25F value times SCORE_SCALE, and
# MAX_TIERS of them below 2**31 (weight() is a 32-bit integer).
TIER_WEIGHT = 100_000_000
MAX_TIERS = 20
# Rungs of the length norm n = (1 - b) + b * length / average: n is never under 1 - b;
# past the last rung the last segment extends. A ratio of sqrt(2) keeps the linear
# interpolation of w / (w + K n) within 1% of the word's weight.
RUNGS = tuple((1 - B) * 2 ** (j / 2) for j in range(11))

LENGTH = "+".join(f"{name}_len" for name in SECTION_WEIGHTS)
# The quotes field weighs as the body does when quote: searches it.
_WEIGHTS = {n: round(w * WEIGHT_SCALE) for n, w in SECTION_WEIGHTS.items()} | {QUOTES: WEIGHT_SCALE}
_WEIGHT_MAP = "{" + ", ".join(f"{name}={w}" for name, w in _WEIGHTS.items()) + "}"


def _saturated(n: float) -> str:
    """sum(idf * w / (w + K1 n)) over the query's words (bm25f adds 0.5)."""
    return f"(bm25f({K1 * WEIGHT_SCALE * n:.4f}, 0, {_WEIGHT_MAP})-0.5)"


def ranker(avg_length: float, typed: tuple[str, ...] = ()) -> str:
    """The OPTION ranker= value: BM25F per word, then the names-as-typed tiers.

    With `typed` (indexed forms of names widened to their variants), each of them an
    article holds as typed (its name_forms) adds TIER_WEIGHT, as SPELLING_TIER does in
    Whoosh. (In the ranker, not a select expression: FACET beside an expression column
    failed on a distributed index in 2.2.)
    """
    norm = f"({1 - B:g}+{B:g}*({LENGTH})/{max(avg_length, 1.0):.3f})"
    score = None
    segments = list(zip(RUNGS, RUNGS[1:], strict=False))
    for low, high in reversed(segments):
        at_low, at_high = _saturated(low), _saturated(high)
        line = f"({at_low}+({at_high}-{at_low})*({norm}-{low:.4f})/{high - low:.4f})"
        score = line if score is None else f"if({norm}<{high:.4f},{line},{score})"
    tier = "".join(f"+{TIER_WEIGHT}*IN(name_forms, {name_form_id(f)})" for f in typed)
    return f"expr('{SCORE_SCALE}*{score}{tier}')"


def field_weights() -> str:
    """OPTION field_weights: what SPH's own factors (and CALL SNIPPETS) see; bm25f() above
    takes its weights in its own map."""
    pairs = ", ".join(f"{name}={w}" for name, w in _WEIGHTS.items() if name != QUOTES)
    return f"field_weights=({pairs})"

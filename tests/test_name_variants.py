"""Name variants learned from a corpus: the spellings that are one name and those that are not."""

from __future__ import annotations

from searchapp.ingest.name_variants import (
    NameStats,
    article_names,
    learn_variants,
    people,
    translit_key,
)

from .conftest import SHIPPED_CORPUS


def _learn(articles: list[str]) -> dict[str, tuple[str, ...]]:
    stats = NameStats()
    for number, text in enumerate(articles):
        stats.add(number, article_names(text))
    return learn_variants(stats)


def test_shipped_corpus_variants():
    texts = [p.read_text(encoding="utf-8") for p in sorted(SHIPPED_CORPUS.glob("*.txt"))]
    variants = _learn(texts)
    assert variants["sergei"] == ("sergey",) and variants["sergey"] == ("sergei",)
    assert variants["lvrov"] == ("lavrov",) and variants["lavrov"] == ("lvrov",)
    assert "asia" not in variants  # Asia/Asian: a suffix, not a spelling


def test_transliteration_keys():
    assert translit_key("Sergey") == translit_key("Sergei")
    assert translit_key("Zelensky") == translit_key("Zelenskyy") == translit_key("Zelenskiy")
    assert translit_key("Qaddafi") == "kadafi" and translit_key("Gaddafi") == "gadafi"


def _outlet(spelling: str, n: int) -> list[str]:
    return [f"On Monday President {spelling} spoke in Kyiv about the war." for _ in range(n)]


def test_outlets_spelling_one_name_differently():
    variants = _learn(_outlet("Zelensky", 3) + _outlet("Zelenskyy", 3) + _outlet("Zelenskiy", 2))
    assert variants["zelensky"] == ("zelenskiy", "zelenskyy")


def test_one_edit_apart_after_the_key_with_shared_neighbours():
    texts = [f"The late leader Muammar {s} ruled Libya." for s in ["Gaddafi"] * 3 + ["Qaddafi"] * 3]
    assert _learn(texts)["gaddafi"] == ("qaddafi",)


def test_names_that_are_not_variants():
    texts = [
        # Iran and Iraq: both frequent, short, different places.
        "Talks between Iran and Iraq resumed as Iran sent envoys.",
        "Oil from Iraq and Iran rose as Iraq cut output.",
        # Germany and Germans share neighbours and articles.
        "In East Germany the East Germans voted. East Germany celebrated.",
        "The East Germans left East Germany.",
    ] * 3
    variants = _learn(texts)
    assert "iran" not in variants and "germany" not in variants


def test_a_typo_needs_the_right_spelling_beside_it():
    right = ["The envoy Lavrov spoke; later Lavrov left."] * 3
    assert _learn(right + ["The envoy Lavrov spoke, and Lvrov noted it."])["lvrov"] == ("lavrov",)
    # Alone in an article of its own it is a different name, as far as the corpus says.
    assert "lvrov" not in _learn(right + ["The envoy Lvrov spoke."])


def test_people_strip_titles_and_skip_headlines():
    text = (
        "Then Russian Foreign Minister Sergey Lavrov met his counterpart, Choe Son Hui, at the"
        " resort on the coast.\nA Headline In Title Case For Once"
    )
    assert people(text) == ("Sergey Lavrov", "Choe Son Hui")


def test_a_typo_counts_when_the_right_spelling_is_in_its_story():
    right = ["The envoy Lavrov spoke; later Lavrov left."] * 3
    texts = [*right, "The envoy Lvrov spoke.", "A visitor from Moscow came."]
    assert "lvrov" not in _learn(texts)  # alone in its article, as above
    stats = NameStats()
    for number, text in enumerate(texts):
        stats.add(number, article_names(text))
    # Article 3 is in a story with article 0, which spells the name right.
    assert learn_variants(stats, {0: 0, 3: 0})["lvrov"] == ("lavrov",)
    # A story without the right spelling says nothing about it.
    assert "lvrov" not in learn_variants(stats, {3: 0, 4: 0})

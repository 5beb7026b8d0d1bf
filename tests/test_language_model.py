"""The language detector's model, unpacked once into the user's cache folder."""

from __future__ import annotations

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from searchapp.ingest import language

TEXTS = [
    "The harbour ferry crews went back to work on Monday after the union accepted the offer.",
    "Die Besatzungen der Hafenfähre sind am Montag an die Arbeit zurückgekehrt, sagte er.",
    "Les équipages du ferry du port ont repris le travail lundi après l'accord syndical.",
    "Las tripulaciones del ferry del puerto volvieron al trabajo el lunes tras el acuerdo.",
    "Экипажи парома вернулись к работе в понедельник после того, как профсоюз согласился.",
]


def test_the_cached_model_answers_as_the_packaged_one(tmp_path):
    packaged = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    cache = tmp_path / "model.npz"
    language._save_model_cache(packaged, cache)
    cached = language._identifier_from(cache)
    assert cached.nb_classes == packaged.nb_classes
    assert cached.tk_nextmove == packaged.tk_nextmove and cached.tk_row == packaged.tk_row
    assert cached.tk_output == packaged.tk_output
    for text in TEXTS:
        assert cached.classify(text) == packaged.classify(text), text
    assert [cached.classify(t)[0] for t in TEXTS] == ["en", "de", "fr", "es", "ru"]


def test_a_damaged_or_unwritable_cache_costs_only_time(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache = language._model_cache_path()
    assert cache.is_relative_to(tmp_path / "cache" / "searchapp")
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"not a model")
    language._identifier.cache_clear()
    try:
        assert language.detect_language(TEXTS[1]) == "de"  # the packaged model, then cached
        assert language._identifier_from(cache).classify(TEXTS[2])[0] == "fr"
        # A cache folder that cannot be written: the model still loads, nothing is raised.
        (tmp_path / "file").write_text("x")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
        language._identifier.cache_clear()
        assert language.detect_language(TEXTS[3]) == "es"
    finally:
        language._identifier.cache_clear()

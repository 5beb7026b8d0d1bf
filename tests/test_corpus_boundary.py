"""The corpus boundary, and files that must not break a build.

Only regular files whose real path is inside the corpus folder are read; every other
entry, and every file that some step cannot handle, is skipped with its path and reason.
"""

from __future__ import annotations

import json
import os
import socket

import pytest

from searchapp import create_app

from .conftest import make_corpus
from .server_helpers import run_cli

GOOD = "The harbour council approved the ferry budget after a long debate about dredging."
SECRET = "Secret vmarkpasswd root credentials that must never be served."


def _skipped(stderr: str) -> dict[str, str]:
    """{file name: reason} from the CLI's "skipped PATH: REASON" lines."""
    out = {}
    for line in stderr.splitlines():
        if line.startswith("skipped "):
            path, reason = line.removeprefix("skipped ").split(": ", 1)
            out[path.rsplit("/", 1)[-1]] = reason
    return out


def _ids(index) -> set[str]:
    app = create_app({"INDEX_DIR": str(index)})
    try:
        # collapse=false: the ids indexed, copies included (alias.txt is inside.txt's text)
        data = app.test_client().get("/api/search?per_page=100&collapse=false").get_json()
        return {hit["id"] for hit in data["results"]}
    finally:
        app.extensions["searchapp.live"].close()


def test_nothing_outside_the_corpus_folder_is_read(tmp_path):
    corpus = make_corpus(tmp_path, {"good": GOOD, "inside.txt": GOOD + " Inside link target."})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (outside / "meta.json").write_text(json.dumps({"title": "vmarkpasswd " + SECRET}))
    (corpus / "passwd.txt").symlink_to(outside / "secret.txt")
    (corpus / "proc.txt").symlink_to("/proc/self/status")
    (corpus / "side.txt").write_text(GOOD)
    (corpus / "side.json").symlink_to(outside / "meta.json")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (corpus / "dangling.txt").symlink_to(corpus / "missing.txt")
    (corpus / "alias.txt").symlink_to(corpus / "inside.txt")  # inside: read
    (corpus / "outdir").symlink_to(outside, target_is_directory=True)
    os.mkfifo(corpus / "fifo.txt")  # reading it would block the build for ever
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(corpus / "sock.txt"))
    try:
        done = run_cli(
            "rebuild-index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"), timeout=120
        )
    finally:
        sock.close()
    assert done.returncode == 3, done.stderr
    skipped = _skipped(done.stderr)
    expected = {
        "passwd.txt": "outside the corpus",
        "proc.txt": "outside the corpus",
        "side.txt": "outside the corpus",  # its sidecar is the link
        "loop.txt": "symlink loop",
        "dangling.txt": "broken symlink",
        "outdir": "symlinked folder",
        "fifo.txt": "FIFO",
        "sock.txt": "socket",
    }
    for name, reason in expected.items():
        assert reason in skipped.get(name, ""), (name, skipped)
    assert _ids(tmp_path / "ix") == {"good", "inside", "alias"}
    app = create_app({"INDEX_DIR": str(tmp_path / "ix")})
    try:
        assert app.test_client().get("/api/search?q=vmarkpasswd").get_json()["total"] == 0
    finally:
        app.extensions["searchapp.live"].close()


DEEP = 100_000  # far past Python's recursion limit


@pytest.mark.parametrize(
    "files, indexed, skipped",
    [
        # a sidecar nested 100,000 deep: that article is skipped, the build goes on
        ({"deep.txt": GOOD, "deep.json": "[" * DEEP + "]" * DEEP}, set(), {"deep.txt": "deeply"}),
        # JSON-LD nested as deep: the page is indexed without its JSON-LD
        (
            {
                "ld.html": "<html><head><title>Harbour vote</title><script type="
                '"application/ld+json">' + "[" * DEEP + "]" * DEEP + "</script></head><body>"
                f"<article><p>{GOOD}</p><p>{GOOD}</p></article></body></html>"
            },
            {"ld"},
            {},
        ),
        # markup nested thousands deep
        (
            {"tags.html": "<html><body>" + "<div>" * 20_000 + f"<p>{GOOD}</p>" + "</div>" * 20_000},
            None,  # indexed or skipped with a reason: either way the build finishes
            None,
        ),
        # a lone surrogate escape in a sidecar: indexed, the character replaced
        ({"lone.txt": GOOD, "lone.json": '{"title": "Ferry \\udcff vote"}'}, {"lone"}, {}),
        # an empty a.html beside a valid a.txt: the valid one is kept
        ({"a.html": "", "a.txt": GOOD}, {"a"}, {"a.html": "empty"}),
    ],
)
def test_no_file_breaks_a_build(tmp_path, files, indexed, skipped):
    corpus = make_corpus(tmp_path, {"good": GOOD})
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    done = run_cli("rebuild-index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"))
    assert done.returncode in (0, 3), done.stderr
    assert "Traceback" not in done.stderr
    ids = _ids(tmp_path / "ix")
    assert "good" in ids
    if indexed is not None:
        assert ids == {"good"} | indexed
        for name, reason in skipped.items():
            assert reason in _skipped(done.stderr).get(name, ""), done.stderr
    else:
        names = set(_skipped(done.stderr))
        assert ids - {"good"} or names == set(files), (ids, done.stderr)


def test_a_file_name_that_is_not_utf8_is_skipped_with_its_reason(tmp_path):
    corpus = make_corpus(tmp_path, {"good": GOOD})
    with open(os.path.join(os.fsencode(corpus), b"caf\xe9.txt"), "w") as handle:
        handle.write(GOOD)
    done = run_cli("rebuild-index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"))
    assert done.returncode == 3, done.stderr
    assert "caf\\xe9.txt: file name is not valid UTF-8" in done.stderr
    assert _ids(tmp_path / "ix") == {"good"}


def test_lone_surrogates_reach_the_index_as_replacement_characters(tmp_path):
    corpus = make_corpus(tmp_path, {"lone.txt": GOOD})
    (corpus / "lone.json").write_text('{"title": "Ferry \\udcff vote", "authors": ["A \\ud800"]}')
    done = run_cli("rebuild-index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"))
    assert done.returncode == 0, done.stderr
    app = create_app({"INDEX_DIR": str(tmp_path / "ix")})
    try:
        hit = app.test_client().get("/api/search?q=ferry").get_json()["results"][0]
        assert hit["title"] == "Ferry \ufffd vote" and hit["authors"] == ["A \ufffd"]
    finally:
        app.extensions["searchapp.live"].close()

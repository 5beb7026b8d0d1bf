"""The command line: rebuild-index, inspect, and the flask entry point."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from searchapp import create_app
from searchapp.cli import EXIT_SKIPPED, main
from searchapp.store import current_generation, rebuild_lock

from .conftest import SHIPPED_CORPUS, make_corpus

GOOD = "Headline of a good article\n\nA full paragraph of article text that says something.\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_rebuild_index_prints_one_summary_line(tmp_path):
    result = run("rebuild-index", "--corpus", str(SHIPPED_CORPUS), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 0, result.output
    assert "5 articles indexed, 0 skipped" in result.output
    assert "boilerplate blocks removed" in result.output
    assert current_generation(tmp_path / "ix").startswith("gen-")


def test_skipped_files_are_listed_and_change_the_exit_status(tmp_path):
    corpus = make_corpus(tmp_path, {"good": GOOD, "empty": "", "binary": b"\x00\x01\x02junk"})
    result = CliRunner().invoke(
        main, ["rebuild-index", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == EXIT_SKIPPED
    assert "1 articles indexed, 2 skipped" in result.output
    assert f"skipped {corpus / 'empty.txt'}: empty file" in result.output
    assert "binary" in result.output


def test_rebuild_refused_while_another_runs(tmp_path):
    corpus = make_corpus(tmp_path, {"good": GOOD})
    with rebuild_lock(tmp_path / "ix"):
        result = CliRunner().invoke(
            main, ["rebuild-index", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]
        )
    assert result.exit_code == 1
    assert "another rebuild" in result.output


def test_incremental_flag(tmp_path):
    corpus = make_corpus(tmp_path, {"a": GOOD, "b": GOOD.replace("good", "second")})
    index = str(tmp_path / "ix")
    assert run("rebuild-index", "--corpus", str(corpus), "--index", index).exit_code == 0
    (corpus / "b.txt").write_text(GOOD.replace("good", "changed"), encoding="utf-8")
    result = run("rebuild-index", "--corpus", str(corpus), "--index", index, "--incremental")
    assert result.exit_code == 0
    assert "2 articles indexed, 1 updated, 0 deleted" in result.output


def test_missing_corpus_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(
        main, ["rebuild-index", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 1
    assert "corpus folder not found" in result.output


def test_inspect_shows_metadata_kept_text_and_removed_blocks():
    result = run("inspect", "000_0094f72c2f52c878", "--corpus", str(SHIPPED_CORPUS))
    assert result.exit_code == 0
    out = result.output
    assert "outlet:    CNN" in out
    assert "Will Ripley" in out.split("== kept text ==")[0]
    kept, removed = out.split("== kept text ==")[1].split("== removed blocks")
    assert "Lavrov" in kept and "The-CNN-Wire" not in kept
    assert "[byline] By Will Ripley" in removed
    assert "The-CNN-Wire" in removed


def test_inspect_unknown_id(tmp_path):
    result = CliRunner().invoke(main, ["inspect", "nope", "--corpus", str(SHIPPED_CORPUS)])
    assert result.exit_code == 1
    assert "no article or file 'nope'" in result.output


def test_flask_cli_has_rebuild_index(tmp_path):
    corpus = make_corpus(tmp_path, {"good": GOOD})
    app = create_app({"INDEX_DIR": str(tmp_path / "ix"), "CORPUS_DIR": str(corpus)})
    result = app.test_cli_runner().invoke(args=["rebuild-index"])  # dirs from the app config
    assert result.exit_code == 0, result.output
    assert "1 articles indexed" in result.output


@pytest.mark.parametrize("command", ["rebuild-index", "inspect", "serve"])
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output


def _mark_built_by_another_version(index_dir) -> None:
    info_path = index_dir / current_generation(index_dir) / "build.json"
    info = json.loads(info_path.read_text(encoding="utf-8"))
    info_path.write_text(json.dumps({**info, "schema": 1}), encoding="utf-8")


def test_serve_rebuilds_an_index_built_by_another_version(tmp_path, monkeypatch):
    import searchapp.server

    corpus = make_corpus(tmp_path, {"good": GOOD})
    index = tmp_path / "ix"
    assert run("rebuild-index", "--corpus", str(corpus), "--index", str(index)).exit_code == 0
    _mark_built_by_another_version(index)
    old = current_generation(index)
    served = []
    monkeypatch.setattr(searchapp.server, "serve", lambda **kwargs: served.append(kwargs))
    result = run("serve", "--corpus", str(corpus), "--index", str(index))
    assert result.exit_code == 0, result.output
    assert "built by another version" in result.output
    assert current_generation(index) != old and served


def test_serve_keeps_an_index_of_this_version(tmp_path, monkeypatch):
    import searchapp.server

    corpus = make_corpus(tmp_path, {"good": GOOD})
    index = tmp_path / "ix"
    assert run("rebuild-index", "--corpus", str(corpus), "--index", str(index)).exit_code == 0
    live = current_generation(index)
    monkeypatch.setattr(searchapp.server, "serve", lambda **kwargs: None)
    result = run("serve", "--corpus", str(corpus), "--index", str(index))
    assert result.exit_code == 0 and current_generation(index) == live

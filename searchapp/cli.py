"""The `searchapp` command: a thin shell over the library functions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app, has_app_context
from flask.cli import with_appcontext

from . import default_dirs
from .build import BuildError, BuildSummary, rebuild_index
from .engine import SynonymsError, built_with_this_schema, load_synonyms
from .store import NoIndexError, RebuildInProgressError, current_generation, read_build_info

# Exit status when the index was built but some corpus files were skipped.
EXIT_SKIPPED = 3

_corpus_option = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of articles (.txt, .html, .htm, with optional <stem>.json sidecars). "
    "Default: $SEARCHAPP_CORPUS_DIR or ./corpus.",
)
_index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder that holds the index. Default: $SEARCHAPP_INDEX_DIR or ./index.",
)


def _dirs(corpus_dir: Path | None, index_dir: Path | None) -> tuple[Path, Path]:
    """Options first, then the Flask app's config (under `flask --app`), then defaults."""
    default_corpus, default_index = default_dirs()
    if has_app_context():
        default_corpus = Path(current_app.config["CORPUS_DIR"])
        default_index = Path(current_app.config["INDEX_DIR"])
    return corpus_dir or default_corpus, index_dir or default_index


def run_rebuild(
    corpus_dir: Path, index_dir: Path, incremental: bool, exclude: tuple[str, ...] = ()
) -> BuildSummary:
    """Rebuild with a progress bar on a terminal; ClickException on failure."""
    if not corpus_dir.is_dir():
        raise click.ClickException(f"corpus folder not found: {corpus_dir}")
    bar = None
    show_bar = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not show_bar:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Indexing", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        summary = rebuild_index(
            corpus_dir, index_dir, incremental=incremental, progress=progress, exclude=exclude
        )
    except RebuildInProgressError as error:
        raise click.ClickException(str(error)) from None
    except BuildError as error:
        raise click.ClickException(
            f"rebuild failed, the previous index is still serving: {error}"
        ) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for skipped in summary.skipped:
        click.echo(f"skipped {skipped.path}: {skipped.reason}", err=True)
    for warning in summary.warnings:
        click.echo(f"warning {warning.path}: {warning.message}", err=True)
    click.echo(summary.line())
    return summary


@click.command("rebuild-index")
@_corpus_option
@_index_option
@click.option(
    "--incremental",
    is_flag=True,
    help="Re-index only articles whose content changed; drop deleted ones.",
)
@click.option(
    "--exclude",
    "exclude",
    multiple=True,
    metavar="GLOB",
    help="Leave out corpus files matching GLOB (gitignore syntax, e.g. 'drafts/' or '*.csv.txt'); "
    "repeatable, and added to the corpus's .searchappignore.",
)
def rebuild_index_command(
    corpus_dir: Path | None, index_dir: Path | None, incremental: bool, exclude: tuple[str, ...]
):
    """Rebuild the search index from the corpus while search keeps serving.

    Example: searchapp rebuild-index --corpus corpus --index index --exclude 'drafts/'
    """
    corpus_dir, index_dir = _dirs(corpus_dir, index_dir)
    summary = run_rebuild(corpus_dir, index_dir, incremental, exclude)
    if summary.skipped:
        sys.exit(EXIT_SKIPPED)


def flask_rebuild_index_command() -> click.Command:
    """The same command for `flask --app searchapp rebuild-index`, inside the app's context."""
    return click.Command(
        "rebuild-index",
        callback=with_appcontext(rebuild_index_command.callback),
        params=rebuild_index_command.params,
        help=rebuild_index_command.help,
    )


@click.command("inspect")
@click.argument("article")
@_corpus_option
def inspect_command(article: str, corpus_dir: Path | None):
    """Show how one corpus file is cleaned: metadata, kept text, each removed block and rule.

    ARTICLE is an article id (business/001) or a file's path in the corpus
    (business/001.txt); a skipped file shows why it was skipped.

    Example: searchapp inspect business/001
    """
    from .ingest.inspect import NotInCorpusError, inspect_article

    corpus_dir, _ = _dirs(corpus_dir, None)
    try:
        click.echo(inspect_article(corpus_dir, article))
    except NotInCorpusError as error:
        raise click.ClickException(str(error)) from None


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; use 0.0.0.0 to serve your LAN.",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (one per core is right for search).",
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per worker.",
)
@click.option(
    "--watch",
    "watch",
    is_flag=True,
    help="Also watch the corpus folder and rebuild incrementally when files change.",
)
@click.option(
    "--open",
    "open_browser",
    is_flag=True,
    help="Open the search page in a browser once serving (when this machine has one).",
)
@click.option(
    "--synonyms",
    "synonyms_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A synonyms file (README: Synonyms), applied to every query; default $SEARCHAPP_SYNONYMS.",
)
@_corpus_option
@_index_option
def serve_command(
    host, port, workers, threads, watch, open_browser, synonyms_file, corpus_dir, index_dir
):
    """Serve the web app and API with a production server (builds the index if none).

    Example: searchapp serve --host 127.0.0.1 --port 8000
    """
    from .announce import PortUnavailableError, check_port
    from .server import serve

    try:
        check_port(host, port)  # before any build: a taken port should fail at once
    except PortUnavailableError as error:
        raise click.ClickException(str(error)) from None
    corpus_dir, index_dir = _dirs(corpus_dir, index_dir)
    if synonyms_file is not None:
        try:
            load_synonyms(synonyms_file)  # fail here, with the reason, not in every worker
        except SynonymsError as error:
            raise click.ClickException(f"{error} (pass a UTF-8 text file)") from None
        os.environ["SEARCHAPP_SYNONYMS"] = str(synonyms_file.resolve())  # workers inherit it
    try:
        live = current_generation(index_dir)
    except NoIndexError:
        click.echo(f"No index in {index_dir} yet; building it from {corpus_dir} first.", err=True)
        run_rebuild(corpus_dir, index_dir, incremental=False)
    else:
        if not built_with_this_schema(read_build_info(index_dir, live)):
            click.echo(
                f"The index in {index_dir} was built by another version of searchapp; "
                f"rebuilding it from {corpus_dir} first.",
                err=True,
            )
            run_rebuild(corpus_dir, index_dir, incremental=False)
    watcher = _start_watcher(corpus_dir, index_dir) if watch else None
    try:
        serve(
            host=host,
            port=port,
            workers=workers,
            threads=threads,
            corpus_dir=corpus_dir,
            index_dir=index_dir,
            open_browser=open_browser,
        )
    finally:
        if watcher is not None:
            watcher.terminate()
            watcher.wait(timeout=30)


def _start_watcher(corpus_dir: Path, index_dir: Path) -> subprocess.Popen:
    """`searchapp watch` beside the server: its own process, so builds never share the
    gunicorn arbiter (which forks workers, and must stay free to answer signals)."""
    command = [sys.executable, "-m", "searchapp", "watch"]
    return subprocess.Popen(command + ["--corpus", str(corpus_dir), "--index", str(index_dir)])


@click.command("watch")
@_corpus_option
@_index_option
def watch_command(corpus_dir: Path | None, index_dir: Path | None):
    """Keep the index current: rebuild incrementally whenever corpus files change.

    Example: searchapp watch --corpus corpus --index index
    """
    from .watch import watch_corpus

    corpus_dir, index_dir = _dirs(corpus_dir, index_dir)
    if not corpus_dir.is_dir():
        raise click.ClickException(f"corpus folder not found: {corpus_dir}")
    # SIGTERM (from serve --watch, or a service manager) stops it like Ctrl+C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    watch_corpus(corpus_dir, index_dir, lambda line: click.echo(line, err=True))


@click.group()
@click.version_option(package_name="searchapp", prog_name="searchapp")
def main():
    """searchapp: full-text search over a folder of scraped news articles."""


main.add_command(rebuild_index_command)
main.add_command(inspect_command)
main.add_command(serve_command)
main.add_command(watch_command)

"""Rebuilds that always finish or fail: a killed build frees its lock, a lost worker or a
full disk fails in bounded time with a clear message, and nothing partial is left."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchapp.build import rebuild_index
from searchapp.cli import main

from .server_helpers import SEARCHAPP, children, keep_first, run_cli, write_articles


def _live(index: Path) -> str:
    return (index / "CURRENT").read_text().strip()


def _start_big_rebuild(
    tmp_path: Path, articles: int = 2000, **popen
) -> tuple[Path, Path, str, subprocess.Popen]:
    """A published index of 5 articles, then a rebuild of 2,000 running (with its pool)."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_articles(corpus, list(range(5)), "vmarkold")
    rebuild_index(corpus, index)
    write_articles(corpus, list(range(articles)), "vmarknew", seed=1)
    process = subprocess.Popen(
        [SEARCHAPP, "rebuild-index", "--corpus", str(corpus), "--index", str(index)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        **popen,
    )  # fmt: skip
    return corpus, index, _live(index), process


def _wait_for_pool(process: subprocess.Popen, timeout: float = 90) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        pool = children(process.pid)
        if pool:
            return pool
        time.sleep(0.05)
    raise AssertionError("the rebuild started no pool")


def _cleanup(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=30)
    try:  # anything left in the session this test started
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.mark.slow
def test_kill_9_of_a_rebuild_frees_the_lock_and_its_pool_dies_with_it(tmp_path):
    """Before: the pool processes lived on holding the lock; 5 of 6 later rebuilds refused."""
    corpus, index, before, process = _start_big_rebuild(tmp_path)
    try:
        pool = _wait_for_pool(process)
        os.kill(process.pid, signal.SIGKILL)  # the main process only, not its group
        process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in pool) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in pool), "pool processes outlived the build"
        keep_first(corpus, 10)
        done = run_cli("rebuild-index", "--corpus", str(corpus), "--index", str(index))
        assert done.returncode == 0, done.stderr  # not "another rebuild is running"
        assert _live(index) != before
    finally:
        _cleanup(process)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_a_lost_worker_fails_the_build_at_once_and_cleans_up(tmp_path):
    corpus, index, before, process = _start_big_rebuild(tmp_path)
    try:
        pool = _wait_for_pool(process)
        os.kill(pool[0], signal.SIGKILL)
        _, stderr = process.communicate(timeout=90)
    finally:
        _cleanup(process)
    assert process.returncode == 1, stderr
    assert "worker process died" in stderr and "Traceback" not in stderr
    assert "previous index is still serving" in stderr
    assert _live(index) == before and not list(index.glob(".building-*"))


def _small_files_only(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.slow
def test_a_full_disk_fails_the_build_with_a_message_and_removes_the_partial_one(tmp_path):
    """No file may grow past 128 KB (RLIMIT_FSIZE): the OS refuses the write as a full disk
    would. Before: a multiprocess build hung for ever at 0% CPU holding the lock. (600
    articles write more than that to one file; 2,000 took 15 s more of the suite.)"""
    corpus, index, before, process = _start_big_rebuild(
        tmp_path, articles=600, preexec_fn=_small_files_only(128 * 1024)
    )
    try:
        _, stderr = process.communicate(timeout=240)
    finally:
        _cleanup(process)
    assert process.returncode == 1, stderr
    assert "no space left for the index" in stderr and "Traceback" not in stderr
    assert _live(index) == before and not list(index.glob(".building-*"))
    keep_first(corpus, 10)
    done = run_cli("rebuild-index", "--corpus", str(corpus), "--index", str(index))
    assert done.returncode == 0, done.stderr  # the lock was released


def test_an_index_folder_that_cannot_be_written_is_a_message_not_a_traceback(tmp_path):
    corpus = tmp_path / "corpus"
    write_articles(corpus, [1], "vmark")
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    # Under a file, and on /proc (not writable even by root): both fail at mkdir.
    for index in (blocked / "index", Path("/proc/searchapp-index")):
        result = CliRunner().invoke(
            main, ["rebuild-index", "--corpus", str(corpus), "--index", str(index)]
        )
        assert result.exit_code == 1, result.output
        assert "cannot write to the index folder" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)

"""The index folder: generations, the CURRENT pointer, the rebuild lock."""

from __future__ import annotations

import json
import os

import pytest

from searchapp import store


def publish_empty(index_dir, info=None) -> str:
    build_dir = store.new_build_dir(index_dir)
    (build_dir / "marker").write_text(build_dir.name)
    return store.publish(index_dir, build_dir, info or {})


def test_no_index_yet(tmp_path):
    with pytest.raises(store.NoIndexError):
        store.current_generation(tmp_path)


@pytest.mark.parametrize("pointer", ["gen-missing", "../gen-x", "not-a-gen", ""])
def test_a_bad_pointer_is_no_index(tmp_path, pointer):
    (tmp_path / "not-a-gen").mkdir()
    (tmp_path / store.POINTER).write_text(pointer)
    with pytest.raises(store.NoIndexError):
        store.current_generation(tmp_path)


def test_publish_moves_the_build_and_the_pointer(tmp_path):
    name = publish_empty(tmp_path, {"articles": 7})
    assert store.current_generation(tmp_path) == name
    assert (tmp_path / name / "marker").is_file()
    assert store.read_build_info(tmp_path, name)["articles"] == 7
    assert list(tmp_path.glob(store.BUILD_PREFIX + "*")) == []
    assert list(tmp_path.glob(store.POINTER + ".*.tmp")) == []


def test_read_build_info_of_a_broken_build_is_empty(tmp_path):
    name = publish_empty(tmp_path)
    (tmp_path / name / store.BUILD_INFO).write_text("{not json")
    assert store.read_build_info(tmp_path, name) == {}


def test_generation_names_sort_in_build_order(tmp_path):
    names = [publish_empty(tmp_path) for _ in range(5)]
    assert names == sorted(names) and len(set(names)) == 5


def test_prune_keeps_the_live_one_and_the_one_before(tmp_path):
    names = [publish_empty(tmp_path) for _ in range(4)]
    store.prune_generations(tmp_path)
    assert sorted(p.name for p in tmp_path.glob("gen-*")) == names[-2:]


def test_a_reader_overtaken_by_two_publishes_follows_the_pointer(tmp_path, monkeypatch):
    """Two real publishes and a prune land between reading the pointer and looking for
    the build it names (forced here, at that moment; the suite once caught a search
    there): the reader follows the pointer to the new build instead of "no index"."""
    first = publish_empty(tmp_path)
    read = store._read_pointer
    overtaken = []

    def read_then_publish_twice(index_dir):
        name = read(index_dir)
        if not overtaken:
            overtaken.extend(publish_empty(tmp_path) for _ in range(2))
            store.prune_generations(tmp_path)
        return name

    monkeypatch.setattr(store, "_read_pointer", read_then_publish_twice)
    assert store.current_generation(tmp_path) == overtaken[-1]
    assert not (tmp_path / first).exists()


def test_new_build_dir_clears_abandoned_builds(tmp_path):
    (tmp_path / f"{store.BUILD_PREFIX}1-1").mkdir()
    (tmp_path / f"{store.POINTER}.123.tmp").write_text("gen-x")
    fresh = store.new_build_dir(tmp_path)
    assert [p.name for p in tmp_path.glob(store.BUILD_PREFIX + "*")] == [fresh.name]
    assert not (tmp_path / f"{store.POINTER}.123.tmp").exists()


def test_the_rebuild_lock_is_exclusive_and_released(tmp_path):
    with store.rebuild_lock(tmp_path):
        with pytest.raises(store.RebuildInProgressError):
            with store.rebuild_lock(tmp_path):
                pass
    with store.rebuild_lock(tmp_path):
        pass


def _flip_one_byte(path, at: int = 3) -> None:
    """Change one byte in place: same size, and the same mtime put back."""
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_file_changed_in_place_is_damage_even_with_its_size_and_mtime(tmp_path):
    name = publish_empty(tmp_path)
    store.check_files(tmp_path, name)  # as built: fine
    _flip_one_byte(tmp_path / name / "marker")
    store._crc_seen.clear()  # a new process: nothing read yet
    with pytest.raises(store.DamagedIndexError, match="marker has changed"):
        store.check_files(tmp_path, name)


def test_a_changed_mtime_makes_the_same_process_read_the_file_again(tmp_path):
    name = publish_empty(tmp_path)
    store.check_files(tmp_path, name)
    marker = tmp_path / name / "marker"
    before = marker.stat()
    marker.write_bytes(bytes(b ^ 0x01 for b in marker.read_bytes()))  # same size
    # A kernel with coarse timestamps (Debian 12's 6.1) may give the rewrite the same
    # mtime; move it on by a second, as any later write would.
    os.utime(marker, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    with pytest.raises(store.DamagedIndexError, match="marker has changed"):
        store.check_files(tmp_path, name)


def test_a_check_after_the_first_reads_no_file(tmp_path, monkeypatch):
    name = publish_empty(tmp_path)
    store._crc_seen.clear()
    reads = []
    real = store._crc32
    monkeypatch.setattr(store, "_crc32", lambda path: reads.append(path.name) or real(path))
    store.check_files(tmp_path, name)
    store.check_files(tmp_path, name)
    assert reads == ["marker"]


def test_a_manifest_of_sizes_only_is_still_checked_by_size(tmp_path):
    name = publish_empty(tmp_path)
    info_path = tmp_path / name / store.BUILD_INFO
    info = json.loads(info_path.read_text())
    info[store.MANIFEST] = {file: size for file, (size, _) in info[store.MANIFEST].items()}
    info_path.write_text(json.dumps(info))
    _flip_one_byte(tmp_path / name / "marker")
    store.check_files(tmp_path, name)  # an older build: no checksum to compare with
    (tmp_path / name / "marker").write_text("x")
    with pytest.raises(store.DamagedIndexError, match="marker is 1 bytes"):
        store.check_files(tmp_path, name)


@pytest.mark.parametrize("record", ["12", [12], [12, "crc"], None, [True, 1]])
def test_a_damaged_manifest_entry_is_damage_not_a_crash(tmp_path, record):
    """Before: one bad entry in build.json raised ValueError, a 500 on a running server."""
    name = publish_empty(tmp_path)
    info_path = tmp_path / name / store.BUILD_INFO
    info = json.loads(info_path.read_text())
    info[store.MANIFEST]["marker"] = record
    info_path.write_text(json.dumps(info))
    with pytest.raises(store.DamagedIndexError, match="build record of index file marker"):
        store.check_files(tmp_path, name)

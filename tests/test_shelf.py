"""The shelf: a run's articles on disk, read back by id from any process."""

import gc
import multiprocessing as mp
import os

import pytest

from tests.helpers import error_line, file_size_limit, small_disk, synthetic_corpus, wiretrace
from wiretrace import shelf as shelf_module
from wiretrace.config import Config, RunSettings, StorySettings
from wiretrace.pipeline import RunArticles, run
from wiretrace.records import CleanArticle
from wiretrace.shelf import ArticleLookup, ArticleShelf, article_row, shelved_between
from wiretrace.store import Store, StoredRun


def _article(i: int, text: str = "") -> CleanArticle:
    return CleanArticle(
        id=f"a{i}",
        title=f"Title {i}",
        paragraphs=[text or f"Paragraph of article {i}.", "A second one."],
        removed=[],
        removed_reasons=[],
        origin=f"in.jsonl:{i}",
    )


def _read_in_child(path, lo, hi, queue):
    queue.put([a.id for a in shelved_between(path, lo, hi)])


def test_shelf_keeps_order_through_edits():
    shelf = ArticleShelf()
    shelf.put(article_row(_article(i)) for i in range(5))
    assert len(shelf) == 5
    assert [a.id for a in shelf] == ["a0", "a1", "a2", "a3", "a4"]
    edited = _article(2, "An edited paragraph.")
    shelf.replace([edited])
    shelf.delete(["a0"])
    assert [a.id for a in shelf] == ["a1", "a2", "a3", "a4"]  # same places
    assert shelf.get("a2").paragraphs[0] == "An edited paragraph."
    with pytest.raises(KeyError):
        shelf.get("a0")
    ((lo, hi),) = shelf.seq_ranges(10)
    assert [a.id for a in shelved_between(shelf.path, lo, hi)] == [a.id for a in shelf]
    assert [r[0] for r in shelf.rows()] == ["a1", "a2", "a3", "a4"]
    assert shelf.path in shelf_module._READERS  # this process read it as a worker does
    shelf.close()
    assert not shelf.path.exists()
    assert shelf.path not in shelf_module._READERS  # and let go of the deleted file


def test_shelf_read_from_a_forked_worker():
    if "fork" not in mp.get_all_start_methods():
        pytest.skip("no fork on this platform")
    shelf = ArticleShelf()
    shelf.put(article_row(_article(i)) for i in range(1200))
    shelf.get("a7")  # the parent's connection is open before the fork
    ranges = shelf.seq_ranges(500)
    assert [hi - lo for lo, hi in ranges] == [500, 500, 200]
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_read_in_child, args=(shelf.path, *ranges[1], queue))
    child.start()
    ids = queue.get(timeout=30)
    child.join(30)
    assert child.exitcode == 0
    assert ids == [f"a{i}" for i in range(500, 1000)]
    assert shelf.path.exists()  # the child's exit did not delete the parent's shelf
    shelf.close()


def test_shelf_file_goes_with_its_last_reference():
    shelf = ArticleShelf()
    path = shelf.path
    del shelf
    gc.collect()
    assert not path.exists()


def test_lookup_reads_the_shelf_then_the_store(tmp_path):
    with Store(tmp_path / "index.db") as store:
        store.commit_run(StoredRun([article_row(_article(1))], [], "t", [], {}))
        assert store.db.execute("SELECT articles_new, articles_total FROM runs").fetchall() == [
            (1, 1)
        ]
    shelf = ArticleShelf()
    shelf.put([article_row(_article(2))])
    lookup = ArticleLookup(["a1", "a2"], shelf, Store(tmp_path / "index.db", read_only=True))
    assert lookup["a1"].title == "Title 1"
    assert lookup["a2"].title == "Title 2"
    assert set(lookup.many(["a1", "a2", "nope"])) == {"a1", "a2"}
    with pytest.raises(KeyError):
        lookup["nope"]
    assert [a.id for a in lookup.articles()] == ["a1", "a2"]


def test_copy_run_reads_its_articles_from_disk(tmp_path):
    # Without stories the run never holds every text: its articles are read back lazily,
    # stored ones first (those its new articles touched), and they are the same as a run
    # that keeps them in memory.
    from tests.helpers import synthetic_corpus

    corpus = synthetic_corpus(tmp_path / "c", 40, seed=3)
    db = tmp_path / "index.db"
    copy_only = Config(story=StorySettings(enabled=False), run=RunSettings(workers=1))
    first = run([corpus], copy_only, db=db)
    assert isinstance(first.articles, RunArticles)
    more = synthetic_corpus(tmp_path / "d", 10, seed=4)
    second = run([more], copy_only, db=db)
    ids = [a.id for a in second.articles]
    assert isinstance(second.articles, RunArticles)
    new = [i for i in ids if i.startswith("s4-")]
    assert len(new) == 10 and ids[-10:] == new  # the new ones last, in reading order
    stored = ids[:-10]  # members of the families they touched, in store order
    assert stored and stored == [a.id for a in first.articles if a.id in set(stored)]
    assert second.articles[-1].id == ids[-1]
    in_memory = run(
        [corpus], Config(run=RunSettings(workers=1))
    )  # with stories: the texts in memory
    assert isinstance(in_memory.articles, list)
    assert [(a.id, a.text, a.removed) for a in in_memory.articles] == [
        (a.id, a.text, a.removed) for a in first.articles
    ]


def test_shelves_of_killed_runs_are_swept(tmp_path):
    # A run killed with SIGKILL leaves its shelf; the next shelf made in that folder
    # deletes it, and leaves alone the shelves of processes still running.
    child = mp.get_context().Process(target=int)
    child.start()
    child.join()
    dead = tmp_path / f"wiretrace-shelf-{child.pid}-abc.db"
    dead.write_bytes(b"left by a killed run")
    live = tmp_path / f"wiretrace-shelf-{os.getpid()}-def.db"
    live.write_bytes(b"a running run's")
    other = tmp_path / "notes.db"
    other.write_bytes(b"not a shelf")
    shelf = ArticleShelf(tmp_path)
    assert not dead.exists()
    assert live.exists() and other.exists() and shelf.path.exists()
    shelf.close()


def _scratch_line(proc, scratch) -> None:
    line = error_line(proc, 1)
    assert line.startswith(f"{scratch}: cannot write the run's scratch file there (")
    assert line.endswith(
        "free some space, or point TMPDIR to a folder with room for the articles read"
    )


def test_a_full_tmpdir_stops_the_run_and_leaves_no_scratch_file(tmp_path):
    corpus = synthetic_corpus(tmp_path / "in", 120, seed=5)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    proc = wiretrace(
        "run",
        corpus,
        "--out",
        tmp_path / "out",
        "--no-stories",
        env={"TMPDIR": str(scratch)},
        preexec_fn=file_size_limit(48),  # the shelf of 120 articles is bigger
    )
    _scratch_line(proc, scratch)
    assert list(scratch.iterdir()) == []


def test_a_really_full_tmpdir_leaves_no_scratch_file(tmp_path):
    """The same on a real 64 KiB disk (a tmpfs in a mount namespace of this run's own): the
    writes fail with ENOSPC, as on a full /tmp; what is left there is listed from inside."""
    corpus = synthetic_corpus(tmp_path / "in", 120, seed=5)
    scratch = tmp_path / "scratch"
    proc = wiretrace(
        "run",
        corpus,
        "--out",
        tmp_path / "out",
        "--no-stories",
        env={"TMPDIR": str(scratch)},
        prefix=small_disk(scratch, 64, then='echo "left: $(ls -A "$0")"'),
    )
    _scratch_line(proc, scratch)
    assert proc.stdout.splitlines()[-1] == "left: "

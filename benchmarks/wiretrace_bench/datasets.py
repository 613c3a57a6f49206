"""Readers for the labelled sets in ../shared/data (never copied into the repository)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import orjson


class MissingData(FileNotFoundError):
    """A data set is not where it should be; the message says where it was looked for."""


def _jsonl_gz(path: Path) -> Iterator[dict]:
    if not path.exists():
        raise MissingData(
            f"{path} not found: this command needs ../shared/data next to the repo (or --data DIR)"
        )
    with gzip.open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                yield orjson.loads(line)


def clough_documents(data_dir: Path) -> list[dict]:
    """The 95 answers and 5 sources of Clough & Stevenson (2011)."""
    return list(_jsonl_gz(data_dir / "clough_stevenson_2011" / "documents.jsonl.gz"))


def allsides_articles(data_dir: Path, limit: int | None = None) -> Iterator[dict]:
    """AllSides articles in file order (by date), at most ``limit``."""
    for n, row in enumerate(_jsonl_gz(data_dir / "allsides_baly2020" / "articles.jsonl.gz")):
        if limit is not None and n >= limit:
            return
        yield row


def latest_dated_allsides(data_dir: Path, n: int) -> list[dict]:
    """The ``n`` latest dated AllSides articles, oldest first (the file is sorted by date)."""
    from wiretrace.records import timestamp

    return [r for r in allsides_articles(data_dir) if timestamp(r.get("date"))][-n:]


def semeval_pairs(data_dir: Path) -> list[dict]:
    """SemEval-2022 Task 8 dev pairs with both texts and the human scores."""
    return list(_jsonl_gz(data_dir / "semeval2022_task8" / "dev_pairs_with_text.jsonl.gz"))


def ecbplus_documents(data_dir: Path) -> list[dict]:
    """ECB+ documents with their topic, split and gold event cluster."""
    return list(_jsonl_gz(data_dir / "ecbplus" / "documents.jsonl.gz"))


def mrpc_pairs(data_dir: Path, split: str) -> list[dict]:
    """MRPC sentence pairs of ``split`` (train or test), labelled 1 for paraphrases."""
    return list(_jsonl_gz(data_dir / "mrpc" / f"{split}.jsonl.gz"))

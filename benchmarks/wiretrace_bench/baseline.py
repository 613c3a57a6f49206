"""The anchor: datasketch MinHashLSH at its common settings, end to end.

``python -m wiretrace_bench.baseline CORPUS.jsonl PAIRS.jsonl`` reads the
corpus, signs every text (128 permutations, word 5-shingles), inserts it into
``MinHashLSH(threshold=0.8)`` and queries it, then writes the candidate pairs
it returns: this is what a user of datasketch gets (bare keys, no score).
"""

from __future__ import annotations

import sys

import orjson


def main(corpus: str, out: str, threshold: float = 0.8, num_perm: int = 128, k: int = 5) -> None:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures = {}
    with open(corpus, "rb") as fh:
        for line in fh:
            row = orjson.loads(line)
            words = row["text"].lower().split()
            shingles = {
                " ".join(words[i : i + k]).encode() for i in range(max(1, len(words) - k + 1))
            }
            m = MinHash(num_perm=num_perm)
            m.update_batch(list(shingles))
            lsh.insert(row["id"], m)
            signatures[row["id"]] = m
    with open(out, "wb") as fh:
        for key, m in signatures.items():
            for other in lsh.query(m):
                if other != key and key < other:
                    fh.write(orjson.dumps([key, other]) + b"\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

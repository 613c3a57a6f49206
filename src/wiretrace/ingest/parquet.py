"""Parquet tables (``.parquet``): one article per row, its columns those of JSONL.

Read with pyarrow, a row group at a time and in batches of rows, only the columns wiretrace
reads (:data:`~wiretrace.ingest.fields.COLUMNS`); each row goes through
:func:`~wiretrace.ingest.fields.row_fields`, as the Spark engine's rows do, so both read a
table alike. A batch holds about :data:`BATCH_BYTES` by the row group's own account of its
size, and a row whose text columns hold more than
:data:`~wiretrace.ingest.jsonl.MAX_LINE_BYTES` together is skipped without becoming Python
objects, as a JSONL line over it is. (A row group's account of its size counts a
dictionary-encoded value once, however many rows repeat it: such a table can still make a
batch larger than that.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from wiretrace.ingest.fields import COLUMNS, article_from_fields, row_fields
from wiretrace.ingest.jsonl import MAX_LINE_BYTES
from wiretrace.records import Article, Skipped

#: About this many bytes of rows are read at a time ...
BATCH_BYTES = 32 * 2**20
#: ... and never more rows than this.
MAX_BATCH_ROWS = 1024


def read_parquet_file(path: Path, max_chars: int) -> Iterator[Article | Skipped]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        yield Skipped(str(path), f"not a readable Parquet file: {exc}")
        return
    names = table.schema_arrow.names
    columns = [c for c in names if c in COLUMNS]
    row = 0
    try:
        for group in range(table.num_row_groups):
            for batch in table.iter_batches(
                batch_size=_batch_rows(table.metadata.row_group(group)),
                row_groups=[group],
                columns=columns,
            ):
                for record in _rows(batch):
                    row += 1
                    origin = f"{path}:{row}"
                    if isinstance(record, int):
                        yield Skipped(origin, f"row of {record} bytes is over {MAX_LINE_BYTES}")
                    else:
                        yield article_from_fields(row_fields(record), origin)
    except (OSError, pa.ArrowException) as exc:
        yield Skipped(f"{path}:{row + 1}", f"unreadable from here on: {exc}")


def _batch_rows(group) -> int:
    per_row = group.total_byte_size / max(1, group.num_rows)
    return max(1, min(MAX_BATCH_ROWS, int(BATCH_BYTES // max(1.0, per_row))))


def _rows(batch) -> Iterator[dict | int]:
    """The rows of ``batch`` as dicts, a row over the cap as its size in bytes."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    sizes = np.zeros(batch.num_rows, dtype=np.int64)
    for column in batch.columns:
        if (
            pa.types.is_string(column.type)
            or pa.types.is_large_string(column.type)
            or (pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type))
        ):
            sizes += pc.binary_length(column).fill_null(0).to_numpy(zero_copy_only=False)
    fits = sizes <= MAX_LINE_BYTES
    kept = iter(batch.filter(pa.array(fits)).to_pylist() if not fits.all() else batch.to_pylist())
    for size, fit in zip(sizes.tolist(), fits.tolist(), strict=True):
        yield next(kept) if fit else size

"""What happened to every input record: processed, skipped (with the reason) or noted.

Every skipped record is counted, by reason; the records themselves are kept only while a
run has skipped at most :data:`KEEP_EVERY_SKIP_UP_TO` (report.json then lists each one),
and past that the first :data:`EXAMPLES_PER_REASON` of each reason: a file of millions of
bad lines costs a run a few counters, not millions of records held to the end (and a
report.json of hundreds of megabytes). A caller that answers for each record it gave (the
HTTP service maps skips back to posted records by ``origin``) asks for every one to be kept
(``keep_all``).

The notes on processed records are counted by kind (``notes_by_kind``, the text before the
first colon); those on dates also under ``dates``: each unreadable date is an article that
lost "published first" and the story horizon, and the reader should see how many.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from wiretrace.ingest.dates import DATE_NOTES
from wiretrace.records import Skipped

#: A run keeps every skipped record while it has skipped at most this many ...
KEEP_EVERY_SKIP_UP_TO = 1000
#: ... and past that, this many of each reason (the first ones read).
EXAMPLES_PER_REASON = 20


@dataclass
class Accounting:
    """What happened to every input record."""

    records: int = 0
    processed: int = 0
    #: Processed records kept as short (a title, at most a short summary): in stories,
    #: never in copy detection.
    short: int = 0
    #: Records skipped, however many are kept in :attr:`skipped`.
    skipped_count: int = 0
    #: Skipped records by reason (:func:`reason_class`).
    skipped_by_reason: Counter[str] = field(default_factory=Counter)
    #: The skipped records kept: all of them (see :attr:`all_skips_kept`), else examples.
    skipped: list[Skipped] = field(default_factory=list)
    #: Keep every skipped record, however many (a caller that answers for each one).
    keep_all: bool = False
    notes: list[tuple[str, str]] = field(default_factory=list)  # (id, note)

    def skip(self, record: Skipped) -> None:
        self.skipped_count += 1
        reason = reason_class(record.reason)
        self.skipped_by_reason[reason] += 1
        if self.keep_all or self.skipped_count <= KEEP_EVERY_SKIP_UP_TO:
            self.skipped.append(record)
            return
        if self.skipped_count == KEEP_EVERY_SKIP_UP_TO + 1:
            self._keep_examples()
        if self.skipped_by_reason[reason] <= EXAMPLES_PER_REASON:
            self.skipped.append(record)

    @property
    def all_skips_kept(self) -> bool:
        return len(self.skipped) == self.skipped_count

    def _keep_examples(self) -> None:
        seen: Counter[str] = Counter()
        kept = []
        for record in self.skipped:
            reason = reason_class(record.reason)
            seen[reason] += 1
            if seen[reason] <= EXAMPLES_PER_REASON:
                kept.append(record)
        self.skipped = kept

    def to_dict(self) -> dict:
        by_note = Counter(reason_class(note) for _, note in self.notes)
        dates = {kind: by_note[note] for kind, note in DATE_NOTES.items()}
        return {
            "records": self.records,
            "processed": self.processed,
            "short": self.short,
            "skipped": self.skipped_count,
            "skipped_by_reason": dict(self.skipped_by_reason.most_common()),
            "skipped_records": [
                {"origin": s.origin, "id": s.id, "reason": s.reason} for s in self.skipped
            ],
            "skipped_records_complete": self.all_skips_kept,
            "dates": dates,
            "notes_by_kind": dict(by_note.most_common()),
            "notes": [{"id": i, "note": n} for i, n in self.notes],
        }


def reason_class(reason: str) -> str:
    """The kind of a reason or note: its text before the first colon or parenthesis."""
    return reason.split(":")[0].split(" (")[0]

"""What happened to every input record: processed, skipped (with the reason) or noted.

The notes on dates are counted by kind (``dates``): each unreadable date is an article
that lost "published first" and the story horizon, and the reader should see how many.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from wiretrace.ingest.dates import DATE_NOTES
from wiretrace.records import Skipped


@dataclass
class Accounting:
    """What happened to every input record."""

    records: int = 0
    processed: int = 0
    #: Processed records kept as short (a title, at most a short summary): in stories,
    #: never in copy detection.
    short: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (id, note)

    def skip(self, record: Skipped) -> None:
        self.skipped.append(record)

    def to_dict(self) -> dict:
        by_reason = Counter(_reason_class(s.reason) for s in self.skipped)
        by_note = Counter(_reason_class(note) for _, note in self.notes)
        dates = {kind: by_note[note] for kind, note in DATE_NOTES.items()}
        return {
            "records": self.records,
            "processed": self.processed,
            "short": self.short,
            "skipped": len(self.skipped),
            "skipped_by_reason": dict(by_reason.most_common()),
            "skipped_records": [
                {"origin": s.origin, "id": s.id, "reason": s.reason} for s in self.skipped
            ],
            "dates": dates,
            "notes": [{"id": i, "note": n} for i, n in self.notes],
        }


def _reason_class(reason: str) -> str:
    return reason.split(":")[0].split(" (")[0]

"""Every record counted; skipped ones kept in full for a small run, as examples past that."""

from __future__ import annotations

from wiretrace.accounting import (
    EXAMPLES_PER_REASON,
    KEEP_EVERY_SKIP_UP_TO,
    Accounting,
    reason_class,
)
from wiretrace.records import Skipped


def _skip(accounting: Accounting, n: int, reason: str) -> None:
    for i in range(n):
        accounting.skip(Skipped(f"in.jsonl:{i}", reason))


def test_a_small_run_keeps_every_skipped_record():
    accounting = Accounting()
    _skip(accounting, KEEP_EVERY_SKIP_UP_TO, "malformed JSON: unexpected character")
    report = accounting.to_dict()
    assert report["skipped"] == len(report["skipped_records"]) == KEEP_EVERY_SKIP_UP_TO
    assert report["skipped_records_complete"] is True


def test_past_the_bound_examples_of_each_reason_are_kept_and_all_are_counted():
    accounting = Accounting()
    _skip(accounting, 3, "missing 'id'")
    _skip(accounting, 5000, "malformed JSON: unexpected character")
    _skip(accounting, 2, "empty 'text'")
    report = accounting.to_dict()
    assert report["skipped"] == 5005
    assert report["skipped_by_reason"] == {
        "malformed JSON": 5000,
        "missing 'id'": 3,
        "empty 'text'": 2,
    }
    kept = [reason_class(s["reason"]) for s in report["skipped_records"]]
    assert (
        kept
        == ["missing 'id'"] * 3 + ["malformed JSON"] * EXAMPLES_PER_REASON + ["empty 'text'"] * 2
    )
    assert report["skipped_records"][3]["origin"] == "in.jsonl:0"  # the first ones read
    assert report["skipped_records_complete"] is False


def test_a_caller_that_answers_for_each_record_keeps_them_all():
    accounting = Accounting(keep_all=True)
    _skip(accounting, 3 * KEEP_EVERY_SKIP_UP_TO, "missing 'id'")
    assert len(accounting.skipped) == accounting.skipped_count == 3 * KEEP_EVERY_SKIP_UP_TO
    assert accounting.all_skips_kept


def test_notes_are_counted_by_kind():
    accounting = Accounting(notes=[("a", "mojibake repaired by ftfy (3 marked places)")] * 2)
    accounting.notes.append(("b", "unreadable date: 'soon' (not a date); the article is undated"))
    report = accounting.to_dict()
    assert report["notes_by_kind"] == {"mojibake repaired by ftfy": 2, "unreadable date": 1}
    assert report["dates"]["unreadable"] == 1

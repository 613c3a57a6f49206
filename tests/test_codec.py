"""Every record reads back from its row as it was written, and the rows keep their format:
a stored row written by one version of wiretrace is read by the next."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest

from wiretrace import codec
from wiretrace.errors import DamagedRecord
from wiretrace.records import (
    AlignedPassage,
    CleanArticle,
    CopyFamily,
    Derivation,
    DiffPassage,
    Lineage,
    Relation,
    RelationKind,
    Story,
    VersionDiff,
)

ARTICLE = CleanArticle(
    id="a1",
    title="Ferry cuts",
    paragraphs=["The ferry runs twice a day.", "Winter cuts begin in May."],
    removed=["Advertisement"],
    removed_reasons=["advertisement"],
    url="https://gazette.example/ferry",
    source="Harbour Gazette",
    published="2024-05-01T10:00:00Z",
    byline="By A. Writer",
    origin="day1.jsonl:3",
    notes=["truncated to 400000 chars"],
    fetched="2024-05-02T00:00:00Z",
    removed_at=[1],
    short=False,
    canonical="https://wire.example/ferry",
)

RELATION = Relation(
    a="a1",
    b="b2",
    relation=RelationKind.PARTIAL,
    containment_ab=0.5,
    containment_ba=0.25,
    jaccard=0.2,
    coverage_a=0.6,
    coverage_b=0.3,
    evidence=[AlignedPassage(0, 0, 27, 1, 10, 40, 0.9, 6)],
    similarity=0.7,
    match=0.8,
    views={"word": 0.5, "names": 0.25},
)

LINEAGE = Lineage(
    lineage="lineage:a1",
    story="story:a1",
    families=["family:a1"],
    members=["a1", "b2", "c3"],
    original="a1",
    original_reason="published earlier",
    original_certain=True,
    derivations=[
        Derivation("a1", "b2", RelationKind.COPY, "published earlier", True),
        Derivation("a1", "c3", RelationKind.UNKNOWN, "undetermined: no relation", False),
    ],
)

DIFF = VersionDiff(
    id="b2",
    original="a1",
    against="a1",
    relation=RelationKind.REWRITE,
    passages=[
        DiffPassage("shared", "version", 0, 27, paragraph=0, match=0, similarity=0.95),
        DiffPassage("stitched_in", "version", 29, 60, 1, story_similarity=0.05, found_in=["c3"]),
        DiffPassage("boilerplate", "version", 29, 29, text="Advertisement", reason="ad"),
    ],
)

#: (record, how its row reads back): every record type the store or a table holds.
RECORDS: list[tuple[object, Callable[[dict], object]]] = [
    (ARTICLE, codec.article_from_row),
    (RELATION, codec.relation_from_row),
    (CopyFamily("family:a1", ["a1", "b2"]), codec.family_from_row),
    (Story("story:a1", ["a1", "b2", "c3"], ["family:a1"]), codec.story_from_row),
    (LINEAGE, codec.lineage_from_row),
    (DIFF, codec.diff_from_row),
    (VersionDiff("d4", "a1", None, None, []), codec.diff_from_row),
]


@pytest.mark.parametrize(("record", "read"), RECORDS, ids=[type(r).__name__ for r, _ in RECORDS])
def test_each_record_reads_back_from_its_stored_bytes(record, read) -> None:
    data = codec.encode(record)
    back = read(codec.decode(data, "record"))
    assert back == record
    assert codec.encode(back) == data


def test_relation_kinds_read_back_as_kinds_and_are_written_as_plain_strings() -> None:
    back = codec.relation_from_record(codec.encode(RELATION))
    assert type(back.relation) is RelationKind
    assert back.relation == "partial"
    lineage = codec.lineage_from_row(orjson.loads(orjson.dumps(codec.row(LINEAGE))))
    assert [type(d.relation) for d in lineage.derivations] == [RelationKind, RelationKind]
    assert b'"relation":"partial"' in codec.encode(RELATION)


def test_rows_hold_plain_values_as_if_read_from_json() -> None:
    """Rows go on to code that counts by kind, and to orjson, which takes plain strings
    only as keys: a row made in memory is the row read back from a file."""
    for record, _ in RECORDS:
        made = codec.row(record)  # type: ignore[arg-type]
        assert made == orjson.loads(orjson.dumps(made))
        assert orjson.dumps({made.get("relation") or "none": 1})
    assert type(codec.row(RELATION)["relation"]) is str
    assert type(codec.row(LINEAGE)["derivations"][0]["relation"]) is str


def test_a_relation_row_keeps_its_format() -> None:
    """The exact bytes a relation is stored as: a change here is a change of the store's
    format (and of relations.jsonl), which stored rows must still read back through."""
    assert codec.encode(RELATION) == (
        b'{"a":"a1","b":"b2","relation":"partial","containment_ab":0.5,"containment_ba":0.25,'
        b'"jaccard":0.2,"coverage_a":0.6,"coverage_b":0.3,"evidence":[{"a_paragraph":0,'
        b'"a_start":0,"a_end":27,"b_paragraph":1,"b_start":10,"b_end":40,"similarity":0.9,'
        b'"words":6}],"similarity":0.7,"match":0.8,"views":{"word":0.5,"names":0.25}}'
    )


def test_rows_stored_before_a_field_existed_read_back() -> None:
    """Articles stored before ``removed_at``, ``short`` and ``canonical`` existed."""
    old = {k: v for k, v in codec.row(ARTICLE).items() if k not in ("removed_at", "short")}
    del old["canonical"]
    back = codec.article_from_row(old)
    assert (back.removed_at, back.short, back.canonical) == ([], False, None)


def test_a_family_row_with_its_original_reads_back_as_the_family() -> None:
    family = CopyFamily("family:a1", ["a1", "b2"])
    rows = codec.derived_rows([family], [], [LINEAGE], [])
    assert rows["families"][0]["original"] == "a1"
    assert codec.family_from_row(rows["families"][0]) == family


@pytest.mark.parametrize(
    ("data", "read", "message"),
    [
        (b"{not json", codec.relation_from_record, "not JSON"),
        (b"[1, 2]", codec.relation_from_record, "not a JSON object"),
        (b'{"a": "x"}', codec.relation_from_record, "stored relation is damaged"),
        (
            codec.encode(RELATION).replace(b'"partial"', b'"parial"'),
            codec.relation_from_record,
            "stored relation is damaged",
        ),
        (b'{"id": "x", "colour": 1}', codec.article_from_record, "article 'x' is damaged"),
    ],
)
def test_a_damaged_row_is_told_as_one(data, read, message) -> None:
    with pytest.raises(DamagedRecord, match=message):
        read(data)


def test_relation_counts_are_written_with_plain_string_keys() -> None:
    rewrite = Relation.by_meaning("a", "c", RelationKind.REWRITE, 0.9)
    counts = codec.relation_counts([RELATION, rewrite, RELATION])
    assert counts == {"partial": 2, "rewrite": 1}
    assert all(type(k) is str for k in counts)
    assert orjson.dumps(counts) == b'{"partial":2,"rewrite":1}'

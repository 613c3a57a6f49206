from wiretrace.config import Config
from wiretrace.records import CleanArticle
from wiretrace.verify import ShingledArticle, compare

CONFIG = Config()

P = [
    "Talks between the two countries on security guarantees will start immediately after the "
    "new year holiday period, the foreign minister announced on Monday.",
    "It is with the United States that we will carry out the main work of negotiations, which "
    "will take place right after the holidays end, he said in an interview.",
    "The holidays in the country will last for ten days, until the ninth of January.",
    "Earlier this month the capital submitted draft security documents demanding that the "
    "alliance deny membership to its neighbour and roll back its deployments in the east.",
    "Washington and its allies have refused to provide such pledges, but said they are ready "
    "for talks with the other side early next year.",
]
STITCHED = [
    "Iran is also holding a French academic who was detained in 2019 and sentenced in May 2020 "
    "to five years in prison on national security charges.",
    "A fellow academic who was detained with her was released in March 2020 after France "
    "released an Iranian engineer who faced extradition to the United States.",
]


def _art(id_, paragraphs):
    return ShingledArticle.of(CleanArticle(id_, "", paragraphs, [], []), CONFIG)


def test_duplicate():
    rel = compare(_art("a", P), _art("b", list(P)), CONFIG)
    assert rel.relation == "duplicate"
    assert rel.coverage_a == rel.coverage_b == 1.0


def test_copy_with_merged_paragraphs_aligns_each_part_with_offsets():
    a = _art("a", P)
    merged = [P[0], P[1] + " " + P[2], P[3].replace("neighbour", "neighbor"), P[4]]
    b = _art("b", merged)
    rel = compare(a, b, CONFIG)
    assert rel.relation == "copy"
    pairs = [(e.a_paragraph, e.b_paragraph) for e in rel.evidence]
    assert pairs == [(0, 0), (1, 1), (2, 1), (3, 2), (4, 3)]
    text_a, text_b = a.article.text, b.article.text
    second = rel.evidence[2]
    assert text_a[second.a_start : second.a_end] == P[2][:-1]  # up to the last word
    assert text_b[second.b_start : second.b_end] == P[2][:-1]
    assert 0.0 < rel.jaccard < 1.0
    assert rel.containment_ab > 0.8


def test_partial_with_stitched_paragraphs_leaves_them_out_of_evidence():
    a = _art("a", P)
    b = _art("b", P[:3] + STITCHED)
    rel = compare(a, b, CONFIG)
    assert rel.relation == "partial"
    assert {e.b_paragraph for e in rel.evidence} == {0, 1, 2}
    assert {e.a_paragraph for e in rel.evidence} == {0, 1, 2}


def test_unrelated_articles_have_no_relation():
    assert compare(_art("a", P), _art("b", STITCHED), CONFIG) is None


def test_one_shared_quote_is_not_a_copy():
    quote = "“We hope that no one else sees conflict as a desirable scenario,” the minister said."
    a = _art("a", P[:2] + [quote])
    b = _art("b", STITCHED + [quote])
    assert compare(a, b, CONFIG) is None

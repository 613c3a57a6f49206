"""What issue 2 asks of the five seed articles in ../shared/seeds."""

import pytest

from tests.helpers import SEEDS, need
from wiretrace import Config, run
from wiretrace.config import RunSettings
from wiretrace.records import COPY_RELATIONS

#: Chrome lines listed in ../shared/seeds/README.md (and their neighbours in the files).
CHROME = [
    "Advertisement",
    "Share this article",
    "Read More",
    "Download our Apps",
    "Want us to email you top stories each lunch time?",
    "© BreakingNews.ie",
    "For the latest headlines, follow our Google News channel",
    "Trending",
    "Exit mobile version",
    "Read more: Russia, US start talks",
    "See also",
    "Leave a Reply",
    "Leave a Comment",
    "Your email address will not be published",
    "You may also like",
]
A000, A001, A002 = "000_893a4a60c7c50d30", "001_4c9c80885384a75a", "002_005f1038b4d1bee6"
A003, A004 = "003_9733e8d9997f7d75", "004_8e093685829c3042"


@pytest.fixture(scope="module")
def seeds():
    return run([need(SEEDS)], Config(run=RunSettings(workers=1)))


def _text(result, article_id):
    return next(a for a in result.articles if a.id == article_id).text


def test_001_and_002_are_copies_with_aligned_paragraphs(seeds):
    rel = next(r for r in seeds.relations if {r.a, r.b} == {A001, A002})
    assert rel.relation in ("copy", "partial")
    assert len(rel.evidence) >= 8
    t001, t002 = _text(seeds, A001), _text(seeds, A002)
    side = {rel.a: "a", rel.b: "b"}
    for e in rel.evidence:
        s1, e1 = getattr(e, f"{side[A001]}_start"), getattr(e, f"{side[A001]}_end")
        s2, e2 = getattr(e, f"{side[A002]}_start"), getattr(e, f"{side[A002]}_end")
        assert "Fomin" not in t001[s1:e1] and "alliance has consistently" not in t001[s1:e1]
        assert "Iran" not in t002[s2:e2] and "Read more" not in t002[s2:e2]
    # Offsets point at real, matching text.
    first = rel.evidence[0]
    a_text, b_text = _text(seeds, rel.a), _text(seeds, rel.b)
    assert (
        a_text[first.a_start : first.a_end].split()[:3]
        == b_text[first.b_start : first.b_end].split()[:3]
    )


def test_chrome_lines_not_left_in_articles(seeds):
    for article in seeds.articles:
        for paragraph in article.paragraphs:
            for chrome in CHROME:
                assert not paragraph.startswith(chrome), (article.id, paragraph)


def test_no_copy_relation_with_independent_reports(seeds):
    for rel in seeds.relations:
        if rel.relation in COPY_RELATIONS:
            assert not {rel.a, rel.b} & {A003, A004}


# -- issue 3: rewrites and stories -------------------------------------------------


def _relation(result, x, y):
    return next(r for r in result.relations if {r.a, r.b} == {x, y})


def test_round_trip_translation_is_a_rewrite_of_both_reprints(seeds):
    for other in (A001, A002):
        rel = _relation(seeds, A000, other)
        assert rel.relation == "rewrite"
        assert len(rel.evidence) >= 6
        side = "a" if rel.a == A000 else "b"
        indices = [getattr(e, f"{side}_paragraph") for e in rel.evidence]
        assert indices == sorted(indices)  # aligned in order


def test_independent_reports_are_same_story_and_all_five_one_story(seeds):
    pair = _relation(seeds, A003, A004)
    assert pair.relation == "same_story"
    # The event match put them together; the similarity says how alike they are.
    assert pair.match >= Config().story.min_match and 0 < pair.similarity <= 1
    assert all(r.match is None for r in seeds.relations if r.relation in ("copy", "partial"))
    assert len(seeds.stories) == 1
    assert sorted(seeds.stories[0].members) == sorted(a.id for a in seeds.articles)
    assert seeds.stories[0].families == [seeds.families[0].family]
    assert A000 not in seeds.families[0].members


def test_family_holds_the_two_reprints(seeds):
    assert [sorted(f.members) for f in seeds.families] == [[A001, A002]]

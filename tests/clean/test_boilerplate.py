"""Boilerplate learned across a corpus: template lines, never a story's shared text."""

from wiretrace.clean.article import clean_article
from wiretrace.clean.boilerplate import (
    frequent_lines,
    judge_in_batches,
    learn_boilerplate,
    paragraph_keys,
)
from wiretrace.config import Config
from wiretrace.records import Article


def _article(i, paragraphs):
    return clean_article(Article(id=f"a{i}", text="\n\n".join(paragraphs), title=f"T{i}"))


STORIES = [
    [
        "The mayor opened the new bridge over the river on Monday after three years of work.",
        "Traffic on the old crossing had doubled since the factory opened in the north of town.",
    ],
    [
        "The football club sacked its coach after a fifth straight defeat in the league.",
        "The board said a new coach would be named before the derby against the city rivals.",
    ],
    [
        "Scientists found a new species of frog in the cloud forest during a survey last spring.",
        "The frog is smaller than a thumbnail and sings at a pitch most people cannot hear.",
    ],
    [
        "The central bank left interest rates unchanged and said inflation would fall next year.",
        "Markets had expected a cut after two months of weaker than expected retail sales figures.",
    ],
]
TEMPLATE = "Coastline Daily is an independent newsroom paid for by readers like you."


def test_learned_boilerplate_is_template_across_stories():
    articles = [_article(i, s + [TEMPLATE]) for i, s in enumerate(STORIES)]
    keys = [paragraph_keys(a) for a in articles]
    learned = learn_boilerplate(articles, keys, Config())
    assert set(learned) == {keys[0][-1]}
    assert learned[keys[0][-1]] == 4


def test_shared_story_paragraph_is_not_boilerplate():
    # Three reprints of one story share a paragraph and the rest of their text: not boilerplate.
    shared = "The mayor said the bridge cost 40 million euros, most of it from the regional fund."
    articles = [_article(i, STORIES[0] + [shared]) for i in range(3)]
    keys = [paragraph_keys(a) for a in articles]
    assert learn_boilerplate(articles, keys, Config()) == {}


def _filler(story: int, n: int) -> str:
    """A sentence of its own for paragraph ``n`` of story ``story``."""
    letters = "abcdefghijklmnopqrstuvwxyz"  # line keys ignore digits: spell the numbers
    words = [f"w{letters[story]}{letters[n]}{letters[k]}" for k in range(18)]
    return " ".join(words).capitalize() + "."


def test_boilerplate_judged_in_batches_as_at_once():
    # Two templates over the four stories, and a paragraph shared by reprints of one story:
    # one key per batch must give the verdicts of one pass over every key.
    second = "Coastline Daily reporters work from four harbour towns along the northern coast."
    shared = "The mayor said the bridge cost 40 million euros, most of it from the regional fund."
    # Stories of a realistic length: an article of the first story holds only recurring lines
    # (it is reprinted below), and is compared whole with the others, where two template
    # lines are a small part of an article, as they are in real news.
    stories = [s + [_filler(i, k) for k in range(4)] for i, s in enumerate(STORIES)]
    articles = [_article(i, s + [TEMPLATE, second]) for i, s in enumerate(stories)]
    articles += [_article(10 + i, stories[0] + [shared]) for i in range(3)]
    keys = [paragraph_keys(a) for a in articles]
    frequent, holders = frequent_lines(
        [b"".join(k) for k in keys], Config().clean.boilerplate_min_df
    )
    assert set(frequent) >= {keys[0][-1], keys[0][-2], keys[-1][-1]}
    assert holders[keys[0][-1]] == [0, 1, 2, 3]  # the first articles holding it, in order
    fetched: list[list[int]] = []

    def fetch(members):
        fetched.append(members)
        return {i: (articles[i].paragraphs, keys[i]) for i in members}

    one_by_one = judge_in_batches(frequent, holders, fetch, Config(), batch=1)
    assert one_by_one == learn_boilerplate(articles, keys, Config())
    assert set(one_by_one) == {keys[0][-1], keys[0][-2]}
    assert len(fetched) == len(frequent)  # one fetch per batch, of that batch's holders only
    assert all(len(m) <= 6 for m in fetched)


def test_a_reprint_adding_a_paragraph_does_not_make_its_source_boilerplate():
    # The source, a reprint crediting it and a reprint with a paragraph of another story
    # stitched in: the source's lines recur in three articles, all one story.
    source = STORIES[0] + [_filler(0, k) for k in range(4)]
    articles = [
        _article(0, source),
        _article(1, source + ["This article originally appeared on the Coastline Daily site."]),
        _article(2, source[:3] + STORIES[1] + source[3:]),
        _article(3, STORIES[2] + [_filler(2, k) for k in range(4)]),
    ]
    keys = [paragraph_keys(a) for a in articles]
    learned = learn_boilerplate(articles, keys, Config())
    assert not set(learned) & set(keys[0])


def test_a_paragraph_stitched_into_another_story_is_not_boilerplate():
    # A paragraph of story 0 is in story 0's article, a reprint of it, and a copy of story 1
    # it was stitched into: three articles, but two stories. The median of the three pairs
    # (one of them a reprint pair) called it a template, and erased the stitched-in passage.
    donor = STORIES[0] + [_filler(0, k) for k in range(4)]
    other = STORIES[1] + [_filler(1, k) for k in range(4)]
    articles = [
        _article(0, donor),
        _article(1, donor + ["Copyright 2024 Harbour Herald."]),
        _article(2, other[:2] + [donor[2]] + other[2:]),
    ]
    keys = [paragraph_keys(a) for a in articles]
    assert learn_boilerplate(articles, keys, Config()) == {}
    # In a third story too, it is a line of three stories: boilerplate by the rule.
    articles.append(_article(3, STORIES[2] + [donor[2]] + [_filler(2, k) for k in range(4)]))
    keys.append(paragraph_keys(articles[3]))
    assert set(learn_boilerplate(articles, keys, Config())) == {keys[0][2]}


# -- mojibake ------------------------------------------------------------------------------------

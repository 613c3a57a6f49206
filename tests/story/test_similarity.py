"""The story space (wiretrace.story.similarity): anchors, piece matches, close events."""

import numpy as np
import pytest

from wiretrace.config import Config
from wiretrace.records import CleanArticle
from wiretrace.story.similarity import StorySpace


def test_copies_share_their_anchor_vector_instead_of_being_embedded(counting_use):
    from wiretrace.story.similarity import StorySpace

    counting, seen = counting_use
    text = ["The ferry company cut its winter timetable to two crossings a day from December."]
    arts = [CleanArticle(i, "Ferry cuts", text, [], []) for i in ("a", "b", "c")]
    space = StorySpace.build(arts, Config(), [counting], same_text_as={"b": "a"})
    assert len(seen) == 2  # a and c embedded; b shares a's vector
    vectors = space.embeddings[0][1]
    assert np.array_equal(vectors[0], vectors[1])


def test_best_piece_matches_of_pairs_agree_with_the_matrix():
    from wiretrace.story.similarity import LeadPieces, _best_match_matrix, _best_matches

    rng = np.random.default_rng(0)
    lengths = np.array([1, 3, 2, 3, 1])
    pieces = rng.normal(size=(int(lengths.sum()), 8)).astype(np.float32)
    pieces /= np.linalg.norm(pieces, axis=1, keepdims=True)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    p = LeadPieces("use", pieces, starts, starts + lengths, pieces[starts])
    rows = np.arange(5)
    matrix = _best_match_matrix(p, rows)
    i, j = np.triu_indices(5, 1)
    assert np.allclose(_best_matches(p, i, j), matrix[i, j], atol=1e-6)


def test_similar_events_are_alike_but_do_not_match():
    """Two earthquakes told alike share a high similarity, but their places, names and
    counts differ: the shipped event match keeps them apart, and two reports of one
    quake together."""
    chile = [
        "A magnitude 6.8 earthquake struck near Valparaiso in Chile on Tuesday, killing "
        "12 people and damaging hundreds of homes, officials said.",
        "President Gabriel Boric visited Valparaiso and promised aid to the families.",
    ]
    chile2 = [
        "At least 12 people died when a 6.8-magnitude quake hit the Valparaiso region of "
        "Chile on Tuesday, according to officials.",
        "Gabriel Boric, the president, travelled to Valparaiso and pledged help.",
    ]
    japan = [
        "A magnitude 7.1 earthquake struck near Sendai in Japan on Friday, killing 40 "
        "people and damaging thousands of homes, officials said.",
        "Prime Minister Fumio Kishida visited Sendai and promised aid to the families.",
    ]
    arts = [
        CleanArticle(k, "", p, [], [])
        for k, p in (("chile", chile), ("chile2", chile2), ("japan", japan))
    ]
    space = StorySpace.build(arts, Config(), _use_or_skip())
    sim, match = space.pair_scores(np.array([0, 0]), np.array([1, 2]))
    assert sim[1] > 0.7  # alike as told ...
    assert match[0] > Config().story.min_match > match[1]  # ... but another event


def _use_or_skip():
    from wiretrace.story.encoder import EncoderUnavailable, load_encoders

    try:
        return load_encoders("use")
    except EncoderUnavailable as exc:
        pytest.fail(f"{exc} (the test extra installs it)")


def test_close_events_of_the_same_actors_stay_apart():
    """A secret visit to a country, and that country's test moratorium three days later:
    the same actors and days, two events. The shipped match joins the two reports of each
    and keeps the events apart."""
    visit = [
        [
            "CIA Director Mike Pompeo made a secret visit to Pyongyang over the Easter weekend "
            "and met North Korean leader Kim Jong Un, two officials said on Tuesday.",
            "The trip, kept quiet until now, prepared a summit between Kim and President "
            "Donald Trump. Pompeo flew in on Saturday and spent two days in the capital.",
        ],
        [
            "Mike Pompeo, the head of the CIA, secretly travelled to North Korea and held talks "
            "with Kim Jong Un in Pyongyang over Easter, officials told reporters on Tuesday.",
            "The visit laid the ground for a meeting of Kim and Donald Trump; Pompeo arrived "
            "on Saturday and stayed two days.",
        ],
    ]
    moratorium = [
        [
            "North Korea will stop nuclear tests and intercontinental missile launches and "
            "close its Punggye-ri test site, Kim Jong Un announced on Friday.",
            "State media said the halt takes effect at once. Donald Trump called it big "
            "progress, and South Korea welcomed the moratorium.",
        ],
        [
            "Kim Jong Un said on Friday that North Korea is suspending nuclear and long-range "
            "missile tests and will shut the Punggye-ri nuclear test site.",
            "The moratorium starts immediately, state media reported. Trump praised the move "
            "and Seoul welcomed it.",
        ],
    ]
    arts = [
        CleanArticle(f"{name}{k}", "", paragraphs, [], [])
        for name, event in (("visit", visit), ("halt", moratorium))
        for k, paragraphs in enumerate(event)
    ]
    space = StorySpace.build(arts, Config(), _use_or_skip())
    match = space.match_matrix()
    threshold = Config().story.min_match
    assert match[0, 1] >= threshold and match[2, 3] >= threshold
    assert match[np.ix_([0, 1], [2, 3])].max() < threshold

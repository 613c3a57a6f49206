"""Blocking proposes every pair whose match could reach a story, and embeds only their
articles."""

from __future__ import annotations

import numpy as np

from wiretrace import Config
from wiretrace.config import StorySettings
from wiretrace.records import CleanArticle
from wiretrace.story.blocking import Candidates, story_scores, window_matches
from wiretrace.story.clustering import beyond_horizon, publication_days, windows_to_cluster
from wiretrace.story.similarity import StorySpace


def _article(i: int, text: str, published: str | None = None) -> CleanArticle:
    return CleanArticle(
        id=f"a{i}", title="", paragraphs=[text], removed=[], removed_reasons=[], published=published
    )


# A report, a retelling, an unrelated story sharing one name, and a translation.
SOLAR = [
    "Mayor Edvin Sallow opened the Lindholm floating solar farm on Tuesday, the largest in "
    "the region.",
    "In Lindholm, Sallow switched on 14,000 panels on the old reservoir, the region's largest "
    "solar farm.",
    "Edvin Sallow's brother Karl won the national chess championship in Bergen after a tense "
    "final round.",
    "Les autorités de Lindholm ont inauguré mardi une ferme solaire flottante de 14 000 "
    "panneaux, la plus grande de la région, a annoncé le maire Edvin Sallow.",
]
# Articles sharing only the words every article holds, each otherwise on its own subject.
FILLER = [
    f"The council said on the day that the plan would go ahead, "
    f"{' '.join(f'subject{k}word{w}' for w in range(12))}."
    for k in range(30)
]


def _blocked(articles, config, encoders):
    """The space built as the story stage builds it, and its candidates."""
    published = [a.published for a in articles]
    spans = windows_to_cluster(published, config.story.window)
    found: list[Candidates] = []

    def worth_embedding(space):
        found.append(Candidates.find(space, spans, published, config, [e.name for e in encoders]))
        return found[0].articles

    space = StorySpace.build(articles, config, encoders, embed_only=worth_embedding)
    return space, found[0]


def test_the_match_bound_is_never_below_the_match_its_vectors_give(counting_use):
    counting, _ = counting_use
    articles = [_article(i, t) for i, t in enumerate(SOLAR)]
    space = StorySpace.build(articles, Config(), [counting])
    i, j = np.triu_indices(len(articles), 1)
    _, match = space.pair_scores(i, j)
    bound = space.match_bound(space.word_views(i, j), i, j, ["use"])
    assert (bound >= match - 1e-9).all()
    # The translation (0, 3) is one story by its vectors; the chess story (2) cannot be,
    # whatever vectors it had.
    pairs = dict(zip(zip(i.tolist(), j.tolist(), strict=True), bound.tolist(), strict=True))
    assert match[list(zip(i, j, strict=True)).index((0, 3))] >= Config().story.min_match
    assert max(pairs[0, 2], pairs[1, 2], pairs[2, 3]) < Config().story.min_match
    # The dense bound of a window is the pairs' bound.
    rows = np.arange(len(articles))
    dense = space.match_bound(space.word_view_matrices(rows), rows[:, None], rows[None, :], ["use"])
    assert np.allclose(dense[i, j], bound)


def test_only_articles_that_could_join_a_story_are_embedded(counting_use):
    counting, seen = counting_use
    articles = [_article(i, t) for i, t in enumerate(SOLAR)]
    space, candidates = _blocked(articles, Config(), [counting])
    # The chess story shares "Edvin Sallow" with the others, but no vector could lift its
    # match to a story's: it is not embedded, and reads zero vectors.
    assert space.embedded.tolist() == [True, True, False, True]
    assert not any("chess" in text for text in seen)
    assert not space.embeddings[0][1][2].any()
    # The translation shares almost no word with the report, and is a candidate all the same.
    assert (0, 3) in set(zip(candidates.i.tolist(), candidates.j.tolist(), strict=True))


def test_every_pair_exhaustive_scoring_accepts_is_scored_alike(counting_use):
    counting, _ = counting_use
    articles = [_article(i, t) for i, t in enumerate([*FILLER[:12], *SOLAR])]
    config = Config()
    space, candidates = _blocked(articles, config, [counting])
    full = StorySpace.build(articles, config, [counting])
    rows = np.arange(len(articles))
    exhaustive, blocked = full.match_matrix(rows), candidates.match_matrix(space, rows)
    accepted = exhaustive >= config.story.min_match
    assert accepted[12:, 12:].sum() > 4  # the solar stories: a test that can fail
    assert np.allclose(blocked[accepted], exhaustive[accepted])
    # The pairs not proposed count 0, and none of them is near the threshold.
    scored = np.eye(len(rows), dtype=bool)
    scored[candidates.i, candidates.j] = scored[candidates.j, candidates.i] = True
    assert (blocked[~scored] == 0).all()
    assert (exhaustive[~scored] < config.story.block_min_match).all()
    # Filler shares only words every article holds: none of it is embedded.
    assert not space.embedded[:12].any()


def test_a_storys_members_are_scored_as_their_window_scored_them(counting_use):
    """A story's few members look their pairs up among the candidates; a window places
    the candidates in it: both give the scores exhaustive scoring gives the candidates."""
    counting, _ = counting_use
    articles = [_article(i, t) for i, t in enumerate([*FILLER[:12], *SOLAR])]
    config = Config()
    space, candidates = _blocked(articles, config, [counting])
    full = StorySpace.build(articles, config, [counting])
    members = np.array([15, 12, 3])  # any order, and a filler article among them
    sims, match = story_scores(space, candidates)(members)
    exhaustive_sims, exhaustive_match = full.scores(members)
    window = candidates.match_matrix(space, np.arange(len(articles)))[np.ix_(members, members)]
    proposed = np.zeros((3, 3), dtype=bool)
    for r, c in zip(*np.triu_indices(3, 1), strict=True):
        pair = (min(members[r], members[c]), max(members[r], members[c]))
        proposed[r, c] = proposed[c, r] = pair in set(
            zip(candidates.i.tolist(), candidates.j.tolist(), strict=True)
        )
    assert proposed[0, 1] and not proposed[1, 2]
    assert len(candidates.i) > len(members) ** 2  # so the members' pairs were looked up
    assert np.allclose(match[proposed], exhaustive_match[proposed])
    # Similarities count where a relation may read them: between articles both embedded
    # (an article in no pair that could reach a story has zero vectors).
    embedded = space.embedded[members]
    related = proposed & embedded[:, None] & embedded[None, :]
    assert related[0, 1] and np.allclose(sims[related], exhaustive_sims[related])
    assert (match[~proposed] == 0).all() and (sims[~proposed] == 0).all()
    off_diagonal = ~np.eye(3, dtype=bool)
    assert np.allclose(window[off_diagonal], match[off_diagonal])


def test_pairs_beyond_the_horizon_are_not_candidates(counting_use):
    counting, _ = counting_use
    dates = ["2024-03-01", "2024-03-02", "2024-03-01", "2024-04-20"]
    articles = [_article(i, t, d) for i, (t, d) in enumerate(zip(SOLAR, dates, strict=True))]
    config = Config()
    _, candidates = _blocked(articles, config, [counting])
    pairs = set(zip(candidates.i.tolist(), candidates.j.tolist(), strict=True))
    assert (0, 1) in pairs
    assert not {(0, 3), (1, 3), (2, 3)} & pairs  # seven weeks later: never compared
    far = beyond_horizon(publication_days(dates), config.story.horizon_days)
    assert not far[candidates.i, candidates.j].any()


def test_without_a_bound_every_pair_is_scored():
    articles = [_article(i, t) for i, t in enumerate(SOLAR)]
    config = Config(story=StorySettings(encoder="none"))
    space = StorySpace.build(articles, config)
    candidates = Candidates.find(space, [np.arange(4)], [None] * 4, config, [])
    assert candidates.every_pair and candidates.articles.all()
    rows = np.arange(len(articles))
    assert np.array_equal(window_matches(space, candidates)(rows), space.match_matrix(rows))

"""The fused same-story score (wiretrace.story.fusion) and its training command."""

import json
from dataclasses import replace

import numpy as np
import pytest

from tests.helpers import DATA, need
from wiretrace.config import Config, StorySettings
from wiretrace.records import CleanArticle
from wiretrace.story import fusion
from wiretrace.story.fusion import Fusion, sigmoid
from wiretrace.story.similarity import StorySpace


def test_score_is_the_logistic_of_the_weighted_views():
    f = Fusion(bias=-4.0, weights={"word": 8.0, "names": 2.0, "use": 4.0})
    views = {
        "word": np.array([0.0, 0.5, 0.1]),
        "names": np.array([0.0, 0.5, 0.9]),
        "use": np.array([0.0, 1.0, 0.2]),
    }
    expected = 1 / (1 + np.exp(-np.array([-4.0, -4 + 4 + 1 + 4, -4 + 0.8 + 1.8 + 0.8])))
    assert np.allclose(f.score(views), expected)
    # Dense matrices score alike, element by element.
    m = {k: np.tile(v, (2, 1)) for k, v in views.items()}
    assert np.allclose(f.score(m), np.tile(expected, (2, 1)))


def test_fit_recovers_the_weights_and_the_word_regression():
    rng = np.random.default_rng(3)
    names = ["word", "names", "use"]
    x = rng.uniform(0, 1, (3000, 3))
    x[:, 0] = 0.2 + 0.5 * x[:, 2] + 0.1 * x[:, 1] + rng.normal(0, 0.01, 3000)
    t = sigmoid(-3.0 + x @ np.array([6.0, 1.5, 2.5]))
    half = 1500  # two sets weighing alike: the same law in both
    f = fusion.fit([(x[:half], t[:half]), (x[half:], t[half:])], names, min_word=0.1)
    assert f.bias == pytest.approx(-3.0, abs=0.05)
    assert [f.weights[n] for n in names] == pytest.approx([6.0, 1.5, 2.5], abs=0.05)
    assert f.word_from["word"]["use"] == pytest.approx(0.5, abs=0.01)
    assert f.word_from["word"]["names"] == pytest.approx(0.1, abs=0.01)
    assert f.word_from["word"]["bias"] == pytest.approx(0.2, abs=0.01)


def test_fit_keeps_similarity_views_non_negative_and_lengths_free():
    rng = np.random.default_rng(5)
    names = ["word", "text", "use", "length_ratio"]
    x = rng.uniform(0, 1, (2000, 4))
    x[:, 1] = x[:, 0] + rng.normal(0, 0.02, 2000)  # two nearly identical views
    t = sigmoid(-2.0 + 5.0 * x[:, 0] + 2.0 * x[:, 2] - 3.0 * x[:, 3])
    f = fusion.fit([(x, t)], names)
    assert all(f.weights[n] >= 0 for n in ("word", "text", "use"))
    assert f.weights["word"] + f.weights["text"] == pytest.approx(5.0, abs=0.2)
    assert f.weights["length_ratio"] == pytest.approx(-3.0, abs=0.1)


def test_event_match_is_fitted_on_similarity_and_names():
    rng = np.random.default_rng(7)
    sim = rng.uniform(0.05, 0.95, 4000)
    names = rng.uniform(0, 1, 4000)
    truth = sigmoid(-3.0 + 0.5 * fusion.logit(sim) + 8.0 * names)
    same = (rng.uniform(size=4000) < truth).astype(float)
    match = fusion.fit_match(sim, {"names": names}, same, ("names",))
    assert match["names"] == pytest.approx(8.0, rel=0.15)
    assert match["similarity"] == pytest.approx(0.5, abs=0.15)
    f = Fusion(0.0, {"word": 1.0}, match=match)
    # Alike as described, but not the same names: a similar event, not the same one.
    hi = f.event_match(np.array([0.9, 0.9]), {"names": np.array([0.05, 0.8])})
    assert hi[0] < 0.2 < 0.9 < hi[1]
    # No match fitted: the match is the similarity.
    assert Fusion(0.0, {"word": 1.0}).event_match(np.array([0.3]), {"names": 0})[0] == 0.3


def test_event_match_weighs_every_event_view_and_none_against_the_event():
    rng = np.random.default_rng(11)
    n = 6000
    sim = rng.uniform(0.05, 0.95, n)
    views = {v: rng.uniform(0, 1, n) for v in fusion.MATCH_VIEWS}
    # The numbers carry no signal here: their weight is 0, never negative.
    truth = sigmoid(
        -6.0
        + 0.5 * fusion.logit(sim)
        + 4.0 * views["names"]
        + 3.0 * views["plain"]
        + 2.0 * views["head"]
    )
    same = (rng.uniform(size=n) < truth).astype(float)
    match = fusion.fit_match(sim, views, same)
    assert set(match) == {"bias", "similarity", *fusion.MATCH_VIEWS}
    assert match["names"] == pytest.approx(4.0, rel=0.2)
    assert match["plain"] == pytest.approx(3.0, rel=0.25)
    assert match["head"] == pytest.approx(2.0, rel=0.3)
    assert 0.0 <= match["numbers"] < 0.5
    f = Fusion(0.0, {"word": 1.0}, match=match)
    expected = sigmoid(
        match["bias"]
        + match["similarity"] * fusion.logit(sim)
        + sum(match[v] * views[v] for v in fusion.MATCH_VIEWS)
    )
    assert np.allclose(f.event_match(sim, views), expected)
    # The same actors (names) but not what they did (plain, head): another event.
    same_actors = {
        "names": np.array([0.8, 0.8]),
        "plain": np.array([0.6, 0.1]),
        "head": np.array([0.6, 0.1]),
        "numbers": np.array([0.0, 0.0]),
    }
    told = f.event_match(np.array([0.6, 0.6]), same_actors)
    assert told[0] > 0.5 > told[1]


def _space(texts, fusion_=None, vectors=None):
    arts = [CleanArticle(str(k), "", [t], [], []) for k, t in enumerate(texts)]
    space = StorySpace.build(arts, Config(story=StorySettings(encoder="none", fusion=False)))
    if vectors is not None:
        space.embeddings = [(0.26, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))]
        space.encoder_names = ("use",)
    return replace(space, fusion=fusion_)


def test_story_space_scores_pairs_and_matrices_with_the_fusion():
    texts = [
        "The minister met Anna Berg in Oslo on Monday to talk about ferries.",
        "On Monday Anna Berg and the minister talked about ferries in Oslo.",
        "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل في العاصمة",
        "قال الوزير إن المحادثات ستستأنف في العاصمة",
    ]
    f = Fusion(-2.0, {"word": 3.0, "names": 1.0})
    space = _space(texts, f)
    i, j = np.array([0, 2]), np.array([1, 3])
    views = space.views(i, j)
    # Arabic has no names view: it is replaced by the word view, not by 0.
    assert views["names"][1] == views["word"][1] > 0.3
    assert np.allclose(space.similarity(i, j), f.score(views))
    m = space.matrix(np.arange(4))
    assert np.allclose(m[i, j], space.similarity(i, j))
    assert m[0, 1] > m[0, 2]
    # Without a fusion the score is the mean of the views, as before.
    plain = replace(space, fusion=None)
    assert not np.allclose(plain.similarity(i, j), space.similarity(i, j))


def test_a_pair_in_two_languages_has_its_word_view_imputed():
    texts = [
        "Solar farm opens near the river after years of delay, officials said.",
        "Une ferme solaire ouvre près du fleuve après des années de retard.",
        "Cheese prices rose sharply at the weekly market in town.",
    ]
    vectors = np.array([[1.0, 0.1, 0.0], [1.0, 0.12, 0.0], [0.0, 0.2, 1.0]])
    f = Fusion(
        -4.0,
        {"word": 8.0, "names": 2.0, "use": 3.0},
        word_from={"word": {"bias": 0.0, "names": 0.0, "use": 0.5}},
    )
    space = _space(texts, f, vectors)
    i, j = np.array([0, 0]), np.array([1, 2])
    views = space.views(i, j)
    assert views["word"][0] < 0.1 and views["use"][0] > 0.95
    sims = space.similarity(i, j)
    imputed = {**views, "word": np.array([0.5 * views["use"][0], views["word"][1]])}
    assert sims[0] == pytest.approx(float(f.score(imputed)[0]))
    assert sims[0] > f.score(views)[0] + 0.3  # lifted: the encoder finds them one story
    assert sims[1] == pytest.approx(float(f.score(views)[1]))  # unrelated: untouched
    # Not foreign when the encoder does not find them close.
    strict = replace(space, foreign_min_encoder=1.01)
    assert strict.similarity(i, j)[0] == pytest.approx(float(f.score(views)[0]))


def test_a_translation_has_its_event_word_views_imputed_too():
    """Plain TF-IDF of the whole texts and of the heads count shared words, as the word
    views do: for a pair in two languages they are imputed from the encoder, so a
    translation still matches as the same event."""
    texts = [
        "Solar farm opens near the river after years of delay, officials said.",
        "Une ferme solaire ouvre près du fleuve après des années de retard.",
        "Cheese prices rose sharply at the weekly market in town.",
    ]
    vectors = np.array([[1.0, 0.1, 0.0], [1.0, 0.12, 0.0], [0.0, 0.2, 1.0]])
    arts = [CleanArticle(str(k), "", [t], [], []) for k, t in enumerate(texts)]
    space = StorySpace.build(
        arts, Config(story=StorySettings(encoder="none", fusion=False)), every_view=True
    )
    space.embeddings = [(0.26, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))]
    space.encoder_names = ("use",)
    f = Fusion(
        -4.0,
        {"word": 8.0, "use": 3.0},
        word_from={"word": {"bias": 0.0, "use": 0.5}, "plain": {"bias": 0.0, "use": 0.8}},
        match={"bias": -4.0, "similarity": 0.0, "plain": 8.0},
    )
    space = replace(space, fusion=f)
    i, j = np.array([0, 0]), np.array([1, 2])
    views = space.views(i, j)
    assert views["plain"][0] < 0.1  # no shared words ...
    match = space.pair_scores(i, j)[1]
    lifted = float(sigmoid(-4.0 + 8.0 * 0.8 * views["use"][0]))
    assert match[0] == pytest.approx(lifted)  # ... but the encoder finds them one event
    assert match[1] == pytest.approx(float(sigmoid(-4.0 + 8.0 * views["plain"][1])))


def test_shipped_weights_keep_every_view_and_say_where_they_come_from():
    data = json.loads(fusion.WEIGHTS_FILE.read_text(encoding="utf-8"))
    for key, encoders in (("use", ["use"]), ("none", [])):
        f = fusion.load(key)
        assert f is not None and list(f.weights) == fusion.view_names(encoders)
        # No similarity view lowers the score; the lengths are descriptors.
        assert all(w >= 0 for n, w in f.weights.items() if n not in fusion.LENGTH_VIEWS)
        # The names weigh most in the event match (ECB+ needs them); what was said and the
        # numbers keep two events of the same actors apart; nothing counts against an event.
        assert set(f.match) == {"bias", "similarity", *fusion.MATCH_VIEWS}
        assert f.match["names"] > 1 and f.match["plain"] > 1
        assert all(c >= 0 for n, c in f.match.items() if n != "bias")
        if encoders:  # pairs in two languages: the event views counting words are imputed
            assert set(f.word_from) == {*fusion.WORD_VIEWS, *fusion.EVENT_WORD_VIEWS}
        about = data["fits"][key]
        assert about["trained_on"]["semeval"]["pairs"] == 886
        assert about["trained_on"]["ecbplus_dev"]["split"] == "dev"
        assert 0.7 < about["semeval_grouped_cv"]["r"] <= about["semeval_in_sample_r"] + 0.01
    assert fusion.load("e5+use") is None  # no weights: the mean of the views is used


def test_train_fusion_runs_on_a_small_subset(tmp_path):
    from wiretrace.cli import main

    data = need(DATA / "semeval2022_task8")
    out = tmp_path / "weights.json"
    code = main(
        [
            "train",
            "fusion",
            "--data",
            str(data.parent),
            "--limit",
            "60",
            "--topics",
            "2",
            "--seeds",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    fit = json.loads(out.read_text())["fits"]["use"]
    assert list(fit["weights"]) == fusion.view_names(["use"])
    assert fit["trained_on"]["semeval"]["pairs"] == 60
    assert -1 <= fit["semeval_grouped_cv"]["r"] <= 1
    f = fusion.Fusion.from_dict(fit)
    alike = {n: 1.0 for n in fusion.view_names(["use"])}
    unlike = {**{n: 0.0 for n in alike}, "length_ratio": 1.0, "shorter_length": 5.0}
    assert f.score(alike) > f.score(unlike)
    assert set(f.match) == {"bias", "similarity", *fusion.MATCH_VIEWS}


def test_every_view_scores_pairs_as_the_matrices_do(counting_use):
    """The piece views (mean of the lead's pieces of encoder_lead_words words; their best
    matches), the whole-text word view and the lengths: pair by pair equal to the dense matrices."""
    counting, seen = counting_use
    ferry = (
        "The ferry company cut its winter timetable to two crossings a day after the "
        "storm damaged the pier at Lerwick harbour on Monday. "
    ) * 12  # ~240 words
    arts = [
        CleanArticle("long", "Ferry cuts", [ferry], [], []),
        CleanArticle("short", "Ferry cuts", [ferry[:200]], [], []),
        CleanArticle("other", "Library hours", ["The library opens until ten."], [], []),
    ]
    config = Config(story=StorySettings(fusion=False, encoder_lead_pieces=3))
    space = StorySpace.build(arts, config, [counting], every_view=True)
    # Title + lead of ~240 words: 3 pieces of at most 100 words; the others one each.
    assert len(seen) == 5 and all(len(t.split()) <= 100 for t in seen)
    assert np.allclose(space.embeddings[0][1][0], space.pieces[0].pieces[0])
    i, j = np.array([0, 0, 1]), np.array([1, 2, 2])
    pairs = space.views(i, j)
    dense = space.view_matrices(np.arange(3))
    assert set(pairs) == set(fusion.view_names(["use"])) | set(fusion.MATCH_VIEWS)
    for name, values in pairs.items():
        assert np.allclose(values, dense[name][i, j], atol=1e-5), name
    assert pairs["use_pieces"][0] > pairs["use_pieces"][1] + 0.2
    assert pairs["length_ratio"][0] < 1.0 and dense["length_ratio"][0, 0] == 1.0
    # Only what the shipped fusion weighs is computed in a run, from the pieces it was
    # fitted on; other settings are told to refit.
    seen.clear()
    run_space = StorySpace.build(arts, Config(), [counting])
    assert len(seen) == 3  # one piece a lead, as shipped
    shipped = fusion.load("use")
    weighed = {n for n, w in (*shipped.weights.items(), *shipped.match.items()) if w != 0}
    assert set(run_space.views(i, j)) >= weighed - {"bias", "similarity"}
    with pytest.raises(ValueError, match="encoder_lead_pieces 1, it is 3: refit them"):
        StorySpace.build(arts, Config(story=StorySettings(encoder_lead_pieces=3)), [counting])
    with pytest.raises(ValueError, match="encoder_lead_words 60, it is 100: refit them"):
        StorySpace.build(arts, Config(story=StorySettings(encoder_lead_words=100)), [counting])

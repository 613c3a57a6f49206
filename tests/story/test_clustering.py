"""Story clustering over time windows (wiretrace.story.clustering)."""

import numpy as np

from wiretrace.story.clustering import cluster_stories, time_order


def test_time_order_puts_undated_last():
    assert time_order(["2021-12-28", None, "2021-12-20", None]) == [2, 0, 1, 3]


def test_windows_join_a_story_across_their_overlap():
    # Six articles in time order; 0-2 one story, 3-5 another. Windows of 4 overlap by 2.
    story = np.array([0, 0, 0, 1, 1, 1])

    def similarity_of(rows):
        return (story[rows][:, None] == story[rows][None, :]).astype(float)

    labels = cluster_stories([f"2021-01-0{i}" for i in range(1, 7)], similarity_of, 0.5, 4)
    assert len(set(labels[:3])) == 1 and len(set(labels[3:])) == 1 and labels[0] != labels[3]


def test_the_last_window_reaches_the_last_article():
    # Seven articles, windows of 4 every 2: the windows at 0 and 2 stop short of article 6.
    story = np.array([0, 0, 0, 1, 1, 1, 1])
    labels = cluster_stories(
        [f"2021-01-0{i}" for i in range(1, 8)],
        lambda rows: (story[rows][:, None] == story[rows]).astype(float),
        0.5,
        4,
    )
    assert labels.min() >= 0 and len(set(labels[3:])) == 1 and labels[0] != labels[3]


def test_windows_never_merge_stories_already_formed():
    # Window [0..3] keeps 2 and 3 apart (0.2); window [2..5] would put them together
    # through 4 and 5, which match both. The newcomers join one of the two stories.
    m = np.zeros((6, 6))
    m[0, 1] = 0.9
    m[2, 3] = 0.2
    for i, j in [(2, 4), (2, 5), (3, 4), (3, 5), (4, 5)]:
        m[i, j] = 0.9
    m = np.maximum(m, m.T)
    labels = cluster_stories(
        [f"2021-01-0{i}" for i in range(1, 7)], lambda rows: m[np.ix_(rows, rows)], 0.5, 4
    )
    assert labels[0] == labels[1] and labels[2] != labels[3]
    assert labels[4] == labels[5] and labels[4] in (labels[2], labels[3])


def test_articles_beyond_the_horizon_are_not_one_story():
    def alike(rows):
        return np.ones((len(rows), len(rows)))

    published = ["2021-01-01", "2021-01-05T10:00:00Z", "2021-03-01", None]
    far = cluster_stories(published, alike, 0.5, 10, horizon_days=7)
    assert far[0] == far[1] != far[2]  # four days apart: one story; two months: another
    assert far[3] in (far[0], far[2])  # undated: near everything
    assert len(set(cluster_stories(published, alike, 0.5, 10, horizon_days=None))) == 1

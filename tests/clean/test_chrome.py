"""Site chrome told line by line (wiretrace.clean.chrome): labels and credits, not sentences."""

import pytest

from wiretrace.clean.chrome import chrome_reason


def test_story_sentences_are_not_chrome():
    for line in [
        "The company said it would share the costs with the city.",
        "Readers can subscribe to the print edition for 10 euros.",
        "“We will read more about this later,” he said.",
        "Leave a reply? No, the minister said, the letter needs no answer.",
    ]:
        assert chrome_reason(line) is None, line


@pytest.mark.parametrize(
    "line",
    [
        "This article originally appeared on The Conversation.",
        "This story was first published by ProPublica.",
        "Originally published at Kaiser Health News",
        "Republished with permission from The Texas Tribune.",
        "Source: Reuters",
    ],
)
def test_credit_lines_are_chrome(line):
    assert chrome_reason(line) == "credit line"


@pytest.mark.parametrize(
    "line",
    [
        "First published on the site in 2019, the report found that 40% of drivers speed.",
        "The source said the talks would resume on Monday.",
        "Sources: the ministry and two officials who asked not to be named; both denied it.",
    ],
)
def test_sentences_about_sources_are_not_credit_lines(line):
    assert chrome_reason(line) != "credit line"

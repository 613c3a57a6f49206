"""One article cleaned (wiretrace.clean.article): chrome lines removed with their reasons,
hard-wrapped lines joined, the title's repeat dropped, removed lines kept in place; and the
short-record rule (a headline alone is kept, marked short)."""

from tests.helpers import SOLAR_TITLE
from wiretrace.clean.article import (
    as_short_record,
    clean_article,
    drop_paragraphs,
    too_short_reason,
)
from wiretrace.records import Article, CleanArticle


def test_short_rule():
    headline = clean_article(Article(id="a", title=SOLAR_TITLE, text=SOLAR_TITLE))
    assert headline.paragraphs == [] and headline.removed_reasons == ["title repeated"]
    assert too_short_reason(headline, 0) is None  # kept, as a short record
    as_short_record(headline)  # its text is its title: the repeat goes back
    assert headline.short and headline.paragraphs == [SOLAR_TITLE] and headline.removed == []
    untitled = clean_article(Article(id="b", text="Read more."))
    assert too_short_reason(untitled, 2).startswith("too short after cleaning (2 words")


def _clean(text, title=""):
    return clean_article(Article(id="x", text=text, title=title, title_in_text=not title))


def test_chrome_lines_removed_with_reasons():
    page = (
        "News\n\nA city opens a floating solar farm\n\nBy Ann Example, Associated Press\n\n"
        "The city switched on a floating solar farm on Tuesday.\n\nAdvertisement\n\n"
        "Share this article\n\nThe mayor said it took four years to build.\n\n"
        "Read more: Ferry operator warns of winter cuts\n\nSee also  Another story title\n\n"
        "Leave a Reply\n\n"
        "Your email address will not be published. Required fields are marked *\n\n"
        "Want us to email you top stories each lunch time?\n\nDownload our Apps\n\n"
        "© Example Media 2024, all rights reserved.\n\nExit mobile version"
    )
    art = _clean(page)
    assert art.title == "A city opens a floating solar farm"
    assert art.paragraphs == [
        "The city switched on a floating solar farm on Tuesday.",
        "The mayor said it took four years to build.",
    ]
    assert art.byline == "By Ann Example, Associated Press"
    reasons = dict(zip(art.removed, art.removed_reasons, strict=True))
    assert reasons["News"] == "short label (no sentence)"
    assert reasons["Advertisement"] == "advertisement"
    assert reasons["Read more: Ferry operator warns of winter cuts"] == "link line"
    assert reasons["Download our Apps"] == "app prompt"
    assert len(art.removed) == 12


def test_hard_wrapped_lines_joined_and_names_kept_apart():
    art = _clean(
        "Talks to resume after the holiday\n\nTasha Example\nAssociated Press\n\n"
        "The talks will resume\nafter the holiday, the minister said.\nThey last ten days."
    )
    assert art.paragraphs == [
        "The talks will resume after the holiday, the minister said.",
        "They last ten days.",
    ]
    assert art.byline == "Tasha Example; Associated Press"


def test_title_repeat_removed():
    art = _clean(
        "Body text of the article, long enough.\n\nSERGEY LAVROV: TALKS SOON",
        title="Sergey Lavrov: talks soon",
    )
    assert art.removed == ["SERGEY LAVROV: TALKS SOON"]
    assert art.removed_reasons == ["title repeated"]


def test_removed_line_positions_survive_dropping_learned_boilerplate():
    article = CleanArticle(
        "x", "t", ["p0", "p1", "p2", "p3"], ["Advertisement"], ["advertisement"], removed_at=[3]
    )
    drop_paragraphs(article, {1}, lambda i: "learned boilerplate")
    assert article.paragraphs == ["p0", "p2", "p3"]
    assert article.removed_at == [2, 1]  # the ad still sits before p3; p1 sat before p2
    assert article.text[article.removed_offset(0) :].startswith("p3")
    assert article.text[article.removed_offset(1) :].startswith("p2")

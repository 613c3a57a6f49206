"""The report a person reads: the HTML file (in a real headless Chromium) and ``show``."""

from __future__ import annotations

import re

import orjson
import pytest
from tests.conftest import DEMO, SEEDS, need

from wiretrace import Config, run
from wiretrace.cli import main
from wiretrace.config import RunSettings
from wiretrace.report import write_outputs
from wiretrace.report.browser import report_url
from wiretrace.report.html import write_html

A000, A001, A002 = "000_893a4a60c7c50d30", "001_4c9c80885384a75a", "002_005f1038b4d1bee6"
A003, A004 = "003_9733e8d9997f7d75", "004_8e093685829c3042"


def _out(tmp_path_factory, name, inputs):
    out = tmp_path_factory.mktemp(name)
    config = Config(run=RunSettings(workers=1))
    write_outputs(run(inputs, config), out, config)
    return out, write_html(out)


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    return _out(tmp_path_factory, "demo", [DEMO])


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory):
    return _out(tmp_path_factory, "seeds", [need(SEEDS)])


#: Outlets and publication times given to the seeds and the demo articles, so that the
#: pictures have lanes and a time axis.
SPREAD = {
    A000: ("La Presse", "2021-12-28T09:00:00Z"),
    A001: ("Associated Press", "2021-12-27T10:00:00Z"),
    A002: ("Tribune Online", "2021-12-27T13:30:00Z"),
    A003: ("Time News", "2021-12-24T18:00:00Z"),
    A004: ("US Network", "2021-12-27T15:00:00Z"),
    "wire_original": ("Nordic Wire", "2024-05-02T06:00:00Z"),
    "reprint_with_chrome": ("Harbour Herald", "2024-05-02T09:00:00Z"),
    "independent_report": ("City Radio", "2024-05-02T12:00:00Z"),
    "ferry_story": ("Harbour Herald", "2024-05-01"),
    "unrelated_story": ("Campus Daily", "2024-05-03"),
}


@pytest.fixture(scope="module")
def spread_report(tmp_path_factory):
    """The seeds and the demo as JSONL with outlets and times, and three reprints more: two
    outlets carry the AP story and the solar wire story."""
    folder = tmp_path_factory.mktemp("spread")
    rows = {}
    for path in sorted([*need(SEEDS).glob("*.txt"), *DEMO.glob("*.txt")]):
        text = path.read_text(encoding="utf-8")
        source, published = SPREAD[path.stem]
        rows[path.stem] = {
            "id": path.stem,
            "title": text.split("\n", 1)[0],
            "text": text,
            "source": source,
            "published": published,
        }

    def reprint(of, new_id, source, published, keep):
        paragraphs = [p for p in rows[of]["text"].split("\n\n") if p.strip()]
        text = "\n\n".join(keep(paragraphs))
        return {**rows[of], "id": new_id, "source": source, "published": published, "text": text}

    extra = [
        reprint(A001, "tribune-lavrov", "Tribune Online", "2021-12-27T12:00:00Z", lambda p: p[:-4]),
        reprint(A001, "herald-lavrov", "Harbour Herald", "2021-12-27T16:00:00Z", lambda p: p[3:]),
        reprint(
            "wire_original", "tribune-solar", "Tribune Online", "2024-05-02T10:30Z", lambda p: p
        ),
    ]
    corpus = folder / "corpus.jsonl"
    corpus.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in [*rows.values(), *extra]))
    return _out(tmp_path_factory, "spread-out", [corpus])


def _rows(out, name):
    return [orjson.loads(x) for x in (out / f"{name}.jsonl").read_bytes().splitlines()]


def _open(page, html, story=None, version=None):
    page.errors.clear()
    page.goto("about:blank")
    page.goto(report_url(html, story, version))
    page.wait_for_selector("#side-by-side, #compare" if story else "#stories tr")


def _cells(page, kind, side="version"):
    return page.locator(f'#compare td.passage[data-kind="{kind}"][data-side="{side}"]')


# -- the file itself --------------------------------------------------------------------
def test_report_is_one_self_contained_file(demo_report):
    out, html = demo_report
    text = html.read_text(encoding="utf-8")
    assert "<script src" not in text and "<link" not in text
    assert not re.search(r"""(src|href)=["']?https?:""", text)
    stories = (out / "stories.jsonl").read_bytes().count(b"\n")
    assert stories == 3
    # the index, a block per story, the corpus
    assert text.count('type="application/json"') == 2 + stories


def test_run_writes_the_report_and_report_rewrites_it(tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(DEMO), "--out", str(out), "--quiet"]) == 0
    assert (out / "report.html").stat().st_size > 0
    target = tmp_path / "again.html"
    assert main(["report", str(out), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == (out / "report.html").read_text(encoding="utf-8")


def test_show_prints_story_original_and_diff(demo_report, capsys):
    out, _ = demo_report
    assert main(["show", "reprint_with_chrome", "--out", str(out), "--full"]) == 0
    text = capsys.readouterr().out
    # the original, and why: the reprint holds text of another story, the wire copy does not
    assert "Original: wire_original" in text and "text of other stories" in text
    assert text.count("stitched_in") >= 3 and "from ferry_story" in text
    assert "independent report" in text
    assert main(["show", "no_such_article", "--out", str(out)]) == 1


def _relation(out, a, b) -> dict:
    rows = [orjson.loads(x) for x in (out / "relations.jsonl").read_bytes().splitlines()]
    return next(r for r in rows if {r["a"], r["b"]} == {a, b})


def _cleaned(out) -> dict[str, str]:
    rows = [orjson.loads(x) for x in (out / "articles.jsonl").read_bytes().splitlines()]
    return {a["id"]: "\n\n".join(a["paragraphs"]) for a in rows}


def test_show_lists_every_relation_with_its_evidence(demo_report, capsys, monkeypatch):
    out, _ = demo_report
    rel = _relation(out, "ferry_story", "reprint_with_chrome")
    text = _cleaned(out)
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["show", "ferry_story", "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "Relations: 1" in shown and "partial with reprint_with_chrome" in shown
    assert f"coverage {rel['coverage_a']:.2f} here, {rel['coverage_b']:.2f} there" in shown
    rows = [line for line in shown.splitlines() if "↔" in line]
    assert len(rows) == len(rel["evidence"])  # one line an aligned passage, shortened
    for row, e in zip(rows, rel["evidence"], strict=True):
        assert len(row) <= 100 and "…" in row
        assert row.split()[0] == f"{e['a_paragraph']}↔{e['b_paragraph']}"
        assert text["ferry_story"][e["a_start"] : e["a_end"]].split()[1] in row

    monkeypatch.setenv("COLUMNS", "400")
    assert main(["show", "ferry_story", "--out", str(out), "--full"]) == 0
    shown = capsys.readouterr().out
    assert "check that the shared text is the story's" in shown  # what the evidence means
    for e in rel["evidence"]:  # whole passages, both sides
        assert " ".join(text["ferry_story"][e["a_start"] : e["a_end"]].split()) in shown
        assert " ".join(text["reprint_with_chrome"][e["b_start"] : e["b_end"]].split()) in shown

    assert main(["show", "independent_report", "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "same_story with wire_original" in shown and "views: word" in shown
    story = _relation(out, "independent_report", "wire_original")
    assert story["evidence"] and f"{len(story['evidence'])} pairs" in shown


# -- in the browser ----------------------------------------------------------------------
def test_demo_story_page_highlights_the_stitched_paragraphs(page, demo_report):
    _, html = demo_report
    _open(page, html)
    assert page.locator("#stories tr").count() == 3
    page.locator('#stories tr[data-story="story:independent_report"]').click()
    page.wait_for_selector("#side-by-side")
    assert "original" in page.locator('#timeline tr[data-article="wire_original"]').inner_text()
    paragraphs = _cells(page, "stitched_in").and_(page.locator("[data-paragraph]"))
    texts = paragraphs.all_inner_texts()
    assert len(texts) == 2 and all("ferry" in t.lower() for t in texts)
    assert all("from ferry_story" in t for t in texts)
    assert _cells(page, "dropped", "against").count() == 2
    assert _cells(page, "shared").count() >= 4
    assert page.errors == []


def test_seed_002_against_001_shows_iran_stitched_and_fomin_dropped(page, seed_report):
    _, html = seed_report
    _open(page, html, f"story:{A000}", A002)
    assert "original" in page.locator(f'#timeline tr[data-article="{A001}"]').inner_text()
    for other in (A003, A004):
        row = page.locator(f'#timeline tr[data-article="{other}"]').inner_text()
        assert "independent report" in row
    stitched = " ".join(_cells(page, "stitched_in").all_inner_texts())
    assert "Fariba Adelkhah" in stitched and "Roland Marchal" in stitched
    assert "Read more: Russia, US start talks" in stitched
    dropped = _cells(page, "dropped", "against").all_inner_texts()
    assert len(dropped) == 2 and "Fomin" in dropped[0]
    assert "Fomin" not in " ".join(_cells(page, "shared").all_inner_texts())
    # light edits are marked word by word inside shared passages
    assert page.locator("#side-by-side ins").count() > 0
    assert page.errors == []


def test_seed_000_is_shown_as_a_rewrite_with_see_also_stitched(page, seed_report):
    _, html = seed_report
    _open(page, html, f"story:{A000}", A000)
    assert _cells(page, "reworded").count() >= 6
    stitched = _cells(page, "stitched_in").all_inner_texts()
    assert len(stitched) == 1 and "See also" in stitched[0]
    page.locator("#show-boilerplate").uncheck()
    assert page.locator("tr.boilerplate-row").first.is_hidden()
    assert page.errors == []


def test_story_list_pages_and_filters(page, tmp_path):
    out = tmp_path / "many"
    out.mkdir()
    rows = [
        {
            "id": f"a{k:03d}",
            "title": f"Story number {k}",
            "paragraphs": [f"Text {k}."],
            "removed": [],
            "removed_reasons": [],
            "source": "zeta" if k == 77 else "site",
        }
        for k in range(120)
    ]
    (out / "articles.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    html = write_html(out)
    _open(page, html)
    assert page.locator("#stories tr").count() == 50
    page.click("#next")
    page.click("#next")
    assert page.locator("#stories tr").count() == 20
    page.fill("#filter", "zeta")
    assert page.locator("#stories tr").all_inner_texts() == [
        page.locator("#stories tr").first.inner_text()
    ]
    assert "Story number 77" in page.locator("#stories tr").first.inner_text()
    page.locator("#stories tr").first.click()
    page.wait_for_selector("#compare")
    assert "Text 77." in page.locator("#compare").inner_text()
    assert page.errors == []


def _marks(page, side):
    return page.locator(f'#relation-sbs td.passage[data-side="{side}"] mark').all_inner_texts()


def test_a_partial_copy_across_stories_opens_side_by_side(page, demo_report):
    """ferry_story shares two paragraphs with the reprint, which is in another story: its
    compare pane no longer calls it an independent report, and the relation opens side by
    side from both stories and from its own address."""
    out, html = demo_report
    rel = _relation(out, "ferry_story", "reprint_with_chrome")
    text = _cleaned(out)
    _open(page, html, "story:ferry_story")
    compare = page.inner_text("#compare")
    assert "independent report" not in compare and "shares passages" in compare
    page.locator('#version-relations a[data-relation="partial"]').click()
    page.wait_for_selector("#relation-sbs")
    assert "a=ferry_story&b=reprint_with_chrome" in page.evaluate("location.hash")
    assert page.inner_text("#relation-title").startswith("partial")
    assert f"coverage a {rel['coverage_a']:.2f}" in page.inner_text("#relation-figures")
    assert "not a pitch" in page.inner_text("#evidence-meaning")
    assert page.locator("#relation-sbs tr.evidence-row").count() == len(rel["evidence"])
    # the marked passages are the evidence's spans of each cleaned text
    assert _marks(page, "a") == [text[rel["a"]][e["a_start"] : e["a_end"]] for e in rel["evidence"]]
    assert _marks(page, "b") == [text[rel["b"]][e["b_start"] : e["b_end"]] for e in rel["evidence"]]
    assert page.locator("#relation-sbs del, #relation-sbs ins").count() > 0  # light edits
    assert page.errors == []

    _open(page, html, "story:independent_report")  # the far end's story lists it too
    row = page.locator('#relations tr.relation-row[data-relation="partial"]')
    assert "in another story" in row.inner_text()
    row.click()
    page.wait_for_selector("#relation-sbs")
    assert page.locator("#relation-sbs tr.evidence-row").count() == len(rel["evidence"])

    page.goto("about:blank")  # linkable: the address alone opens it
    page.goto(report_url(html, "story:independent_report", pair=(rel["a"], rel["b"])))
    page.wait_for_selector("#relation-sbs")
    assert (
        _marks(page, "a")[0]
        == text[rel["a"]][rel["evidence"][0]["a_start"] : rel["evidence"][0]["a_end"]]
    )
    assert page.errors == []


def test_a_same_story_pair_shows_its_matched_paragraphs_and_views(page, demo_report):
    out, html = demo_report
    rel = _relation(out, "independent_report", "wire_original")
    assert rel["relation"] == "same_story"
    _open(page, html, "story:independent_report")
    page.locator(f'#relations tr.relation-row[data-a="{rel["a"]}"][data-b="{rel["b"]}"] a').click()
    page.wait_for_selector("#relation-sbs")
    views = page.locator("#relation-views th").all_inner_texts()
    assert views == list(rel["views"])
    assert "Independent reports of the same events" in page.inner_text("#evidence-meaning")
    rows = [orjson.loads(x) for x in (out / "articles.jsonl").read_bytes().splitlines()]
    paragraphs = {a["id"]: a["paragraphs"] for a in rows}
    assert _marks(page, "a") == [paragraphs[rel["a"]][e["a_paragraph"]] for e in rel["evidence"]]
    assert _marks(page, "b") == [paragraphs[rel["b"]][e["b_paragraph"]] for e in rel["evidence"]]
    assert page.errors == []


# -- pictures ----------------------------------------------------------------------------
def test_a_storys_timeline_puts_each_version_at_its_time_by_outlet(page, spread_report, tmp_path):
    out, html = spread_report
    story = next(s for s in _rows(out, "stories") if A001 in s["members"])
    (lineage,) = [g for g in _rows(out, "lineages") if g["original"] == A001]
    _open(page, html, story["story"])
    marks = page.locator("#story-timeline circle.tl-mark")
    assert marks.count() == len(story["members"]) == 7
    roles = {m.get_attribute("data-article"): m.get_attribute("data-role") for m in marks.all()}
    assert roles == {
        A001: "original",
        A002: "copy",
        "tribune-lavrov": "copy",
        "herald-lavrov": "copy",
        A000: "rewrite",
        A003: "independent",
        A004: "independent",
    }
    lanes = page.locator("#story-timeline text.tl-lane").all_text_contents()
    assert lanes == [  # outlets in order of their first version
        "Time News",
        "Associated Press",
        "Tribune Online",
        "US Network",
        "Harbour Herald",
        "La Presse",
    ]
    # earlier is further left: x follows publication time
    x = {i: float(m.get_attribute("cx")) for i, m in zip(roles, marks.all(), strict=True)}
    assert x[A003] < x[A001] < x["tribune-lavrov"] < x[A002] < x[A004] < x[A000]
    assert page.locator("#story-timeline .tl-edge").count() == len(lineage["derivations"])
    assert "copy 3" in page.locator("#story-timeline text.tl-legend").all_text_contents()
    # The picture before the click: a click re-renders the page for the version, and a
    # screenshot taken then may find the old timeline detached.
    page.locator("#story-timeline").screenshot(path=tmp_path / "timeline.png")
    assert (tmp_path / "timeline.png").stat().st_size > 5000
    page.locator(f'#story-timeline circle[data-article="{A000}"]').click()
    page.wait_for_function(f"location.hash.endsWith('version={A000}')")
    assert page.errors == []


def test_a_lineage_is_drawn_as_its_derivation_tree(page, spread_report, tmp_path):
    out, html = spread_report
    (lineage,) = [g for g in _rows(out, "lineages") if g["original"] == A001]
    _open(page, html, f"story:{A003}")
    tree = page.locator(f'svg.lineage-tree[data-lineage="{lineage["lineage"]}"]')
    nodes = tree.locator("g.tree-node")
    assert nodes.count() == len(lineage["members"]) == 5
    assert [n.get_attribute("data-article") for n in nodes.all()] == lineage["members"]
    edges = tree.locator("g.tree-edge")
    assert [
        (e.get_attribute("data-source"), e.get_attribute("data-derived")) for e in edges.all()
    ] == [(d["source"], d["derived"]) for d in lineage["derivations"]]
    assert tree.locator("text.tree-label").all_text_contents() == [
        d["relation"] for d in lineage["derivations"]
    ]
    outlets = tree.locator("text.tree-outlet").all_text_contents()
    assert outlets[0] == "Associated Press"  # the original, at the root
    assert outlets.count("Tribune Online") == 2
    # the root is left of every version it leads to
    root_x = float(
        tree.locator(f'g.tree-node[data-article="{A001}"] rect').first.get_attribute("x")
    )
    for n in nodes.all():
        if n.get_attribute("data-article") != A001:
            assert float(n.locator("rect").first.get_attribute("x")) > root_x
    tree.screenshot(path=tmp_path / "tree.png")
    assert (tmp_path / "tree.png").stat().st_size > 5000
    assert page.errors == []


def test_the_corpus_page_shows_who_copies_whom(page, spread_report, tmp_path):
    out, html = spread_report
    lineages = _rows(out, "lineages")
    pairs = sum(len(g["members"]) - 1 for g in lineages)
    assert pairs == 6
    _open(page, html)
    assert f"({pairs} versions traced" in page.inner_text("#corpus-link")
    page.click("#corpus-link")
    page.wait_for_selector("#corpus-matrix")
    assert "null" not in page.inner_text("#app")  # no cell chosen: nothing written for it
    cells = page.locator("#corpus-matrix g.corpus-cell")
    counts = {
        (c.get_attribute("data-from"), c.get_attribute("data-to")): int(
            c.get_attribute("data-count")
        )
        for c in cells.all()
    }
    assert sum(counts.values()) == pairs
    assert {k: n for k, n in counts.items() if n} == {
        ("Tribune Online", "Associated Press"): 2,
        ("Tribune Online", "Nordic Wire"): 1,
        ("Harbour Herald", "Associated Press"): 1,
        ("Harbour Herald", "Nordic Wire"): 1,
        ("La Presse", "Associated Press"): 1,
    }
    assert page.locator("#corpus-matrix text.cm-row").all_text_contents() == [
        "Tribune Online",
        "Harbour Herald",
        "La Presse",
    ]
    assert page.locator("#corpus-matrix text.cm-count").count() == 5
    top = page.locator("#top-originals tr.top-original")
    assert [r.get_attribute("data-original") for r in top.all()] == [A001, "wire_original"]
    assert top.first.locator("td").first.inner_text() == "4"
    page.locator("#corpus-matrix").screenshot(path=tmp_path / "corpus.png")
    assert (tmp_path / "corpus.png").stat().st_size > 3000

    page.locator(
        '#corpus-matrix g.corpus-cell[data-from="Tribune Online"][data-to="Associated Press"]'
    ).click()
    page.wait_for_selector("#corpus-pairs")
    rows = page.locator("#corpus-pairs tr.corpus-pair")
    assert {r.get_attribute("data-version") for r in rows.all()} == {A002, "tribune-lavrov"}
    assert "from=Tribune%20Online&to=Associated%20Press" in page.evaluate("location.hash")
    page.locator(f'#corpus-pairs tr[data-version="{A002}"] a').click()  # through to the pair
    page.wait_for_selector("#relation-sbs")
    assert {
        page.evaluate("new URLSearchParams(location.hash.slice(1)).get('a')"),
        page.evaluate("new URLSearchParams(location.hash.slice(1)).get('b')"),
    } == {A001, A002}
    assert page.errors == []


def test_the_corpus_page_filters_rewrites(page, spread_report):
    _, html = spread_report
    page.goto("about:blank")
    page.goto(report_url(html) + "#corpus")
    page.wait_for_selector("#corpus-matrix")
    page.select_option("#corpus-kind", "rewrites")
    page.wait_for_function("location.hash.includes('kind=rewrites')")
    cells = page.locator('#corpus-matrix g.corpus-cell:not([data-count="0"])')
    assert [(c.get_attribute("data-from"), c.get_attribute("data-to")) for c in cells.all()] == [
        ("La Presse", "Associated Press")
    ]
    assert page.errors == []

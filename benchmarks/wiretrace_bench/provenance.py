"""``wiretrace bench provenance``: is the original right? Planted lineages with known sources.

Each *source* is a real AllSides article given an outlet (a third of them a news agency)
and a publication time. It gets one to three copies by other outlets, each of one kind:

* ``reprint``: the text as it is, in another site's chrome;
* ``edited``: 2-8% of its words substituted (in its story paragraphs; lines of its
  source's site chrome, "Sign up for our newsletters", are left as they were);
* ``truncated``: its first half to four fifths;
* ``reflowed``: neighbouring paragraphs joined, long ones split;
* ``stitched``: one or two paragraphs of another source (another story, in the corpus too)
  stitched into the middle;
* ``quoting``: a paragraph of another source quoted at the end ("As X reported: ...");
* ``credited``: a reprint that credits the source's outlet ("This article originally
  appeared on X.", "Source: X", or for an agency its dateline or its name at the end).

Dates are the hard part, as on real feeds: each copy is published the same day as its
source or up to three days after, and 40% share the source's day: half of those carry the
source's very timestamp (a syndication feed copies it), a quarter the date alone, a quarter
a later hour. 8% of the copies and 5% of the sources are undated.

Scored on one default run over the whole corpus (sources, copies and nothing else):
the original is right for a source when the lineage holding it names it; a source in no
lineage counts as wrong. *Certain* picks are scored apart, as are stitched-in passages
reported in the diffs of copies that have none (clean copies), and, for recall, the
``stitched`` copies whose diff reports one. Beside wiretrace, on the same lineages, the
anchor rule most tools apply: the earliest date wins, ties and undated versions go to the
longest text.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from wiretrace.clean.chrome import chrome_reason
from wiretrace.config import Config
from wiretrace.records import timestamp
from wiretrace_bench.datasets import MissingData, latest_dated_allsides
from wiretrace_bench.planted import SITES, _edit_words, _paragraphs

#: Invented outlets (name, domain) and real agencies; copies go to an outlet other than
#: their source's.
OUTLETS = [
    ("The Daily Ledger", "dailyledger.example"),
    ("Northgate Post", "northgatepost.example"),
    ("Riverside Herald", "riversideherald.example"),
    ("Capital Wire Report", "capitalwire.example"),
    ("Metro Tribune", "metrotribune.example"),
    ("Harbor Times", "harbortimes.example"),
    ("Valley Gazette", "valleygazette.example"),
    ("Summit Observer", "summitobserver.example"),
    ("Lakeshore News", "lakeshorenews.example"),
    ("Prairie Dispatch", "prairiedispatch.example"),
]
AGENCIES = [
    ("Associated Press", "apnews.com", "AP"),
    ("Reuters", "reuters.com", "Reuters"),
    ("Agence France-Presse", "afp.com", "AFP"),
]
KINDS = ("reprint", "edited", "truncated", "reflowed", "stitched", "quoting", "credited")
#: Copies with no text of another story: a stitched-in passage reported in one is false.
CLEAN_KINDS = ("reprint", "edited", "truncated", "reflowed", "credited")
CITIES = ["WASHINGTON", "NEW YORK", "LONDON", "PARIS", "MOSCOW", "BEIJING", "CHICAGO"]


@dataclass
class Planted:
    records: list[dict]
    #: source id -> its copies' ids
    copies: dict[str, list[str]] = field(default_factory=dict)
    kind: dict[str, str] = field(default_factory=dict)
    #: copy id -> how its date relates to its source's ("same time", "same day", ...)
    tie: dict[str, str] = field(default_factory=dict)


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


def plant(rows: list[dict], n_sources: int, seed: int) -> Planted:
    rng = random.Random(seed)
    vocab = [w for r in rows[:300] for w in r["text"].split()[:200] if w.isalpha()]
    sources = rows[:n_sources]
    planted = Planted(records=[])
    outlet_of: dict[str, tuple[str, str, str | None]] = {}
    when: dict[str, datetime | None] = {}
    texts: dict[str, list[str]] = {}
    for r in sources:
        day = datetime.fromtimestamp(timestamp(r["date"]) or 0.0, tz=UTC).replace(
            hour=0, minute=0, second=0
        )
        t = day + timedelta(hours=rng.randint(5, 20), minutes=rng.randint(0, 59))
        when[r["id"]] = None if rng.random() < 0.05 else t
        if rng.random() < 1 / 3:
            name, domain, short = rng.choice(AGENCIES)
            outlet_of[r["id"]] = (name, domain, short)
        else:
            name, domain = rng.choice(OUTLETS)
            outlet_of[r["id"]] = (name, domain, None)
        paras = _paragraphs(r["text"])
        if outlet_of[r["id"]][2] and rng.random() < 0.5:  # an agency's own dateline
            paras[0] = f"{rng.choice(CITIES)} ({outlet_of[r['id']][2]}) — {paras[0]}"
        texts[r["id"]] = paras
        name, domain, _ = outlet_of[r["id"]]
        planted.records.append(_record(r["id"], r["title"], paras, name, domain, when[r["id"]]))
    for n, r in enumerate(sources):
        others = [s for s in sources if s["id"] != r["id"]]
        for k in range(rng.randint(1, 3)):
            kind = rng.choice(KINDS)
            copy_id = f"copy-{n:04d}-{k}"
            paras = _copy_paragraphs(
                kind, texts[r["id"]], rng, vocab, others, texts, outlet_of[r["id"]]
            )
            name, domain = rng.choice([o for o in OUTLETS if o[0] != outlet_of[r["id"]][0]])
            source_time = when[r["id"]]
            copy_time, tie = _copy_time(source_time, rng)
            _, header, footer = rng.choice(SITES)  # the chrome, not the site name
            planted.records.append(
                _record(copy_id, r["title"], header + paras + footer, name, domain, copy_time)
            )
            planted.copies.setdefault(r["id"], []).append(copy_id)
            planted.kind[copy_id] = kind
            planted.tie[copy_id] = tie
    rng.shuffle(planted.records)
    return planted


def _record(
    article_id: str,
    title: str,
    paras: list[str],
    outlet: str,
    domain: str,
    published: datetime | str | None,
) -> dict:
    if isinstance(published, datetime):
        published = _iso(published)
    return {
        "id": article_id,
        "title": title,
        "text": "\n\n".join(paras),
        "source": outlet,
        "url": f"https://www.{domain}/news/{article_id}",
        "published": published,
    }


def _copy_time(source: datetime | None, rng: random.Random) -> tuple[str | None, str]:
    if rng.random() < 0.08:
        return None, "copy undated"
    if source is None:
        day = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 700))
        return _iso(day + timedelta(hours=rng.randint(6, 20))), "source undated"
    if rng.random() < 0.4:
        draw = rng.random()
        if draw < 0.5:
            return _iso(source), "same time"
        if draw < 0.75:
            return source.date().isoformat(), "same day (date only)"
        later = source + timedelta(minutes=rng.randint(10, 180))
        if later.date() != source.date():
            later = source
            return _iso(later), "same time"
        return _iso(later), "same day, later"
    later = source + timedelta(days=rng.randint(1, 3), hours=rng.randint(-4, 4))
    return _iso(later), "later day"


def _copy_paragraphs(
    kind: str,
    paras: list[str],
    rng: random.Random,
    vocab: list[str],
    others: list[dict],
    texts: dict[str, list[str]],
    outlet: tuple[str, str, str | None],
) -> list[str]:
    paras = list(paras)
    if kind == "edited":  # a copy editor edits the story, not its source's site chrome
        rate = rng.uniform(0.02, 0.08)
        return [
            _edit_words(p, rate, vocab, rng)
            if chrome_reason(p) is None and len(p.split()) >= 8
            else p
            for p in paras
        ]
    if kind == "truncated":
        return paras[: max(2, round(len(paras) * rng.uniform(0.5, 0.8)))]
    if kind == "reflowed":
        out: list[str] = []
        for p in paras:
            words = p.split()
            if len(words) > 60 and rng.random() < 0.5:
                cut = len(words) // 2
                out += [" ".join(words[:cut]), " ".join(words[cut:])]
            elif out and rng.random() < 0.4:
                out[-1] = out[-1] + " " + p
            else:
                out.append(p)
        return out
    if kind in ("stitched", "quoting"):
        donor = texts[rng.choice(others)["id"]]
        if kind == "stitched":
            extra = donor[1 : 1 + rng.randint(1, 2)]
            at = rng.randrange(1, len(paras))
            return paras[:at] + extra + paras[at:]
        reported = rng.choice(OUTLETS)[0]
        return paras + [f"As {reported} reported earlier: “{donor[min(1, len(donor) - 1)]}”"]
    if kind == "credited":
        name, _, short = outlet
        if short and rng.random() < 0.5:
            if rng.random() < 0.5 and not paras[0].startswith(tuple(CITIES)):
                paras[0] = f"{rng.choice(CITIES)} ({short}) — {paras[0]}"
            else:
                paras.append(f"— {name}")
            return paras
        line = rng.choice([f"This article originally appeared on {name}.", f"Source: {name}"])
        return paras + [line]
    return paras  # reprint


def main(data_dir: Path, config: Config, console: Console, n_sources: int, seed: int) -> int:
    from wiretrace.ingest.fields import article_from_fields
    from wiretrace.pipeline import run_records

    try:
        rows = [
            r
            for r in latest_dated_allsides(data_dir, 20 * n_sources)
            if len(_paragraphs(r["text"] or "")) >= 6
        ]
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    rows = _distinct_stories(rows)[:n_sources]
    planted = plant(rows, n_sources, seed)
    result = run_records(
        (article_from_fields(r, f"planted[{n}]") for n, r in enumerate(planted.records)),
        config,
    )
    by_id = {a.id: a for a in result.articles}
    lineage_of = {m: g for g in result.lineages for m in g.members}
    stitched = {d.id: d for d in result.diffs}
    scores: Counter = Counter()
    anchor_right = 0
    by_tie: dict[str, Counter] = {}
    for source, copies in planted.copies.items():
        g = lineage_of.get(source)
        earliest_tie = min((_tie_rank(planted.tie[c]) for c in copies), default=9)
        bucket = by_tie.setdefault(_TIE_NAMES[earliest_tie], Counter())
        bucket["sources"] += 1
        if g is None:
            scores["not traced"] += 1
            continue
        right = g.original == source
        scores["right"] += right
        bucket["right"] += right
        if g.original_certain:
            scores["certain"] += 1
            scores["certain right"] += right
        anchor_right += _anchor(g.members, by_id) == source

    def has_stitched(c: str) -> bool:
        return any(p.kind == "stitched_in" for p in stitched[c].passages)

    clean = [c for c, k in planted.kind.items() if k in CLEAN_KINDS and c in stitched]
    scores["clean"], scores["false stitched"] = len(clean), sum(map(has_stitched, clean))
    # Recall: copies with a stitched-in paragraph of another source whose diff reports one.
    real = [c for c, k in planted.kind.items() if k == "stitched" and c in stitched]
    scores["stitched"], scores["stitched found"] = len(real), sum(map(has_stitched, real))
    _print(console, planted, scores, anchor_right, by_tie)
    return 0


_TIE_NAMES = {
    0: "a copy has the source's very time",
    1: "a copy has the source's date only",
    2: "a copy the same day, later",
    3: "every copy a later day",
    4: "an undated copy",
    5: "undated source",
    9: "no copy",
}


def _tie_rank(tie: str) -> int:
    return {
        "same time": 0,
        "same day (date only)": 1,
        "same day, later": 2,
        "later day": 3,
        "copy undated": 4,
        "source undated": 5,
    }[tie]


def _anchor(members: list[str], by_id: dict) -> str:
    """The rule most tools apply: the earliest date; ties and undated, the longest text."""

    def key(m: str) -> tuple:
        t = timestamp(by_id[m].published)
        return (t is None, t or 0.0, -len(by_id[m].text))

    return min(members, key=key)


def _distinct_stories(rows: list[dict]) -> list[dict]:
    """One article per title: two AllSides articles of one story would make one lineage."""
    seen: set[str] = set()
    out = []
    for r in rows:
        key = (r.get("title") or "").strip().lower()[:60]
        if key and key not in seen:
            seen.add(key)
            out.append(r)
    return out


def _print(
    console: Console,
    planted: Planted,
    scores: Counter,
    anchor_right: int,
    by_tie: dict[str, Counter],
) -> None:
    n = max(1, len(planted.copies))
    table = Table(title=f"bench provenance: {n} planted sources, {len(planted.kind)} copies")
    table.add_column("figure")
    table.add_column("wiretrace", justify="right")
    table.add_column("anchor: earliest, then longest", justify="right")
    table.add_row(
        "original right (of all sources)",
        f"{scores['right']}/{n} = {scores['right'] / n:.3f}",
        f"{anchor_right}/{n} = {anchor_right / n:.3f}",
    )
    if scores["certain"]:
        table.add_row(
            "certain picks right",
            f"{scores['certain right']}/{scores['certain']} = "
            f"{scores['certain right'] / scores['certain']:.3f}",
            "",
        )
    table.add_row("sources in no lineage", str(scores["not traced"]), "")
    for label, found, of in (
        ("clean copies with a false stitched-in passage", "false stitched", "clean"),
        ("stitched copies with a stitched-in passage found", "stitched found", "stitched"),
    ):
        if scores[of]:
            table.add_row(
                label, f"{scores[found]}/{scores[of]} = {scores[found] / scores[of]:.3f}", ""
            )
    for name, c in sorted(by_tie.items()):
        table.add_row(f"  {name}", f"{c['right']}/{c['sources']}", "")
    console.print(table)
    console.print(f"copies by kind: {dict(Counter(planted.kind.values()))}")

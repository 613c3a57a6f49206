"""A synthetic timeline: a few news stories over four weeks, for the Spark engine's slices.

Each story is an invented event (an earthquake, a rail strike, an election, a wildfire, a
merger, a flood) with its own places and people, reported by four outlets within a few
days: each report takes the lead and three other sentences of the event, in its own order
and (but the first) partly in its own words, so that reports share sentences (partial
copies) and meaning (``same_story``, sometimes ``rewrite``) but are not copies. Most
stories also have a reprint of their first report hours later, with a site's lines (a copy
family); one story's first report is reprinted again twelve days later (beyond the story
horizon, in a later slice) and another's second report without a date. The stories start
on 2024-03-02, 03-06, 03-11, 03-16, 03-21 and 03-26; with slices of 10 days (epoch-aligned:
03-08, 03-18, 03-28) the second, fourth and sixth straddle a slice's start.

``python -m wiretrace_bench.timeline OUT.jsonl`` writes it.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta

import orjson

EVENTS = {
    "quake": [
        (
            "A magnitude {n}.{m} earthquake struck near {place} early on {day}, shaking buildings "
            "across the {region} region."
        ),
        (
            "Rescue teams in {place} pulled survivors from collapsed apartment blocks as "
            "aftershocks rattled the valley."
        ),
        "The {org} said at least {k} people were killed and hundreds injured in the quake.",
        (
            "Governor {person} declared a state of emergency and asked for tents, blankets and "
            "drinking water."
        ),
        "Seismologists said the epicentre lay {k} kilometres beneath the hills east of {place}.",
        (
            "Schools and hospitals in {place} were evacuated while engineers inspected "
            "cracked walls and bridges."
        ),
        "Neighbouring countries offered search dogs and field hospitals to help the rescue effort.",
        (
            "Residents spent the night outdoors in parks, fearing further tremors after the "
            "earthquake."
        ),
    ],
    "strike": [
        (
            "Thousands of rail workers in {place} walked off the job on {day}, halting commuter "
            "trains across the {region} network."
        ),
        "The {org} union said the strike would continue until wages rose by {n} per cent.",
        (
            "Union leader {person} told a rally outside the central station that members could no "
            "longer afford rent."
        ),
        (
            "Commuters queued for buses and taxis as platforms stood empty during the morning rush "
            "hour."
        ),
        (
            "The transport ministry called the walkout irresponsible and urged the union to return "
            "to talks."
        ),
        (
            "Freight operators warned that cargo deliveries to the port of {place} would "
            "be delayed for days."
        ),
        (
            "Talks between the railway company and the union broke down last week over "
            "pensions and pay."
        ),
        (
            "The strike is the largest stoppage on the railways in {k} years, according to labour "
            "historians."
        ),
    ],
    "election": [
        (
            "Voters in {place} elected {person} as mayor on {day}, ending {k} years of rule by the "
            "{org}."
        ),
        (
            "{person} won {n} per cent of the ballots in a runoff that drew record turnout across "
            "the {region} district."
        ),
        (
            "The new mayor promised cheaper public transport, more affordable housing and an audit "
            "of city contracts."
        ),
        (
            "Her opponent conceded defeat late at night and congratulated the winner in a short "
            "speech."
        ),
        (
            "Election officials said counting was completed without irregularities at polling "
            "stations."
        ),
        "Supporters celebrated in the main square of {place}, waving flags and singing until dawn.",
        (
            "Analysts said the result reflected anger over rising rents and a corruption "
            "scandal at city hall."
        ),
        "The inauguration ceremony is planned for next month at the historic town hall.",
    ],
    "fire": [
        (
            "A wildfire fanned by strong winds forced the evacuation of {k} villages "
            "near {place} on {day}."
        ),
        (
            "Firefighters from the {org} battled the blaze with water bombers and helicopters "
            "through the night."
        ),
        (
            "The flames have burned more than {n} thousand hectares of pine forest in the {region} "
            "hills."
        ),
        (
            "Fire chief {person} said hot, dry weather and gusts made the fire extremely hard to "
            "contain."
        ),
        (
            "Smoke darkened the sky over {place}, and authorities urged residents to keep windows "
            "closed."
        ),
        (
            "Several farmhouses and a campsite were destroyed, but no deaths have been reported so "
            "far."
        ),
        (
            "Police are investigating whether the fire was started deliberately or by a discarded "
            "cigarette."
        ),
        (
            "Meteorologists forecast rain by the weekend, which could help crews bring "
            "the wildfire under control."
        ),
    ],
    "merger": [
        (
            "{org} agreed on {day} to buy its rival {other} for {n} billion dollars in cash and "
            "shares."
        ),
        "The deal would create the largest maker of industrial batteries in the {region} market.",
        (
            "Chief executive {person} said the merger would save costs and speed up research into "
            "storage technology."
        ),
        "Shares of {other} jumped {k} per cent in early trading after the announcement.",
        "Competition regulators are expected to scrutinise the takeover closely, analysts said.",
        "The companies said no factories would close in {place} for at least three years.",
        "Trade unions asked for guarantees that jobs at the battery plants would be protected.",
        (
            "The acquisition is expected to be completed by the end of next year, pending approval "
            "by shareholders."
        ),
    ],
    "flood": [
        (
            "Heavy rain caused the {river} river to burst its banks on {day}, flooding streets in "
            "{place}."
        ),
        (
            "Emergency services used boats to rescue residents trapped on rooftops in low-lying "
            "neighbourhoods."
        ),
        (
            "The {org} said water levels rose by {n} metres in less than a day, a record for the "
            "region."
        ),
        (
            "Mayor {person} opened sports halls and schools as shelters for families forced from "
            "their homes."
        ),
        (
            "Power was cut to about {k} thousand homes, and several roads and a railway "
            "bridge were closed."
        ),
        (
            "Farmers in the {region} plain said their wheat and maize fields were completely under "
            "water."
        ),
        (
            "Forecasters warned that more rain was expected, and that the flood peak had not yet "
            "passed."
        ),
        (
            "The government promised emergency funds to repair damaged dikes and compensate flood "
            "victims."
        ),
    ],
}
PLACES = [
    "Varnholt",
    "Castel Brio",
    "Ostrava Nova",
    "Telmarsk",
    "Quenby",
    "Sarrowick",
    "Dunmere",
    "Pelagos",
    "Ardelle",
    "Kirovets",
    "Lanzaro",
    "Tobermark",
]
PEOPLE = [
    "Elena Marovic",
    "Tomas Reinholt",
    "Aiko Tanabe",
    "Samuel Okafor",
    "Ines Carvalho",
    "Viktor Halme",
    "Nadia Brennan",
    "Jonas Weller",
    "Rosa Ibanez",
    "Pavel Dunaj",
    "Lena Vogt",
    "Marco Ferri",
]
ORGS = [
    "Civil Protection Agency",
    "National Rail Workers",
    "Green Alliance",
    "Forest Fire Service",
    "Voltaris Group",
    "Hydrology Institute",
    "United Labour Front",
    "Citizens Party",
]
REGIONS = ["northern", "coastal", "central", "alpine", "southern", "eastern"]
RIVERS = ["Mora", "Sel", "Ventra", "Orla"]
OUTLETS = [
    "Daily Ledger",
    "Bayside Wire",
    "Northgate Post",
    "Harbour Herald",
    "Morning Courier",
    "Valley Times",
]

SYNONYMS = {
    "said": "stated",
    "people": "residents",
    "killed": "dead",
    "injured": "hurt",
    "asked": "appealed",
    "early": "shortly",
    "struck": "hit",
    "teams": "crews",
    "survivors": "victims",
    "night": "evening",
    "thousands": "many thousands",
    "workers": "employees",
    "halting": "stopping",
    "continue": "go on",
    "told": "informed",
    "rally": "crowd",
    "afford": "pay",
    "called": "described",
    "urged": "pressed",
    "warned": "cautioned",
    "delayed": "held up",
    "largest": "biggest",
    "elected": "chose",
    "won": "took",
    "promised": "pledged",
    "cheaper": "less costly",
    "short": "brief",
    "completed": "finished",
    "celebrated": "partied",
    "planned": "scheduled",
    "forced": "compelled",
    "battled": "fought",
    "burned": "destroyed",
    "extremely": "very",
    "hard": "difficult",
    "destroyed": "wrecked",
    "investigating": "examining",
    "agreed": "decided",
    "buy": "acquire",
    "create": "form",
    "expected": "likely",
    "closely": "carefully",
    "jumped": "rose",
    "heavy": "torrential",
    "flooding": "inundating",
    "rescue": "save",
    "record": "new high",
    "opened": "made available",
    "homes": "households",
    "closed": "shut",
    "completely": "entirely",
    "repair": "fix",
    "across": "throughout",
    "near": "close to",
    "help": "support",
    "more": "further",
    "about": "around",
}


def _reword(sentence: str, rng: random.Random, rate: float) -> str:
    """``sentence`` with each word that has a synonym here swapped at ``rate``."""
    out = []
    for w in sentence.split():
        core = w.rstrip(".,")
        if core in SYNONYMS and rng.random() < rate:
            w = SYNONYMS[core] + w[len(core) :]
        out.append(w)
    return " ".join(out)


def timeline_corpus(seed: int = 7) -> list[dict]:
    """Articles of several stories spread over four weeks (dates from 2024-03-01): each story a
    few independent reports within days, some reprinted (copy families), one reprinted after
    twelve days, one reprint undated."""
    rng = random.Random(seed)
    base = datetime(2024, 3, 1, tzinfo=UTC)
    starts = [1.0, 5.5, 10.0, 15.8, 20.5, 25.5]
    kinds = list(EVENTS)
    rows: list[dict] = []
    for s, start in enumerate(starts):
        kind = kinds[s % len(kinds)]
        fill: dict = dict(
            place=PLACES[s],
            person=PEOPLE[s],
            org=ORGS[s % len(ORGS)],
            other=ORGS[(s + 3) % len(ORGS)],
            region=REGIONS[s % len(REGIONS)],
            river=RIVERS[s % len(RIVERS)],
            n=3 + s,
            m=s % 10,
            k=12 + 7 * s,
            day=(base + timedelta(days=start)).strftime("%A"),
        )
        sentences = [t.format(**fill) for t in EVENTS[kind]]
        reports = []
        for r in range(4):
            when = base + timedelta(days=start + rng.uniform(0, 2.5))
            picked = [0] + sorted(rng.sample(range(1, 8), 3))
            if r:  # the lead first, the rest in the report's own order
                tail = picked[1:]
                rng.shuffle(tail)
                picked = [0, *tail]
            paras, k = [], 0
            while k < len(picked):
                take = rng.choice((1, 2))
                paras.append(
                    " ".join(
                        _reword(sentences[i], rng, 0.7 if r else 0.0) for i in picked[k : k + take]
                    )
                )
                k += take
            row = {
                "id": f"t{s}-r{r}",
                "title": f"{fill['place']}: {sentences[0].split(',')[0][:70]}"
                if r % 2 == 0
                else f"{PEOPLE[s]} and the {kind} in {fill['place']}",
                "text": "\n\n".join(paras),
                "source": OUTLETS[(s + r) % len(OUTLETS)],
                "published": when.isoformat(timespec="seconds"),
            }
            reports.append(row)
        rows += reports
        if s % 3 != 1:  # a reprint of the first report, hours later, with its site's lines
            copy = dict(reports[0], id=f"t{s}-c0", source=OUTLETS[(s + 4) % len(OUTLETS)])
            copy["text"] = (
                "Share this article\n\n" + reports[0]["text"] + "\n\nRead more from our newsroom"
            )
            copy["published"] = (
                datetime.fromisoformat(reports[0]["published"]) + timedelta(hours=9)
            ).isoformat(timespec="seconds")
            rows.append(copy)
        if s == 2:  # reprinted again twelve days later: beyond the horizon
            late = dict(reports[0], id=f"t{s}-late")
            late["published"] = (
                datetime.fromisoformat(reports[0]["published"]) + timedelta(days=12)
            ).isoformat(timespec="seconds")
            rows.append(late)
        if s == 4:  # reprinted without a date
            rows.append(dict(reports[1], id=f"t{s}-undated", published=None))
    rng.shuffle(rows)
    return rows


def main(argv: list[str]) -> None:
    rows = timeline_corpus()
    with open(argv[0], "wb") as fh:
        fh.writelines(orjson.dumps(r) + b"\n" for r in rows)


if __name__ == "__main__":
    main(sys.argv[1:])

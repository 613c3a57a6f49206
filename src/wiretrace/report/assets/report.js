/* wiretrace report. Plain JavaScript, no network: the data is in the page.
 * The index is parsed at once; each story's block only when the story is opened. */
"use strict";
const WT = JSON.parse(document.getElementById("wt-index").textContent);
const PAGE_SIZE = 50;
const KINDS = ["shared", "reworded", "dropped", "added", "stitched_in", "boilerplate"];
const KIND_LABEL = {shared: "shared", reworded: "reworded", dropped: "dropped", added: "added",
  stitched_in: "stitched in", boilerplate: "boilerplate"};
const listState = {page: 0, filter: "", sort: "size", rows: WT.stories};
const byStory = new Map(WT.stories.map((s) => [s.story, s]));

// Bidi overrides and isolates in untrusted text would reorder what the page shows ("evil"
// shown as "live"): every text the page writes shows them as U+FFFD instead.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
const displayed = (text) => String(text).replace(BIDI, "\ufffd");

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(displayed(c)));
  }
  return node;
}
const fmt = (x, d = 2) => (x === null || x === undefined ? "" : Number(x).toFixed(d));
const day = (t) => (t ? String(t).slice(0, 16).replace("T", " ") : "");
const shortId = (id) => (id.length > 28 ? id.slice(0, 26) + "…" : id);

function renderSummary() {
  const s = WT.summary;
  document.getElementById("summary").textContent =
    `${s.articles} articles · ${s.stories} stories · ${s.lineages} lineages · ` +
    `${s.relations} relations · wiretrace ${s.version}`;
}

/* -- story list ---------------------------------------------------------------------- */
function applyFilter() {
  const q = listState.filter.trim().toLowerCase();
  let rows = WT.stories;
  if (q) rows = rows.filter((s) => (s.title || "").toLowerCase().includes(q) ||
    s.sources.some((x) => x.toLowerCase().includes(q)) || s.story.toLowerCase().includes(q));
  if (listState.sort === "time") rows = [...rows].sort((a, b) =>
    String(b.last || "").localeCompare(String(a.last || "")));
  else if (listState.sort === "lineages") rows = [...rows].sort((a, b) => b.lineages - a.lineages);
  listState.rows = rows;
}

function renderList() {
  const app = document.getElementById("app");
  const rows = listState.rows;
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  listState.page = Math.min(listState.page, pages - 1);
  const start = listState.page * PAGE_SIZE;
  const search = el("input", {type: "search", placeholder: "filter by title, source or id",
    value: listState.filter, id: "filter"});
  search.addEventListener("input", () => {
    listState.filter = search.value; listState.page = 0; applyFilter(); renderList();
    const again = document.getElementById("filter");
    again.focus(); again.setSelectionRange(again.value.length, again.value.length);
  });
  const sort = el("select", {id: "sort"},
    ...[["size", "largest first"], ["time", "latest first"], ["lineages", "most lineages"]]
      .map(([v, t]) => el("option", {value: v, selected: listState.sort === v}, t)));
  sort.addEventListener("change", () => { listState.sort = sort.value; applyFilter(); renderList(); });
  const pager = el("span", {class: "pager"},
    el("button", {id: "prev", disabled: listState.page === 0,
      onclick: () => { listState.page--; renderList(); }}, "‹ prev"),
    ` page ${listState.page + 1} of ${pages} (${rows.length} stories) `,
    el("button", {id: "next", disabled: listState.page >= pages - 1,
      onclick: () => { listState.page++; renderList(); }}, "next ›"));
  const body = el("tbody", {id: "stories"}, rows.slice(start, start + PAGE_SIZE).map((s) => {
    const kinds = Object.entries(s.kinds).map(([k, n]) => `${k.replace("_", " ")} ${n}`).join(" · ");
    return el("tr", {class: "story-row", "data-story": s.story,
      onclick: () => { location.hash = "#story=" + encodeURIComponent(s.story); }},
      el("td", {}, String(s.size)),
      el("td", {}, el("a", {href: "#story=" + encodeURIComponent(s.story)}, s.title || s.story)),
      el("td", {class: "small"}, s.first ? `${day(s.first)} – ${day(s.last)}` : "undated"),
      el("td", {class: "small"}, s.sources.join(", ") + (s.n_sources > s.sources.length ?
        ` +${s.n_sources - s.sources.length}` : "")),
      el("td", {class: "small muted"}, kinds));
  }));
  app.replaceChildren(
    el("h2", {}, "Stories"),
    el("p", {class: "small"}, el("a", {href: "#corpus", id: "corpus-link"},
      `Who copies whom: the corpus's outlets (${WT.summary.copy_pairs || 0} versions traced ` +
      "to an original) →")),
    el("div", {class: "controls"}, search, sort, pager),
    el("table", {id: "story-table"},
      el("thead", {}, el("tr", {}, ["articles", "title", "time span", "sources", "relations"]
        .map((h) => el("th", {}, h)))), body));
}

/* -- a story ------------------------------------------------------------------------- */
const blockCache = new Map();
function storyData(info) {
  if (!blockCache.has(info.block)) {
    const node = document.getElementById("wt-s" + info.block);
    if (!node) return null; // the page is still loading
    blockCache.set(info.block, JSON.parse(node.textContent));
  }
  return blockCache.get(info.block);
}

function roleOf(data, id) {
  for (const g of data.lineages) {
    if (g.original === id) return {text: "original", cls: "original", lineage: g};
    const d = g.derivations.find((x) => x.derived === id);
    if (d) return {text: `${d.relation} of ${shortId(d.source)}`, lineage: g, derivation: d};
  }
  return {text: "independent report"};
}

function renderStory(storyId, versionId) {
  const info = byStory.get(storyId);
  const app = document.getElementById("app");
  if (!info) { app.replaceChildren(el("p", {}, `No story ${storyId}.`)); return; }
  const data = storyData(info);
  if (!data) { app.replaceChildren(el("p", {}, "Loading…")); return; }
  const articles = new Map(data.articles.map((a) => [a.id, a]));
  const ordered = [...data.articles].sort((a, b) =>
    (a.published ? 0 : 1) - (b.published ? 0 : 1) ||
    String(a.published || "").localeCompare(String(b.published || "")));
  const timeline = el("tbody", {id: "timeline"}, ordered.map((a) => {
    const role = roleOf(data, a.id);
    return el("tr", {class: "version-row", "data-article": a.id,
      onclick: () => { location.hash = `#story=${encodeURIComponent(storyId)}&version=` +
        encodeURIComponent(a.id); }},
      el("td", {class: "small"}, day(a.published) || "undated"),
      el("td", {class: "small"}, a.source || ""),
      el("td", {}, a.title || a.id, el("div", {class: "small muted"}, a.id)),
      el("td", {}, el("span", {class: "badge " + (role.cls || "")}, role.text),
        role.lineage && role.cls === "original" && !role.lineage.original_certain ?
          el("span", {class: "badge uncertain"}, "uncertain") : null,
        role.derivation && !role.derivation.certain ?
          el("span", {class: "badge uncertain"}, "direction undetermined") : null),
      el("td", {class: "small"}, a.family ? shortId(a.family) : ""));
  }));
  const lineages = data.lineages.map((g) => el("div", {class: "lineage", "data-lineage": g.lineage},
    el("div", {}, el("span", {class: "badge original"}, "original"), " ",
      el("b", {}, (articles.get(g.original) || {}).title || g.original), " ",
      el("span", {class: "muted small"}, g.original)),
    el("div", {class: "small"}, "Why: ", g.original_reason,
      g.original_certain ? "" : " (not certain)"),
    el("div", {class: "picture-wrap"}, lineageTree(storyId, data, g)),
    el("ul", {class: "derivations small"}, g.derivations.map((d) => el("li", {},
      `${shortId(d.source)} → ${shortId(d.derived)} (${d.relation}): ${d.basis}`)))));
  const firstDerived = data.lineages.length && data.lineages[0].derivations.length ?
    data.lineages[0].derivations[0].derived : null;
  const version = versionId && articles.has(versionId) ? versionId :
    firstDerived || (data.articles[0] || {}).id;
  const dates = ordered.filter((a) => a.published);
  app.replaceChildren(
    el("p", {class: "small"}, el("a", {href: "#"}, "← all stories")),
    el("h2", {id: "story-title"}, info.title || storyId),
    el("p", {class: "muted small"}, `${info.size} articles · ` +
      (dates.length ? `${day(dates[0].published)} – ${day(dates[dates.length - 1].published)}`
        : "undated") + (info.sources.length ? ` · ${info.sources.join(", ")}` : "") +
      ` · ${storyId}`),
    el("h3", {}, "Versions"),
    el("div", {class: "picture-wrap"}, storyTimeline(storyId, data, version)),
    el("table", {}, el("thead", {}, el("tr", {}, ["published", "source", "title", "role", "family"]
      .map((h) => el("th", {}, h)))), timeline),
    lineages.length ? el("h3", {}, "Lineages: who derived from whom") : "", ...lineages,
    el("h3", {id: "compare-title"}, "Compare"),
    renderCompare(storyId, data, articles, version),
    el("h3", {id: "relations-title"}, "Relations"),
    renderRelations(storyId, data));
  const row = timeline.querySelector(`tr[data-article="${CSS.escape(version || "")}"]`);
  if (row) row.style.background = "#eef3ff";
}

/* -- relations and their evidence ------------------------------------------------------- */
const RELATION_ORDER = ["duplicate", "copy", "partial", "rewrite", "same_story"];
const COPY_ENGINE = new Set(["duplicate", "copy", "partial"]);
const relationHref = (storyId, r) => `#story=${encodeURIComponent(storyId)}&a=` +
  `${encodeURIComponent(r.a)}&b=${encodeURIComponent(r.b)}`;
const byStrength = (x, y) => RELATION_ORDER.indexOf(x.relation) -
  RELATION_ORDER.indexOf(y.relation) || y.similarity - x.similarity;

/* Every article a story's block can show: its members and the far ends of its relations. */
function articlesOf(data) {
  return new Map([...(data.linked || []), ...data.articles].map((a) => [a.id, a]));
}

function renderRelations(storyId, data) {
  if (!data.relations.length) return el("p", {class: "small muted", id: "relations"},
    "No relation of these articles to one another or to other articles.");
  const known = articlesOf(data);
  const members = new Set(data.articles.map((a) => a.id));
  const who = (id) => {
    const a = known.get(id);
    return el("td", {}, shortId(id), a && !members.has(id) ?
      el("div", {class: "small muted"}, "in another story") : null);
  };
  return el("table", {id: "relations", class: "small"}, el("thead", {}, el("tr", {},
    ["relation", "a", "b", "similarity", "match", "coverage a", "coverage b", "evidence", ""]
      .map((h) => el("th", {}, h)))),
    el("tbody", {}, [...data.relations].sort(byStrength).map((r) => el("tr", {
      class: "relation-row", "data-a": r.a, "data-b": r.b, "data-relation": r.relation,
      onclick: () => { location.hash = relationHref(storyId, r); }},
      el("td", {}, el("span", {class: "badge"}, r.relation.replace("_", " "))),
      who(r.a), who(r.b), el("td", {}, fmt(r.similarity)), el("td", {}, fmt(r.match)),
      el("td", {}, fmt(r.coverage_a)), el("td", {}, fmt(r.coverage_b)),
      el("td", {}, String(r.evidence.length)),
      el("td", {}, el("a", {href: relationHref(storyId, r)}, "side by side"))))));
}

/* The relations of one article, as links to their side-by-side views. */
function versionRelations(storyId, data, id) {
  const mine = data.relations.filter((r) => r.a === id || r.b === id).sort(byStrength);
  if (!mine.length) return null;
  return el("p", {class: "small", id: "version-relations"}, `Relations of ${shortId(id)}: `,
    mine.flatMap((r, k) => [k ? " · " : "", el("a", {href: relationHref(storyId, r),
      class: "relation-link", "data-relation": r.relation},
      `${r.relation.replace("_", " ")} with ${shortId(r.a === id ? r.b : r.a)} ` +
      `(${r.evidence.length} ${COPY_ENGINE.has(r.relation) ? "aligned passages" : "pairs"})`)]));
}

/* The passage start:end of paragraph p (offsets into the paragraph, as a story block gives
 * them) as [paragraph text, from, to]. */
function inParagraph(article, p, start, end) {
  const text = article.paragraphs[p] || "";
  return [text, Math.max(0, start), Math.min(text.length, end)];
}

/* One side of an evidence item: its paragraph, the passage marked inside it (`content`:
 * the passage with its word-level edits marked, when there are any). */
function evidenceCell(side, paragraph, [text, from, to], content) {
  return el("td", {class: "passage", "data-side": side, "data-paragraph": paragraph},
    el("span", {class: "kind-tag"}, `¶${paragraph}`), text.slice(0, from),
    el("mark", {}, content || text.slice(from, to)), text.slice(to));
}

function renderRelation(storyId, a, b) {
  const info = byStory.get(storyId);
  const app = document.getElementById("app");
  if (!info) { app.replaceChildren(el("p", {}, `No story ${storyId}.`)); return; }
  const data = storyData(info);
  if (!data) { app.replaceChildren(el("p", {}, "Loading…")); return; }
  const r = data.relations.find((x) => x.a === a && x.b === b);
  const back = el("p", {class: "small"}, el("a", {href: "#story=" + encodeURIComponent(storyId)},
    `← ${info.title || storyId}`));
  if (!r) { app.replaceChildren(back, el("p", {}, `No relation of ${a} and ${b} here.`)); return; }
  const known = articlesOf(data);
  const A = known.get(a), B = known.get(b);
  const name = (x, id) => (x && x.title) || id;
  const figures = [`similarity ${fmt(r.similarity)}`];
  if (r.match !== null && r.match !== undefined) figures.push(`match ${fmt(r.match)}`);
  if (r.relation !== "same_story")
    figures.push(`coverage a ${fmt(r.coverage_a)}, b ${fmt(r.coverage_b)}`);
  if (COPY_ENGINE.has(r.relation)) figures.push(`4-grams of a found in b ${fmt(r.containment_ab)}` +
    `, of b in a ${fmt(r.containment_ba)}`, `jaccard ${fmt(r.jaccard)}`);
  const views = r.views ? el("table", {id: "relation-views", class: "small views"},
    el("tbody", {}, el("tr", {}, Object.keys(r.views).map((k) => el("th", {}, k))),
      el("tr", {}, Object.values(r.views).map((v) => el("td", {}, fmt(v)))))) : null;
  const side = (x, id, label) => el("th", {}, `${label}: ${id}` +
    (x && x.source ? ` (${x.source})` : "") + (x && x.published ? ` · ${day(x.published)}` : ""),
    x && x.story && x.story !== storyId && byStory.has(x.story) ? el("div", {class: "small"},
      el("a", {href: "#story=" + encodeURIComponent(x.story)}, "its story")) : null);
  const missing = (side) => el("td", {class: "passage empty", "data-side": side},
    "(the article is not in this report)");
  const body = el("tbody", {}, r.evidence.map(([ap, as, ae, bp, bs, be, sim, words]) => {
    const left = A && inParagraph(A, ap, as, ae), right = B && inParagraph(B, bp, bs, be);
    let edits = [null, null];
    // Copied text has its edits marked whatever the similarity: 1.00 is the share of the
    // smaller passage's 4-grams found in the other, and a changed date can leave it so.
    if (left && right && COPY_ENGINE.has(r.relation))
      edits = wordDiff(left[0].slice(left[1], left[2]), right[0].slice(right[1], right[2])) ||
        edits;
    return el("tr", {class: "evidence-row", "data-similarity": sim},
      left ? evidenceCell("a", ap, left, edits[0]) : missing("a"),
      right ? evidenceCell("b", bp, right, edits[1]) : missing("b"),
      el("td", {class: "small muted"}, `similarity ${fmt(sim)}`, el("br"), `${words} words`));
  }));
  app.replaceChildren(...[back,
    el("h2", {id: "relation-title"}, `${r.relation.replace("_", " ")}: `,
      name(A, a), " ↔ ", name(B, b)),
    el("p", {class: "small", id: "relation-figures"}, figures.join(" · ")), views,
    el("p", {class: "small muted", id: "evidence-meaning"},
      (WT.summary.evidence_meaning || {})[r.relation] || ""),
    r.evidence.length ? el("table", {class: "sbs evidence", id: "relation-sbs",
      "data-relation": r.relation}, el("thead", {}, el("tr", {}, side(A, a, "a"),
        side(B, b, "b"), el("th", {}, ""))), body) :
      el("p", {class: "muted"}, "No passages are recorded for this relation.")]
    .filter((node) => node !== null));
}

/* Word-level differences inside a shared pair: longest common subsequence of words. */
function wordDiff(left, right) {
  const a = left.split(/(\s+)/), b = right.split(/(\s+)/);
  if (a.length * b.length > 400000) return null;
  const n = a.length, m = b.length, dp = new Uint16Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--)
    dp[i * (m + 1) + j] = a[i] === b[j] ? dp[(i + 1) * (m + 1) + j + 1] + 1 :
      Math.max(dp[(i + 1) * (m + 1) + j], dp[i * (m + 1) + j + 1]);
  const L = [], R = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { L.push(a[i]); R.push(b[j]); i++; j++; }
    else if (dp[(i + 1) * (m + 1) + j] >= dp[i * (m + 1) + j + 1]) L.push(el("del", {}, a[i++]));
    else R.push(el("ins", {}, b[j++]));
  }
  while (i < n) L.push(el("del", {}, a[i++]));
  while (j < m) R.push(el("ins", {}, b[j++]));
  return [L, R];
}

function passageCell(kind, side, content, tag, attrs) {
  return el("td", Object.assign({class: "passage", "data-kind": kind, "data-side": side}, attrs),
    el("span", {class: "kind-tag"}, tag), content);
}

function tagFor(p) {
  const bits = [KIND_LABEL[p.kind]];
  if (p.similarity !== null && p.similarity !== undefined) bits.push(`similarity ${fmt(p.similarity)}`);
  if (p.story_similarity !== null && p.story_similarity !== undefined)
    bits.push(`story similarity ${fmt(p.story_similarity)}`);
  if (p.from_article) bits.push(`from ${shortId(p.from_article)} ¶${p.from_paragraph}`);
  if (p.reason) bits.push(p.reason);
  if (p.found_in && p.found_in.length) bits.push(`also in ${p.found_in.length} version(s)`);
  else if (p.paragraph !== null && p.kind !== "dropped") bits.push("only in this version");
  return bits.join(" · ");
}

function renderCompare(storyId, data, articles, versionId) {
  const diff = data.diffs.find((d) => d.id === versionId);
  const version = articles.get(versionId);
  const picker = el("select", {id: "version-picker"}, data.articles.map((a) =>
    el("option", {value: a.id, selected: a.id === versionId}, `${a.id} — ${a.title || ""}`)));
  picker.addEventListener("change", () => {
    const story = decodeURIComponent((location.hash.match(/story=([^&]*)/) || [])[1] || "");
    location.hash = `#story=${encodeURIComponent(story)}&version=${encodeURIComponent(picker.value)}`;
  });
  const showBoiler = el("input", {type: "checkbox", id: "show-boilerplate", checked: true});
  const wrap = el("div", {id: "compare"});
  showBoiler.addEventListener("change", () =>
    wrap.classList.toggle("hide-boilerplate", !showBoiler.checked));
  const counts = {};
  for (const p of (diff ? diff.passages : [])) counts[p.kind] = (counts[p.kind] || 0) + 1;
  const legend = el("div", {class: "legend small"}, KINDS.map((k) =>
    el("span", {class: "legend-item", "data-kind": k}, `${KIND_LABEL[k]} ${counts[k] || 0}`)));
  wrap.append(el("div", {class: "controls"}, el("label", {}, "version ", picker),
    el("label", {}, showBoiler, " show removed boilerplate"), legend));
  if (!version) return wrap;
  const links = versionRelations(storyId, data, versionId);
  if (links) wrap.append(links);
  if (!diff || !diff.against) {
    const shares = data.relations.some((r) => (r.a === versionId || r.b === versionId) &&
      COPY_ENGINE.has(r.relation));
    wrap.append(el("p", {class: "small muted"}, diff ? "This is the original of its lineage: " +
      "paragraphs no other version carries are marked." : shares ?
      "Not a version in a lineage here, but it shares passages with another article: open " +
      "its relations above to see them side by side. Its text as cleaned:" :
      "Not a version of another article here (an independent report): its text as cleaned."));
    wrap.append(renderSingle(version, diff));
    return wrap;
  }
  const against = articles.get(diff.against);
  wrap.append(el("p", {class: "small"}, `${versionId} is a ${diff.relation} of `,
    el("b", {}, diff.against), diff.against === diff.original ? " (the original)" :
      ` (the version it derives from; the original is ${diff.original})`));
  wrap.append(renderSideBySide(diff, version, against));
  return wrap;
}

function renderSingle(article, diff) {
  const body = el("tbody");
  const passages = diff ? diff.passages : article.paragraphs.map((p, i) => ({kind: null,
    paragraph: i}));
  for (const p of passages) {
    if (p.paragraph === null || p.paragraph === undefined) {
      body.append(el("tr", {class: "boilerplate-row"},
        passageCell(p.kind, "version", p.text, tagFor(p), {})));
    } else {
      const content = article.paragraphs[p.paragraph];
      body.append(el("tr", {}, p.kind ?
        passageCell(p.kind, "version", content, tagFor(p), {"data-paragraph": p.paragraph}) :
        el("td", {class: "passage", "data-paragraph": p.paragraph}, content)));
    }
  }
  if (!diff) (article.removed || []).forEach((line, k) => body.append(el("tr",
    {class: "boilerplate-row"}, passageCell("boilerplate", "version", line,
      `boilerplate · ${article.removed_reasons[k]}`, {}))));
  return el("table", {class: "sbs single"}, body);
}

function renderSideBySide(diff, version, against) {
  const own = diff.passages.filter((p) => p.side === "version");
  const dropped = new Map(diff.passages.filter((p) => p.side === "against")
    .map((p) => [p.paragraph, p]));
  const shown = new Set();
  const body = el("tbody");
  const role = diff.against === diff.original ? "original" : "derived from";
  const head = el("thead", {}, el("tr", {},
    el("th", {}, `${role}: ${against.id}` + (against.source ? ` (${against.source})` : "")),
    el("th", {}, `version: ${version.id}` + (version.source ? ` (${version.source})` : ""))));
  const emptyCell = () => el("td", {class: "passage empty"});
  const leftCell = (j) => {
    shown.add(j);
    const p = dropped.get(j);
    if (p) return passageCell("dropped", "against", against.paragraphs[j], tagFor(p),
      {"data-paragraph": j});
    return passageCell("shared", "against", against.paragraphs[j],
      "merged into the neighbouring passage", {"data-paragraph": j});
  };
  const matchedSet = new Set(own.filter((p) => p.match !== null && p.match !== undefined)
    .map((p) => p.match));
  // Paragraphs of the other text not matched by any passage of the version, before `limit`.
  const flushBefore = (limit) => {
    for (let j = 0; j < limit; j++)
      if (!shown.has(j) && !matchedSet.has(j)) body.append(el("tr", {}, leftCell(j), emptyCell()));
  };
  for (const p of own) {
    if (p.paragraph === null || p.paragraph === undefined) {
      body.append(el("tr", {class: "boilerplate-row"}, emptyCell(),
        passageCell(p.kind, "version", p.text, tagFor(p), {})));
      continue;
    }
    const right = version.paragraphs[p.paragraph];
    if (p.match !== null && p.match !== undefined) {
      flushBefore(p.match);
      let leftContent = against.paragraphs[p.match], rightContent = right;
      if (p.kind === "shared" && p.similarity < 1) {
        const d = wordDiff(leftContent, rightContent);
        if (d) [leftContent, rightContent] = d;
      }
      const left = shown.has(p.match) ?
        passageCell(p.kind, "against", "(same passage as above)", "", {"data-paragraph": p.match}) :
        passageCell(p.kind, "against", leftContent, KIND_LABEL[p.kind], {"data-paragraph": p.match});
      shown.add(p.match);
      body.append(el("tr", {}, left, passageCell(p.kind, "version", rightContent, tagFor(p),
        {"data-paragraph": p.paragraph, "data-match": p.match})));
    } else {
      body.append(el("tr", {}, emptyCell(), passageCell(p.kind, "version", right, tagFor(p),
        {"data-paragraph": p.paragraph})));
    }
  }
  flushBefore(against.paragraphs.length);
  return el("table", {class: "sbs", id: "side-by-side"}, head, body);
}

/* -- pictures: SVG drawn here, text set as text ---------------------------------------- */
const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}
function svgText(attrs, text) {
  const node = svg("text", attrs);
  node.textContent = displayed(text);
  return node;
}
const hover = (text) => { const t = svg("title"); t.textContent = displayed(text); return t; };
const clip = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
const ROLE_COLOUR = {original: "#1d6f42", copy: "#d9480f", rewrite: "#2f6fdf",
  independent: "#8e8e93"};
const ROLE_NAME = {original: "original", copy: "copy", rewrite: "rewrite",
  independent: "independent report"};
const versionHref = (storyId, id) => `#story=${encodeURIComponent(storyId)}&version=` +
  encodeURIComponent(id);
let svgIds = 0;

/* original | copy | rewrite | independent, as the versions table says it in words. */
function roleKind(data, id) {
  const role = roleOf(data, id);
  if (role.cls === "original") return "original";
  if (role.derivation) return role.derivation.relation === "rewrite" ? "rewrite" : "copy";
  return "independent";
}

/* Milliseconds of a published time; a time with no zone counts as UTC, as wiretrace reads it. */
function timeOf(published) {
  if (!published) return NaN;
  const p = String(published);
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(p) || p.length <= 10;
  return Date.parse(zoned ? p : p + "Z");
}

function arrowMarker(id, colour) {
  return svg("marker", {id, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7,
    markerHeight: 7, orient: "auto-start-reverse"},
  svg("path", {d: "M 0 0 L 10 5 L 0 10 z", fill: colour}));
}

/* Each version at its publication time, one lane an outlet, coloured by role; the
 * derivations as arrows; undated versions in a band of their own. */
function storyTimeline(storyId, data, selected) {
  const items = data.articles.map((a) => ({a, t: timeOf(a.published), kind: roleKind(data, a.id)}));
  const dated = items.filter((x) => !Number.isNaN(x.t)).sort((x, y) => x.t - y.t);
  const undated = items.filter((x) => Number.isNaN(x.t));
  const lanes = [];
  for (const x of [...dated, ...undated]) if (!lanes.includes(x.a.outlet)) lanes.push(x.a.outlet);
  const W = 980, L = 190, R = 24, TOP = 34, LANE = 30;
  // undated versions: a band at the right, in the order read (the whole width when none is
  // dated)
  const band = !undated.length ? 0 : dated.length ? Math.min(260, 40 + 26 * undated.length) :
    W - L - R;
  const plotW = W - L - R - band;
  const H = TOP + lanes.length * LANE + 46;
  const t0 = dated.length ? dated[0].t : 0, t1 = dated.length ? dated[dated.length - 1].t : 0;
  const xOf = (t) => (t1 > t0 ? L + 10 + (t - t0) / (t1 - t0) * (plotW - 20) : L + plotW / 2);
  const taken = new Map();
  const place = (x, lane) => { // versions at one place sit side by side
    const key = `${Math.round(x)}:${lane}`, k = taken.get(key) || 0;
    taken.set(key, k + 1);
    return x + k * 11;
  };
  const at = new Map();
  for (const x of dated) at.set(x.a.id, [place(xOf(x.t), x.a.outlet),
    TOP + lanes.indexOf(x.a.outlet) * LANE + LANE / 2]);
  undated.forEach((x, k) => at.set(x.a.id, [W - R - band + (k + 0.5) * band / undated.length,
    TOP + lanes.indexOf(x.a.outlet) * LANE + LANE / 2]));
  const marker = `tl-arrow-${++svgIds}`;
  const root = svg("svg", {id: "story-timeline", class: "picture", viewBox: `0 0 ${W} ${H}`,
    width: W, height: H, role: "img", "aria-label": "the versions on a timeline"},
  svg("defs", {}, arrowMarker(marker, "#777")));
  lanes.forEach((o, k) => {
    const y = TOP + k * LANE;
    root.append(svg("rect", {x: L, y, width: W - L - R, height: LANE,
      fill: k % 2 ? "#ffffff" : "#f6f7f9"}),
    svgText({x: L - 8, y: y + LANE / 2 + 4, "text-anchor": "end", class: "tl-lane"}, clip(o, 28)));
  });
  if (band) root.append(svg("line", {x1: W - R - band, x2: W - R - band, y1: TOP,
    y2: TOP + lanes.length * LANE, stroke: "#bbb", "stroke-dasharray": "3 3"}),
  svgText({x: W - R - band / 2, y: TOP + lanes.length * LANE + 16, "text-anchor": "middle",
    class: "tl-tick"}, dated.length ? "undated" : "no version is dated: in the order read"));
  const axisY = TOP + lanes.length * LANE;
  root.append(svg("line", {x1: L, x2: L + plotW, y1: axisY, y2: axisY, stroke: "#999"}));
  const ticks = t1 > t0 ? 5 : (dated.length ? 1 : 0);
  const long = t1 - t0 > 2 * 86400000;
  for (let k = 0; k < ticks; k++) {
    const t = ticks === 1 ? t0 : t0 + (t1 - t0) * k / (ticks - 1);
    const x = xOf(t), iso = new Date(t).toISOString();
    root.append(svg("line", {x1: x, x2: x, y1: axisY, y2: axisY + 5, stroke: "#999"}),
      svgText({x, y: axisY + 18, "text-anchor": "middle", class: "tl-tick"},
        long ? iso.slice(0, 10) : iso.slice(5, 16).replace("T", " ")));
  }
  if (dated.length) root.append(svgText({x: L + plotW / 2, y: axisY + 36, "text-anchor": "middle",
    class: "tl-axis"}, "published (UTC)"));
  for (const g of data.lineages) for (const d of g.derivations) {
    const from = at.get(d.source), to = at.get(d.derived);
    if (!from || !to) continue;
    // an arc bowing up, so that an edge along one lane passes over the marks between
    const dx = to[0] - from[0], dy = to[1] - from[1], len = Math.hypot(dx, dy) || 1;
    const bow = Math.min(LANE * 0.9, 12 + len / 6);
    const cx = (from[0] + to[0]) / 2 + dy / len * bow * Math.sign(dx || 1);
    const cy = (from[1] + to[1]) / 2 - Math.abs(dx) / len * bow;
    root.append(svg("path", {class: "tl-edge", "data-source": d.source, "data-derived": d.derived,
      d: `M ${from[0]} ${from[1] - 7} Q ${cx} ${cy}, ${to[0]} ${to[1] - 8}`, fill: "none",
      stroke: "#777", "stroke-width": 1.3, "stroke-dasharray": d.certain ? null : "4 3",
      "marker-end": `url(#${marker})`},
    hover(`${d.source} → ${d.derived} (${d.relation}): ${d.basis}`)));
  }
  for (const x of items) {
    const [cx, cy] = at.get(x.a.id);
    root.append(svg("circle", {class: "tl-mark", "data-article": x.a.id, "data-role": x.kind,
      cx, cy, r: 7, fill: ROLE_COLOUR[x.kind], stroke: x.a.id === selected ? "#111" : "#fff",
      "stroke-width": x.a.id === selected ? 2.5 : 1.5,
      onclick: () => { location.hash = versionHref(storyId, x.a.id); }},
    hover(`${x.a.title || x.a.id}\n${x.a.id} · ${x.a.outlet} · ` +
      `${day(x.a.published) || "undated"} · ${ROLE_NAME[x.kind]}`)));
  }
  let lx = L;
  for (const kind of Object.keys(ROLE_COLOUR)) {
    const n = items.filter((x) => x.kind === kind).length;
    if (!n) continue;
    const label = `${ROLE_NAME[kind]} ${n}`;
    root.append(svg("circle", {cx: lx + 6, cy: 14, r: 6, fill: ROLE_COLOUR[kind]}),
      svgText({x: lx + 16, y: 18, class: "tl-legend", "data-role": kind}, label));
    lx += 30 + label.length * 7;
  }
  return root;
}

/* A lineage's derivation tree: the original at the left, each version right of the one it
 * derives from; a dashed edge where the direction is not certain. */
function lineageTree(storyId, data, g) {
  const known = articlesOf(data);
  const children = new Map();
  for (const d of g.derivations) {
    if (!children.has(d.source)) children.set(d.source, []);
    children.get(d.source).push(d);
  }
  const pos = new Map();
  let rows = 0, depthMax = 0;
  const place = (id, depth) => {
    depthMax = Math.max(depthMax, depth);
    const kids = (children.get(id) || []).filter((d) => !pos.has(d.derived) && d.derived !== id);
    pos.set(id, {depth, row: rows}); // claimed before its children: no cycle loops
    if (!kids.length) { rows++; return; }
    const at = kids.map((d) => { place(d.derived, depth + 1); return pos.get(d.derived).row; });
    pos.get(id).row = (at[0] + at[at.length - 1]) / 2;
  };
  place(g.original, 0);
  for (const m of g.members) if (!pos.has(m)) { pos.set(m, {depth: 1, row: rows++}); depthMax = Math.max(depthMax, 1); }
  const BW = 230, BH = 42, GAP = 110, VGAP = 14, PAD = 8;
  const W = PAD * 2 + (depthMax + 1) * BW + depthMax * GAP, H = PAD * 2 + rows * (BH + VGAP);
  const box = (id) => { const p = pos.get(id);
    return [PAD + p.depth * (BW + GAP), PAD + p.row * (BH + VGAP)]; };
  const marker = `tree-arrow-${++svgIds}`;
  const root = svg("svg", {class: "picture lineage-tree", "data-lineage": g.lineage,
    viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img",
    "aria-label": "who derived from whom"}, svg("defs", {}, arrowMarker(marker, "#666")));
  for (const d of g.derivations) {
    if (!pos.has(d.source) || !pos.has(d.derived)) continue;
    const [x1, y1] = box(d.source), [x2, y2] = box(d.derived);
    const ax = x1 + BW, ay = y1 + BH / 2, bx = x2 - 2, by = y2 + BH / 2, mx = (ax + bx) / 2;
    root.append(svg("g", {class: "tree-edge", "data-source": d.source, "data-derived": d.derived,
      "data-relation": d.relation, "data-certain": String(d.certain)},
    svg("path", {d: `M ${ax} ${ay} C ${mx} ${ay}, ${mx} ${by}, ${bx} ${by}`, fill: "none",
      stroke: "#666", "stroke-width": 1.4, "stroke-dasharray": d.certain ? null : "5 4",
      "marker-end": `url(#${marker})`}),
    svgText({x: mx, y: (ay + by) / 2 - 4, "text-anchor": "middle", class: "tree-label"},
      d.relation), hover(d.basis)));
  }
  for (const [id] of pos) {
    const a = known.get(id) || {id, outlet: "(not in this report)"};
    const kind = id === g.original ? "original" : roleKind(data, id);
    const [x, y] = box(id);
    root.append(svg("g", {class: "tree-node", "data-article": id, "data-role": kind,
      onclick: () => { location.hash = versionHref(storyId, id); }},
    svg("rect", {x, y, width: BW, height: BH, rx: 6, fill: "#fff", stroke: ROLE_COLOUR[kind],
      "stroke-width": 2}),
    svg("rect", {x, y, width: 6, height: BH, rx: 2, fill: ROLE_COLOUR[kind]}),
    svgText({x: x + 14, y: y + 17, class: "tree-outlet"},
      clip(a.outlet && a.outlet !== "(no outlet)" ? a.outlet : a.title || id, 30)),
    svgText({x: x + 14, y: y + 33, class: "tree-id"},
      clip(`${id}${a.published ? " · " + day(a.published) : ""}`, 34)),
    hover(`${a.title || id}\n${id} · ${ROLE_NAME[kind]}`)));
  }
  return root;
}

/* -- the corpus: who copies whom --------------------------------------------------------- */
let corpusCache = null;
function corpusData() {
  if (!corpusCache) {
    const node = document.getElementById("wt-corpus");
    if (!node) return null;
    corpusCache = JSON.parse(node.textContent);
  }
  return corpusCache;
}
const TOP_OUTLETS = 20;
const OTHER = "other outlets";
const KIND_FILTER = {all: () => true, copies: (k) => k !== "rewrite", rewrites: (k) => k === "rewrite"};
const corpusHref = (from, to, kind) => "#corpus" + (from !== null ? "&from=" +
  encodeURIComponent(from) + "&to=" + encodeURIComponent(to) : "") +
  (kind && kind !== "all" ? "&kind=" + kind : "");

function pairHref(p) {
  const [version, , , , , story, a, b] = p;
  if (!story || !byStory.has(story)) return null;
  return a ? relationHref(story, {a, b}) : versionHref(story, version);
}

function renderCorpus(from, to, kind) {
  const app = document.getElementById("app");
  const data = corpusData();
  if (!data) { app.replaceChildren(el("p", {}, "Loading…")); return; }
  kind = KIND_FILTER[kind] ? kind : "all";
  const pairs = data.pairs.filter((p) => KIND_FILTER[kind](p[4]));
  const name = (k) => (k < TOP_OUTLETS ? data.outlets[k] : OTHER);
  const rowsUsed = new Set(pairs.map((p) => name(p[1]))), colsUsed = new Set(pairs.map((p) => name(p[3])));
  const order = [...data.outlets.slice(0, TOP_OUTLETS), OTHER];
  const rows = order.filter((o) => rowsUsed.has(o)), cols = order.filter((o) => colsUsed.has(o));
  const count = new Map();
  for (const p of pairs) { const key = name(p[1]) + "\u0000" + name(p[3]); count.set(key, (count.get(key) || 0) + 1); }
  const most = Math.max(1, ...count.values());
  const C = 34, L = 200, T = 150;
  // the column labels lean right, past the last column
  const W = L + cols.length * C + 130, H = T + rows.length * C + 10;
  const matrix = svg("svg", {id: "corpus-matrix", class: "picture", viewBox: `0 0 ${W} ${H}`,
    width: W, height: H, role: "img", "aria-label": "who copies whom"},
  svgText({x: L - 8, y: T - 26, "text-anchor": "end", class: "cm-axis"}, "original's outlet →"),
  svgText({x: L - 8, y: T - 10, "text-anchor": "end", class: "cm-axis"}, "version's outlet ↓"));
  cols.forEach((o, j) => matrix.append(svgText({class: "cm-col", x: 0, y: 0,
    transform: `translate(${L + j * C + C / 2 + 4}, ${T - 6}) rotate(-50)`}, clip(o, 24))));
  rows.forEach((o, i) => matrix.append(svgText({class: "cm-row", x: L - 8,
    y: T + i * C + C / 2 + 4, "text-anchor": "end"}, clip(o, 28))));
  rows.forEach((r, i) => cols.forEach((c, j) => {
    const n = count.get(r + "\u0000" + c) || 0;
    const share = n ? Math.sqrt(n / most) : 0;
    const fill = n ? `rgb(${Math.round(255 - 80 * share)}, ${Math.round(236 - 170 * share)}, ` +
      `${Math.round(220 - 200 * share)})` : "#fafafa";
    const chosen = r === from && c === to;
    matrix.append(svg("g", {class: "corpus-cell", "data-from": r, "data-to": c, "data-count": n,
      onclick: n ? () => { location.hash = corpusHref(r, c, kind); } : null},
    svg("rect", {x: L + j * C, y: T + i * C, width: C - 2, height: C - 2, rx: 3, fill,
      stroke: chosen ? "#111" : "#e2e2e2", "stroke-width": chosen ? 2.5 : 1}),
    n ? svgText({x: L + j * C + (C - 2) / 2, y: T + i * C + C / 2 + 3, "text-anchor": "middle",
      class: "cm-count", fill: share > 0.55 ? "#fff" : "#222"}, String(n)) : null,
    hover(`${r} → ${c}: ${n} version(s) of ${c}'s originals published by ${r}`)));
  }));
  const kinds = el("select", {id: "corpus-kind"}, [["all", "copies and rewrites"],
    ["copies", "copies only"], ["rewrites", "rewrites only"]].map(([v, t]) =>
    el("option", {value: v, selected: v === kind}, t)));
  kinds.addEventListener("change", () => { location.hash = corpusHref(null, null, kinds.value); });
  const chosen = from !== null && to !== null ?
    pairs.filter((p) => name(p[1]) === from && name(p[3]) === to) : [];
  const link = (p, text) => { const href = pairHref(p);
    return href ? el("a", {href}, text) : text; };
  const pairTable = chosen.length ? el("table", {id: "corpus-pairs", class: "small"},
    el("thead", {}, el("tr", {}, ["version", "its outlet", "original", "its outlet", "relation", ""]
      .map((h) => el("th", {}, h)))),
    el("tbody", {}, chosen.map((p) => el("tr", {class: "corpus-pair", "data-version": p[0],
      "data-original": p[2]},
    el("td", {}, shortId(p[0])), el("td", {}, data.outlets[p[1]]), el("td", {}, shortId(p[2])),
    el("td", {}, data.outlets[p[3]]), el("td", {}, el("span", {class: "badge"}, p[4])),
    el("td", {}, link(p, p[6] ? "side by side" : "compare")))))) : null;
  const copied = new Map();
  for (const p of pairs) {
    if (!copied.has(p[2])) copied.set(p[2], {n: 0, outlets: new Set(), p});
    const c = copied.get(p[2]); c.n++; c.outlets.add(p[1]);
  }
  const top = [...copied.entries()].sort((x, y) => y[1].n - x[1].n || (x[0] < y[0] ? -1 : 1))
    .slice(0, 10);
  const tops = el("table", {id: "top-originals", class: "small"}, el("thead", {}, el("tr", {},
    ["versions", "outlets", "original", "its outlet"].map((h) => el("th", {}, h)))),
  el("tbody", {}, top.map(([id, c]) => {
    const [title, outlet, story] = data.originals[id] || ["", 0, null];
    return el("tr", {class: "top-original", "data-original": id},
      el("td", {}, String(c.n)), el("td", {}, String(c.outlets.size)),
      el("td", {}, story && byStory.has(story) ? el("a", {href: versionHref(story, id)},
        title || id) : (title || id), el("div", {class: "muted"}, id)),
      el("td", {}, data.outlets[outlet] || ""));
  })));
  app.replaceChildren(
    el("p", {class: "small"}, el("a", {href: "#"}, "← all stories")),
    el("h2", {id: "corpus-title"}, "Who copies whom"),
    el("p", {class: "small muted"}, `${pairs.length} versions traced to an original, from ` +
      `${new Set(pairs.map((p) => p[1])).size} outlets, of originals from ` +
      `${new Set(pairs.map((p) => p[3])).size} outlets. A row is the outlet that published ` +
      "the version, a column its original's outlet" +
      (data.outlets.length > TOP_OUTLETS ? `; beyond the ${TOP_OUTLETS} outlets in most ` +
        `pairs, the others are one row and column ("${OTHER}")` : "") +
      ". Click a cell for its pairs."),
    el("div", {class: "controls"}, el("label", {}, "show ", kinds)),
    pairs.length ? matrix : el("p", {class: "muted"}, "No version traced to an original here."),
    // replaceChildren writes a null as the text "null": the absent parts are left out
    ...(chosen.length ? [el("h3", {id: "corpus-pairs-title"},
      `${from} publishing versions of ${to}'s originals: ${chosen.length}`), pairTable] : []),
    el("h3", {}, "Most-copied originals"), top.length ? tops : el("p", {class: "muted"}, "None."));
}

/* -- routing ------------------------------------------------------------------------- */
function route() {
  const hash = location.hash.replace(/^#/, "");
  const params = new URLSearchParams(hash);
  if (params.has("corpus")) renderCorpus(params.get("from"), params.get("to"), params.get("kind"));
  else if (params.get("story") && params.get("a") && params.get("b"))
    renderRelation(params.get("story"), params.get("a"), params.get("b"));
  else if (params.get("story")) renderStory(params.get("story"), params.get("version"));
  else renderList();
  window.scrollTo(0, 0);
}
window.addEventListener("hashchange", route);
renderSummary();
applyFilter();
if (location.hash.includes("story=") || location.hash.startsWith("#corpus")) {
  document.addEventListener("DOMContentLoaded", route);
  renderList();
} else {
  renderList();
}

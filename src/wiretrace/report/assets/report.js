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
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
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

/* -- routing ------------------------------------------------------------------------- */
function route() {
  const hash = location.hash.replace(/^#/, "");
  const params = new URLSearchParams(hash);
  if (params.get("story") && params.get("a") && params.get("b"))
    renderRelation(params.get("story"), params.get("a"), params.get("b"));
  else if (params.get("story")) renderStory(params.get("story"), params.get("version"));
  else renderList();
  window.scrollTo(0, 0);
}
window.addEventListener("hashchange", route);
renderSummary();
applyFilter();
if (location.hash.includes("story=")) {
  document.addEventListener("DOMContentLoaded", route);
  renderList();
} else {
  renderList();
}

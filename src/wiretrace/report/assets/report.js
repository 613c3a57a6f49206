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
    renderCompare(data, articles, version),
    renderRelations(data) || "");
  const row = timeline.querySelector(`tr[data-article="${CSS.escape(version || "")}"]`);
  if (row) row.style.background = "#eef3ff";
}

function renderRelations(data) {
  if (!data.relations.length) return null;
  return el("details", {id: "relations"}, el("summary", {}, `All ${data.relations.length} relations`),
    el("table", {class: "small"}, el("thead", {}, el("tr", {},
      ["a", "b", "relation", "similarity", "coverage a", "coverage b", "aligned passages"]
        .map((h) => el("th", {}, h)))),
      el("tbody", {}, data.relations.map((r) => el("tr", {},
        el("td", {}, shortId(r.a)), el("td", {}, shortId(r.b)), el("td", {}, r.relation),
        el("td", {}, fmt(r.similarity)), el("td", {}, fmt(r.coverage_a)),
        el("td", {}, fmt(r.coverage_b)), el("td", {}, String(r.evidence.length)))))));
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

function renderCompare(data, articles, versionId) {
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
  if (!diff || !diff.against) {
    wrap.append(el("p", {class: "small muted"}, diff ? "This is the original of its lineage: " +
      "paragraphs no other version carries are marked." :
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
  if (params.get("story")) renderStory(params.get("story"), params.get("version"));
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

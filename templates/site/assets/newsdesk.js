// Newsdesk in the browser: Pagefind search (the header box and the search page) and the
// filter panels of listings. Without JavaScript the site still works: the box submits to the
// search page, and the knowledge repository's filters are links to pages of their own.

const siteRoot = new URL("../", import.meta.url);
const PAGE_SIZE = 20; // results shown at once; "Show more" adds as many again
const BOX_SIZE = 8; // results the header's box shows
let indexLoading = null;

// The index comes in shards, listed newest first in pagefind/shards.json: plain pages, then
// items in runs of months, each shard with the collections it holds. A page has one
// Pagefind (instances that each loaded their own WebAssembly would overwrite one
// another's) and merges a shard into it only when it first asks that shard, under a filter
// naming the shard, so that one search can ask one shard: a query fetches only the shards
// it asks, not the whole index.
export function searchIndex() {
  indexLoading ??= fetch(new URL("pagefind/shards.json", siteRoot))
    .then((response) => response.json())
    .then(({ shards }) => shardedIndex(shards));
  return indexLoading;
}

function shardedIndex(shards) {
  const base = (shard) => new URL(`pagefind/${shard.path}`, siteRoot).pathname;
  const options = { baseUrl: siteRoot.pathname };
  const merged = new Set();
  let pf = null;
  let queue = Promise.resolve();
  // Pagefind with `wanted` merged in, those not yet one at a time, the first as its own.
  const use = (wanted) => {
    queue = queue.then(async () => {
      for (const shard of wanted) {
        if (merged.has(shard.path)) continue;
        const own = { ...options, mergeFilter: { shard: shard.path } };
        if (pf === null) {
          const loaded = await import(new URL(`${base(shard)}pagefind.js`, siteRoot).href);
          await loaded.options({ ...own, excerptLength: 24 });
          await loaded.init();
          pf = loaded;
        } else {
          await pf.mergeIndex(base(shard), own);
        }
        merged.add(shard.path);
      }
      return pf;
    });
    return queue;
  };
  return {
    shards,
    use,
    // One search of one shard; `options` as Pagefind's.
    async searchShard(shard, query, options = {}) {
      const filters = { ...options.filters, shard: { any: [shard.path] } };
      return (await use([shard])).search(query, { ...options, filters });
    },
  };
}

// A query asked shard by shard, newest first, only as far back as what is shown needs: each
// page of results is the best of the shards asked (those that hold every word of the query
// first, then by Pagefind's score), once they hold enough results with every word. For a
// query of common words the newest shards suffice; a rarer one asks further back.
function newestFirst(index, query) {
  // Pagefind finds pages with every word where a shard has any, else makes do with fewer.
  const words = query.includes('"') ? [] : query.split(/\s+/).filter(Boolean);
  const waiting = []; // found, not yet shown
  let asked = 0;
  let count = 0;
  let since = null;
  const ask = async (shard) => {
    const { results } = await index.searchShard(shard, query);
    let whole = () => true;
    if (words.length > 1) {
      const each = await Promise.all(words.map((word) => index.searchShard(shard, word)));
      const sets = each.map((search) => new Set(search.results.map((result) => result.id)));
      whole = (result) => sets.every((set) => set.has(result.id));
    }
    waiting.push(...results.map((result) => ({ result, whole: whole(result) })));
    waiting.sort((a, b) => b.whole - a.whole || b.result.score - a.result.score);
    count += results.length;
    since = shard.from ?? since;
  };
  return {
    get count() {
      return count; // in the shards asked
    },
    get since() {
      return asked < index.shards.length ? since : null; // older shards not asked
    },
    get more() {
      return waiting.length > 0 || asked < index.shards.length;
    },
    // The next `size` results to show, best first.
    async next(size) {
      while (waiting.filter((found) => found.whole).length < size && asked < index.shards.length) {
        await ask(index.shards[asked++]);
      }
      return waiting.splice(0, size).map((found) => found.result);
    },
  };
}

// "12 results for “policy”", and while older shards are still to ask, " since March 2020".
function resultsText(search, query) {
  if (!search.count && !search.more) return `No results for “${query}”`;
  const text = `${plural(search.count, "result")} for “${query}”`;
  if (!search.since) return text;
  const [year, month] = search.since.split("-").map(Number);
  const lang = document.documentElement.lang || undefined;
  const named = new Date(year, month - 1, 1).toLocaleDateString(lang, { month: "long", year: "numeric" });
  return `${text} since ${named}`;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

// An excerpt from Pagefind is escaped text with <mark> around the matched words: keep only
// those marks.
function excerpt(html) {
  const paragraph = element("p", { class: "nd-result__excerpt" });
  const template = document.createElement("template");
  template.innerHTML = html;
  for (const node of template.content.childNodes) {
    // The word every page of a collection is indexed with is not for readers.
    const text = node.textContent.replace(/\bndevery\w*\.?\s*/g, "");
    if (text) paragraph.append(node.nodeName === "MARK" ? element("mark", {}, text) : text);
  }
  return paragraph;
}

function resultItem(data) {
  const meta = data.meta || {};
  const facts = [meta.collection, meta.date].filter(Boolean).join(" · ");
  return element(
    "li",
    { class: "nd-result" },
    element("a", { class: "nd-result__title", href: data.url }, meta.title || data.url),
    facts ? element("p", { class: "nd-result__meta" }, facts) : null,
    data.excerpt ? excerpt(data.excerpt) : null,
  );
}

// A result on the search page: the item's card, with the excerpt that matched.
function resultCard(data) {
  const node = card(data);
  node.querySelector(".nd-card__title a")?.classList.add("nd-result__title");
  // Under the card's summary, in its column of text, not below its picture.
  if (data.excerpt) (node.querySelector(".nd-card__text") ?? node).append(excerpt(data.excerpt));
  return element("li", { class: "nd-result" }, node);
}

// -- the header box ----------------------------------------------------------------------

function setUpSearchBox(box) {
  const input = box.querySelector("input[type=search]");
  const panel = box.querySelector(".nd-search__results");
  const summary = panel.querySelector(".nd-search__summary");
  const announce = box.querySelector("[role=status]");
  const list = panel.querySelector(".nd-search__list");
  const all = panel.querySelector(".nd-search__all a");
  const allBase = all.getAttribute("href");
  let latest = 0; // each query, each close and each clearing gets a number; only the newest counts

  const open = (shown) => {
    panel.hidden = !shown;
  };
  const close = () => {
    latest += 1;
    open(false);
  };
  const links = () => [...list.querySelectorAll("a"), all];

  input.addEventListener("input", async () => {
    const query = input.value.trim();
    const number = ++latest;
    if (!query) {
      open(false);
      list.replaceChildren();
      announce.textContent = "";
      return;
    }
    const current = () =>
      number === latest && input.value.trim() === query && box.contains(document.activeElement);
    await new Promise((resolve) => setTimeout(resolve, 150)); // typing on: ask only the last
    if (!current()) return;
    const search = newestFirst(await searchIndex(), query);
    const shown = await search.next(BOX_SIZE);
    if (!current()) return;
    const data = await Promise.all(shown.map((result) => result.data()));
    if (!current()) return;
    list.replaceChildren(...data.map(resultItem));
    const text = resultsText(search, query);
    summary.textContent = text;
    announce.textContent = text;
    all.href = `${allBase}?q=${encodeURIComponent(query)}`;
    open(true);
  });

  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      close();
      input.focus();
      event.preventDefault();
      return;
    }
    if (!["ArrowDown", "ArrowUp"].includes(event.key)) return;
    if (panel.hidden) {
      if (event.key !== "ArrowDown" || !list.childElementCount || !input.value.trim()) return;
      open(true);
    }
    const targets = links();
    const index = targets.indexOf(document.activeElement);
    const step = event.key === "ArrowDown" ? 1 : -1;
    const next = index + step;
    if (next < 0) input.focus();
    else targets[Math.min(next, targets.length - 1)].focus();
    event.preventDefault();
  });

  box.addEventListener("focusout", (event) => {
    if (!box.contains(event.relatedTarget)) close();
  });
}

// -- the search page ---------------------------------------------------------------------

async function setUpSearchPage(page) {
  const input = page.querySelector("input[type=search]");
  const status = page.querySelector("[role=status]");
  const list = page.querySelector(".nd-search-page__results");
  const more = page.querySelector(".nd-search-page__more");
  const button = more.querySelector("button");
  const query = new URLSearchParams(location.search).get("q")?.trim() || "";
  input.value = query;
  if (!query) return;
  const search = newestFirst(await searchIndex(), query);
  const showMore = async () => {
    button.disabled = true;
    const next = await search.next(PAGE_SIZE);
    const items = (await Promise.all(next.map((result) => result.data()))).map(resultCard);
    list.append(...items);
    button.disabled = false;
    more.hidden = !search.more;
    status.textContent = resultsText(search, query);
    return items[0];
  };
  await showMore();
  button.addEventListener("click", async () => {
    const first = await showMore();
    first?.querySelector(".nd-result__title").focus(); // on to what was added, not the top
  });
}

// -- filter panels on listings -------------------------------------------------------------

function setUpFacets(section) {
  const fixed = Object.fromEntries(JSON.parse(section.dataset.ndFacets));
  // Every page of the collection is indexed with this word: searching for it, rather than
  // for nothing, loads one small part of the index instead of all of it.
  const every = section.dataset.ndEvery;
  const groups = [...section.querySelectorAll("fieldset[data-facet]")];
  const listing = document.querySelector("[data-nd-listing]");
  const filtered = document.querySelector("[data-nd-filtered]");
  const status = document.querySelector("[data-nd-filtered-status]");
  const pageSize = Number(section.dataset.ndPageSize) || PAGE_SIZE;
  const [sortKey, direction] = (section.dataset.ndSort || "latest desc").split(" ");
  const implied = (filtered.dataset.ndImplied || "").split(" ").filter(Boolean);
  const results = filtered.querySelector(".nd-filtered__results");
  const more = filtered.querySelector(".nd-filtered__more");
  const clear = section.querySelector(".nd-facets__clear");
  const staticCounts = new Map();
  let shown = pageSize;
  let latest = 0; // answers to an older choice, arriving late, are dropped

  // Each value becomes a checkbox; the page's address says which are ticked.
  const params = new URLSearchParams(location.search);
  for (const group of groups) {
    const facet = group.dataset.facet;
    group.hidden = false;
    for (const item of group.querySelectorAll("li[data-value]")) {
      const value = item.dataset.value;
      const id = `nd-facet-${facet}-${value}`.replace(/[^A-Za-z0-9_-]/g, "-");
      const count = item.querySelector(".nd-facet__count");
      staticCounts.set(id, count.textContent);
      const box = element("input", { type: "checkbox", id, name: facet, value });
      box.checked = params.getAll(facet).includes(value);
      const label = element("label", { for: id }, item.dataset.label, " ", count);
      item.replaceChildren(box, label);
    }
  }
  section.hidden = false;
  for (const group of groups) foldLongList(group);
  const sheet = setUpSheet(section);

  const chosen = () => {
    const selection = {};
    for (const group of groups) {
      const values = [...group.querySelectorAll("input:checked")].map((box) => box.value);
      if (values.length) selection[group.dataset.facet] = values;
    }
    return selection;
  };
  const filtersFor = (selection, without = null) => {
    const filters = {};
    for (const [name, values] of Object.entries(fixed)) filters[name] = { any: values };
    for (const [name, values] of Object.entries(selection)) {
      if (name !== without) filters[name] = { any: values };
    }
    return filters;
  };

  async function update(pushAddress) {
    const generation = ++latest;
    const selection = chosen();
    const address = new URLSearchParams();
    for (const [name, values] of Object.entries(selection)) values.forEach((v) => address.append(name, v));
    if (pushAddress) {
      const query = address.toString();
      history.replaceState(null, "", query ? `?${query}` : location.pathname);
    }
    const active = Object.keys(selection).length > 0;
    clear.hidden = !active;
    sheet.chosen(Object.values(selection).reduce((sum, values) => sum + values.length, 0));
    section.dataset.state = "loading";
    if (!active) {
      section.dataset.state = "ready";
      sheet.found(null);
      status.textContent = "";
      listing.hidden = false;
      filtered.hidden = true;
      for (const [id, text] of staticCounts) {
        const box = document.getElementById(id);
        box.nextElementSibling.querySelector(".nd-facet__count").textContent = text;
        offer(box, Number(text));
      }
      return;
    }
    // Only the shards that hold the collection. Pagefind sorts within a shard only: ask
    // them one at a time, in the listing's order, and merge what they find.
    const index = await searchIndex();
    const runs = index.shards.filter((shard) => shard.collections.includes(fixed.collection[0]));
    const pf = await index.use(runs); // null if nothing of the collection is indexed
    await pf?.filters(); // loads every filter, so that each search counts them all
    const lists = [];
    for (const run of runs) {
      const options = { filters: filtersFor(selection), sort: { [sortKey]: direction } };
      lists.push((await index.searchShard(run, every, options)).results);
    }
    const found = merged(lists, sortKey, direction);
    // Counts: within a filter, values add to the choice (OR), so a filter's counts leave
    // out its own choice and keep every other filter's.
    const counts = {};
    for (const group of groups) {
      const facet = group.dataset.facet;
      const others = await pf?.search(every, { filters: filtersFor(selection, facet) });
      counts[facet] = others?.filters[facet] || {};
    }
    const render = async () => {
      const data = await found.first(shown);
      if (generation !== latest) return false;
      results.replaceChildren(...data.map((result) => card(result, implied)));
      more.hidden = found.count <= shown;
      return true;
    };
    if (!(await render())) return;
    const focused = document.activeElement;
    for (const group of groups) {
      for (const box of group.querySelectorAll("input")) {
        const count = counts[group.dataset.facet][box.value] ?? 0;
        box.nextElementSibling.querySelector(".nd-facet__count").textContent = count;
        offer(box, count);
      }
    }
    if (focused?.disabled) nearestOffered(section, focused)?.focus(); // just unticked, and now empty
    more.onclick = async () => {
      const before = shown;
      shown += pageSize;
      more.querySelector("button").disabled = true;
      await render();
      more.querySelector("button").disabled = false;
      results.children[before]?.querySelector("a").focus(); // on to what was added
    };
    const count = found.count;
    sheet.found(count);
    status.textContent = `${count} ${count === 1 ? "item matches" : "items match"} the filters`;
    listing.hidden = true;
    filtered.hidden = false;
    section.dataset.state = "ready";
  }

  section.addEventListener("change", () => {
    shown = pageSize;
    update(true);
  });
  clear.querySelector("button").addEventListener("click", () => {
    section.querySelectorAll("input:checked").forEach((box) => (box.checked = false));
    section.querySelector("input").focus(); // the button hides itself: keep focus in the panel
    update(true);
  });
  update(false);
}

// A value that would find nothing cannot be ticked: it is disabled (greyed, and read as
// unavailable), unless it is ticked already, so that it can be unticked.
function offer(box, count) {
  const none = count === 0 && !box.checked;
  box.disabled = none;
  box.closest("li").classList.toggle("nd-facet__value--none", none);
}

// The value that takes the focus from one just disabled: the next that can be ticked, else
// the one before.
function nearestOffered(section, box) {
  const boxes = [...section.querySelectorAll("input[type=checkbox]")];
  const index = boxes.indexOf(box);
  const offered = (candidate) => !candidate.disabled && candidate.closest("li:not([hidden])");
  return boxes.slice(index + 1).find(offered) ?? boxes.slice(0, index).reverse().find(offered);
}

// A filter with many values shows the first few (and any chosen); "Show more" the rest.
const FOLDED = 6;

function foldLongList(group) {
  const items = [...group.querySelectorAll("li")];
  if (items.length <= FOLDED + 1) return;
  const extra = items.slice(FOLDED);
  const button = element("button", { type: "button", class: "nd-facet__more", "aria-expanded": "false" });
  const show = (all) => {
    for (const item of extra) item.hidden = !all && !item.querySelector("input:checked");
    button.setAttribute("aria-expanded", String(all));
    button.textContent = all ? "Show fewer" : `Show ${extra.length} more`;
  };
  button.addEventListener("click", () => show(button.getAttribute("aria-expanded") !== "true"));
  group.append(button);
  show(false);
}

// On a phone the panel is a sheet over the page, opened by the "Filter" button above the
// results; on a desk it stands beside them and the button is not shown.
function setUpSheet(section) {
  const opener = document.querySelector(".nd-facets__open button");
  const chosen = opener?.querySelector(".nd-facets__chosen");
  const done = element("button", { type: "button", class: "md-button md-button--primary" }, "Show results");
  const body = element("div", { class: "nd-sheet__body" });
  const dialog = element(
    "dialog",
    { class: "nd-sheet md-typeset", "aria-labelledby": "nd-facets-title" },
    body,
    element("p", { class: "nd-sheet__bar" }, done),
  );
  const place = document.createComment("the filter panel's place");
  done.addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close(); // a tap on the shade around the sheet
  });
  dialog.addEventListener("close", () => {
    place.replaceWith(section);
    opener?.focus();
  });
  opener?.addEventListener("click", () => {
    section.before(place);
    body.append(section);
    dialog.showModal();
    section.querySelector("input")?.focus();
  });
  matchMedia("(min-width: 60em)").addEventListener("change", (event) => {
    if (event.matches && dialog.open) dialog.close();
  });
  section.parentElement.append(dialog);
  return {
    chosen(count) {
      if (chosen) chosen.textContent = count ? `(${count})` : "";
    },
    found(count) {
      done.textContent = count === null ? "Show results" : `Show ${count} ${count === 1 ? "result" : "results"}`;
    },
  };
}

// An item's card as its page renders it for the index (card.html): the very card the
// static listings show. Its addresses are relative to the item's page; they are made whole
// here. `implied` names badges the listing's title already says.
function card(data, implied = []) {
  const meta = data.meta || {};
  if (!meta.card) {
    return element(
      "article",
      { class: "nd-card" },
      meta.collection ? element("p", { class: "nd-card__kind" }, meta.collection) : null,
      element("h2", { class: "nd-card__title" }, element("a", { href: data.url }, meta.title || data.url)),
    );
  }
  const template = document.createElement("template");
  template.innerHTML = meta.card;
  const node = template.content.firstElementChild;
  const base = new URL(data.url, location.href);
  const whole = (address) => new URL(address, base).href;
  for (const link of node.querySelectorAll("[href]")) link.href = whole(link.getAttribute("href"));
  for (const image of node.querySelectorAll("[src]")) image.src = whole(image.getAttribute("src"));
  for (const image of node.querySelectorAll("[srcset]")) {
    const candidates = image.getAttribute("srcset").split(",").map((part) => part.trim().split(/\s+/));
    image.srcset = candidates.map(([address, size]) => [whole(address), size].filter(Boolean).join(" ")).join(", ");
  }
  for (const tone of implied) node.querySelectorAll(`.nd-badge--${tone}`).forEach((badge) => badge.remove());
  node.querySelectorAll(".nd-badges:empty").forEach((list) => list.remove());
  return node;
}

// Results of one search asked shard by shard, each already in the listing's order, merged
// into one run by the sort key each result's metadata repeats: only the results shown, and
// the next of each shard, are loaded.
function merged(lists, key, direction) {
  const count = lists.reduce((sum, list) => sum + list.length, 0);
  if (lists.length === 1) {
    return { count, first: (n) => Promise.all(lists[0].slice(0, n).map((result) => result.data())) };
  }
  const taken = [];
  const next = lists.map(() => 0);
  const loaded = new Map();
  const load = (result) => {
    if (!loaded.has(result)) loaded.set(result, result.data());
    return loaded.get(result);
  };
  const value = (data) => data.meta?.[`sort_${key}`] ?? "";
  const before = (a, b) => (direction === "asc" ? value(a) < value(b) : value(a) > value(b));
  return {
    count,
    async first(n) {
      while (taken.length < n) {
        const heads = await Promise.all(lists.map((list, i) => (list[next[i]] ? load(list[next[i]]) : null)));
        let best = -1;
        heads.forEach((head, i) => {
          if (head && (best < 0 || before(head, heads[best]))) best = i;
        });
        if (best < 0) break;
        taken.push(heads[best]);
        next[best] += 1;
      }
      return taken.slice(0, n);
    },
  };
}

// The preview: a build that failed in a way nobody foresaw left the last good site in
// place, and says why in a file beside it; the page shows it at the top.
async function showPreviewFailure(hook) {
  const response = await fetch(hook.content, { cache: "no-store" });
  const told = response.ok ? (await response.text()).trim() : "";
  if (!told) return;
  const banner = element(
    "div",
    { class: "nd-content-errors", role: "alert" },
    element("p", {}, element("strong", {}, "The preview shows the last good site: the last build failed")),
    element("ul", {}, element("li", {}, element("code", {}, told))),
  );
  document.querySelector(".md-main__inner, main, body").prepend(banner);
  keepInSight(banner);
}

// The banner stands at the top of the page. The preview reloads a page as an editor saves,
// and the browser keeps the place they were reading, often below it: while the banner is
// out of sight (or under the header), a notice at the foot of the window says what it
// says and leads to it, and the page stays where the reader left it.
function keepInSight(banner) {
  banner.id ||= "nd-content-errors";
  const line = banner.querySelector("p") || banner;
  const summary = line.textContent.trim().split(/(?<=\.)\s/)[0].replace(/\.$/, "");
  const notice = element("a", { class: "nd-content-errors__notice", href: `#${banner.id}` }, `${summary} ↑`);
  document.body.append(notice);
  const header = document.querySelector(".md-header");
  let queued = false;
  const update = () => {
    queued = false;
    const shown = line.getBoundingClientRect();
    const over = header?.getBoundingClientRect();
    const covered = over && over.top < shown.bottom && over.bottom > shown.top;
    notice.hidden = shown.top >= 0 && shown.bottom <= innerHeight && !covered;
  };
  const later = () => {
    if (!queued) requestAnimationFrame(update);
    queued = true;
  };
  addEventListener("scroll", later, { passive: true });
  addEventListener("resize", later);
  update();
}

document.querySelectorAll(".nd-content-errors").forEach(keepInSight);
document.querySelectorAll('meta[name="nd-preview-failure"]').forEach(showPreviewFailure);
document.querySelectorAll("[data-nd-search]").forEach(setUpSearchBox);
document.querySelectorAll("[data-nd-search-page]").forEach(setUpSearchPage);
document.querySelectorAll("[data-nd-facets]").forEach(setUpFacets);

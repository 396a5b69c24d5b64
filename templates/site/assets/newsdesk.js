// Newsdesk in the browser: Pagefind search (the header box and the search page) and the
// filter panels of listings. Without JavaScript the site still works: the box submits to the
// search page, and the knowledge repository's filters are links to pages of their own.

const siteRoot = new URL("../", import.meta.url);
const PAGE_SIZE = 20; // results shown at once; "Show more" adds as many again
let pagefindLoading = null;

// The index comes in shards, listed in pagefind/shards.json: one per collection, and a large
// collection split into runs of years, newest first. A page has one Pagefind for all of them
// (the first shard's, with the others merged in): instances that each loaded their own
// WebAssembly would overwrite one another's.
export function pagefind() {
  pagefindLoading ??= fetch(new URL("pagefind/shards.json", siteRoot))
    .then((response) => response.json())
    .then(async ({ shards }) => {
      const base = (shard) => new URL(`pagefind/${shard.path}`, siteRoot).pathname;
      const options = { baseUrl: siteRoot.pathname };
      if (!shards.length) {
        const nothing = async () => ({ results: [], filters: {} });
        return { shards, search: nothing, debouncedSearch: nothing, filters: async () => ({}) };
      }
      const pf = await import(new URL(`${base(shards[0])}pagefind.js`, siteRoot).href);
      await pf.options({ ...options, excerptLength: 24 });
      await pf.init();
      for (const shard of shards.slice(1)) await pf.mergeIndex(base(shard), options);
      return { shards, search: pf.search, debouncedSearch: pf.debouncedSearch, filters: pf.filters };
    });
  return pagefindLoading;
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
    const pf = await pagefind();
    const search = await pf.debouncedSearch(query, {}, 150);
    const current = () =>
      number === latest && input.value.trim() === query && box.contains(document.activeElement);
    if (search === null || !current()) return;
    const data = await Promise.all(search.results.slice(0, 8).map((result) => result.data()));
    if (!current()) return;
    list.replaceChildren(...data.map(resultItem));
    const text = search.results.length
      ? `${plural(search.results.length, "result")} for “${query}”`
      : `No results for “${query}”`;
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
  const pf = await pagefind();
  const search = await pf.search(query);
  let shown = 0;
  const showMore = async () => {
    const next = search.results.slice(shown, shown + PAGE_SIZE);
    shown += next.length;
    button.disabled = true;
    const items = (await Promise.all(next.map((result) => result.data()))).map(resultCard);
    list.append(...items);
    button.disabled = false;
    more.hidden = shown >= search.results.length;
    return items[0];
  };
  await showMore();
  button.addEventListener("click", async () => {
    const first = await showMore();
    first?.querySelector(".nd-result__title").focus(); // on to what was added, not the top
  });
  status.textContent = search.results.length
    ? `${plural(search.results.length, "result")} for “${query}”`
    : `No results for “${query}”`;
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
    const pf = await pagefind();
    await pf.filters(); // loads every filter, so that each search counts them all
    // Pagefind sorts within a shard only: ask the collection's shards one at a time, each
    // by its years, in the listing's order, and merge what they find.
    const runs = pf.shards.filter((shard) => shard.collection === fixed.collection[0]);
    const lists = [];
    for (const run of runs) {
      const filters = filtersFor(selection);
      if (runs.length > 1) filters.sort_year = { any: run.years.map(String) };
      lists.push((await pf.search(every, { filters, sort: { [sortKey]: direction } })).results);
    }
    const found = merged(lists, sortKey, direction);
    // Counts: within a filter, values add to the choice (OR), so a filter's counts leave
    // out its own choice and keep every other filter's.
    const counts = {};
    for (const group of groups) {
      const facet = group.dataset.facet;
      const others = await pf.search(every, { filters: filtersFor(selection, facet) });
      counts[facet] = others.filters[facet] || {};
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

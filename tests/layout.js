// What a reader would call a broken layout, measured in the page as it is laid out now.
// Returns one sentence per problem; tests/test_layout.py runs it on every page at several
// widths.
() => {
  const problems = [];
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    for (const c of [...el.classList].slice(0, 2)) s += "." + c;
    return s;
  };
  const shown = (el) => {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const offstage = ".md-sidebar, .md-search, .nd-visually-hidden, .md-visually-hidden, dialog, [hidden]";
  const px = (n) => `${Math.round(n)}px`;

  // The page scrolls sideways.
  const window_width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > window_width + 1)
    problems.push(`the page is ${px(document.documentElement.scrollWidth)} wide in a ${px(window_width)} window`);

  // Text squeezed into a column a few characters wide: three lines or more, of fewer than
  // eight characters each on average.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\s+/g, " ").trim();
    const el = node.parentElement;
    if (text.length < 12 || !el || el.closest(offstage + ", script, style, template") || !shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    if (lines >= 3 && text.length / lines < 8)
      problems.push(`${name(el)} breaks "${text.slice(0, 40)}" into ${lines} lines ${px(range.getBoundingClientRect().width)} wide`);
  }

  // A box that sticks out of the box it is in (unless that one scrolls or clips it).
  for (const el of document.querySelectorAll(".md-header *, .md-main *, .md-footer *, .nd-signup-band *")) {
    const style = getComputedStyle(el);
    if (style.position === "absolute" || style.position === "fixed" || el.closest(offstage) || !shown(el)) continue;
    const parent = el.parentElement;
    if (getComputedStyle(parent).overflowX !== "visible") continue;
    const box = el.getBoundingClientRect(), room = parent.getBoundingClientRect();
    if (box.right > room.right + 2 || box.left < room.left - 2)
      problems.push(`${name(el)} (${px(box.left)} to ${px(box.right)}) sticks out of ${name(parent)} (${px(room.left)} to ${px(room.right)})`);
  }

  // A card many times taller than the cards beside it.
  const groups = new Map();
  for (const card of document.querySelectorAll(".nd-card")) {
    if (!shown(card)) continue;
    if (!groups.has(card.parentElement)) groups.set(card.parentElement, []);
    groups.get(card.parentElement).push(card);
  }
  for (const cards of groups.values()) {
    const heights = cards.map((c) => c.getBoundingClientRect().height).sort((a, b) => a - b);
    const median = heights[Math.floor(heights.length / 2)];
    for (const card of cards) {
      const height = card.getBoundingClientRect().height;
      if (cards.length > 1 && height > 3 * median)
        problems.push(`the card "${card.querySelector(".nd-card__title")?.textContent.trim()}" is ${px(height)} tall beside cards of ${px(median)}`);
    }
  }

  // Columns side by side that end far apart: one runs on beside an empty one.
  for (const grid of document.querySelectorAll(".nd-home-grid")) {
    const columns = new Map();
    let tallest = 0;
    for (const el of grid.querySelectorAll(".nd-card, .nd-section-title, .nd-more, .nd-empty")) {
      for (const box of el.getClientRects()) {
        const left = Math.round(box.left);
        columns.set(left, Math.max(columns.get(left) ?? 0, box.bottom));
        if (el.classList.contains("nd-card")) tallest = Math.max(tallest, box.height);
      }
    }
    const ends = [...columns.values()];
    if (ends.length > 1 && Math.max(...ends) - Math.min(...ends) > tallest)
      problems.push(`the home page's columns end ${px(Math.max(...ends) - Math.min(...ends))} apart, more than a card (${px(tallest)})`);
  }
  return problems;
}

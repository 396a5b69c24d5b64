// What the editing screen needs beyond Decap CMS's configuration (admin/config.yml): a
// field for a day with an optional time, as Newsdesk reads them; a stored image shown in
// its field; previews in the site's own style; words the screen's fonts can show; and
// files saved without the empty values a form leaves behind.
(function () {
  "use strict";
  const { CMS, h, createClass } = window;
  const script = document.currentScript;

  // "2020-03-26", "2020-03-26 09:30" (the site's time zone), or with an offset of its own.
  const MOMENT = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$/;

  function parts(value) {
    const found = MOMENT.exec(typeof value === "string" ? value.trim() : "");
    return found ? { day: found[1], time: found[2] || "", zone: found[3] || "" } : { day: "", time: "", zone: "" };
  }

  const MomentControl = createClass({
    change(day, time, zone) {
      this.props.onChange(!day ? "" : time ? `${day} ${time}${zone}` : day);
    },
    render() {
      const { forID, value, field, classNameWrapper, setActiveStyle, setInactiveStyle } = this.props;
      const { day, time, zone } = parts(value);
      const label = field.get("label");
      const where = zone ? `UTC${zone === "Z" ? "" : zone}` : `${field.get("time_zone")} time`;
      const focus = { onFocus: setActiveStyle, onBlur: setInactiveStyle };
      return h(
        "div",
        { className: classNameWrapper, style: { display: "flex", gap: "1rem", alignItems: "center", flexWrap: "wrap" } },
        h("input", {
          id: forID,
          type: "date",
          value: day,
          "aria-label": `${label}: day`,
          onChange: (event) => this.change(event.target.value, time, zone),
          ...focus,
        }),
        h("input", {
          type: "time",
          value: time,
          disabled: !day,
          "aria-label": `${label}: time (optional)`,
          onChange: (event) => this.change(day, event.target.value, zone),
          ...focus,
        }),
        h("span", { style: { color: "#5f6b7a", fontSize: "0.9em" } }, time ? where : `a whole day, or a time (${where})`),
      );
    },
  });

  const MomentPreview = createClass({
    render() {
      return h("span", {}, this.props.value || "");
    },
  });

  CMS.registerWidget("nd-moment", MomentControl, MomentPreview);

  // Decap fetches a stored image from the local backend after it has drawn the field, and
  // draws the field again only when its value or the entry changes: the image stayed an
  // empty placeholder. The field is drawn again once the image has come.
  const image = CMS.getWidget("image");
  const PLACEHOLDER = "empty.svg"; // what Decap shows while it fetches an image
  const ImageControl = createClass({
    getInitialState() {
      return { drawn: 0 };
    },
    componentDidMount() {
      this.waitForImage();
    },
    componentDidUpdate(before) {
      if (before.value !== this.props.value) this.waitForImage();
    },
    componentWillUnmount() {
      clearTimeout(this.timer);
    },
    // Decap asks the field's control whether to draw it again (an image chosen in the
    // media library, say): the answer is Decap's own image control's.
    shouldComponentUpdate(next, state) {
      if (state && state.drawn !== this.state.drawn) return true;
      return !this.inner?.shouldComponentUpdate || this.inner.shouldComponentUpdate(next);
    },
    fetching() {
      const { value, field, getAsset } = this.props;
      return typeof value === "string" && value !== "" && getAsset(value, field)?.path === PLACEHOLDER;
    },
    waitForImage(tries = 100) {
      clearTimeout(this.timer);
      if (!this.fetching()) return;
      this.timer = setTimeout(() => {
        if (!this.fetching()) this.setState(({ drawn }) => ({ drawn: drawn + 1 }));
        else if (tries > 1) this.waitForImage(tries - 1);
      }, 100);
    },
    render() {
      const ref = (inner) => (this.inner = inner);
      return h(image.control, { ...this.props, key: this.state.drawn, ref });
    },
  });
  CMS.registerWidget("image", ImageControl, image.preview, image.schema);

  // Decap's "＋ News" button is written with a full-width plus (U+FF0B), which few fonts
  // outside East Asian ones have: a plain one reads the same.
  for (const code of new Set([document.documentElement.lang.split("-")[0], "en"])) {
    const phrases = CMS.getLocale(code);
    const top = phrases?.collection?.collectionTop;
    if (!top?.newButton) continue;
    const collectionTop = { ...top, newButton: top.newButton.replace("\uFF0B", "+") };
    CMS.registerLocale(code, { ...phrases, collection: { ...phrases.collection, collectionTop } });
  }

  // Previews: the entry as its page shows it, in the site's stylesheets.
  for (const style of (script.dataset.previewStyles || "").split(" ").filter(Boolean)) {
    CMS.registerPreviewStyle(style);
  }
  const EntryPreview = createClass({
    render() {
      const data = this.props.entry.get("data");
      const text = (name) => data.get(name) || "";
      return h(
        "div",
        { className: "md-typeset", style: { padding: "1.5rem 2rem", maxWidth: "46rem" } },
        h("h1", {}, text("title")),
        text("summary") ? h("p", { className: "nd-summary" }, h("strong", {}, text("summary"))) : null,
        this.props.widgetFor("body"),
      );
    },
  });
  for (const name of (script.dataset.collections || "").split(" ").filter(Boolean)) {
    CMS.registerPreviewTemplate(name, EntryPreview);
  }

  // A field the editor emptied is left out of the file, as if never given: Newsdesk reads
  // an empty value as a mistake ("must not be empty").
  function pruned(value) {
    if (value && typeof value.toJS === "function" && typeof value.filter === "function") {
      const kept = value.map(pruned).filter((entry) => entry !== undefined);
      return kept.size === 0 ? undefined : kept;
    }
    return value === "" || value === null ? undefined : value;
  }
  CMS.registerEventListener({
    name: "preSave",
    handler: ({ entry }) =>
      entry
        .get("data")
        .map((value, key) => (key === "body" ? value : pruned(value)))
        .filter((value) => value !== undefined),
  });
})();

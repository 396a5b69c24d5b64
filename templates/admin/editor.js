// What the editing screen needs beyond Decap CMS's configuration (admin/config.yml): a
// field for a day with an optional time, as Newsdesk reads them; previews in the site's
// own style; and files saved without the empty values a form leaves behind.
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

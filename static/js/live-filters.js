// The board's filters, applied as they change: a tick in a facet's menu (several values: the
// parameter repeated), a quick filter, or the search (once typing pauses) puts the filters in the
// URL (history.pushState, so back and forward step through them) and the columns are redrawn by
// the live board (board-live.js redraws with the URL's filters, as it does for every change
// anyone makes, so live updates keep to them). No reload, no Apply button (it stays for a page
// without JavaScript). Each facet is a <details> menu of checkboxes: Enter or Space opens it,
// Tab walks its choices, Escape closes it and a click elsewhere too. A quick filter is a toggle
// button (aria-pressed) standing for values of the facets (data-chip: `name=value` pairs): pressed
// while all are ticked, it ticks or unticks them all. The count of values on, each facet's count,
// the Clear link and the CSV link's filters follow the form.
(function () {
  "use strict";

  const form = document.querySelector("[data-live-filters]");
  const board = document.querySelector("[data-board]");
  if (!form || !board || !window.htmx) return;
  const search = form.querySelector('input[type="search"]');
  const chips = Array.from(form.querySelectorAll("[data-chip]"));
  const menus = Array.from(form.querySelectorAll("[data-filter-menu]"));
  const count = form.querySelector("[data-filter-count]");
  const badge = document.querySelector("[data-filter-badge]");
  const clear = form.querySelector("[data-filters-clear]");
  const exportLink = form.querySelector("[data-filters-export]");
  const exportBase = exportLink ? exportLink.href.split("?")[0] : "";
  const names = new Set(Array.from(form.elements).map((field) => field.name).filter(Boolean));
  const TYPING_PAUSE = 300;
  let typingTimer = null;
  let typing = false; // the history entry on top is the search being typed: replace it

  form.querySelector("[data-filters-apply]").hidden = true;
  form.querySelector("[data-filter-chips]").hidden = false;

  // The form's filters as a query, empty values left out.
  function chosen() {
    const params = new URLSearchParams();
    new FormData(form).forEach((value, name) => {
      if (value !== "") params.append(name, value);
    });
    return params;
  }

  // The board's URL with these filters; what is not a filter (the open ticket panel) stays,
  // a column's "Show more" does not.
  function urlWith(filters) {
    const params = new URLSearchParams(window.location.search);
    names.forEach((name) => params.delete(name));
    params.delete("expand");
    filters.forEach((value, name) => params.append(name, value));
    const query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  function boxes(pair) {
    const [name, value] = pair.split("=");
    return Array.from(form.elements).filter((field) => field.name === name && field.value === value);
  }

  function pressed(chip) {
    return chip.dataset.chip.split(" ").every((pair) => boxes(pair).some((box) => box.checked));
  }

  // The counts, chips and links, from the form as it is now.
  function sync() {
    const filters = chosen();
    const total = Array.from(filters.keys()).length;
    count.textContent = total ? `${total} filter${total === 1 ? "" : "s"} on` : "";
    clear.hidden = total === 0;
    if (badge) {
      badge.hidden = total === 0;
      badge.firstChild.textContent = String(total);
    }
    menus.forEach((menu) => {
      const ticked = Array.from(menu.querySelectorAll("input:checked")).filter((box) => box.value !== "");
      const facetCount = menu.querySelector("[data-facet-count]");
      facetCount.hidden = ticked.length === 0;
      facetCount.childNodes[1].textContent = String(ticked.length);
    });
    chips.forEach((chip) => chip.setAttribute("aria-pressed", String(pressed(chip))));
    if (exportLink) exportLink.href = exportBase + (filters.toString() ? "?" + filters : "");
  }

  // The URL's filters into the form (back and forward).
  function fromUrl() {
    const params = new URLSearchParams(window.location.search);
    Array.from(form.elements).forEach((field) => {
      if (!field.name) return;
      const values = params.getAll(field.name);
      if (field.type === "checkbox") field.checked = values.includes(field.value);
      else if (field.type === "radio") field.checked = (values[0] || "") === field.value;
      else if (field.type !== "hidden") field.value = values[0] || "";
    });
  }

  function redraw() {
    board.setAttribute("aria-busy", "true");
    document.dispatchEvent(new CustomEvent("board:filtered"));
  }

  function apply(fromTyping) {
    window.clearTimeout(typingTimer);
    sync();
    const url = urlWith(chosen());
    if (url === window.location.pathname + window.location.search) return;
    if (fromTyping && typing) history.replaceState(history.state, "", url);
    else history.pushState({ filters: true }, "", url);
    typing = fromTyping;
    redraw();
  }

  form.addEventListener("change", (event) => {
    if (event.target === search) return; // applied as it is typed
    apply(false);
  });

  search.addEventListener("input", () => {
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => apply(true), TYPING_PAUSE);
  });

  form.addEventListener("submit", (event) => { // Enter in the search: at once
    event.preventDefault();
    apply(document.activeElement === search);
  });

  chips.forEach((chip) => {
    chip.addEventListener("click", () => {
      const on = !pressed(chip);
      chip.dataset.chip.split(" ").forEach((pair) => {
        boxes(pair).forEach((box) => { box.checked = on; });
      });
      apply(false);
    });
  });

  clear.addEventListener("click", (event) => {
    event.preventDefault();
    Array.from(form.elements).forEach((field) => {
      if (field.type === "checkbox") field.checked = false;
      else if (field.type === "radio") field.checked = field.value === "";
      else if (field.type === "search") field.value = "";
      else if (field.type === "hidden" && field.name === "column") field.remove();
    });
    apply(false);
    search.focus();
  });

  window.addEventListener("popstate", () => {
    const before = chosen().toString();
    fromUrl();
    typing = false;
    sync();
    if (chosen().toString() !== before) redraw();
  });

  // --- The facets' menus ---------------------------------------------------------------------
  menus.forEach((menu) => {
    menu.addEventListener("toggle", () => {
      if (!menu.open) return;
      menus.forEach((other) => { if (other !== menu) other.open = false; });
    });
  });

  form.addEventListener("keydown", (event) => {
    const menu = event.target.closest("[data-filter-menu]");
    if (event.key !== "Escape" || !menu || !menu.open) return;
    event.preventDefault();
    event.stopPropagation(); // not the ticket panel's Escape
    menu.open = false;
    menu.querySelector("summary").focus();
  });

  document.addEventListener("pointerdown", (event) => {
    menus.forEach((menu) => { if (menu.open && !menu.contains(event.target)) menu.open = false; });
  });

  board.addEventListener("htmx:afterRequest", () => board.removeAttribute("aria-busy"));
  sync();
})();

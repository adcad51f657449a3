// `/` focuses a search field on every page of the team: the page's own where it has one (the
// board's filters, an archive, the search page), else the top bar's, which searches every
// board. Never while typing in a field, with Ctrl, Meta or Alt held, with a dialog open, or
// while a card is held for a keyboard move (board-moves.js owns the keys then).
(function () {
  "use strict";

  function typing(target) {
    return Boolean(target.closest && target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])"));
  }

  function shown(field) {
    return field && field.getClientRects().length > 0;
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || document.querySelector("dialog[open]") || document.body.dataset.dragging) return;
    const own = document.querySelector("main [role=search] input[type=search]");
    const field = shown(own) ? own : document.querySelector("[data-site-search] input[type=search]");
    if (!shown(field)) return;
    field.focus();
    field.select();
    event.preventDefault();
  });
})();

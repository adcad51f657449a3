// Saving the board's filters as a view (templates/savedviews/_menu.html): the form sends the
// filters of the page's address as they are when it is submitted, which the live filters may
// have changed since the page was drawn (the server wrote them in at first, for use without
// JavaScript). The menu closes with Escape, focus back on its button.
(function () {
  "use strict";

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-save-view]");
    if (!form) return;
    const query = form.querySelector("[data-view-query]");
    if (query) query.value = window.location.search.replace(/^\?/, "");
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const menu = event.target.closest && event.target.closest("[data-views-menu][open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
})();

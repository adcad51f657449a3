// Tabs without reloads: [data-tabs] holds a [role=tablist] of [role=tab] buttons, each
// controlling a [role=tabpanel]. Without JavaScript every panel simply shows, one under another.
// The open tab follows the URL hash (#checklist), so form posts and shared links land on it.
(function () {
  "use strict";

  function setUp(root) {
    const tabs = Array.from(root.querySelectorAll('[role="tab"]'));
    const panelOf = (tab) => document.getElementById(tab.getAttribute("aria-controls"));

    function select(tab, focus) {
      tabs.forEach((other) => {
        const selected = other === tab;
        other.setAttribute("aria-selected", String(selected));
        other.tabIndex = selected ? 0 : -1;
        panelOf(other).hidden = !selected;
      });
      if (focus) tab.focus();
    }

    function fromHash() {
      const name = window.location.hash.slice(1);
      return tabs.find((tab) => tab.dataset.tab === name) || tabs[0];
    }

    tabs.forEach((tab, index) => {
      tab.addEventListener("click", () => {
        select(tab, false);
        history.replaceState(null, "", "#" + tab.dataset.tab);
      });
      tab.addEventListener("keydown", (event) => {
        const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: tabs.length - 1 - index };
        if (!(event.key in moves)) return;
        event.preventDefault();
        const next = tabs[(index + moves[event.key] + tabs.length) % tabs.length];
        select(next, true);
        history.replaceState(null, "", "#" + next.dataset.tab);
      });
    });
    window.addEventListener("hashchange", () => {
      if (root.isConnected) select(fromHash(), false); // a redrawn ticket panel's old tabs
    });
    root.classList.add("tabs--ready");
    select(fromHash(), false);
    // The hash names a tab, not a place to scroll to: the ticket's header stays in view.
    if (tabs.some((tab) => "#" + tab.dataset.tab === window.location.hash)) {
      window.requestAnimationFrame(() => window.scrollTo(0, 0));
    }
  }

  document.querySelectorAll("[data-tabs]").forEach(setUp);
  // Tabs drawn after the page (the board's ticket panel, swapped in with htmx).
  document.addEventListener("htmx:load", (event) => {
    const root = event.detail.elt;
    if (!root.querySelectorAll) return;
    const found = root.matches("[data-tabs]") ? [root] : root.querySelectorAll("[data-tabs]");
    found.forEach((tabs) => { if (!tabs.classList.contains("tabs--ready")) setUp(tabs); });
  });
})();

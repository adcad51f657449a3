// Folded panels (<details id=...>) open when the URL points at them (#board-chat), so that a
// message posted or a file uploaded lands back in its open panel.
(function () {
  "use strict";
  function openFromHash() {
    const id = window.location.hash.slice(1);
    const panel = id && document.getElementById(id);
    if (panel && panel.tagName === "DETAILS") panel.open = true;
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
})();

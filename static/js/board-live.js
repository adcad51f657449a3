// Live updates: the board listens on a WebSocket for changes anyone makes (create, edit, move,
// comment, delete) and redraws the part of the page that changed from its partial on the server
// (the columns, with the filters of the URL as they are when it redraws; the board chat's or files' list and count), swapped
// in with htmx. Each part is an element with data-live-url; data-live-on names the event kinds it
// redraws on (the columns, without it, on every other kind), data-live-target the element inside
// it that its partial replaces (else the part's content). A redraw never happens under a card
// being moved, and keeps focus, what is typed in a field and the scroll of the page and columns.
// The socket's first message says when the board last changed: a part drawn before then (a change
// made while the page loaded, or while the socket was down) redraws once to catch up. It
// reconnects by itself, with growing pauses, after a drop; a socket refused (closed 4400–4499: no
// access) stops retrying. My work uses it too: its root (data-live-root) is its one part, on the
// person's own socket.
(function () {
  "use strict";

  const board = document.querySelector("[data-board], [data-live-root]");
  if (!board || !window.htmx) return;
  const status = document.querySelector("[data-live-status]");
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socketUrl = `${scheme}://${window.location.host}${board.dataset.socketUrl}`;
  const parts = Array.from(document.querySelectorAll("[data-live-url]"));
  // When the server drew what each part shows; a partial says it in this header.
  const renderedAt = new Map(parts.map((part) => [part, Number(board.dataset.renderedAt)]));
  const pending = new Map();
  let retry = 0;
  let dropped = false; // the socket was open and went away

  function setStatus(live) {
    if (!status) return;
    status.classList.toggle("live-status--on", live);
    status.textContent = live ? "Live" : "Reconnecting…";
  }

  function partsFor(kind) {
    const named = parts.filter((part) => (part.dataset.liveOn || "").split(" ").includes(kind));
    return named.length ? named : parts.filter((part) => !part.dataset.liveOn);
  }

  function schedule(part, delay) {
    if (!pending.has(part)) pending.set(part, window.setTimeout(() => redraw(part), delay || 150));
  }

  function redraw(part) {
    pending.delete(part);
    if (document.body.dataset.dragging) {
      schedule(part, 300); // never redraw under a card being moved
      return;
    }
    const target = part.dataset.liveTarget ? part.querySelector(part.dataset.liveTarget) : part;
    htmx.ajax("GET", part.dataset.liveUrl + window.location.search, {
      source: part, // one request in flight per part, the latest queued behind it
      target: target,
      handler: (elt, response) => swapIn(part, response),
    });
  }

  function swapIn(part, response) {
    const drawnAt = response.xhr.getResponseHeader("X-Rendered-At");
    // Refused (access gone) or not the partial (the sign-in page, the session having ended).
    if (response.xhr.status !== 200 || drawnAt === null) return;
    if (document.body.dataset.dragging) {
      schedule(part, 300);
      return;
    }
    const kept = keep(part);
    htmx.swap(response.target, response.xhr.response, {
      swapStyle: part.dataset.liveTarget ? "outerHTML" : "innerHTML",
    });
    renderedAt.set(part, Number(drawnAt));
    // The board's scripts set up the new cards (movable, draggable) before the focus goes back.
    if (part === board) document.dispatchEvent(new CustomEvent("board:replaced"));
    restore(part, kept);
  }

  // What a redraw must not lose: the focused card, what is typed in the part's fields (htmx
  // keeps the focus of a field with an id), and the scroll of the page and of each column.
  function keep(part) {
    const focused = document.activeElement && document.activeElement.closest("[data-ticket]");
    const typed = Array.from(part.querySelectorAll("input[id], textarea[id]"))
      .filter((field) => field.type !== "hidden" && field.value !== field.defaultValue)
      .map((field) => [field.id, field.value]);
    const scrolled = Array.from(part.querySelectorAll(".column__cards"))
      .filter((list) => list.scrollTop > 0)
      .map((list) => [list.dataset.column, list.scrollTop]);
    // On a card's menu button (ticket-panel.js adds it again on board:replaced), it comes back there.
    const onMenuButton = Boolean(focused) && document.activeElement.matches("[data-card-menu-button]");
    return {
      ticket: focused && part.contains(focused) ? focused.dataset.ticket : null,
      onMenuButton,
      typed, scrolled, x: window.scrollX, y: window.scrollY, left: part.scrollLeft,
    };
  }

  function restore(part, kept) {
    kept.typed.forEach(([id, value]) => {
      const field = document.getElementById(id);
      if (field && part.contains(field)) field.value = value;
    });
    kept.scrolled.forEach(([column, top]) => {
      const list = part.querySelector(`.column__cards[data-column="${column}"]`);
      if (list) list.scrollTop = top;
    });
    part.scrollLeft = kept.left;
    if (kept.ticket) {
      const again = part.querySelector(`[data-ticket="${kept.ticket}"]`);
      const button = again && kept.onMenuButton && again.querySelector("[data-card-menu-button]");
      if (button) button.focus({ preventScroll: true });
      else if (again) again.focus({ preventScroll: true });
    }
    window.scrollTo(kept.x, kept.y);
  }

  function connect() {
    const socket = new WebSocket(socketUrl);
    socket.addEventListener("open", () => {
      retry = 0;
      setStatus(true);
      board.dataset.live = "true";
    });
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      // For the page's other scripts (the ticket panel redraws its ticket).
      document.dispatchEvent(new CustomEvent("board:event", { detail: event }));
      if (event.kind !== "hello") {
        partsFor(event.kind).forEach((part) => schedule(part));
        return;
      }
      // Listening from now on; catch up on a change made before. With no record of the last
      // change (expired), only a page whose socket dropped may have missed one.
      parts.forEach((part) => {
        const missed = event.changed_at === null ? dropped : event.changed_at >= renderedAt.get(part);
        if (missed) schedule(part);
      });
      dropped = false;
    });
    socket.addEventListener("close", (event) => {
      setStatus(false);
      delete board.dataset.live;
      if (event.code >= 4400 && event.code < 4500) { // refused: no access to this board
        if (status) status.textContent = "Not live";
        return;
      }
      dropped = true;
      retry = Math.min(retry + 1, 6);
      window.setTimeout(connect, 500 * 2 ** retry);
    });
  }

  // A move made on this page: redraw the columns (their counters, or the truth after a refusal);
  // the filters changed (live-filters.js, the URL's already): the columns they show.
  document.addEventListener("board:changed", () => schedule(board));
  document.addEventListener("board:filtered", () => schedule(board, 1));
  connect();
})();

// Live updates: the board listens on a WebSocket for changes anyone makes (create, edit, move,
// comment, delete) and redraws its columns from the server within a moment, keeping the
// filters of the URL. The socket's first message says when the board last changed: a page
// drawn before then (a change made while the page loaded, or while the socket was down)
// redraws once to catch up. It reconnects by itself, with growing pauses, after a drop; a
// socket refused (closed 4400–4499: no access) stops retrying.
(function () {
  "use strict";

  const board = document.querySelector("[data-board]");
  if (!board) return;
  const status = document.querySelector("[data-live-status]");
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${window.location.host}/ws/boards/${board.dataset.board}/`;
  let retry = 0;
  let pending = null;
  let dropped = false; // the socket was open and went away
  let renderedAt = Number(board.dataset.renderedAt); // when the server drew what is shown

  function setStatus(live) {
    if (!status) return;
    status.classList.toggle("live-status--on", live);
    status.textContent = live ? "Live" : "Reconnecting…";
  }

  async function refresh() {
    pending = null;
    if (document.body.dataset.dragging) {
      pending = window.setTimeout(refresh, 300); // never redraw under a card being moved
      return;
    }
    const response = await fetch(window.location.href, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-board]");
    if (!fresh || document.body.dataset.dragging) return;
    renderedAt = Number(fresh.dataset.renderedAt);
    redrawPanels(page);
    const focused = document.activeElement && document.activeElement.closest("[data-ticket]");
    const focusedTicket = focused && focused.dataset.ticket;
    board.innerHTML = fresh.innerHTML;
    if (focusedTicket) {
      const again = board.querySelector(`[data-ticket="${focusedTicket}"]`);
      if (again) again.focus();
    }
    document.dispatchEvent(new CustomEvent("board:replaced"));
  }

  // The board chat and files panels sit outside [data-board]: redraw their lists and counts
  // only, so an open panel stays open and a message being typed is kept.
  function redrawPanels(page) {
    ["#board-chat", "#board-files"].forEach((panel) => {
      [".tabs__count", ".chat__messages", ".file-list"].forEach((part) => {
        const here = document.querySelector(`${panel} ${part}`);
        const there = page.querySelector(`${panel} ${part}`);
        if (here && there && here.innerHTML !== there.innerHTML) here.innerHTML = there.innerHTML;
      });
    });
  }

  function schedule() {
    if (pending === null) pending = window.setTimeout(refresh, 150);
  }

  function connect() {
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      retry = 0;
      setStatus(true);
      board.dataset.live = "true";
    });
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.kind !== "hello") {
        schedule();
        return;
      }
      // Listening from now on; catch up on a change made before. With no record of the last
      // change (expired), only a page whose socket dropped may have missed one.
      const missed = event.changed_at === null ? dropped : event.changed_at >= renderedAt;
      dropped = false;
      if (missed) schedule();
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

  document.addEventListener("board:changed", schedule);
  connect();
})();

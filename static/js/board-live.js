// Live updates: the board listens on a WebSocket for changes anyone makes (create, edit, move,
// comment, delete) and redraws its columns from the server within a moment, keeping the
// filters of the URL. It reconnects by itself, with growing pauses, after a drop.
(function () {
  "use strict";

  const board = document.querySelector("[data-board]");
  if (!board) return;
  const status = document.querySelector("[data-live-status]");
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${window.location.host}/ws/boards/${board.dataset.board}/`;
  let retry = 0;
  let pending = null;

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
    const focused = document.activeElement && document.activeElement.closest("[data-ticket]");
    const focusedTicket = focused && focused.dataset.ticket;
    board.innerHTML = fresh.innerHTML;
    if (focusedTicket) {
      const again = board.querySelector(`[data-ticket="${focusedTicket}"]`);
      if (again) again.focus();
    }
    document.dispatchEvent(new CustomEvent("board:replaced"));
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
    socket.addEventListener("message", schedule);
    socket.addEventListener("close", (event) => {
      setStatus(false);
      delete board.dataset.live;
      if (event.code >= 4400 && event.code < 4500) return; // refused: no access to this board
      retry = Math.min(retry + 1, 6);
      window.setTimeout(connect, 500 * 2 ** retry);
    });
  }

  document.addEventListener("board:changed", schedule);
  connect();
})();

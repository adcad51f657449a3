// Moving tickets on the board: drag and drop (mouse and touch, SortableJS) and the keyboard
// (Space picks a ticket up, arrows move it, Space drops, Escape cancels). Every move is saved
// through the API's move endpoint, i.e. the same domain function as everywhere else; when the
// server refuses (WIP limit, guest, ticket moved meanwhile) the card goes back and the reason
// is shown in words. Admins also drag columns by their header to reorder them.
(function () {
  "use strict";

  const board = document.querySelector("[data-board]");
  if (!board || board.dataset.canWork !== "true") return;
  const announcer = document.querySelector("[data-announcer]");
  const toast = document.querySelector("[data-toast]");
  let toastTimer = null;

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 30);
  }

  function showError(text) {
    toast.textContent = text;
    toast.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => { toast.hidden = true; }, 6000);
    announce(text);
  }

  function referenceOf(item) {
    return item.querySelector(".card__ref").textContent;
  }

  function columnName(list) {
    return list.closest(".column").dataset.name;
  }

  // The position the API expects (an index in the whole column), worked out from the card's
  // neighbours: with filters on, the page may show only some of the column's tickets.
  function targetPosition(item, fromList, oldPosition) {
    const sameColumn = item.parentElement === fromList;
    const prev = item.previousElementSibling && item.previousElementSibling.closest("[data-ticket]");
    const next = item.nextElementSibling && item.nextElementSibling.closest("[data-ticket]");
    if (prev) {
      const p = Number(prev.dataset.position);
      return sameColumn && p > oldPosition ? p : p + 1;
    }
    if (next) {
      const n = Number(next.dataset.position);
      return sameColumn && n > oldPosition ? n - 1 : n;
    }
    return 0;
  }

  function putBack(item, fromList, oldIndex) {
    const items = Array.from(fromList.children).filter((el) => el !== item);
    fromList.insertBefore(item, items[oldIndex] || null);
  }

  async function post(url, body, method) {
    const response = await fetch(url, {
      method: method || "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": board.dataset.csrf },
      body: JSON.stringify(body),
    });
    if (response.ok) return null;
    let message = "The move could not be saved.";
    try {
      const data = await response.json();
      message = data.detail || message;
    } catch (error) { /* not JSON: keep the general message */ }
    if (response.status === 404) message = "This ticket was moved or deleted meanwhile. " + message;
    return message;
  }

  // Save a move already made in the page; on refusal, undo it in the page.
  async function save(item, fromList, oldIndex, oldPosition) {
    const toList = item.parentElement;
    if (toList === fromList && Array.from(fromList.children).indexOf(item) === oldIndex) return;
    const position = targetPosition(item, fromList, oldPosition);
    const reference = referenceOf(item);
    // from_column: where this page showed the ticket. If someone moved it since, the server
    // refuses (409) instead of silently undoing their move; the live redraw then shows the truth.
    const refusal = await post(
      `${board.dataset.ticketsUrl}${item.dataset.ticket}/move/`, // the API's ticket, its move action
      { column: Number(toList.dataset.column), position: position,
        from_column: Number(fromList.dataset.column) },
    );
    if (refusal) {
      putBack(item, fromList, oldIndex);
      showError(`${reference} went back to “${columnName(fromList)}”: ${refusal}`);
    } else {
      announce(`${reference} moved to “${columnName(toList)}”, position ${position + 1}.`);
      offerUndo(item, reference, fromList, toList, oldPosition);
    }
    document.dispatchEvent(new CustomEvent("board:changed"));
  }

  // --- Undo (static/js/undo.js) ----------------------------------------------------------------
  // The move back is a move like any other, to the old column and index: refused (and said so)
  // if someone has moved the ticket on since, or the old column has filled up to its WIP limit.
  function offerUndo(item, reference, fromList, toList, oldPosition) {
    if (!window.csUndo) return;
    const url = `${board.dataset.ticketsUrl}${item.dataset.ticket}/move/`;
    const back = { column: Number(fromList.dataset.column), position: oldPosition,
                   from_column: Number(toList.dataset.column) };
    // Names now: a live redraw may replace these columns before the button is pressed.
    const fromName = columnName(fromList);
    window.csUndo.offer(`${reference} moved to “${columnName(toList)}”.`, async () => {
      const refusal = await post(url, back);
      if (!refusal) announce(`${reference} is back in “${fromName}”, position ${oldPosition + 1}.`);
      document.dispatchEvent(new CustomEvent("board:changed"));
      return refusal;
    });
  }

  // --- Drag and drop ---------------------------------------------------------------------------
  let sortables = [];

  // A card is picked up from the keyboard once this script runs: the attributes that say so are
  // set here, not sent with every card of the page (where, without the script, they would lie).
  function makeMovable() {
    board.querySelectorAll(".column__cards > [data-ticket]").forEach((item) => {
      item.tabIndex = 0;
      item.setAttribute("aria-roledescription", "movable ticket");
      item.setAttribute("aria-describedby", "move-help");
    });
  }

  function setUp() {
    makeMovable();
    sortables.forEach((sortable) => sortable.destroy());
    sortables = [];
    board.querySelectorAll(".column__cards").forEach((list) => {
      sortables.push(Sortable.create(list, {
        group: "tickets",
        draggable: "[data-ticket]",
        filter: ".column__empty",
        animation: 120,
        forceFallback: true, // the same pointer-driven drag for mouse, pen and touch
        fallbackTolerance: 4,
        // A finger picks a card up by resting on it a moment; a swipe scrolls the board.
        delay: 150,
        delayOnTouchOnly: true,
        ghostClass: "card--ghost",
        onStart: () => { document.body.dataset.dragging = "true"; },
        onEnd: (event) => {
          delete document.body.dataset.dragging;
          const oldPosition = Number(event.item.dataset.position);
          save(event.item, event.from, event.oldIndex, oldPosition);
        },
      }));
    });
    if (board.dataset.canManage === "true") {
      sortables.push(Sortable.create(board, {
        draggable: ".column",
        handle: ".column__header",
        animation: 150,
        forceFallback: true,
        onStart: () => { document.body.dataset.dragging = "true"; },
        onEnd: async (event) => {
          delete document.body.dataset.dragging;
          if (event.oldIndex === event.newIndex) return;
          const refusal = await post(
            event.item.dataset.url,
            { position: event.newIndex },
            "PATCH",
          );
          if (refusal) showError(refusal);
          document.dispatchEvent(new CustomEvent("board:changed"));
        },
      }));
    }
  }

  // --- Keyboard --------------------------------------------------------------------------------
  let held = null; // {item, fromList, oldIndex, oldPosition}

  function lists() {
    return Array.from(board.querySelectorAll(".column__cards"));
  }

  function place(item, list, index) {
    const items = Array.from(list.querySelectorAll(":scope > [data-ticket]")).filter((el) => el !== item);
    list.insertBefore(item, items[index] || list.querySelector(":scope > .column__empty") || null);
    item.focus();
  }

  board.addEventListener("keydown", (event) => {
    const item = event.target.closest && event.target.closest("[data-ticket]");
    if (!item || event.target !== item) return;
    const list = item.parentElement;
    const siblings = Array.from(list.querySelectorAll(":scope > [data-ticket]"));
    const index = siblings.indexOf(item);
    // Space picks up and drops; Enter drops too, but on a card at rest it opens it (shortcuts.js).
    if (event.key === " " || (event.key === "Enter" && held)) {
      event.preventDefault();
      if (!held) {
        held = { item, fromList: list, oldIndex: Array.from(list.children).indexOf(item),
                 oldPosition: Number(item.dataset.position) };
        // From the pick-up on: a live redraw now would replace the held card under the keyboard.
        document.body.dataset.dragging = "true";
        item.classList.add("is-held");
        item.setAttribute("aria-grabbed", "true");
        announce(`Picked up ${referenceOf(item)} in “${columnName(list)}”. Arrow keys move it, Space drops it, Escape cancels.`);
      } else {
        const move = held;
        held = null;
        item.classList.remove("is-held");
        item.removeAttribute("aria-grabbed");
        delete document.body.dataset.dragging;
        save(move.item, move.fromList, move.oldIndex, move.oldPosition);
      }
      return;
    }
    if (!held || held.item !== item) return;
    const columns = lists();
    const col = columns.indexOf(list);
    if (event.key === "ArrowUp" && index > 0) place(item, list, index - 1);
    else if (event.key === "ArrowDown" && index < siblings.length - 1) place(item, list, index + 1);
    else if (event.key === "ArrowLeft" && col > 0) place(item, columns[col - 1], index);
    else if (event.key === "ArrowRight" && col < columns.length - 1) place(item, columns[col + 1], index);
    else if (event.key === "Escape") {
      putBack(item, held.fromList, held.oldIndex);
      item.classList.remove("is-held");
      item.removeAttribute("aria-grabbed");
      item.focus();
      held = null;
      delete document.body.dataset.dragging;
      announce("Move cancelled.");
      event.preventDefault();
      return;
    } else return;
    event.preventDefault();
    const now = item.parentElement;
    const position = Array.from(now.querySelectorAll(":scope > [data-ticket]")).indexOf(item);
    announce(`${referenceOf(item)}: “${columnName(now)}”, position ${position + 1}.`);
  });

  // Focus leaving the held card (a click elsewhere, Tab) cancels the move: otherwise the board
  // would stay "dragging" and never redraw.
  board.addEventListener("focusout", () => {
    window.setTimeout(() => {
      if (!held || document.activeElement === held.item) return;
      const move = held;
      held = null;
      putBack(move.item, move.fromList, move.oldIndex);
      move.item.classList.remove("is-held");
      move.item.removeAttribute("aria-grabbed");
      delete document.body.dataset.dragging;
      announce("Move cancelled.");
    }, 0);
  });

  document.addEventListener("board:replaced", setUp);
  setUp();
})();

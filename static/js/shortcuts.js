// Keyboard shortcuts of the board and ticket pages, in the manner of Trello and Linear:
// `/` search, `n` new ticket, `j`/`k` and the arrows between cards, Enter opens, `e` edits,
// `a` assigns to me, `?` lists them. None fires while typing in a field or with Ctrl, Meta or
// Alt held, nor while a card is held for a keyboard move (board-moves.js owns the keys then).
// Everything the script calls comes from the page: the dialog's data-* attributes.
(function () {
  "use strict";

  const dialog = document.querySelector("[data-shortcuts]");
  if (!dialog) return;
  const canWork = dialog.dataset.canWork === "true";
  const onTicket = dialog.dataset.ticket !== undefined;
  const board = document.querySelector("[data-board]");
  const toast = document.querySelector("[data-toast]");
  let toastTimer = null;

  function say(text) {
    if (!toast) return;
    toast.textContent = text;
    toast.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => { toast.hidden = true; }, 6000);
  }

  function typing(target) {
    return Boolean(target.closest && target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])"));
  }

  // --- Cards -----------------------------------------------------------------------------------
  function columns() {
    return board ? Array.from(board.querySelectorAll(".column__cards")) : [];
  }

  function cardsOf(list) {
    return Array.from(list.querySelectorAll(":scope > [data-ticket]"));
  }

  function focusedCard() {
    const active = document.activeElement;
    return active && board && board.contains(active) ? active.closest("[data-ticket]") : null;
  }

  function focusCard(card) {
    if (!card) return false;
    // A guest's cards are not movable (board-moves.js gives them no tabindex): reachable here.
    if (!card.hasAttribute("tabindex")) card.tabIndex = -1;
    card.focus();
    card.scrollIntoView({ block: "nearest", inline: "nearest" });
    return true;
  }

  function firstCard() {
    for (const list of columns()) {
      const cards = cardsOf(list);
      if (cards.length) return cards[0];
    }
    return null;
  }

  // Down/up within the column; left/right to the nearest column that has cards, at about the
  // same height.
  function step(card, key) {
    if (!card) return firstCard();
    const list = card.parentElement;
    const cards = cardsOf(list);
    const index = cards.indexOf(card);
    if (key === "down") return cards[index + 1] || null;
    if (key === "up") return cards[index - 1] || null;
    const all = columns();
    const by = key === "right" ? 1 : -1;
    for (let col = all.indexOf(list) + by; col >= 0 && col < all.length; col += by) {
      const there = cardsOf(all[col]);
      if (there.length) return there[Math.min(index, there.length - 1)];
    }
    return null;
  }

  // Opening a card asks first (a side panel may take it: cancel the `card:open` event), then
  // follows its link as a click would.
  function openCard(card, edit) {
    const link = card.querySelector("a[href]");
    const go = card.dispatchEvent(new CustomEvent("card:open", {
      bubbles: true, cancelable: true, detail: { number: Number(card.dataset.ticket), edit: edit, link: link },
    }));
    if (!go || !link) return;
    if (edit) window.location.assign(`${link.href}#edit`);
    else link.click();
  }

  // --- The ticket page -------------------------------------------------------------------------
  function openEdit() {
    const edit = document.getElementById("edit");
    if (!edit) return false;
    edit.open = true;
    const field = edit.querySelector("input:not([type=hidden]), textarea, select");
    if (field) field.focus();
    edit.scrollIntoView({ block: "start" });
    return true;
  }

  // --- Assign to me ----------------------------------------------------------------------------
  async function call(url, method, body) {
    const response = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": dialog.dataset.csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (error) { /* not JSON */ }
    return { ok: response.ok, data: data };
  }

  function reason(data, fallback) {
    if (!data) return fallback;
    if (data.detail) return data.detail;
    const first = Object.values(data)[0];
    return Array.isArray(first) ? String(first[0]) : fallback;
  }

  async function assignToMe(number, reference) {
    const url = `${dialog.dataset.ticketsUrl}${number}/`;
    const me = dialog.dataset.me;
    const current = await call(url, "GET");
    if (!current.ok) { say(`${reference}: ${reason(current.data, "the ticket could not be read.")}`); return; }
    const assignees = current.data.assignees || [];
    if (assignees.includes(me)) { say(`${reference} is already assigned to you.`); return; }
    // Added to whoever is assigned when the server writes it, not to the list read just now.
    const saved = await call(url, "PATCH", { assignees_add: [me] });
    if (!saved.ok) { say(`${reference} was not assigned to you: ${reason(saved.data, "the change could not be saved.")}`); return; }
    say(`${reference} is assigned to you.`);
    if (onTicket) window.location.reload();
    else document.dispatchEvent(new CustomEvent("board:changed"));
  }

  dialog.querySelector("[data-shortcuts-close]").addEventListener("click", () => dialog.close());

  // --- The keys --------------------------------------------------------------------------------
  const ARROWS = { ArrowDown: "down", ArrowUp: "up", ArrowLeft: "left", ArrowRight: "right", j: "down", k: "up" };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || dialog.open || document.body.dataset.dragging) return;
    const key = event.key;
    const card = focusedCard();
    let done = false;
    if (key === "?") {
      dialog.showModal();
      done = true;
    } else if (key === "/" && !onTicket) {
      const search = document.querySelector("[role=search] input[type=search]");
      if (search) { search.focus(); search.select(); done = true; }
    } else if (key === "n" && canWork && !onTicket) {
      const form = document.querySelector("[data-new-ticket]");
      const quick = document.querySelector(".quick-add__input");
      if (form) { form.click(); done = true; } else if (quick) { quick.focus(); done = true; }
    } else if (ARROWS[key] && !onTicket) {
      // An arrow scrolls the page unless a card has focus or nothing else does.
      if (key.startsWith("Arrow") && !card && document.activeElement !== document.body) return;
      done = focusCard(step(card, ARROWS[key])) || Boolean(card);
    } else if (key === "Enter" && card && event.target === card) {
      openCard(card, false);
      done = true;
    } else if (key === "e" && canWork) {
      if (onTicket) done = openEdit();
      else if (card) { openCard(card, true); done = true; }
    } else if (key === "a" && canWork) {
      if (onTicket) {
        const reference = document.querySelector(".ticket .card__ref");
        assignToMe(dialog.dataset.ticket, reference ? reference.textContent : "This ticket");
        done = true;
      } else if (card) {
        assignToMe(card.dataset.ticket, card.querySelector(".card__ref").textContent);
        done = true;
      }
    }
    if (done) event.preventDefault();
  });

  // `e` on the board opens the ticket's page at #edit: the edit form, open. After the load: the
  // browser's own move to the #edit fragment would take the focus back.
  if (onTicket && window.location.hash === "#edit") {
    window.addEventListener("load", () => window.setTimeout(openEdit, 0));
  }
})();

// The ticket panel and the quick edits on the board.
//
// A click on a card opens its ticket in a side panel over the board instead of leaving it: the
// server draws the panel (the ticket page's template in the panel's layout), its URL is the
// board's with ?ticket=<number> (shared, it opens the board with the panel drawn), the back
// button and Escape close it, and focus goes into it and back to the card. Without this script
// a card's link is the ticket's page. The panel is outside the columns, so a live redraw leaves
// it be; a change to its ticket (socket event, board-live.js) redraws it, keeping what is typed.
// Its forms never leave the board: the sections' post with htmx (ticket-sections.js), archiving
// posts from here, closes the panel and offers an Undo.
//
// Quick edits (status, priority, column, due date, assignees, tags) save one field at once
// through the API's ticket PATCH, from the panel's fields and from a card's menu (one menu for
// the page, filled from the card's data-* attributes). A refusal (a full column's 409, a 400, a
// 403 for access gone) is shown next to the field or in the menu, and the old value comes back.
(function () {
  "use strict";

  const board = document.querySelector("[data-board]");
  const panel = document.querySelector("[data-ticket-panel]");
  if (!board || !panel || !window.htmx) return;
  const menu = document.querySelector("[data-card-menu]");
  const announcer = document.querySelector("[data-announcer]");
  const ticketBase = panel.dataset.ticketBase; // a ticket's page is `${ticketBase}${number}/`
  let openNumber = null; // the ticket the panel shows
  let pushed = false; // the panel's history entry is ours: closing it goes back
  let refreshTimer = null;

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 30);
  }

  function numberInUrl() {
    const value = new URLSearchParams(window.location.search).get("ticket");
    return value && /^\d+$/.test(value) ? value : null;
  }

  function urlWith(number) {
    const params = new URLSearchParams(window.location.search);
    if (number) params.set("ticket", number);
    else params.delete("ticket");
    const query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  function cardItem(number) {
    return board.querySelector(`.column__cards > [data-ticket="${number}"]`);
  }

  // --- Saving one field -----------------------------------------------------------------------
  // The refusal in words, or null once saved.
  async function patch(number, body) {
    let response;
    try {
      response = await fetch(`${board.dataset.ticketsUrl}${number}/`, {
        method: "PATCH",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": board.dataset.csrf },
        body: JSON.stringify(body),
      });
    } catch (error) {
      return "The server could not be reached: nothing was saved.";
    }
    if (response.ok) return null;
    let message = "The change could not be saved.";
    try {
      const data = await response.json();
      const first = data.detail || Object.values(data)[0];
      message = (Array.isArray(first) ? first[0] : first) || message;
    } catch (error) { /* not JSON: keep the general message */ }
    if (response.status === 404) message = "This ticket was deleted or is no longer yours to see.";
    return message;
  }

  function saved(number, text) {
    announce(text);
    document.dispatchEvent(new CustomEvent("board:changed")); // the columns redraw at once
    if (number === openNumber) refreshSoon(0);
  }

  // --- The panel ------------------------------------------------------------------------------
  async function fetchPanel(number) {
    try {
      const response = await fetch(`${ticketBase}${number}/panel/`, { credentials: "same-origin" });
      // Redirected: the session ended, the sign-in page answered.
      if (!response.ok || response.redirected) return { status: response.status, html: null };
      return { status: 200, html: await response.text() };
    } catch (error) {
      return { status: 0, html: null };
    }
  }

  // What a redraw of the open panel keeps: the focus, what is typed, open folds, the scroll.
  function keep() {
    const active = panel.contains(document.activeElement) ? document.activeElement : null;
    return {
      focus: active && active.id ? active.id : null,
      typed: Array.from(panel.querySelectorAll("input[id], textarea[id]"))
        .filter((field) => field.type !== "hidden" && field.type !== "checkbox"
          && field.value !== field.defaultValue)
        .map((field) => [field.id, field.value]),
      folds: Array.from(panel.querySelectorAll("details[id]")).filter((d) => d.open).map((d) => d.id),
      scroll: panel.scrollTop,
      inside: Boolean(active),
    };
  }

  function restore(kept) {
    kept.typed.forEach(([id, value]) => {
      const field = document.getElementById(id);
      if (field && panel.contains(field)) field.value = value;
    });
    kept.folds.forEach((id) => {
      const fold = document.getElementById(id);
      if (fold && panel.contains(fold)) fold.open = true;
    });
    panel.scrollTop = kept.scroll;
    const again = kept.focus && document.getElementById(kept.focus);
    if (again && panel.contains(again)) again.focus({ preventScroll: true });
    else if (kept.inside) panel.focus({ preventScroll: true });
  }

  async function show(number, focus) {
    const got = await fetchPanel(number);
    if (got.html === null) {
      if (got.status === 404 && openNumber === number) {
        close();
        announce("That ticket was deleted meanwhile.");
      } else if (got.status !== 404) {
        window.location.assign(`${ticketBase}${number}/`); // the page says what went wrong
      }
      return;
    }
    const kept = openNumber === number ? keep() : null;
    htmx.swap(panel, got.html, { swapStyle: "innerHTML" });
    openNumber = number;
    panel.hidden = false;
    const reference = panel.querySelector(".ticket-panel__bar .card__ref");
    panel.setAttribute("aria-label", `Ticket ${reference ? reference.textContent : number}`);
    document.body.classList.add("has-ticket-panel");
    if (kept) restore(kept);
    else if (focus) panel.focus();
  }

  function refreshSoon(delay) {
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(() => {
      if (openNumber !== null) show(openNumber, false);
    }, delay);
  }

  function open(number) {
    if (openNumber === null) {
      history.pushState({ ticketPanel: true }, "", urlWith(number));
      pushed = true;
    } else if (openNumber !== number) {
      // One history entry for "a panel is open", whichever ticket: back returns to the board.
      history.replaceState(history.state, "", urlWith(number));
    }
    show(number, true);
  }

  function close(fromHistory) {
    if (openNumber === null) return;
    const number = openNumber;
    openNumber = null;
    window.clearTimeout(refreshTimer);
    panel.hidden = true;
    panel.replaceChildren();
    document.body.classList.remove("has-ticket-panel");
    if (!fromHistory) {
      if (pushed) history.back();
      else history.replaceState(null, "", urlWith(null));
    }
    pushed = false;
    const link = board.querySelector(`[data-ticket="${number}"] .card__link`);
    if (link) link.focus();
  }

  // A click on a card, not a drag (the pointer moved) nor a click that asks for a new tab.
  let pressedAt = null;
  board.addEventListener("pointerdown", (event) => { pressedAt = [event.clientX, event.clientY]; });
  board.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (event.target.closest("button, form, .column__more")) return;
    const item = event.target.closest(".column__cards > [data-ticket]");
    if (!item || !item.querySelector(".card__link")) return;
    if (pressedAt && Math.hypot(event.clientX - pressedAt[0], event.clientY - pressedAt[1]) > 5) return;
    event.preventDefault();
    open(item.dataset.ticket);
  });

  panel.addEventListener("click", (event) => {
    if (event.target.closest("[data-panel-close]")) close(false);
  });

  window.addEventListener("popstate", (event) => {
    const number = numberInUrl();
    if (number === null) close(true);
    else {
      pushed = Boolean(event.state && event.state.ticketPanel);
      if (number !== openNumber) show(number, true);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || openNumber === null) return;
    if (menu && !menu.hidden) return; // the menu's own Escape
    if (document.body.dataset.dragging) return; // a card held: Escape cancels its move
    close(false);
  });

  // A change to the open ticket by anyone (board-live.js passes on the socket's events).
  document.addEventListener("board:event", (event) => {
    const change = event.detail;
    if (openNumber === null) return;
    if (change.kind === "columns" || String(change.ticket) === openNumber) refreshSoon(200);
  });

  // The filters changed under the open panel (live-filters.js pushed their URL): back no longer
  // closes it, so closing it just takes the ticket out of the URL.
  document.addEventListener("board:filtered", () => { pushed = false; });

  if (!panel.hidden) { // drawn with the page: a shared URL
    openNumber = numberInUrl();
    panel.focus();
  }

  // --- The panel's forms ----------------------------------------------------------------------
  // Its sections' forms (checklist, chat and replies, attachments with their upload's progress,
  // the edit form) post with htmx and swap their section for the server's HTML, as on the
  // ticket page (ticket-sections.js). The quick edits save as they change: Enter in one sends
  // no form. Archiving posts from here and closes the panel, offering to undo.
  async function post(url, body) {
    try {
      const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
      return response.ok ? null : "The server refused it.";
    } catch (error) {
      return "The server could not be reached.";
    }
  }

  panel.addEventListener("submit", async (event) => {
    const form = event.target;
    if (form.matches("[data-quick-edit]")) {
      event.preventDefault();
      return;
    }
    if (!form.matches("[data-archive-form]") || event.defaultPrevented) return;
    event.preventDefault();
    const button = form.querySelector("button");
    const reference = panel.querySelector(".ticket-panel__bar .card__ref").textContent;
    const token = new FormData(form);
    button.disabled = true;
    panel.setAttribute("aria-busy", "true");
    const refusal = await post(form.action, new FormData(form));
    panel.removeAttribute("aria-busy");
    button.disabled = false;
    if (refusal) {
      announce(`${reference} was not archived: ${refusal}`);
      return;
    }
    close(false);
    document.dispatchEvent(new CustomEvent("board:changed"));
    if (!window.csUndo) return;
    window.csUndo.offer(`${reference} was archived.`, async () => {
      const undone = await post(form.dataset.restoreUrl, token);
      if (!undone) document.dispatchEvent(new CustomEvent("board:changed"));
      return undone;
    });
  });

  // --- The panel's quick edits ----------------------------------------------------------------
  // A due date as the pages write it ("7 Oct 2026 14:00", or "7 October 2026", the month names
  // from the input's data-months) or ISO, in ISO for the API; undefined when it is neither.
  function isoOf(control) {
    const text = control.value.trim();
    const pad = (number) => String(number).padStart(2, "0");
    const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text);
    const shown = /^(\d{1,2}) ([a-z]+),? (\d{4})(?:,? (\d{1,2}):(\d{2}))?$/i.exec(text);
    let parts;
    if (iso) parts = [iso[1], iso[2], iso[3], iso[4] || 0, iso[5] || 0].map(Number);
    else if (shown) {
      const word = shown[2].toLowerCase();
      const month = control.dataset.months.toLowerCase().split(" ")
        .findIndex((name) => word === name || word === name.slice(0, 3)) + 1;
      parts = [shown[3], month, shown[1], shown[4] || 0, shown[5] || 0].map(Number);
    } else return undefined;
    const [year, month, day, hour, minute] = parts;
    const date = new Date(Date.UTC(year, month - 1, day));
    if (!month || date.getUTCDate() !== day || date.getUTCMonth() !== month - 1 || hour > 23 || minute > 59) {
      return undefined;
    }
    return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
  }

  function valueOf(field, name) {
    if (name === "assignees" || name === "tags") {
      return Array.from(field.querySelectorAll("input:checked"))
        .map((box) => (name === "tags" ? Number(box.value) : box.value));
    }
    const control = field.querySelector("select, input");
    if (name === "column") return Number(control.value);
    if (name === "due_at") return control.value.trim() ? isoOf(control) : null; // empty: back to the SLA's date
    return control.value;
  }

  // One person or tag ticked or unticked: sent as that change alone, so that someone else's
  // change to the same ticket meanwhile is kept (the server applies it to the set as it is then).
  function setChange(name, value, on) {
    return { [`${name}_${on ? "add" : "remove"}`]: [name === "tags" ? Number(value) : value] };
  }

  // The value the server drew (the fields' defaults), back in place.
  function putBack(field) {
    field.querySelectorAll("option").forEach((option) => { option.selected = option.defaultSelected; });
    field.querySelectorAll("input").forEach((input) => {
      if (input.type === "checkbox") input.checked = input.defaultChecked;
      else input.value = input.defaultValue;
    });
  }

  panel.addEventListener("change", async (event) => {
    const field = event.target.closest("[data-quick-field]");
    if (!field || !panel.contains(field)) return;
    const name = field.dataset.quickField;
    const error = field.querySelector(".quick-edit__error");
    const number = openNumber;
    field.setAttribute("aria-busy", "true");
    const box = event.target;
    const many = (name === "assignees" || name === "tags") && box.type === "checkbox";
    const value = many ? null : valueOf(field, name);
    const refusal = value === undefined
      ? `Enter a date as ${box.placeholder}.` // the server's words for it too (tickets/forms.py)
      : await patch(number, many ? setChange(name, box.value, box.checked) : { [name]: value });
    field.removeAttribute("aria-busy");
    if (refusal) {
      putBack(field);
      error.textContent = refusal;
      error.hidden = false;
      field.classList.add("field--error");
      return;
    }
    error.hidden = true;
    field.classList.remove("field--error");
    if (box.type === "text") box.defaultValue = box.value; // saved: the redraw shows the server's words for it
    const label = field.querySelector(".field__label");
    saved(number, `${label ? label.textContent : name} saved.`);
  });

  // --- The card's menu ------------------------------------------------------------------------
  if (!menu) return;
  const menuError = menu.querySelector("[data-menu-error]");
  let menuNumber = null;

  function menuItems() {
    return Array.from(menu.querySelectorAll(".card-menu__item"));
  }

  function menuButton(number) {
    const item = cardItem(number);
    return item && item.querySelector("[data-card-menu-button]");
  }

  // A value a card shows as its badge's modifier class (status--waiting, badge--high).
  function modifier(badge, prefix) {
    const found = badge && Array.from(badge.classList).find((name) => name.startsWith(prefix));
    return found ? found.slice(prefix.length) : null;
  }

  // The card's values as the menu's ticks.
  function fill(item) {
    const chosen = {
      status: [modifier(item.querySelector(".status"), "status--")],
      priority: [modifier(item.querySelector(".priority"), "badge--")],
      assignees: (item.dataset.assignees || "").split(" ").filter(Boolean),
      tags: (item.dataset.tags || "").split(" ").filter(Boolean),
    };
    menuItems().forEach((entry) => {
      if (!entry.hasAttribute("aria-checked")) return;
      const values = chosen[entry.dataset.field] || [];
      entry.setAttribute("aria-checked", String(values.includes(entry.dataset.value)));
    });
  }

  function place(button) {
    const rect = button.getBoundingClientRect();
    menu.style.maxHeight = "";
    const width = menu.offsetWidth;
    const left = Math.max(8, Math.min(rect.right - width, window.innerWidth - width - 8));
    let top = rect.bottom + 4;
    if (top + menu.offsetHeight > window.innerHeight - 8) {
      top = Math.max(8, window.innerHeight - 8 - menu.offsetHeight);
    }
    menu.style.left = `${left}px`;
    menu.style.top = `${top}px`;
    menu.style.maxHeight = `${window.innerHeight - top - 8}px`;
  }

  function focusItem(entry) {
    menuItems().forEach((other) => { other.tabIndex = other === entry ? 0 : -1; });
    entry.focus();
  }

  function openMenu(button) {
    const item = button.closest("[data-ticket]");
    if (menuNumber !== null) closeMenu(false);
    menuNumber = item.dataset.ticket;
    fill(item);
    menuError.hidden = true;
    const reference = item.querySelector(".card__ref").textContent;
    menu.setAttribute("aria-label", `Quick edits for ${reference}`);
    menu.hidden = false;
    place(button);
    button.setAttribute("aria-expanded", "true");
    const first = menuItems().find((entry) => entry.getAttribute("aria-checked") === "true");
    focusItem(first || menuItems()[0]);
  }

  function closeMenu(focusButton) {
    if (menuNumber === null) return;
    const button = menuButton(menuNumber);
    menuNumber = null;
    menu.hidden = true;
    if (button) {
      button.setAttribute("aria-expanded", "false");
      if (focusButton) button.focus();
    }
  }

  // A due date `days` from today, at the end of the working day (or of today, when past it).
  function dueIn(days) {
    const due = new Date();
    due.setDate(due.getDate() + days);
    due.setHours(17, 0, 0, 0);
    if (due < new Date()) due.setHours(23, 59, 0, 0);
    return due.toISOString();
  }

  async function choose(entry) {
    const number = menuNumber;
    const item = cardItem(number);
    const field = entry.dataset.field;
    const group = menuItems().filter((other) => other.dataset.field === field);
    const before = group.map((other) => other.getAttribute("aria-checked"));
    let body;
    if (field === "assignees" || field === "tags") {
      const on = entry.getAttribute("aria-checked") !== "true";
      entry.setAttribute("aria-checked", String(on));
      body = setChange(field, entry.dataset.value, on);
    } else if (field === "due_at") {
      body = { due_at: entry.dataset.value === "none" ? null : dueIn(Number(entry.dataset.value)) };
    } else {
      group.forEach((other) => other.setAttribute("aria-checked", String(other === entry)));
      body = { [field]: entry.dataset.value };
    }
    menuError.hidden = true;
    menu.setAttribute("aria-busy", "true");
    const refusal = await patch(number, body);
    menu.removeAttribute("aria-busy");
    if (refusal) {
      group.forEach((other, index) => {
        if (before[index] !== null) other.setAttribute("aria-checked", before[index]);
      });
      menuError.textContent = refusal;
      menuError.hidden = false;
      return;
    }
    if (item && (field === "assignees" || field === "tags")) { // the menu's ticks until the redraw
      item.dataset[field] = group.filter((other) => other.getAttribute("aria-checked") === "true")
        .map((other) => other.dataset.value).join(" ");
    }
    const reference = item ? item.querySelector(".card__ref").textContent : `#${number}`;
    const label = entry.closest("[role=group]").querySelector(".card-menu__label").textContent;
    saved(number, `${reference}: ${label.toLowerCase()} saved.`);
    // One choice among several closes the menu; ticking people or tags goes on.
    if (entry.getAttribute("role") !== "menuitemcheckbox") closeMenu(true);
  }

  board.addEventListener("click", (event) => {
    const button = event.target.closest("[data-card-menu-button]");
    if (!button) return;
    event.preventDefault();
    if (menuNumber === button.closest("[data-ticket]").dataset.ticket) closeMenu(true);
    else openMenu(button);
  });

  menu.addEventListener("click", (event) => {
    const entry = event.target.closest(".card-menu__item");
    if (entry && menuNumber !== null) choose(entry);
  });

  menu.addEventListener("keydown", (event) => {
    const entries = menuItems();
    const index = entries.indexOf(document.activeElement);
    const moves = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in moves) {
      event.preventDefault();
      focusItem(entries[(index + moves[event.key] + entries.length) % entries.length]);
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      focusItem(entries[event.key === "Home" ? 0 : entries.length - 1]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      closeMenu(true);
    } else if (event.key === "Tab") {
      closeMenu(true);
    }
  });

  document.addEventListener("pointerdown", (event) => {
    if (menuNumber === null || menu.contains(event.target)) return;
    if (event.target.closest("[data-card-menu-button]")) return;
    closeMenu(false);
  });

  // Each full card of a worker's page gets its menu button here: not sent with every card.
  const buttonTemplate = document.querySelector("[data-card-menu-template]");
  function addButtons() {
    board.querySelectorAll(".column__cards > [data-ticket] .card__top").forEach((top) => {
      if (top.querySelector("[data-card-menu-button]")) return;
      const button = buttonTemplate.content.firstElementChild.cloneNode(true);
      const reference = top.querySelector(".card__ref").textContent;
      button.querySelector(".visually-hidden").textContent = `Quick edits for ${reference}`;
      top.append(button);
    });
  }
  addButtons();

  // A live redraw replaced the card under the open menu: its new button says so again.
  document.addEventListener("board:replaced", () => {
    addButtons();
    if (menuNumber === null) return;
    const button = menuButton(menuNumber);
    if (button) button.setAttribute("aria-expanded", "true");
    else closeMenu(false); // the card is gone (moved away by a filter, deleted)
  });
  window.addEventListener("resize", () => { if (menuNumber !== null) closeMenu(false); });
})();
